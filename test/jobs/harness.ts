import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { LLMProviderName } from '../../shared/domain/llm';
import type { Job, JobProgress } from '../../shared/domain/records';
import {
  createJobRunner,
  createRateLimiter,
  type JobRunner,
  type JobRunnerOptions,
  type ProcessItem,
  type RateLimiter,
} from '../../electron/core/jobs';
import { getLLMProvider, type LLMProvider, type ProviderClientOptions } from '../../electron/core/llm';
import { silentLogger } from '../../electron/core/log';
import { openStore, type Store } from '../../electron/core/storage';
import { BUSINESS, TEST_KEY } from './generate-processor';

export { createGenerateProcessor } from './generate-processor';

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
