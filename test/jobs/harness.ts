import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { LLMProviderName } from '../../shared/domain/llm';
import type { Job, JobProgress } from '../../shared/domain/records';
import type { SequenceOptions } from '../../shared/domain/sequence';
import { AppError } from '../../electron/core/errors';
import {
  createJobRunner,
  createRateLimiter,
  type JobRunner,
  type JobRunnerOptions,
  type ProcessItem,
  type RateLimiter,
} from '../../electron/core/jobs';
import { getLLMProvider, LLMError, type LLMProvider, type ProviderClientOptions } from '../../electron/core/llm';
import { silentLogger } from '../../electron/core/log';
import { openStore, type Store } from '../../electron/core/storage';

const cleanups: Array<() => void | Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs after the current test, last registered first. */
export function onCleanup(fn: () => void | Promise<void>): void {
  cleanups.push(fn);
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'outreach-jobs-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const BUSINESS = { companyName: 'Acme', valueProposition: 'Invoices paid in half the time', senderName: 'Bo', cta: 'Book a demo' };
export const OPTIONS: SequenceOptions = { numberOfSteps: 2, channels: ['email'], includeSubjects: true };
export const TEST_KEY = 'test-key-0123456789abcdef';

/** A provider of the real core pointed at a URL (a fake or a fault proxy), one attempt per call unless told. */
export function clientFor(name: LLMProviderName, baseURL: string, options: ProviderClientOptions = {}): LLMProvider {
  return getLLMProvider(name, { apiKey: TEST_KEY, baseURL, deadlineMs: 5000, retry: false, ...options });
}

export interface Fixture {
  dir: string;
  store: Store;
  orgId: string;
  profileId: string;
  leadIds: string[];
}

/** A store in a temp dir with an org, a business profile and `leadCount` leads named "Lead-0"… */
export function createFixture(leadCount: number, dir = tempDir()): Fixture {
  const store = openStore({ dataDir: dir });
  onCleanup(() => {
    try {
      store.close();
    } catch {
      // Already closed by the test.
    }
  });
  const { org } = store.orgs.ensureFirstRun({ orgName: 'Acme', ownerName: 'Olivia' });
  const profile = store.profiles.save(org.id, BUSINESS);
  const leadIds = store.leads.importMany(
    org.id,
    Array.from({ length: leadCount }, (_, i) => ({ firstName: `Lead-${i}`, company: `Company ${i}`, email: `lead${i}@example.com` })),
  );
  return { dir, store, orgId: org.id, profileId: profile.id, leadIds };
}

export function createGenerateJob(
  fixture: Fixture,
  provider: LLMProviderName,
  params: { fallbackOrder?: LLMProviderName[]; concurrency?: number } = {},
): Job {
  return fixture.store.jobs.create({
    orgId: fixture.orgId,
    kind: 'generate',
    provider,
    params: { ...params, businessProfileId: fixture.profileId },
    items: fixture.leadIds.map((leadId) => ({ leadId })),
  });
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
  fixture: Fixture,
  clients: Partial<Record<LLMProviderName, LLMProvider>>,
  hooks: { beforeCall?: (leadName: string) => Promise<void> | void; beforeCommit?: (leadName: string) => Promise<void> | void } = {},
): ProcessItem {
  const { store, orgId } = fixture;
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

export interface RunnerUnderTest {
  runner: JobRunner;
  limiter: RateLimiter;
  events: JobProgress[];
  /** Resolves with the first progress event that matches. */
  waitForProgress(match: (progress: JobProgress) => boolean): Promise<JobProgress>;
}

/** A runner with fast offline probes and every progress event kept. `abandon` skips closing it (a dead process). */
export function createRunnerUnderTest(
  fixture: Fixture,
  processItem: ProcessItem,
  options: Partial<JobRunnerOptions> & { abandon?: boolean } = {},
): RunnerUnderTest {
  const { abandon, ...runnerOptions } = options;
  const events: JobProgress[] = [];
  const waiters: Array<{ match: (p: JobProgress) => boolean; resolve: (p: JobProgress) => void }> = [];
  const limiter = options.limiter ?? createRateLimiter({ limits: { openai: { requestsPerMinute: 60_000, tokensPerMinute: null }, anthropic: { requestsPerMinute: 60_000, tokensPerMinute: null } } });
  const runner = createJobRunner({
    store: fixture.store,
    processItem,
    limiter,
    logger: silentLogger,
    progressIntervalMs: 0,
    offlineProbe: { initialMs: 20, maxMs: 200 },
    ...runnerOptions,
    onProgress: (progress) => {
      events.push(progress);
      for (const waiter of [...waiters]) {
        if (waiter.match(progress)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(progress);
        }
      }
    },
  });
  if (!abandon) onCleanup(() => runner.close());
  return {
    runner,
    limiter,
    events,
    waitForProgress: (match) => {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

/** How many sequences each lead has. */
export function countSequencesPerLead(fixture: Fixture): number[] {
  return fixture.leadIds.map((id) => fixture.store.sequences.findByLead(id).length);
}
