import { describe, expect, it } from 'vitest';
import { LEAD_LIMITS, leadContextSchema } from '../../shared/domain/lead';
import { parseLeadCsv } from '../../electron/core/csv';
import { expectDefined } from '../helpers/expect-defined';

describe('custom fields are capped at import, and the capped rows reported (issue 10, point 12)', () => {
  it('a 10,000-column CSV keeps the first 50 custom fields of each row and names the rows it cut', async () => {
    const headers = ['Email', ...Array.from({ length: 9_999 }, (_, i) => `Col${i + 1}`)];
    const row = (n: number) => [`lead${n}@example.com`, ...Array.from({ length: 9_999 }, (_, i) => `v${i}`)].join(',');
    const csv = `${[headers.join(','), row(1), row(2), `few@example.com${',x'.repeat(3)}${','.repeat(9_996)}`].join('\n')}\n`;
    const parsed = await parseLeadCsv(csv, { Email: 'email' });
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toHaveLength(3);
    for (const { lead } of parsed.rows) expect(leadContextSchema.safeParse(lead).success).toBe(true);
    expect(Object.keys(expectDefined(expectDefined(parsed.rows[0]).lead.customFields))).toEqual(headers.slice(1, 51));
    expect(parsed.capped.map((c) => c.row)).toEqual([2, 3]);
    expect(expectDefined(parsed.capped[0]).message).toMatch(/^Row 2: kept 50 of 9,999 custom fields/);
    expect(parsed.warnings).toEqual([expect.stringMatching(/^2 rows had more custom data than a lead keeps/)]);
    // Row 4 has three custom values: nothing to cut.
    expect(expectDefined(parsed.rows[2]).lead.customFields).toEqual({ Col1: 'x', Col2: 'x', Col3: 'x' });
  });

  it('keeps custom fields within the total size, skipping one that would overflow it', async () => {
    const big = 'y'.repeat(LEAD_LIMITS.customValueChars);
    const csv = `Email,A,B,C,D\nann@example.com,${big},${big},${big},short\n`;
    const parsed = await parseLeadCsv(csv, { Email: 'email' });
    expect(Object.keys(expectDefined(expectDefined(parsed.rows[0]).lead.customFields))).toEqual(['A', 'D']);
    expect(expectDefined(parsed.capped[0]).message).toMatch(/kept 2 of 4 custom fields .*left out "B", "C"/);
  });
});
