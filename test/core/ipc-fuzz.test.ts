import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../electron/core';
import { contract, CHANNEL_NAMES, type ChannelName } from '../../shared/ipc/contract';
import { startCoreFixture, type CoreFixture } from '../helpers/core-fixture';
import { expectDefined } from '../helpers/expect-defined';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  maxLength?: number;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  const?: unknown;
};

/** The top-level object schema of a channel's input (unwrapping `optional`). */
function objectSchemaOf(channel: ChannelName): JsonSchema | null {
  const schema = z.toJSONSchema(contract[channel].input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const candidates = schema.anyOf ?? [schema];
  return candidates.find((s) => s.type === 'object' && s.properties) ?? null;
}

/** A value of the wrong JSON type for a property. */
function wrongValueFor(prop: JsonSchema): unknown {
  const types = new Set([prop.type, ...(prop.anyOf ?? []).map((a) => a.type)].flat().filter(Boolean));
  if (prop.enum || prop.const !== undefined) return '__not_a_member__';
  if (types.has('string')) return 12345;
  if (types.has('number') || types.has('integer')) return 'not-a-number';
  if (types.has('boolean')) return 'yes';
  if (types.has('array')) return 'not-an-array';
  if (types.has('object')) return 'not-an-object';
  return Symbol.for('unrepresentable');
}

const HUGE = 'x'.repeat(2_000_000);

/** Malformed inputs that no channel may accept, plus per-field ones derived from its schema. */
function malformedInputs(channel: ChannelName): Array<[string, unknown]> {
  const cases: Array<[string, unknown]> = [
    ['a number', 42],
    ['a string', 'hello'],
    ['an array', [1, 2]],
    ['null', null],
    ['an unknown key with a huge value', { unexpected: HUGE }],
    ['a __proto__ key', JSON.parse('{"__proto__": {"polluted": true}}')],
    ['a constructor.prototype key', JSON.parse('{"constructor": {"prototype": {"polluted": true}}}')],
  ];
  const object = objectSchemaOf(channel);
  for (const [key, prop] of Object.entries(object?.properties ?? {})) {
    const wrong = wrongValueFor(prop);
    if (typeof wrong !== 'symbol') cases.push([`${key} of the wrong type`, { [key]: wrong }]);
    if (prop.type === 'string' && prop.maxLength !== undefined && prop.maxLength < HUGE.length) cases.push([`${key} too long`, { [key]: HUGE }]);
  }
  if ((object?.required ?? []).length > 0) cases.push(['missing required fields', {}]);
  return cases;
}

describe('IPC fuzzing: every channel rejects malformed input with a validation error, no crash, no write', () => {
  let f: CoreFixture;
  let fingerprint: () => Promise<string>;

  beforeAll(async () => {
    f = await startCoreFixture({ secrets: new MemorySecretStore() });
    fingerprint = async () =>
      JSON.stringify(
        await Promise.all([
          f.call('session:get', undefined),
          f.call('settings:get-llm', undefined),
          f.call('sequences:list', {}),
          f.call('leads:list', {}),
          f.call('replies:list', {}),
          f.call('templates:list', undefined),
          f.call('profiles:list', undefined),
          f.call('jobs:list', undefined),
          f.call('usage:summary', { groupBy: 'day' }),
        ]),
      );
  });
  afterAll(() => f.close());

  it('covers every channel of the contract', () => {
    expect(CHANNEL_NAMES.length).toBeGreaterThan(40);
  });

  it.each(CHANNEL_NAMES)('%s', async (channel) => {
    const before = await fingerprint();
    const callsBefore = f.fakes.openai.calls.length + f.fakes.anthropic.calls.length + f.fakes.gemini.calls.length;
    for (const [name, input] of malformedInputs(channel)) {
      const result = await f.raw(channel, input);
      expect(result.ok, `${channel} accepted ${name}`).toBe(false);
      expect(expectDefined(result.error).code, `${channel} / ${name}: ${expectDefined(result.error).message}`).toBe('validation');
      expect(expectDefined(result.error).message.length).toBeLessThan(500);
    }
    expect(await fingerprint()).toBe(before);
    expect(f.fakes.openai.calls.length + f.fakes.anthropic.calls.length + f.fakes.gemini.calls.length).toBe(callsBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
