import { LLM_PROVIDER_NAMES, type LLMProviderName } from '../../../shared/domain/llm';
import { CONNECTION_TEST_TIMEOUT_SECONDS, type LLMSettingsPatch } from '../../../shared/domain/org';
import type { LLMSettingsView } from '../../../shared/ipc/settings';
import { AppError } from '../errors';
import { getCatalog, PRICE_TABLE, PROVIDERS } from '../llm';
import type { ServiceDeps } from './context';
import type { KeyService } from './keys';
import type { LLMAccess } from './llm-access';
import type { SessionService } from './session';

const TEST_SYSTEM_PROMPT = 'You are a helpful assistant. Be concise.';
const TEST_DEADLINE_MS = CONNECTION_TEST_TIMEOUT_SECONDS * 1000;

/** The organization's LLM settings and keys (`settings:get-llm`, `settings:update-llm`), the catalog, and the connection test. */
export function createSettingsService(deps: ServiceDeps, session: SessionService, keys: KeyService, llm: LLMAccess) {
  async function getLLM(): Promise<LLMSettingsView> {
    const { org } = session.current();
    const status = await keys.status(org.id);
    const hasCustomApiKey: Partial<Record<LLMProviderName, boolean>> = {};
    for (const s of status) hasCustomApiKey[s.provider] = s.source === 'keychain' || s.source === 'session';
    return { provider: org.provider, settings: org.settings, hasCustomApiKey, keys: status, canEdit: session.canManage() };
  }

  return {
    getLLM,

    async updateLLM(input: {
      provider?: LLMProviderName;
      apiKeys?: Partial<Record<LLMProviderName, string>>;
      sessionOnly?: boolean;
      settings?: LLMSettingsPatch;
    }): Promise<LLMSettingsView> {
      const { org } = session.requireManager('change LLM settings or keys');
      for (const [provider, key] of Object.entries(input.apiKeys ?? {}) as Array<[LLMProviderName, string]>) {
        await keys.set(org.id, provider, key, input.sessionOnly ?? false);
      }
      if (input.provider !== undefined || input.settings !== undefined) {
        const settings = input.settings ? { ...org.settings, ...input.settings } : undefined;
        if (settings?.fallbackOrder && new Set(settings.fallbackOrder).size !== settings.fallbackOrder.length) {
          throw new AppError('validation', 'The fallback order lists a provider twice.', { field: 'settings.fallbackOrder' });
        }
        deps.store.forOrg(org.id).org.update({ provider: input.provider, settings });
      }
      // Saving reads the keychain afresh (a key set by another program shows up) and rebuilds clients.
      llm.forget();
      return getLLM();
    },

    providers() {
      return LLM_PROVIDER_NAMES.map((name) => {
        const { displayName, defaultBaseUrl, defaultModel, envVar, keyRequired } = PROVIDERS[name];
        return { name, displayName, defaultBaseUrl, defaultModel, envVar, keyRequired };
      });
    },

    async models(provider: LLMProviderName, refresh: boolean) {
      if (!refresh) return { models: getCatalog(provider), priceTable: PRICE_TABLE, live: false };
      const s = session.current();
      const target = await llm.getLLMProviderForOrg(s, { provider }, { deadlineMs: TEST_DEADLINE_MS });
      try {
        return { models: await target.client.listModels(), priceTable: PRICE_TABLE, live: true };
      } catch (error) {
        llm.failed(s, provider, error);
        throw error;
      }
    },

    /** A short connection test: one attempt, a 15 s deadline (or the provider's own timeout), recorded like any call. */
    async test(input: { provider?: LLMProviderName; model?: string; prompt?: string }) {
      const response = await llm.call(
        'test',
        input,
        (target) =>
          target.client.chat(
            [
              { role: 'system', content: TEST_SYSTEM_PROMPT },
              { role: 'user', content: input.prompt ?? 'Say hello in one sentence.' },
            ],
            { model: target.model, maxTokens: 200 },
          ),
        { deadlineMs: TEST_DEADLINE_MS, retry: false },
      );
      const { org } = session.current();
      return {
        success: true as const,
        provider: input.provider ?? org.provider,
        model: response.model,
        response: response.content,
        finishReason: response.finishReason,
        usage: response.usage,
        cost: response.cost,
        latencyMs: response.latencyMs,
      };
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
