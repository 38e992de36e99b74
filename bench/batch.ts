/**
 * The batch scenarios of `npm run bench`, measured through the CLI end to end (a child process:
 * start-up, the database, the import, the job, the results file), as a user runs them.
 *
 * Batch drafting: `batch generate` for 200 leads against the fake OpenAI server at 200 ms latency,
 * allowing 600 requests/min and saying so in `x-ratelimit-limit-requests` on every answer. The
 * CLI starts from its default limit (500/min) and must adopt the declared one. The floor is set by
 * the limit: a second's worth at once, then 10 a second, plus one answer's latency, 19.2 s. Prints
 * the wall time as a ratio to that floor (goal ≤ 1.10), the 429s that reached the user (must be 0),
 * the 429s the fake sent, and the speedup over a sequential loop (20 leads one after another,
 * extrapolated ×10: it is linear).
 *
 * Rules-only classify: `batch classify --rules-only` over a folder of 1,000 replies mixed like a
 * cold-outreach inbox (the shared corpus). Prints messages per second end to end (goal ≥ 250)
 * and, for scale, what parsing and the rules alone reach in one process.
 *
 * Each scenario runs the CLI BENCH_RUNS times (default 3) and judges the median against its
 * goal ("met" / "NOT met"). The machine is shared: each run prints the 1-minute load average
 * beside its figure, and the split of its wall time (start-up, listing or import, the job, the
 * results file and exit), read from the CLI's log.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLLMProvider } from '../electron/core/llm';
import { applyReplyRules, parseEmail } from '../electron/core/replies';
import { startFakeProvider } from '../test/fakes/fake-provider';
import { BUSINESS, OPTIONS, TEST_KEY } from '../test/jobs/constants';

const LEADS = 200;
const LATENCY_MS = 200;
const REQUESTS_PER_MINUTE = 600;
const SEQUENTIAL_SAMPLE = 20;
const CLI = join(process.cwd(), 'bin', 'outreach-desk.cjs');

export interface CliRun {
  code: number | null;
  stderr: string;
  wallMs: number;
  /** What the child wrote on file descriptor 3 (with `fd3`), e.g. a report from a `--import` hook. */
  fd3: string;
}

/** Extra ways to run the CLI: node flags before it (`--import HOOK`), a report pipe on fd 3, the child's pid. */
export interface CliRunOptions {
  nodeArgs?: string[];
  fd3?: boolean;
  onSpawn?: (pid: number) => void;
}

