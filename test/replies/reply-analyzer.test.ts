import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/errors';
import { createLogger } from '../../electron/core/log';
import { analyzeReply, createReplyAnalyzer, type ReplyAnalyzer, type ReplySourceInput } from '../../electron/core/replies';
import { buildNodeEntry } from '../helpers/build-node-entry';
import { expectDefined } from '../helpers/expect-defined';

const FIXTURES = join(__dirname, 'fixtures');

/** Every .eml fixture, by path, in a stable order. */
function listFixtures(dir = FIXTURES): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return listFixtures(path);
      return name.endsWith('.eml') ? [path] : [];
    });
}

/** A logger that keeps its warnings. */
function recordingLogger() {
  const warnings: string[] = [];
  const logger = createLogger({
    sink: (line) => {
      const entry = JSON.parse(line) as { level: string; message: string };
      if (entry.level === 'warn') warnings.push(entry.message);
    },
  });
  return { logger, warnings };
}

function refOf(path: string): ReplySourceInput {
  return { ref: { path, length: statSync(path).size } };
}

/** Analyses the first `count` fixtures and checks that each got what this thread's analysis gives, and that the analyzer now runs here. */
async function expectAnalysedHere(analyzer: ReplyAnalyzer, count: number): Promise<void> {
  const fixtures = listFixtures().slice(0, count);
  const got = await Promise.all(fixtures.map((path) => analyzer.analyze(refOf(path)).catch((e: unknown) => e)));
  const want = await Promise.all(fixtures.map((path) => analyzeReply(readFileSync(path)).catch((e: unknown) => e)));
  expect(got).toEqual(want);
  expect(analyzer.mode()).toBe('this-thread');
}

/** What the analyzer rejected with, as comparable data. */
async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  return { code: appError.code, field: appError.field, app: appError.messageFor('app'), cli: appError.messageFor('cli') };
}

