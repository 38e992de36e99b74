/**
 * Providers and channels each come from one registry: `PROVIDERS` (electron/core/llm/registry.ts,
 * with the names and display names in shared/domain/llm.ts) and `CHANNEL_SPECS`
 * (shared/domain/sequence.ts). This file enumerates both and checks every entry everywhere it has to
 * be, so a provider or a channel cannot be half-registered. A new entry needs no change here: the
 * loops pick it up (see "Adding a channel or a provider" in electron/core/llm/README.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../electron/core';
import { DEFAULT_PROVIDER_LIMITS } from '../../electron/core/jobs';
import { computeCost, findModel, getLLMProvider, LLMError, MODEL_CATALOG, PROVIDERS, validateSequence } from '../../electron/core/llm';
import { createLLMError } from '../../electron/core/llm/errors';
import { openStore } from '../../electron/core/storage';
import { CHANNEL_LABELS, CHANNELS as UI_CHANNELS, PROVIDER_LABELS } from '../../renderer/src/lib/labels';
import { LLM_PROVIDER_NAMES, llmProviderNameSchema, PROVIDER_DISPLAY_NAMES, type LLMProviderName } from '../../shared/domain/llm';
import { llmSettingsPatchSchema } from '../../shared/domain/org';
import { CHANNEL_SPECS, CHANNELS, channelSchema, channelsTakeSubjects, type Channel, type SequenceOptions } from '../../shared/domain/sequence';
import { FAKE_KIND_OF, startFakeProviders, type FakeProviderSet } from '../fakes/fake-provider';
import { startCoreFixture } from '../helpers/core-fixture';
import { tempDir } from '../storage/temp-dir';
import { expectDefined } from '../helpers/expect-defined';

const KEY = 'registry-test-key-0123456789';
const sorted = (values: Iterable<string>) => [...values].sort();

/** The key a provider gets in these tests: none for a provider that needs none. */
function keyFor(name: LLMProviderName): string | undefined {
  return PROVIDERS[name].keyRequired ? KEY : undefined;
}