/** Runs the built CLI with a clean environment plus `env`, timing it from spawn to exit. */
export function runCli(args: string[], env: Record<string, string>, options: CliRunOptions = {}): Promise<CliRun> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/_(API_KEY|BASE_URL|LOG)$/.test(k) && k !== 'OUTREACH_DESK_DATA_DIR') clean[k] = v;
  const start = performance.now();
  return new Promise((resolve, reject) => {
    // BENCH_CLI_PROFILE_DIR=dir writes a CPU profile of each CLI run there, to see where its time goes.
    const profile = process.env.BENCH_CLI_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CLI_PROFILE_DIR}`] : [];
    const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'ignore', 'pipe', ...(options.fd3 ? (['pipe'] as const) : [])];
    const child = spawn(process.execPath, [...profile, ...(options.nodeArgs ?? []), CLI, ...args], { env: { ...clean, ...env }, stdio });
    let stderr = '';
    let fd3 = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    if (options.fd3) (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => (fd3 += chunk.toString('utf8')));
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, wallMs: performance.now() - start, fd3 }));
  });
}

/** When the CLI's log first says each message, in epoch ms; with the fields of the "replies listed" line. */
interface LogTimeline {
  at: Map<string, number>;
  listed: { listMs: number; analysis: string } | null;
}

function readLogTimeline(dataDir: string): LogTimeline {
  const log = join(dataDir, 'logs', 'outreach-desk.log');
  const at = new Map<string, number>();
  let listed: LogTimeline['listed'] = null;
  if (!existsSync(log)) return { at, listed };
  for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
    const entry = JSON.parse(line) as { t: string; message: string; listMs?: number; analysis?: string };
    if (!at.has(entry.message)) at.set(entry.message, Date.parse(entry.t));
    if (entry.message === 'replies listed') listed = { listMs: entry.listMs ?? 0, analysis: entry.analysis ?? '?' };
  }
  return { at, listed };
}

/** One timed CLI run: its wall time, the machine's load as it started, and where the time went. */
interface TimedRun {
  run: CliRun;
  load: number;
  /** Epoch ms of spawn and exit, to place the log's lines. */
  spawnedAt: number;
  exitedAt: number;
  timeline: LogTimeline;
}

function readLoad(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}

async function runTimed(args: string[], env: Record<string, string>, dataDir: string): Promise<TimedRun> {
  const load = readLoad();
  const spawnedAt = Date.now();
  const run = await runCli(args, env);
  return { run, load, spawnedAt, exitedAt: Date.now(), timeline: readLogTimeline(dataDir) };
}

/** "start-up 0.21 s, job 19.37 s, results and exit 0.20 s": the wall time split at the log's job lines. */
function describePhases(timed: TimedRun, before: 'import' | 'listing'): string {
  const running = timed.timeline.at.get('job running');
  const completed = timed.timeline.at.get('job completed');
  if (running === undefined || completed === undefined) return 'phases: not in the log';
  const s = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(2)} s`;
  const head = running - timed.spawnedAt;
  const listMs = before === 'listing' ? (timed.timeline.listed?.listMs ?? null) : null;
  const start = listMs === null ? `start-up and ${before} ${s(head)}` : `start-up ${s(head - listMs)}, listing ${s(listMs)}`;
  return `${start}, job ${s(completed - running)}, results and exit ${s(timed.exitedAt - completed)}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

function verdict(met: boolean): string {
  return met ? 'met' : 'NOT met';
}

export function requireCli(): void {
  if (!existsSync(join(process.cwd(), 'out', 'node', 'cli.mjs')))
    throw new Error('out/node/cli.mjs is missing: `npm run bench` builds it; run it from the repository root.');
}

function printRows(rows: Array<[string, string]>): void {
  process.stdout.write(`${rows.map(([label, value]) => `${label.padEnd(34)}${value}`).join('\n')}\n`);
}

export async function runBatchBench(): Promise<void> {
  requireCli();
  const dir = mkdtempSync(join(tmpdir(), 'outreach-bench-batch-'));
  try {
    const env = { OPENAI_API_KEY: TEST_KEY };
    const leads = Array.from({ length: LEADS }, (_, i) => ({ firstName: `Lead${i}`, company: `Company ${i}`, email: `lead${i}@example.com` }));
    writeFileSync(join(dir, 'leads.csv'), `First name,Company,Email\n${leads.map((l) => `${l.firstName},${l.company},${l.email}`).join('\n')}\n`);
    writeFileSync(join(dir, 'business.json'), JSON.stringify(BUSINESS));

    // Sequential baseline on a sample, on its own fake so it does not eat the batch's rate window.
    const sequentialFake = await startFakeProvider('openai', { latencyMs: LATENCY_MS });
    const sequentialClient = getLLMProvider('openai', { apiKey: TEST_KEY, baseURL: sequentialFake.baseURLFor('openai') });
    const sequentialStart = performance.now();
    for (const lead of leads.slice(0, SEQUENTIAL_SAMPLE)) await sequentialClient.generateSequence(lead, BUSINESS, OPTIONS);
    const sequentialMs = ((performance.now() - sequentialStart) * LEADS) / SEQUENTIAL_SAMPLE;
    await sequentialFake.close();

    const perSecond = REQUESTS_PER_MINUTE / 60;
    const floorMs = ((LEADS - perSecond) / perSecond) * 1000 + LATENCY_MS;
    const rows: Array<[string, string]> = [
      ['leads', `${LEADS} (latency ${LATENCY_MS} ms, vendor limit ${REQUESTS_PER_MINUTE}/min declared in its headers, CLI defaults)`],
      ['floor', `${(floorMs / 1000).toFixed(1)} s (a second's worth at once, then ${perSecond} a second, plus one answer)`],
    ];
    const ratios: number[] = [];
    let userFacing429s = 0;
    let failedRuns = 0;
    for (let i = 0; i < RUNS; i++) {
      // A fresh vendor and data folder per run: the fake's one-minute window starts empty.
      const fake = await startFakeProvider('openai', { latencyMs: LATENCY_MS, requestsPerMinute: REQUESTS_PER_MINUTE });
      try {
        const dataDir = join(dir, `data-${i}`);
        const set = await runCli(['--data-dir', dataDir, 'settings', 'set', 'provider=openai', `baseUrl.openai=${fake.baseURLFor('openai')}`], env);
        if (set.code !== 0) throw new Error(`settings set failed: ${set.stderr}`);
        const args = [
          '--data-dir',
          dataDir,
          'batch',
          'generate',
          '--leads',
          join(dir, 'leads.csv'),
          '--business',
          join(dir, 'business.json'),
          '--out',
          join(dir, `out-${i}.csv`),
          '--steps',
          '2',
        ];
        const timed = await runTimed(args, env, dataDir);
        const summary = /: (\w+), (\d+) done, (\d+) failed of (\d+)/.exec(timed.run.stderr);
        const rateLimited = (timed.run.stderr.match(/error\[rate_limited\]/g) ?? []).length;
        const calls = fake.calls.filter((c) => c.route === 'generate').length;
        const done = Number(summary?.[2] ?? 0);
        const ratio = timed.run.wallMs / floorMs;
        ratios.push(ratio);
        userFacing429s += rateLimited;
        if (timed.run.code !== 0 || done !== LEADS) {
          failedRuns++;
          process.stderr.write(timed.run.stderr);
        }
        rows.push([
          `run ${i + 1} (load ${timed.load.toFixed(1)})`,
          `${ratio.toFixed(3)}×  (${(timed.run.wallMs / 1000).toFixed(2)} s; ${summary ? `${summary[1]}, ${done} done` : 'no summary'}, exit ${timed.run.code}; 429s sent ${Math.max(0, calls - done)}, reached the user ${rateLimited})`,
        ]);
        rows.push(['', describePhases(timed, 'import')]);
      } finally {
        await fake.close();
      }
    }
    const startup = await runCli(['--help'], {});
    const mid = median(ratios);
    rows.push(
      ['CLI start-up alone (--help)', `${(startup.wallMs / 1000).toFixed(2)} s`],
      [
        'speedup over a sequential loop',
        `${(sequentialMs / (mid * floorMs || 1)).toFixed(2)}×  (${SEQUENTIAL_SAMPLE} leads timed one after another, ×${LEADS / SEQUENTIAL_SAMPLE} = ${(sequentialMs / 1000).toFixed(1)} s)`,
      ],
      [`wall time / floor, median of ${RUNS}`, `${mid.toFixed(3)}×  (goal ≤ 1.10×: ${verdict(mid <= 1.1 && failedRuns === 0)})`],
      ['429s that reached the user', `${userFacing429s}  (goal 0: ${verdict(userFacing429s === 0)})`],
    );
    printRows(rows);
  } finally {
    // BENCH_KEEP=1 keeps the data folders (their logs have each job's timeline) and says where.
    if (process.env.BENCH_KEEP) process.stdout.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** The shared corpus sits beside the repository; `npm run bench` runs from the repository root. */
const CORPUS = process.env.REPLY_CORPUS ?? join(process.cwd(), '..', 'shared', 'corpus', 'replies');
const INBOX_SIZE = 1000;
/**
 * How a cold-outreach inbox is mixed, by corpus folder: human replies and auto-replies dominate,
 * bounces follow (lists go stale), then other machine mail and unsubscribe requests. Each
 * folder's files are cycled through in name order, so the sample is the same on every run.
 */
const INBOX_MIX: Array<[folder: string, share: number]> = [
  ['human', 0.4],
  ['out_of_office', 0.25],
  ['bounce', 0.2],
  ['other', 0.1],
  ['unsubscribe', 0.05],
];

/**
 * Reply cost: 1,000 replies through the replies helper's parser and rule pre-filter, then every
 * reply through the real core's classifyReply against the fake (zero latency; the fake counts
 * tokens from the prompt the core really builds). Prints the model calls and tokens the
 * pre-filter saves against sending every reply to the model.
 */
export async function runReplyCostBench(): Promise<void> {
  const inbox = readInbox();
  if (!inbox) {
    process.stdout.write(`skipped: reply corpus not found at ${CORPUS}\n`);
    return;
  }
  const fake = await startFakeProvider('openai', { latencyMs: 0 });
  try {
    const client = getLLMProvider('openai', { apiKey: TEST_KEY, baseURL: fake.baseURLFor('openai') });
    let ruleDecided = 0;
    let humanDecidedByRules = 0;
    let tokensAll = 0;
    let tokensSaved = 0;
    let noText = 0;
    let modelCallsWithFilter = 0;
    for (const { folder, source } of inbox) {
      const email = await parseEmail(source);
      const decision = applyReplyRules(email);
      const text = (email.replyText || email.text || email.subject || '').trim();
      if (decision) {
        ruleDecided++;
        if (folder === 'human') humanDecidedByRules++;
      }
      if (!text) {
        noText++;
        continue;
      }
      if (!decision) modelCallsWithFilter++;
      const result = await client.classifyReply(text, '');
      const tokens = result.usage.inputTokens + result.usage.outputTokens;
      tokensAll += tokens;
      if (decision) tokensSaved += tokens;
    }
    const calls = inbox.length - noText;
    const rows: Array<[string, string]> = [
      ['replies', `${inbox.length} (${INBOX_MIX.map(([f, s]) => `${f} ${Math.round(s * 100)}%`).join(', ')})`],
      ['decided by the rules', `${ruleDecided} (${((ruleDecided / inbox.length) * 100).toFixed(1)}%)`],
      ['model calls, every reply', String(calls)],
      [
        'model calls, with pre-filter',
        `${modelCallsWithFilter}  (saved ${calls - modelCallsWithFilter}, ${(((calls - modelCallsWithFilter) / calls) * 100).toFixed(1)}%)`,
      ],
      ['tokens, every reply', String(tokensAll)],
      ['tokens, with pre-filter', `${tokensAll - tokensSaved}  (saved ${tokensSaved}, ${((tokensSaved / tokensAll) * 100).toFixed(1)}%)`],
      ['human replies the rules took', `${humanDecidedByRules}  (should be 0: those never reach the model)`],
      ['replies with no text at all', String(noText)],
    ];
    process.stdout.write(`${rows.map(([label, value]) => `${label.padEnd(32)}${value}`).join('\n')}\n`);
  } finally {
    await fake.close();
  }
}

/** The inbox mix of INBOX_SIZE replies, in a stable order, or null when the corpus is not on this machine. */
function readInbox(): Array<{ folder: string; name: string; source: Buffer }> | null {
  if (!existsSync(CORPUS)) return null;
  const inbox: Array<{ folder: string; name: string; source: Buffer }> = [];
  for (const [folder, share] of INBOX_MIX) {
    const files = readdirSync(join(CORPUS, folder))
      .filter((name) => name.endsWith('.eml'))
      .sort();
    const count = Math.round(INBOX_SIZE * share);
    for (let i = 0; i < count; i++) {
      const name = files[i % files.length];
      if (name === undefined) throw new Error(`${join(CORPUS, folder)} holds no .eml files.`);
      inbox.push({ folder, name, source: readFileSync(join(CORPUS, folder, name)) });
    }
  }
  return inbox;
}

/**
 * Rules-only classify through the CLI: 1,000 replies in a folder, `batch classify --rules-only`,
 * timed from spawn to exit, BENCH_RUNS times on fresh data folders. The in-process figure (parse
 * + rules, one after another, on this thread) is the ceiling of one core, for scale.
 */
export async function runRulesOnlyBench(): Promise<void> {
  requireCli();
  const inbox = readInbox();
  if (!inbox) {
    process.stdout.write(`skipped: reply corpus not found at ${CORPUS}\n`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'outreach-bench-classify-'));
  try {
    mkdirSync(join(dir, 'inbox'));
    for (const [i, m] of inbox.entries()) writeFileSync(join(dir, 'inbox', `${String(i).padStart(5, '0')}-${m.folder}-${m.name}`), m.source);
    const parseLoad = readLoad();
    const parseStart = performance.now();
    for (const m of inbox) applyReplyRules(await parseEmail(m.source));
    const parseRate = (inbox.length / (performance.now() - parseStart)) * 1000;
    const rows: Array<[string, string]> = [
      ['replies', `${inbox.length} .eml files in one folder (${INBOX_MIX.map(([f, s]) => `${f} ${Math.round(s * 100)}%`).join(', ')})`],
      [`parse + rules alone (load ${parseLoad.toFixed(1)})`, `${parseRate.toFixed(0)} messages/s  (in process, one thread)`],
    ];
    const rates: number[] = [];
    let failedRuns = 0;
    for (let i = 0; i < RUNS; i++) {
      const dataDir = join(dir, `data-${i}`);
      const out = join(dir, `out-${i}.csv`);
      const timed = await runTimed(['--data-dir', dataDir, 'batch', 'classify', '--in', join(dir, 'inbox'), '--out', out, '--rules-only'], {}, dataDir);
      const summary = /: (\w+), (\d+) done, (\d+) failed of (\d+)/.exec(timed.run.stderr);
      const resultRows = existsSync(out) ? readFileSync(out, 'utf8').trim().split(/\r?\n/).length - 1 : 0;
      const rate = (inbox.length / timed.run.wallMs) * 1000;
      rates.push(rate);
      if (timed.run.code !== 0 || resultRows !== inbox.length) {
        failedRuns++;
        process.stderr.write(timed.run.stderr);
      }
      const running = timed.timeline.at.get('job running');
      const completed = timed.timeline.at.get('job completed');
      const jobRate =
        running !== undefined && completed !== undefined ? ` (the job alone ${((inbox.length / (completed - running)) * 1000).toFixed(0)}/s)` : '';
      rows.push([
        `run ${i + 1} (load ${timed.load.toFixed(1)})`,
        `${rate.toFixed(0)} messages/s${jobRate}  (${(timed.run.wallMs / 1000).toFixed(2)} s; ${summary ? `${summary[1]}, ${summary[2]} done, ${summary[3]} failed` : 'no summary'}, exit ${timed.run.code}, ${resultRows} rows; parsed on ${timed.timeline.listed?.analysis ?? '?'})`,
      ]);
      rows.push(['', describePhases(timed, 'listing')]);
    }
    const startup = await runCli(['--help'], {});
    const mid = median(rates);
    rows.push(
      ['CLI start-up alone (--help)', `${(startup.wallMs / 1000).toFixed(2)} s`],
      [`end to end, median of ${RUNS}`, `${mid.toFixed(0)} messages/s  (goal ≥ 250/s: ${verdict(mid >= 250 && failedRuns === 0)})`],
    );
    printRows(rows);
  } finally {
    if (process.env.BENCH_KEEP) process.stdout.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
