/**
 * The "ends in …abcd" hint: a few characters of a real key, and never enough of a short one to
 * give it away (never more than half).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../electron/core/secrets';
import { describeKeyTail } from '../../electron/core/services/keys';
import { startCoreFixture, type CoreFixture } from '../helpers/core-fixture';

describe('key hints', () => {
  let f: CoreFixture;
  beforeAll(async () => {
    f = await startCoreFixture({ secrets: new MemorySecretStore() });
  });
  afterAll(() => f.close());

  it('shows at most four characters of a key, and never more than half of it', () => {
    for (let length = 1; length <= 64; length++) {
      const key = `${'k'.repeat(length - 1)}Z`;
      const tail = describeKeyTail(key);
      if (tail === null) continue;
      expect(tail.length, `key of ${length}`).toBeLessThanOrEqual(4);
      expect(tail.length * 2, `key of ${length}`).toBeLessThanOrEqual(length);
      expect(key.endsWith(tail)).toBe(true);
    }
    expect(describeKeyTail('sk-proj-0123456789abcdefWXYZ')).toBe('WXYZ');
  });

  it('a 4-character key is not shown whole in settings:get-llm (what "keys status" prints)', async () => {
    const view = await f.call('settings:update-llm', { apiKeys: { groq: 'abcd', openai: 'abcdefgh', anthropic: 'sk-ant-0123456789abcdefWXYZ' } });
    const byProvider = Object.fromEntries(view.keys.map((k) => [k.provider, k.last4]));
    expect((byProvider.groq ?? '').length).toBeLessThanOrEqual(2);
    expect(byProvider.groq).not.toBe('abcd');
    expect((byProvider.openai ?? '').length).toBeLessThanOrEqual(4);
    expect('abcdefgh'.endsWith(byProvider.openai ?? '')).toBe(true);
    expect(byProvider.anthropic).toBe('WXYZ');
  });
});