describe('the provider registry', () => {
  let fakes: FakeProviderSet;
  beforeAll(async () => {
    fakes = await startFakeProviders();
  });
  afterAll(() => fakes.close());

  it('has one entry per provider name, and each name once', () => {
    expect(new Set(LLM_PROVIDER_NAMES).size).toBe(LLM_PROVIDER_NAMES.length);
    expect(sorted(Object.keys(PROVIDERS))).toEqual(sorted(LLM_PROVIDER_NAMES));
    expect(sorted(Object.keys(PROVIDER_DISPLAY_NAMES))).toEqual(sorted(LLM_PROVIDER_NAMES));
    for (const name of LLM_PROVIDER_NAMES) {
      // The team hub stores provider names in a column of at most 40 characters.
      expect(name).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
      expect(llmProviderNameSchema.safeParse(name).success).toBe(true);
    }
  });

  it('gives each provider one display name, used by the core, the screens and the error messages', () => {
    const names = LLM_PROVIDER_NAMES.map((name) => PROVIDER_DISPLAY_NAMES[name]);
    expect(new Set(names).size, 'display names are distinct').toBe(names.length);
    for (const name of LLM_PROVIDER_NAMES) {
      const label = PROVIDER_DISPLAY_NAMES[name];
      expect(label.trim(), name).not.toBe('');
      expect(PROVIDERS[name].displayName).toBe(label);
      expect(PROVIDER_LABELS[name]).toBe(label);
      expect(createLLMError('rate_limited', name).message).toContain(label);
      expect(createLLMError('no_key', name).message).toContain(label);
    }
  });

  it('gives each provider a base URL, a key rule, and starting rate limits the scheduler uses', () => {
    const envVars = LLM_PROVIDER_NAMES.flatMap((name) => (PROVIDERS[name].envVar ? [PROVIDERS[name].envVar] : []));
    expect(new Set(envVars).size, 'environment variables are distinct').toBe(envVars.length);
    for (const name of LLM_PROVIDER_NAMES) {
      const spec = PROVIDERS[name];
      expect(spec.defaultBaseUrl, name).not.toBeNull();
      expect(['http:', 'https:']).toContain(new URL(expectDefined(spec.defaultBaseUrl)).protocol);
      expect(expectDefined(spec.defaultBaseUrl).endsWith('/'), `${name}: no trailing slash`).toBe(false);
      // A provider that needs a key can take it from the environment; one that needs none has no variable.
      expect(spec.envVar === null, name).toBe(!spec.keyRequired);
      if (spec.envVar) expect(spec.envVar).toMatch(/^[A-Z][A-Z0-9_]*_API_KEY$/);
      expect(spec.rateLimits.requestsPerMinute, name).toBeGreaterThan(0);
      if (spec.rateLimits.tokensPerMinute !== null) expect(spec.rateLimits.tokensPerMinute).toBeGreaterThan(0);
      expect(DEFAULT_PROVIDER_LIMITS[name]).toEqual(spec.rateLimits);
    }
  });

  it('prices each provider: its default model is in the catalog, and every catalog row names its provider', () => {
    for (const name of LLM_PROVIDER_NAMES) {
      const rows = MODEL_CATALOG[name];
      expect(rows.length, name).toBeGreaterThan(0);
      for (const row of rows) expect(row.provider).toBe(name);
      const model = findModel(name, PROVIDERS[name].defaultModel);
      expect(model, `${name}: default model ${PROVIDERS[name].defaultModel} is in the catalog`).toBeDefined();
      expect(expectDefined(model).inputPerMTok, name).not.toBeNull();
      expect(expectDefined(model).outputPerMTok, name).not.toBeNull();
      expect(computeCost(name, PROVIDERS[name].defaultModel, { inputTokens: 1000, outputTokens: 1000, cachedInputTokens: 0 }).priceTable, name).not.toBeNull();
    }
  });

  it('takes per-provider settings for each provider (model, base URL, timeout, fallback order)', () => {
    for (const name of LLM_PROVIDER_NAMES) {
      const patch = { models: { [name]: 'some-model' }, baseUrls: { [name]: 'http://127.0.0.1:9/v1' }, timeouts: { [name]: 30 }, fallbackOrder: [name] };
      const parsed = llmSettingsPatchSchema.safeParse(patch);
      expect(parsed.success, `${name}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('builds each provider from its registry entry and drives it through its real SDK against its fake vendor', async () => {
    for (const name of LLM_PROVIDER_NAMES) {
      expect(FAKE_KIND_OF[name], `${name} has a fake vendor`).toBeDefined();
      const provider = getLLMProvider(name, { apiKey: keyFor(name), baseURL: fakes.baseURLFor(name), retry: false });
      expect(provider.name).toBe(name);
      const chat = await provider.chat([{ role: 'user', content: 'Say hello.' }]);
      expect(chat.content, name).not.toBe('');
      expect(chat.usage.inputTokens, name).toBeGreaterThan(0);
      let streamed = '';
      let finished = 0;
      for await (const part of provider.stream([{ role: 'user', content: 'Say hello.' }])) {
        if (part.type === 'text-delta') streamed += part.text;
        else finished++;
      }
      expect(streamed, name).not.toBe('');
      expect(finished, name).toBe(1);
      const models = await provider.listModels();
      expect(
        models.some((m) => !m.unknownToCatalog),
        name,
      ).toBe(true);
      // A sequence over every registered channel, validated by the core.
      const options: SequenceOptions = { numberOfSteps: CHANNELS.length, channels: [...CHANNELS], includeSubjects: true };
      const sequence = await provider.generateSequence(
        { firstName: 'Ana', company: 'Zeta' },
        { companyName: 'Acme', valueProposition: 'Faster invoices', senderName: 'Bo' },
        options,
      );
      expect(
        sequence.steps.map((s) => s.channel),
        name,
      ).toEqual(CHANNELS);
      // The adapter speaks for its own provider: a refused key names this provider and its setting.
      fakes.forProvider(name).script({ status: 401, body: { error: { type: 'authentication_error', message: 'invalid key' } } });
      const refused: unknown = await provider.chat([{ role: 'user', content: 'Say hello.' }]).catch((e: unknown) => e);
      expect(refused, name).toBeInstanceOf(LLMError);
      expect((refused as LLMError).code, name).toBe('auth');
      expect((refused as LLMError).provider, name).toBe(name);
      expect((refused as LLMError).message.toLowerCase(), name).toContain(PROVIDER_DISPLAY_NAMES[name].toLowerCase());
    }
  });

  it('refuses a provider that needs a key when it has none, naming the fix', () => {
    for (const name of LLM_PROVIDER_NAMES) {
      const build = () => getLLMProvider(name, { baseURL: fakes.baseURLFor(name) });
      if (!PROVIDERS[name].keyRequired) {
        expect(build).not.toThrow();
        continue;
      }
      let error: unknown;
      try {
        build();
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(LLMError);
      expect((error as LLMError).code).toBe('no_key');
      expect((error as LLMError).message).toContain(expectDefined(PROVIDERS[name].envVar));
    }
  });

  it('lists every provider where the app and the CLI offer a choice: llm:providers and the key status', async () => {
    const f = await startCoreFixture({ secrets: new MemorySecretStore() });
    try {
      const listed = await f.call('llm:providers', undefined);
      expect(listed.map((p) => p.name)).toEqual([...LLM_PROVIDER_NAMES]);
      for (const p of listed) {
        const { displayName, defaultBaseUrl, defaultModel, envVar, keyRequired } = PROVIDERS[p.name];
        expect(p).toEqual({ name: p.name, displayName, defaultBaseUrl, defaultModel, envVar, keyRequired });
      }
      const view = await f.call('settings:get-llm', undefined);
      expect(sorted(view.keys.map((k) => k.provider))).toEqual(sorted(LLM_PROVIDER_NAMES));
    } finally {
      await f.close();
    }
  });
});

describe('the channel registry', () => {
  it('has one entry per channel, each with a distinct label the screens use', () => {
    expect(sorted(Object.keys(CHANNEL_SPECS))).toEqual(sorted(channelSchema.options));
    expect(CHANNELS).toEqual(channelSchema.options);
    expect(UI_CHANNELS).toEqual(CHANNELS);
    const labels = CHANNELS.map((c) => CHANNEL_SPECS[c].label);
    expect(new Set(labels).size).toBe(labels.length);
    for (const c of CHANNELS) {
      expect(c).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(CHANNEL_SPECS[c].label.trim()).not.toBe('');
      expect(CHANNEL_LABELS[c]).toBe(CHANNEL_SPECS[c].label);
    }
  });

  it('validates a step on each channel: a subject where the channel has one, none where it has not', () => {
    for (const c of CHANNELS) {
      const options: SequenceOptions = { numberOfSteps: 1, channels: [c], includeSubjects: true };
      const answer = { steps: [{ step: 1, delay_days: 0, channel: c, subject: 'Hello {{firstName}}', body: 'Hi {{firstName}}, a note.' }] };
      const result = validateSequence(answer, options);
      expect(result.ok, c).toBe(true);
      if (!result.ok) continue;
      expect(expectDefined(result.value[0]).subject, c).toBe(CHANNEL_SPECS[c].hasSubject ? 'Hello {{firstName}}' : undefined);
      expect(channelsTakeSubjects([c])).toBe(CHANNEL_SPECS[c].hasSubject);
      if (CHANNEL_SPECS[c].hasSubject) {
        const missing = validateSequence({ steps: [{ ...answer.steps[0], subject: null }] }, options);
        expect(missing.ok, `${c} without its subject`).toBe(false);
      }
    }
  });

  it('stores a sequence with a step on every channel in the database and reads it back', () => {
    const store = openStore({ dataDir: tempDir() });
    try {
      const { org } = store.orgs.ensureFirstRun({ orgName: 'Acme', ownerName: 'Olivia' });
      const steps = CHANNELS.map((channel: Channel, i) => ({
        step: i + 1,
        delay_days: i,
        channel,
        ...(CHANNEL_SPECS[channel].hasSubject ? { subject: `Subject ${i + 1}` } : {}),
        body: `Body ${i + 1}`,
      }));
      const sequences = store.forOrg(org.id).sequences;
      const saved = sequences.save({ title: 'Every channel', status: 'draft', steps });
      expect(sequences.get(saved.id)?.steps).toEqual(steps);
    } finally {
      store.close();
    }
  });
});
