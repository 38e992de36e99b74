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
    const profile = process.env['BENCH_CLI_PROFILE_DIR'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CLI_PROFILE_DIR']}`] : [];
    const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'ignore', 'pipe', ...(options.fd3 ? (['pipe'] as const) : [])];
    const child = spawn(process.execPath, [...profile, ...(options.nodeArgs ?? []), CLI, ...args], { env: { ...clean, ...env }, stdio });
    let stderr = '';
    let fd3 = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    if (options.fd3) (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => (fd3 += chunk.toString('utf8')));
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, wallMs: performance.now() - start, fd3 }));
  });
}

/** Seconds from the job's start to its end, as the CLI's log says (the rest of the run is start-up, import and the results file). */
function readJobSeconds(dataDir: string): number | null {
  const log = join(dataDir, 'logs', 'outreach-desk.log');
  if (!existsSync(log)) return null;
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { t: string; message: string });
  const start = lines.findLast((l) => l.message === 'job running');
  const end = lines.findLast((l) => l.message === 'job completed');
  return start && end ? (Date.parse(end.t) - Date.parse(start.t)) / 1000 : null;
}

export function requireCli(): void {
  if (!existsSync(join(process.cwd(), 'out', 'node', 'cli.mjs'))) throw new Error('out/node/cli.mjs is missing: `npm run bench` builds it; run it from the repository root.');
}

function printRows(rows: Array<[string, string]>): void {
  process.stdout.write(rows.map(([label, value]) => `${label.padEnd(34)}${value}`).join('\n') + '\n');
}

export async function runBatchBench(): Promise<void> {
  requireCli();
  const fake = await startFakeProvider('openai', { latencyMs: LATENCY_MS, requestsPerMinute: REQUESTS_PER_MINUTE });
  const dir = mkdtempSync(join(tmpdir(), 'outreach-bench-batch-'));
  try {
    const dataDir = join(dir, 'data');
    const env = { OPENAI_API_KEY: TEST_KEY };
    const leads = Array.from({ length: LEADS }, (_, i) => ({ firstName: `Lead${i}`, company: `Company ${i}`, email: `lead${i}@example.com` }));
    writeFileSync(join(dir, 'leads.csv'), 'First name,Company,Email\n' + leads.map((l) => `${l.firstName},${l.company},${l.email}`).join('\n') + '\n');
    writeFileSync(join(dir, 'business.json'), JSON.stringify(BUSINESS));
    const set = await runCli(['--data-dir', dataDir, 'settings', 'set', 'provider=openai', `baseUrl.openai=${fake.baseURLFor('openai')}`], env);
    if (set.code !== 0) throw new Error(`settings set failed: ${set.stderr}`);

    // Sequential baseline on a sample, on its own fake so it does not eat the batch's rate window.
    const sequentialFake = await startFakeProvider('openai', { latencyMs: LATENCY_MS });
    const sequentialClient = getLLMProvider('openai', { apiKey: TEST_KEY, baseURL: sequentialFake.baseURLFor('openai') });
    const sequentialStart = performance.now();
    for (const lead of leads.slice(0, SEQUENTIAL_SAMPLE)) await sequentialClient.generateSequence(lead, BUSINESS, OPTIONS);
    const sequentialMs = ((performance.now() - sequentialStart) * LEADS) / SEQUENTIAL_SAMPLE;
    await sequentialFake.close();

    const out = join(dir, 'out.csv');
    const run = await runCli(['--data-dir', dataDir, 'batch', 'generate', '--leads', join(dir, 'leads.csv'), '--business', join(dir, 'business.json'), '--out', out, '--steps', '2'], env);
    const summary = /: (\w+), (\d+) done, (\d+) failed of (\d+)/.exec(run.stderr);
    const jobSeconds = readJobSeconds(dataDir);
    const startup = await runCli(['--help'], {});
    const rateLimitedItems = (run.stderr.match(/error\[rate_limited\]/g) ?? []).length;
    const calls = fake.calls.filter((c) => c.route === 'generate').length;
    const done = Number(summary?.[2] ?? 0);
    const perSecond = REQUESTS_PER_MINUTE / 60;
    const floorMs = ((LEADS - perSecond) / perSecond) * 1000 + LATENCY_MS;
    printRows([
      ['leads', `${LEADS} (latency ${LATENCY_MS} ms, vendor limit ${REQUESTS_PER_MINUTE}/min declared in its headers, CLI defaults)`],
      ['job (CLI exit code)', `${summary ? `${summary[1]}, ${summary[2]} done, ${summary[3]} failed` : 'no summary'} (exit ${run.code})`],
      [`wall time / floor (${(floorMs / 1000).toFixed(1)} s)`, `${(run.wallMs / floorMs).toFixed(3)}×  (${(run.wallMs / 1000).toFixed(2)} s, whole CLI run; goal ≤ 1.10×)`],
      ['of which the job (start → done)', jobSeconds === null ? 'not in the log' : `${((jobSeconds * 1000) / floorMs).toFixed(3)}×  (${jobSeconds.toFixed(2)} s; the rest is the CLI starting, importing and writing the file)`],
      ['CLI start-up alone (--help)', `${(startup.wallMs / 1000).toFixed(2)} s`],
      ['429s that reached the user', `${rateLimitedItems}  (must be 0)`],
      ['429s the fake sent', String(Math.max(0, calls - done))],
      ['speedup over a sequential loop', `${(sequentialMs / run.wallMs).toFixed(2)}×  (${SEQUENTIAL_SAMPLE} leads timed one after another, ×${LEADS / SEQUENTIAL_SAMPLE} = ${(sequentialMs / 1000).toFixed(1)} s)`],
    ]);
    if (run.code !== 0) process.stderr.write(run.stderr);
  } finally {
    await fake.close();
    // BENCH_KEEP=1 keeps the data folder (its log has the job's timeline) and says where.
    if (process.env['BENCH_KEEP']) process.stdout.write(`kept ${dir}\n`);
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
      ['model calls, with pre-filter', `${modelCallsWithFilter}  (saved ${calls - modelCallsWithFilter}, ${(((calls - modelCallsWithFilter) / calls) * 100).toFixed(1)}%)`],
      ['tokens, every reply', String(tokensAll)],
      ['tokens, with pre-filter', `${tokensAll - tokensSaved}  (saved ${tokensSaved}, ${((tokensSaved / tokensAll) * 100).toFixed(1)}%)`],
      ['human replies the rules took', `${humanDecidedByRules}  (should be 0: those never reach the model)`],
      ['replies with no text at all', String(noText)],
    ];
    process.stdout.write(rows.map(([label, value]) => `${label.padEnd(32)}${value}`).join('\n') + '\n');
  } finally {
    await fake.close();
  }
}

