import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { LLMProviderName } from '../../shared/domain/llm';
import type { Job, JobProgress } from '../../shared/domain/records';
import { createCore, MemorySecretStore, silentLogger, type Core } from '../../electron/core';
import { createJobRunner, createRateLimiter, type JobRunner, type JobRunnerOptions, type ProcessItem, type RateLimiter } from '../../electron/core/jobs';
import type { JobRunnerTuning } from '../../electron/core/services';
import type { OrgStore, RunnerStore } from '../../electron/core/storage';
import { BUSINESS, OPTIONS, TEST_KEY } from './constants';
import { expectDefined } from '../helpers/expect-defined';

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

/** A limiter whose own pacing never holds a test up: the vendor's limits still apply through its headers. */
export function createTestLimiter(): RateLimiter {
  return createRateLimiter({
    limits: { openai: { requestsPerMinute: 60_000, tokensPerMinute: null }, anthropic: { requestsPerMinute: 60_000, tokensPerMinute: null } },
  });
}

/** The tuning tests give the job service's runner: fast offline probes, every progress event, a limiter that does not pace. */
function testTuning(tuning: JobRunnerTuning): JobRunnerTuning {
  return { progressIntervalMs: 0, offlineProbe: { initialMs: 20, maxMs: 200 }, limiter: createTestLimiter(), ...tuning };
}

/** A real core on a data dir, with test keys for the fake vendors in its environment; its job runner tuned by `tuning`. */
export async function openCore(dataDir: string, baseUrls: Partial<Record<LLMProviderName, string>>, tuning: JobRunnerTuning = {}): Promise<Core> {
  const core = await createCore({
    dataDir,
    secrets: new MemorySecretStore(),
    env: { OPENAI_API_KEY: TEST_KEY, ANTHROPIC_API_KEY: TEST_KEY },
    logger: silentLogger,
    jobs: testTuning(tuning),
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
  /** Jobs by id, as the runner sees them. */
  store: RunnerStore;
  /** The organization's rows: its leads, sequences, replies, usage. */
  data: OrgStore;
  orgId: string;
  userId: string;
  profileId: string;
  leadIds: string[];
}

/**
 * A real core in a temp dir (its own SQLite file, the production job service and runner, the
 * fake vendors at `baseUrls`) with a business profile and `leadCount` leads named "Lead-0"…
 */
export async function createFixture(leadCount: number, baseUrls: Partial<Record<LLMProviderName, string>>, tuning: JobRunnerTuning = {}): Promise<Fixture> {
  const dir = tempDir();
  const core = await openCore(dir, baseUrls, tuning);
  return fixtureOf(core, dir, leadCount);
}

async function fixtureOf(core: Core, dir: string, leadCount: number): Promise<Fixture> {
  const { org, user } = core.services.session.current();
  const profile = core.services.records.profiles.save(BUSINESS);
  const imported = await core.services.leadImport.import(
    Buffer.from(['first_name,company,email', ...Array.from({ length: leadCount }, (_, i) => `Lead-${i},Company ${i},lead${i}@example.com`)].join('\n')),
    {},
    { suggestUnmapped: true },
  );
  if (imported.leadIds.length !== leadCount) throw new Error(`imported ${imported.leadIds.length} of ${leadCount} leads: ${JSON.stringify(imported.errors)}`);
  return { dir, core, store: core.store, data: core.store.forOrg(org.id), orgId: org.id, userId: user.id, profileId: profile.id, leadIds: imported.leadIds };
}

/** The same data dir opened again by a new core (another process, after a crash): its own connection, service and runner. */
export async function reopen(fixture: Fixture, baseUrls: Partial<Record<LLMProviderName, string>>, tuning: JobRunnerTuning = {}): Promise<Fixture> {
  const core = await openCore(fixture.dir, baseUrls, tuning);
  return { ...fixture, core, store: core.store, data: core.store.forOrg(fixture.orgId) };
}

/** A generate job over every lead of the fixture, made by the job service as the app makes it, and not started yet. */
export function createGenerateJob(fixture: Fixture, provider: LLMProviderName, params: { concurrency?: number } = {}): Job {
  return fixture.core.services.jobs.createGenerate(
    { leadIds: fixture.leadIds, businessProfileId: fixture.profileId, options: OPTIONS, provider, concurrency: params.concurrency },
    { start: false },
  );
}

/** The production processor of the fixture's core: what the app, the CLI and the host run. */
export function productionProcessor(fixture: Fixture): ProcessItem {
  return fixture.core.services.jobs.processItem;
}

/** "Lead-7" for an item of a generate job. */
export function leadNameOf(fixture: Fixture, leadId: unknown): string {
  return `Lead-${fixture.leadIds.indexOf(String(leadId))}`;
}

export interface ProgressWatch {
  events: JobProgress[];
  /** Resolves with the first progress event that matches. */
  waitForProgress(match: (progress: JobProgress) => boolean): Promise<JobProgress>;
}

function createProgressWatch(): ProgressWatch & { push(progress: JobProgress): void } {
  const events: JobProgress[] = [];
  const waiters: Array<{ match: (p: JobProgress) => boolean; resolve: (p: JobProgress) => void }> = [];
  return {
    events,
    push(progress) {
      events.push(progress);
      for (const waiter of [...waiters]) {
        if (waiter.match(progress)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(progress);
        }
      }
    },
    waitForProgress: (match) => {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

/** Every `jobs:progress` event the core broadcasts to its windows: what the app's runner reports. */
export function watchProgress(core: Core): ProgressWatch {
  const watch = createProgressWatch();
  const unsubscribe = core.subscribe((event, payload) => {
    if (event === 'jobs:progress') watch.push(payload as JobProgress);
  });
  onCleanup(unsubscribe);
  return { events: watch.events, waitForProgress: watch.waitForProgress };
}

export interface RunnerUnderTest extends ProgressWatch {
  runner: JobRunner;
  limiter: RateLimiter;
}

/** The pid of a process that has ended: a lease naming it belongs to a dead holder. */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return expectDefined(child.pid);
}

/**
 * A second runner on the fixture's store, around a processor that wraps the production one: for
 * what only a separate process can show (a runner that dies mid-run, one that holds a job while
 * another asks for it) or a fault at one exact item. `abandon` skips closing it (a dead process).
 */
export function createRunnerUnderTest(
  fixture: Pick<Fixture, 'store'>,
  processItem: ProcessItem,
  options: Partial<JobRunnerOptions> & { abandon?: boolean } = {},
): RunnerUnderTest {
  const { abandon, ...runnerOptions } = options;
  const watch = createProgressWatch();
  const limiter = options.limiter ?? createTestLimiter();
  const runner = createJobRunner({
    store: fixture.store,
    processItem,
    limiter,
    logger: silentLogger,
    progressIntervalMs: 0,
    offlineProbe: { initialMs: 20, maxMs: 200 },
    ...runnerOptions,
    onProgress: watch.push,
  });
  if (!abandon) onCleanup(() => runner.close());
  return { runner, limiter, events: watch.events, waitForProgress: watch.waitForProgress };
}

/** How many sequences each lead has. */
export function countSequencesPerLead(fixture: Pick<Fixture, 'data' | 'leadIds'>): number[] {
  return fixture.leadIds.map((id) => fixture.data.sequences.findByLead(id).length);
}
