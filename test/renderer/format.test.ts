import { describe, expect, it } from 'vitest';
import { formatUsdAxis } from '../../renderer/src/lib/format';

describe('formatUsdAxis', () => {
  it('gives ticks a fraction of a cent apart distinct labels', () => {
    const step = 0.00002;
    const labels = [0, 0.00002, 0.00004, 0.00006, 0.00008, 0.0001, 0.00012].map((v) => formatUsdAxis(v, step));
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels[1]).toMatch(/0\.00002/);
  });

  it('keeps two decimals for steps of a cent or more', () => {
    expect(formatUsdAxis(50, 10)).toMatch(/50\.00/);
    expect(formatUsdAxis(0.05, 0.01)).toMatch(/0\.05$/);
    expect(formatUsdAxis(0, 0)).toMatch(/0\.00/);
  });
});
