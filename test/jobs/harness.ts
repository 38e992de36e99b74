import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { LLMProviderName } from '../../shared/domain/llm';
import type { Job, JobProgress } from '../../shared/domain/records';
import { createCore, MemorySecretStore, silentLogger, type Core } from '../../electron/core';
import {
  createJobRunner,
  createRateLimiter,
  type JobRunner,
  type JobRunnerOptions,
  type ProcessItem,
  type RateLimiter,
} from '../../electron/core/jobs';
import type { Store } from '../../electron/core/storage';
import { BUSINESS, OPTIONS, TEST_KEY } from './constants';

export { BUSINESS, OPTIONS, TEST_KEY };

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

/** A real core on a data dir, with test keys for the fake vendors in its environment. */
export async function openCore(dataDir: string, baseUrls: Partial<Record<LLMProviderName, string>>): Promise<Core> {
  const core = await createCore({
    dataDir,
    secrets: new MemorySecretStore(),
    env: { OPENAI_API_KEY: TEST_KEY, ANTHROPIC_API_KEY: TEST_KEY },
    logger: silentLogger,
  });
  onCleanup(async () => {
    await core.services.jobs.runner.close();
    try {
      core.close();
    } catch {
      // Already closed by the test.
    }
  });
  await core.invoke('settings:update-llm', { settings: { baseUrls } });
  return core;
}

export interface Fixture {
  dir: string;
  core: Core;
  store: Store;
  orgId: string;
  userId: string;
  profileId: string;
  leadIds: string[];
}

/**
 * A real core in a temp dir (its own SQLite file, the production job processor, the fake
 * vendors at `baseUrls`) with a business profile and `leadCount` leads named "Lead-0"…
 */
export async function createFixture(leadCount: number, baseUrls: Partial<Record<LLMProviderName, string>>): Promise<Fixture> {
  const dir = tempDir();
  const core = await openCore(dir, baseUrls);
  const { org, user } = core.services.session.current();
  const profile = core.store.profiles.save(org.id, BUSINESS);
  const leadIds = core.store.leads.importMany(
    org.id,
    Array.from({ length: leadCount }, (_, i) => ({ firstName: `Lead-${i}`, company: `Company ${i}`, email: `lead${i}@example.com` })),
  );
  return { dir, core, store: core.store, orgId: org.id, userId: user.id, profileId: profile.id, leadIds };
}

/** A generate job as the job service writes it (its params), not yet started. */
export function createGenerateJob(
  fixture: Fixture,
  provider: LLMProviderName,
  params: { fallbackOrder?: LLMProviderName[]; concurrency?: number } = {},
): Job {
  return fixture.store.jobs.create({
    orgId: fixture.orgId,
    kind: 'generate',
    provider,
    params: { userId: fixture.userId, businessProfileId: fixture.profileId, options: OPTIONS, fallbackOrder: params.fallbackOrder ?? [], concurrency: params.concurrency },
    items: fixture.leadIds.map((leadId) => ({ leadId })),
  });
}

/** The production processor of the fixture's core: what the app, the CLI and the host run. */
export function productionProcessor(fixture: Fixture): ProcessItem {
  return fixture.core.services.jobs.processItem;
}

/** "Lead-7" for an item of a generate job. */
export function leadNameOf(fixture: Fixture, leadId: unknown): string {
  return `Lead-${fixture.leadIds.indexOf(String(leadId))}`;
}

export interface RunnerUnderTest {
  runner: JobRunner;
  limiter: RateLimiter;
  events: JobProgress[];
  /** Resolves with the first progress event that matches. */
  waitForProgress(match: (progress: JobProgress) => boolean): Promise<JobProgress>;
}

/** The pid of a process that has ended: a lease naming it belongs to a dead holder. */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

/** A runner with fast offline probes and every progress event kept. `abandon` skips closing it (a dead process). */
export function createRunnerUnderTest(
  fixture: Pick<Fixture, 'store'>,
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
export function countSequencesPerLead(fixture: Pick<Fixture, 'store' | 'leadIds'>): number[] {
  return fixture.leadIds.map((id) => fixture.store.sequences.findByLead(id).length);
}
