import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { LLMProviderName, TokenUsage, Cost } from '../../../shared/domain/llm';
import type { Operation } from '../../../shared/domain/usage';
import { AppError } from '../errors';
import { computeCost, createProviderClientPool, LLMError, PROVIDERS, type LLMProvider, type ProviderClientOptions } from '../llm';
import { orgMonthSpend } from '../team/budget';
import type { ServiceDeps } from './context';
import type { KeyService } from './keys';
import type { Session, SessionService } from './session';

/** The provider client an organization's call goes to, with the model it asks for. */
export interface ResolvedProvider {
  name: LLMProviderName;
  model: string;
  client: LLMProvider;
}

/** What a successful call reports, whatever the operation. */
interface Metered {
  usage: TokenUsage;
  cost: Cost;
  model: string;
  latencyMs: number;
  requestId?: string | null;
}

const ZERO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };

/**
 * The way every model call leaves the core: the org's provider, settings and key
 * (`getLLMProviderForOrg`), a budget check before the call, and exactly one usage row after it,
 * success or failure.
 *
 * SDK clients are reused per provider, key, base URL and timeout (`createProviderClientPool`). They
 * are dropped when a key is written or removed, when settings are saved (`forget`), and, for one
 * provider, when it refuses its key (401) or has none: that also makes the next call read the
 * keychain again, which is how a key changed by another program is picked up.
 */