/** The inbox mix of INBOX_SIZE replies, in a stable order, or null when the corpus is not on this machine. */
function readInbox(): Array<{ folder: string; name: string; source: Buffer }> | null {
  if (!existsSync(CORPUS)) return null;
  const inbox: Array<{ folder: string; name: string; source: Buffer }> = [];
  for (const [folder, share] of INBOX_MIX) {
    const files = readdirSync(join(CORPUS, folder)).filter((name) => name.endsWith('.eml')).sort();
    const count = Math.round(INBOX_SIZE * share);
    for (let i = 0; i < count; i++) {
      const name = files[i % files.length]!;
      inbox.push({ folder, name, source: readFileSync(join(CORPUS, folder, name)) });
    }
  }
  return inbox;
}

/**
 * Rules-only classify through the CLI: 1,000 replies in a folder, `batch classify --rules-only`,
 * timed from spawn to exit. The in-process figure (parse + rules, one after another) is the
 * ceiling the CLI's overhead is measured against.
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
    inbox.forEach((m, i) => writeFileSync(join(dir, 'inbox', `${String(i).padStart(5, '0')}-${m.folder}-${m.name}`), m.source));
    const parseStart = performance.now();
    for (const m of inbox) applyReplyRules(await parseEmail(m.source));
    const parseMs = performance.now() - parseStart;
    const run = await runCli(['--data-dir', join(dir, 'data'), 'batch', 'classify', '--in', join(dir, 'inbox'), '--out', join(dir, 'out.csv'), '--rules-only'], {});
    const summary = /: (\w+), (\d+) done, (\d+) failed of (\d+)/.exec(run.stderr);
    const rows = readFileSync(join(dir, 'out.csv'), 'utf8').trim().split(/\r?\n/).length - 1;
    const perSecond = (inbox.length / run.wallMs) * 1000;
    const jobSeconds = readJobSeconds(join(dir, 'data'));
    const startup = await runCli(['--help'], {});
    printRows([
      ['replies', `${inbox.length} .eml files in one folder (${INBOX_MIX.map(([f, s]) => `${f} ${Math.round(s * 100)}%`).join(', ')})`],
      ['job (CLI exit code)', `${summary ? `${summary[1]}, ${summary[2]} done, ${summary[3]} failed` : 'no summary'} (exit ${run.code}); ${rows} rows in the results`],
      ['end to end through the CLI', `${perSecond.toFixed(0)} messages/s  (${(run.wallMs / 1000).toFixed(2)} s; goal ≥ 250/s)`],
      ['of which the job (start → done)', jobSeconds === null ? 'not in the log' : `${(inbox.length / jobSeconds).toFixed(0)} messages/s  (${jobSeconds.toFixed(2)} s)`],
      ['CLI start-up alone (--help)', `${(startup.wallMs / 1000).toFixed(2)} s`],
      ['parse + rules alone, in process', `${((inbox.length / parseMs) * 1000).toFixed(0)} messages/s  (CLI reaches ${((perSecond / ((inbox.length / parseMs) * 1000)) * 100).toFixed(0)}% of it)`],
    ]);
    if (run.code !== 0) process.stderr.write(run.stderr);
  } finally {
    if (process.env['BENCH_KEEP']) process.stdout.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