describe('reply analysis on worker threads', () => {
  let worker: { file: string; cleanup: () => void };
  let dir: string;
  const analyzers: ReplyAnalyzer[] = [];
  const open = (options: Parameters<typeof createReplyAnalyzer>[0]) => {
    const analyzer = createReplyAnalyzer(options);
    analyzers.push(analyzer);
    return analyzer;
  };

  beforeAll(async () => {
    worker = await buildNodeEntry(join(__dirname, '..', '..', 'electron', 'core', 'replies', 'reply-analyzer-worker.ts'));
    dir = mkdtempSync(join(tmpdir(), 'outreach-analyzer-'));
  });
  afterAll(async () => {
    await Promise.all(analyzers.map((a) => a.close()));
    worker?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds on two workers exactly what this thread finds, for every fixture, from a file or from bytes', async () => {
    const fixtures = listFixtures();
    expect(fixtures.length).toBeGreaterThan(100);
    const analyzer = open({ workerFile: worker.file, threads: 2 });
    analyzer.warm();
    expect(analyzer.mode()).toBe('workers');
    const expected = await Promise.all(fixtures.map(async (path) => analyzeReply(readFileSync(path)).catch((e: unknown) => e)));
    const fromFiles = await Promise.all(fixtures.map((path) => analyzer.analyze(refOf(path)).catch((e: unknown) => e)));
    const fromBytes = await Promise.all(fixtures.map((path) => analyzer.analyze({ bytes: readFileSync(path) }).catch((e: unknown) => e)));
    for (const [i, path] of fixtures.entries()) {
      const want = expected[i];
      if (want instanceof AppError) {
        for (const got of [fromFiles[i], fromBytes[i]]) {
          expect(got, path).toBeInstanceOf(AppError);
          expect({ code: (got as AppError).code, message: (got as AppError).message }, path).toEqual({ code: want.code, message: want.message });
        }
      } else {
        expect(fromFiles[i], path).toEqual(want);
        expect(fromBytes[i], path).toEqual(want);
      }
    }
    // The rules decided some of them: the verdicts crossed too.
    expect(fromFiles.filter((a) => !(a instanceof Error) && (a as { rule: unknown }).rule !== null).length).toBeGreaterThan(50);
    expect(analyzer.mode()).toBe('workers');
  });

  it('hands back errors with their code, field and wording for each surface', async () => {
    const analyzer = open({ workerFile: worker.file, threads: 1 });
    const here = open({});
    const empty = join(dir, 'empty.eml');
    writeFileSync(empty, '   \n');
    const binary = join(dir, 'binary.eml');
    writeFileSync(binary, Buffer.from(Array.from({ length: 2000 }, (_, i) => i % 7)));
    const gone = join(dir, 'gone.eml');
    for (const source of [
      refOf(empty),
      refOf(binary),
      { ref: { path: gone, length: 10 } },
      { ref: { path: empty, offset: 0, length: 50 } },
    ] satisfies ReplySourceInput[]) {
      const crossed = await rejection(analyzer.analyze(source));
      expect(crossed).toEqual(await rejection(here.analyze(source)));
    }
    expect(await rejection(analyzer.analyze({ ref: { path: gone, length: 10 } }))).toMatchObject({ code: 'not_found', field: 'in' });
    expect(analyzer.mode()).toBe('workers');
  });

  it('by default starts a worker for a batch only when the machine has an idle core', async () => {
    let load = 100;
    const analyzer = open({ workerFile: worker.file, loadAverage: () => load });
    const fixtures = listFixtures().slice(0, 10);
    const want = await Promise.all(fixtures.map((path) => analyzeReply(readFileSync(path)).catch((e: unknown) => e)));
    // A busy machine: this process's slice of it is all there is, and workers would only add work.
    analyzer.warm();
    expect(analyzer.mode()).toBe('this-thread');
    expect(await Promise.all(fixtures.map((path) => analyzer.analyze(refOf(path)).catch((e: unknown) => e)))).toEqual(want);
    expect(analyzer.mode()).toBe('this-thread');
    // The next batch starts on an idle machine: it gets workers, and keeps them.
    load = 0;
    analyzer.warm();
    expect(analyzer.mode()).toBe('workers');
    expect(await Promise.all(fixtures.map((path) => analyzer.analyze(refOf(path)).catch((e: unknown) => e)))).toEqual(want);
    load = 100;
    analyzer.warm();
    expect(analyzer.mode()).toBe('workers');
  });

  it('analyses on this thread when the worker cannot start, and says so once in the log', async () => {
    const { logger, warnings } = recordingLogger();
    const analyzer = open({ workerFile: join(dir, 'no-such-worker.mjs'), threads: 2, logger });
    await expectAnalysedHere(analyzer, 20);
    expect(warnings).toEqual(['reply analysis workers stopped: messages are analysed on the main thread from now on']);
  });

  it('redoes on this thread what a worker held when it died', async () => {
    const dying = join(dir, 'dying-worker.mjs');
    writeFileSync(dying, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\n");
    const { logger, warnings } = recordingLogger();
    const analyzer = open({ workerFile: dying, threads: 2, logger });
    await expectAnalysedHere(analyzer, 30);
    expect(warnings).toHaveLength(1);
  });

  it('bounds a worker’s heap: one that outgrows it stops, and this thread redoes what it held', async () => {
    // Keeps about 300 MB of objects, then answers with a marker: an unbounded worker gets that far.
    const greedy = join(dir, 'greedy-worker.mjs');
    writeFileSync(
      greedy,
      [
        "import { parentPort } from 'node:worker_threads';",
        'const kept = [];',
        "parentPort.on('message', (requests) => {",
        '  for (let i = 0; i < 300; i++) kept.push(new Array(128 * 1024).fill(i + 0.5));',
        "  parentPort.postMessage(requests.map(({ id }) => ({ id, analysis: { fromAddress: 'kept@example.com', subject: null, rawText: '', parsedText: '', rule: null, damage: null } })));",
        '});',
      ].join('\n'),
    );
    const { logger, warnings } = recordingLogger();
    const analyzer = open({ workerFile: greedy, threads: 1, workerHeapMb: 32, logger });
    await expectAnalysedHere(analyzer, 5);
    expect(warnings).toEqual(['reply analysis workers stopped: messages are analysed on the main thread from now on']);
  });

  it('keeps the bytes being read within its budget, and lets one message bigger than the budget go alone', async () => {
    // A worker that holds each request until the test releases the oldest, and reports what it holds.
    const holding = join(dir, 'holding-worker.mjs');
    writeFileSync(
      holding,
      [
        "import { BroadcastChannel, parentPort } from 'node:worker_threads';",
        "const channel = new BroadcastChannel('analyzer-budget');",
        'const held = [];',
        "channel.onmessage = () => { const { id } = held.shift(); parentPort.postMessage([{ id, analysis: { fromAddress: null, subject: null, rawText: String(id), parsedText: '', rule: null, damage: null } }]); };",
        "parentPort.on('message', (requests) => { for (const { id, source } of requests) { held.push({ id, length: source.ref.length }); channel.postMessage({ id, held: held.length, bytes: held.reduce((sum, h) => sum + h.length, 0) }); } });",
      ].join('\n'),
    );
    const budget = 250;
    const lengths = [100, 100, 100, 1000, 100, 100];
    const channel = new BroadcastChannel('analyzer-budget');
    const reports: Array<{ id: number; held: number; bytes: number }> = [];
    // What the test has not released yet, oldest first: it releases only what keeps the next message from fitting.
    const unreleased: number[] = [];
    channel.onmessage = (event) => {
      const report = (event as { data: { id: number; held: number; bytes: number } }).data;
      reports.push(report);
      unreleased.push(expectDefined(lengths[report.id]));
      const next = lengths[reports.length];
      while (unreleased.length > 0 && (next === undefined || unreleased.reduce((a, b) => a + b, 0) + next > budget)) {
        unreleased.shift();
        channel.postMessage('release');
      }
    };
    try {
      const analyzer = open({ workerFile: holding, threads: 1, maxBytesInFlight: budget });
      const results = await Promise.all(lengths.map((length, i) => analyzer.analyze({ ref: { path: `m${i}.eml`, length } })));
      expect(results.map((r) => r.rawText)).toEqual(['0', '1', '2', '3', '4', '5']);
      expect(reports.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5]);
      // Within the budget at every arrival, but for the 1,000-byte message, which went alone.
      for (const report of reports) {
        if (report.id === 3) expect(report).toEqual({ id: 3, held: 1, bytes: 1000 });
        else expect(report.bytes, `message ${report.id}`).toBeLessThanOrEqual(budget);
      }
      expect(Math.max(...reports.map((r) => r.held))).toBe(2);
    } finally {
      channel.close();
    }
  });
});