export function createLLMAccess(deps: ServiceDeps, session: SessionService, keys: KeyService) {
  const clients = createProviderClientPool();
  // Any key written or removed (here, by a team sync, by the CLI's commands in this process).
  deps.secrets.onChange(() => clients.drop());

  /** After a refused or missing key: the next call reads the keychain again and builds a new client. */
  function forgetRefusedKey(s: Session, name: LLMProviderName, error: unknown): void {
    if (error instanceof LLMError && (error.code === 'auth' || error.code === 'no_key')) {
      keys.forget(s.org.id, name);
      clients.drop(name);
    }
  }

  function monthOf(date: Date): string {
    return date.toISOString().slice(0, 7);
  }

  function checkBudget(s: Session): void {
    const budget = s.org.settings.monthlyBudgetUsd;
    if (budget === null) return;
    const spent = orgMonthSpend(deps.store, s.org.id, monthOf(deps.now()));
    if (spent >= budget) {
      throw new AppError(
        'budget_exceeded',
        (w) =>
          `This month's budget of $${budget.toFixed(2)} is spent ($${spent.toFixed(2)} so far). An owner or admin can raise it ${w.where({ action: 'raise-budget' })}.`,
      );
    }
  }

  async function getLLMProviderForOrg(
    s: Session,
    choice: { provider?: LLMProviderName; model?: string } = {},
    client: Pick<ProviderClientOptions, 'deadlineMs' | 'retry'> = {},
  ): Promise<ResolvedProvider> {
    const name = choice.provider ?? s.org.provider;
    const settings = s.org.settings;
    const model = choice.model ?? settings.models[name] ?? PROVIDERS[name].defaultModel;
    // The provider's own timeout, when the org set one, wins over the caller's default (the
    // connection test's 15 s): it is the setting timeout messages tell the user to raise.
    const timeoutSeconds = settings.timeouts[name];
    const apiKey = await keys.resolve(s.org.id, name);
    let instance: LLMProvider;
    try {
      instance = clients.get(name, {
        apiKey,
        baseURL: settings.baseUrls[name] ?? PROVIDERS[name].defaultBaseUrl ?? undefined,
        defaultModel: model,
        temperature: settings.temperature,
        maxTokens: settings.maxTokens,
        ...client,
        ...(timeoutSeconds === undefined ? {} : { deadlineMs: timeoutSeconds * 1000 }),
      });
    } catch (error) {
      forgetRefusedKey(s, name, error);
      throw error;
    }
    return { name, model, client: instance };
  }

  /** The call as the ledger first sees it: written down before it is made (see `call`). */
  interface CallRecord {
    id: string;
    userId: string;
    operation: Operation;
    provider: LLMProviderName;
    createdAt: string;
  }

  /** Completes the call's pending row with its usage row (one transaction), then logs it. */
  function record(s: Session, base: CallRecord, target: ResolvedProvider, outcome: { ok: Metered } | { error: LLMError; latencyMs: number }): void {
    const usage = deps.store.forOrg(s.org.id).usage;
    const { operation } = base;
    if ('ok' in outcome) {
      const r = outcome.ok;
      usage.complete({
        ...base,
        model: r.model,
        inputTokens: r.usage.inputTokens,
        outputTokens: r.usage.outputTokens,
        cachedInputTokens: r.usage.cachedInputTokens,
        costUsd: r.cost.usd,
        priceTable: r.cost.priceTable,
        latencyMs: r.latencyMs,
        outcome: 'ok',
        errorCode: null,
        requestId: r.requestId ?? null,
      });
      deps.logger.info('model call', {
        operation,
        provider: target.name,
        model: r.model,
        latencyMs: Math.round(r.latencyMs),
        tokens: r.usage,
        requestId: r.requestId ?? null,
      });
      return;
    }
    const { error } = outcome;
    const tokens = error.usage ?? ZERO_USAGE;
    const model = error.model ?? target.model;
    const cost = computeCost(target.name, model, tokens);
    usage.complete({
      ...base,
      model,
      inputTokens: tokens.inputTokens,
      outputTokens: tokens.outputTokens,
      cachedInputTokens: tokens.cachedInputTokens,
      costUsd: cost.usd,
      priceTable: cost.priceTable,
      latencyMs: outcome.latencyMs,
      outcome: 'error',
      errorCode: error.code,
      requestId: error.requestId ?? null,
    });
    deps.logger.warn('model call failed', {
      operation,
      provider: target.name,
      model: target.model,
      code: error.code,
      message: error.message,
      requestId: error.requestId ?? null,
      rawText: error.rawText?.slice(0, 2000),
    });
  }

  return {
    getLLMProviderForOrg,

    /** Reports a failed call made outside `call` (listing models), so a refused key is read again. */
    failed(s: Session, name: LLMProviderName, error: unknown): void {
      forgetRefusedKey(s, name, error);
    },

    /** Drops every SDK client and cached keychain read: settings were saved. */
    forget(): void {
      clients.drop();
      keys.forget();
    },

    /**
     * Runs one model call for the current profile: refuses it when the month's budget is spent,
     * then records one usage row whatever happens. A call that never reached a provider
     * (no key) records nothing.
     *
     * The call is written down (a pending row) before it is made, and makes no call when that
     * write fails (a full disk, a read-only file): the user gets the storage error. Its usage row
     * replaces the pending one after it. If that second write fails, or the process dies during
     * the call, the pending row stays, and the next start puts it in the ledger as a failed call
     * of unknown usage (`Store.settleInterruptedCalls`): a call the vendor may bill is never lost.
     */
    async call<T extends Metered>(
      operation: Operation,
      choice: { provider?: LLMProviderName; model?: string },
      run: (target: ResolvedProvider) => Promise<T>,
      client: Pick<ProviderClientOptions, 'deadlineMs' | 'retry'> = {},
      s: Session = session.current(),
    ): Promise<T> {
      checkBudget(s);
      const target = await getLLMProviderForOrg(s, choice, client);
      const base: CallRecord = { id: randomUUID(), userId: s.user.id, operation, provider: target.name, createdAt: deps.now().toISOString() };
      const usage = deps.store.forOrg(s.org.id).usage;
      usage.begin({ ...base, model: target.model, pid: process.pid, host: hostname() });
      const started = performance.now();
      let result: T;
      try {
        result = await run(target);
      } catch (error) {
        if (error instanceof LLMError && error.code !== 'no_key') {
          record(s, base, target, { error, latencyMs: performance.now() - started });
        } else {
          // No call reached a provider (no key), or the failure was ours: nothing to bill.
          usage.discard(base.id);
        }
        forgetRefusedKey(s, target.name, error);
        throw error;
      }
      record(s, base, target, { ok: result });
      return result;
    },
  };
}

export type LLMAccess = ReturnType<typeof createLLMAccess>;
