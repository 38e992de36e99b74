/**
 * Start-up: how long the CLI takes for `--help` and `providers`, and the main bundle to its
 * window's `ready-to-show`, each as a ratio to a bare `node -e 0` (median of alternating runs,
 * spawn to exit). Vendor SDKs, mailparser and papaparse load on demand, so none of these should
 * pay for them. Goals: `--help` ≤ 3×, `providers` ≤ 4× the bare start.
 *
 * The main bundle runs in plain Node with a stand-in `electron` module (bench/electron-stand-in.ts)
 * that exits when the window would show, and reports which packages were loaded by then.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUNDS = Number(process.env.BENCH_STARTUP_ROUNDS ?? 11);
/** The packages that must not load before they are needed. */
const ON_DEMAND = ['@anthropic-ai/sdk', '@google/genai', 'groq-sdk', 'openai', 'mailparser', 'papaparse'];

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'bin', 'outreach-desk.cjs');
const MAIN = join(ROOT, 'out', 'main', 'index.js');
const STAND_IN = join(ROOT, 'out', 'bench', 'electron-stand-in.mjs');

interface Case {
  name: string;
  args: string[];
  env?: Record<string, string>;
  goal?: number;
}

/** The bench's environment: the caller's, without vendor keys or base URLs. */
function benchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/_(API_KEY|BASE_URL|LOG)$/.test(k) && k !== 'OUTREACH_DESK_DATA_DIR') env[k] = v;
  return { ...env, ...extra };
}

/** Runs one case to its exit; the wall time in ms, and its stdout. */
function runOnce(c: Case): { ms: number; stdout: string } {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, c.args, { env: benchEnv(c.env), encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${c.name} exited with ${run.status}: ${run.stderr.slice(0, 500)}`);
  return { ms, stdout: run.stdout };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function runStartupBench(): Promise<void> {
  for (const file of [join(ROOT, 'out', 'node', 'cli.mjs'), MAIN, STAND_IN]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: npm run bench builds it (npm run build, then the bench build).`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'outreach-bench-startup-'));
  try {
    const dataDir = join(dir, 'cli-data');
    const userData = join(dir, 'main-data');
    const bare: Case = { name: 'node -e 0', args: ['-e', '0'] };
    const cases: Case[] = [
      { name: 'outreach-desk --help', args: [CLI, '--help'], goal: 3 },
      { name: 'outreach-desk providers', args: [CLI, '--data-dir', dataDir, 'providers'], goal: 4 },
      { name: 'main bundle → ready-to-show', args: ['--import', STAND_IN, MAIN], env: { OUTREACH_BENCH_USER_DATA: userData } },
    ];
    const all = [bare, ...cases];
    // Warm-up: creates both databases and fills the OS file cache.
    for (const c of all) runOnce(c);
    const keychain = JSON.parse(runOnce({ name: 'keys status', args: [CLI, '--data-dir', dataDir, '--json', 'keys', 'status'] }).stdout) as {
      keychain?: { available: boolean };
    };

    const times = new Map<Case, number[]>(all.map((c) => [c, []]));
    let readyToShow: number[] = [];
    let packages: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order, so a slow moment of a shared machine does not always hit the same case.
      const start = round % all.length;
      for (const c of [...all.slice(start), ...all.slice(0, start)]) {
        const { ms, stdout } = runOnce(c);
        times.get(c)?.push(ms);
        if (c === cases[2]) {
          const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { readyToShowMs: number; packages: string[] };
          readyToShow.push(report.readyToShowMs);
          packages = report.packages;
        }
      }
    }

    const base = median(times.get(bare) ?? []);
    process.stdout.write(
      `${ROUNDS} rounds, median wall time from spawn to exit; keychain ${keychain.keychain?.available === false ? 'unavailable' : 'available'}\n`,
    );
    process.stdout.write(`  ${bare.name.padEnd(30)} ${base.toFixed(0).padStart(6)} ms  1.00×\n`);
    for (const c of cases) {
      const ms = median(times.get(c) ?? []);
      const ratio = ms / base;
      const goal = c.goal === undefined ? '' : `  ${ratio <= c.goal ? 'within' : 'OVER'} the ≤ ${c.goal}× goal`;
      process.stdout.write(`  ${c.name.padEnd(30)} ${ms.toFixed(0).padStart(6)} ms  ${ratio.toFixed(2)}×${goal}\n`);
    }
    readyToShow = readyToShow.sort((a, b) => a - b);
    process.stdout.write(`  main: ready-to-show ${median(readyToShow).toFixed(0)} ms after the process started (median, in-process clock)\n`);
    const early = ON_DEMAND.filter((p) => packages.includes(p));
    process.stdout.write(`  main: loaded before the window showed: ${packages.join(', ') || 'none'}\n`);
    process.stdout.write(`  main: on-demand packages loaded before the window showed: ${early.join(', ') || 'none'}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
