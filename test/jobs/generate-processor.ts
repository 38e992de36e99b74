import { randomUUID } from 'node:crypto';
import type { LLMProviderName } from '../../shared/domain/llm';
import type { SequenceOptions } from '../../shared/domain/sequence';
import { AppError } from '../../electron/core/errors';
import type { ProcessItem } from '../../electron/core/jobs';
import { LLMError, type LLMProvider } from '../../electron/core/llm';
import type { Store } from '../../electron/core/storage';

/** Shared by the runner tests and the batch benchmark; no test-framework imports. */

export const BUSINESS = { companyName: 'Acme', valueProposition: 'Invoices paid in half the time', senderName: 'Bo', cta: 'Book a demo' };
export const OPTIONS: SequenceOptions = { numberOfSteps: 2, channels: ['email'], includeSubjects: true };
export const TEST_KEY = 'test-key-0123456789abcdef';

/** Where a generate processor reads leads from and writes results to. */
export interface GenerateTarget {
  store: Store;
  orgId: string;
}

function recordUsage(store: Store, orgId: string, provider: LLMProviderName, outcome: { model: string; tokens: { inputTokens: number; outputTokens: number; cachedInputTokens: number }; costUsd: number; errorCode: AppError['code'] | null }): void {
  store.usage.record({
    id: randomUUID(),
    orgId,
    userId: null,
    operation: 'sequence',
    provider,
    model: outcome.model,
    ...outcome.tokens,
    costUsd: outcome.costUsd,
    priceTable: null,
    latencyMs: 1,
    outcome: outcome.errorCode ? 'error' : 'ok',
    errorCode: outcome.errorCode,
    requestId: null,
    createdAt: new Date().toISOString(),
  });
}

/**
 * What the services layer does for a generate item: one real provider call, a usage row the
 * moment an answer (or a vendor error) arrives, and the sequence saved with the item's "done".
 */
export function createGenerateProcessor(
  target: GenerateTarget,
  clients: Partial<Record<LLMProviderName, LLMProvider>>,
  hooks: { beforeCall?: (leadName: string) => Promise<void> | void; beforeCommit?: (leadName: string) => Promise<void> | void } = {},
): ProcessItem {
  const { store, orgId } = target;
  return async (item, context) => {
    const stored = store.leads.get(String(item.input.leadId));
    if (!stored) throw new AppError('not_found', 'The lead was deleted.');
    const { id: _id, orgId: _org, createdAt: _created, ...lead } = stored;
    const provider = context.provider!;
    const client = clients[provider];
    if (!client) throw new AppError('internal', `no client for ${provider}`);
    await hooks.beforeCall?.(lead.firstName!);
    let result;
    try {
      result = await client.generateSequence(lead, BUSINESS, OPTIONS, { signal: context.signal, onRateLimit: context.onRateLimit });
    } catch (error) {
      // A vendor error is a call that was answered; no answer (offline, aborted) is not billed.
      if (error instanceof LLMError && error.code !== 'offline' && error.code !== 'aborted') {
        recordUsage(store, orgId, provider, {
          model: error.model ?? 'unknown',
          tokens: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, ...error.usage },
          costUsd: 0,
          errorCode: error.code,
        });
      }
      throw error;
    }
    recordUsage(store, orgId, provider, { model: result.model, tokens: result.usage, costUsd: result.cost.usd, errorCode: null });
    await hooks.beforeCommit?.(lead.firstName!);
    const sequence = store.jobs.completeWithSequence(item.id, orgId, {
      title: lead.firstName!,
      status: 'draft',
      steps: result.steps,
      leadId: stored.id,
      provider: result.provider,
      model: result.model,
      usage: result.usage,
      costUsd: result.cost.usd,
      options: OPTIONS,
    });
    return { resultId: sequence.id, tokens: result.usage.inputTokens + result.usage.outputTokens };
  };
}

