import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../../../shared/domain/errors';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { analyzeReply, type ReplyAnalysis } from './analyze-reply';
import { readReplySource, readReplySourceSync, type ReplySourceRef } from './mbox';
import { MAX_SOURCE_BYTES } from './parse-email';

/** A message to analyse: where it sits on disk (read where it is analysed), or its bytes. */
export type ReplySourceInput = { ref: Pick<ReplySourceRef, 'path' | 'offset' | 'length'> } | { bytes: Uint8Array };

/**
 * What the main thread sends a worker, in arrays: the requests made in one turn of the event loop
 * go together, and so do the answers ready in one turn of the worker's. Each message between
 * threads wakes the other side, which a busy machine makes slow.
 */
export interface AnalysisRequest {
  id: number;
  source: ReplySourceInput;
}

/** An AppError as it crosses threads: its code, options and its wording on each surface. */
export interface CrossedAppError {
  code: ErrorCode;
  app: string;
  cli: string;
  field?: string;
  retryable: boolean;
}

/** What a worker answers. `unexpected` is any other error, by its message (for the log). */
export type AnalysisAnswer = { id: number; analysis: ReplyAnalysis } | { id: number; error: CrossedAppError } | { id: number; unexpected: string };

/**
 * Reads and analyses messages: on worker threads when a worker file is given, so parsing (most
 * of a rules-only batch's time) runs beside the thread that writes the results; in this thread
 * otherwise, or when the workers cannot start or die (what they held is redone here).
 */
export interface ReplyAnalyzer {
  /**
   * Reads the message and returns its analysis.
   *
   * @throws AppError('validation') for a message that is no email, AppError('not_found') for a file that is gone.
   */
  analyze(source: ReplySourceInput): Promise<ReplyAnalysis>;
  /**
   * A batch is about to run: decides whether it gets workers (see `threads`) and starts them,
   * so they load while it is listed.
   */
  warm(): void;
  /** Where analyses run now: 'this-thread' until a batch asked for workers, or when they failed. */
  mode(): 'workers' | 'this-thread';
  /** Stops the workers; what they held, and later analyses, run in this thread. */
  close(): Promise<void>;
}

export interface ReplyAnalyzerOptions {
  /** The built worker entry (`reply-worker` in out/node and out/main). Without one, analyses run in this thread. */
  workerFile?: string | URL;
  /**
   * How many workers (at most 4). By default one, when the machine has an idle core as a batch
   * starts (its cores less the 1-minute load average, rounded): none on a busy machine, where a
   * worker only shares this process's slice of it with more work (its start-up, copying results
   * between threads); and no more than one, for each costs a heap of its own with the parser
   * loaded (about 70 MB), and a batch of any size stays under 400 MB (`npm run bench -- mbox`).
   */
  threads?: number;
  /**
   * The heap each worker may grow to, in MB (its V8 old generation; the bytes of messages are
   * held outside it). Defaults to 128: the most the byte budget lets in at once, two 25 MB
   * messages of plain text, parse within it (one alone needs more than 64). Without a bound, V8
   * sizes a worker's heap by the machine's memory rather than by what it keeps, and collects
   * late: through a 4 GB mbox the process grew to 395 MB. A worker that reaches the bound stops,
   * and what it held is redone on this thread.
   */
  workerHeapMb?: number;
  /** The machine's 1-minute load average (os.loadavg); for tests. */
  loadAverage?: () => number;
  /**
   * Bytes of messages being read and parsed at once, summed over their sizes; more wait their
   * turn (as a reference, unread). One message always goes, whatever its size. Defaults to 64 MB:
   * a batch may have many items in flight, and a few messages of an mbox can be 25 MB each.
   */
  maxBytesInFlight?: number;
  logger?: Logger;
}

/**
 * Reads and analyses one message in the calling thread: what a worker does for each request.
 * `blocking` reads the file with blocking calls: on a worker thread, nothing else waits for them.
 */
export async function analyzeSource(source: ReplySourceInput, blocking = false): Promise<ReplyAnalysis> {
  if ('ref' in source) return analyzeReply(blocking ? readReplySourceSync(source.ref) : await readReplySource(source.ref));
  const { bytes } = source;
  return analyzeReply(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Turns an error thrown in a worker into its answer. */
export function toAnalysisAnswer(id: number, error: unknown): AnalysisAnswer {
  if (error instanceof AppError) {
    return { id, error: { code: error.code, app: error.messageFor('app'), cli: error.messageFor('cli'), field: error.field, retryable: error.retryable } };
  }
  return { id, unexpected: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}

function fromAnswer(answer: Exclude<AnalysisAnswer, { analysis: ReplyAnalysis }>): Error {
  if ('error' in answer) {
    const { code, app, cli, field, retryable } = answer.error;
    return new AppError(code, (wording) => (wording.surface === 'cli' ? cli : app), { field, retryable });
  }
  return new Error(`Reply analysis failed on a worker thread: ${answer.unexpected}`);
}

const MAX_THREADS = 4;
const DEFAULT_THREADS = 1;
const DEFAULT_BYTES_IN_FLIGHT = 64 * 1024 * 1024;
const DEFAULT_WORKER_HEAP_MB = 128;

interface Task {
  source: ReplySourceInput;
  /** What reading it costs in memory: its size as listed, or its bytes. */
  weight: number;
  resolve(analysis: ReplyAnalysis): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  tasks: Map<number, Task>;
  /** Requests of this turn, sent together at its end. */
  outbox: AnalysisRequest[];
}

function weightOf(source: ReplySourceInput): number {
  return 'ref' in source ? Math.min(source.ref.length, MAX_SOURCE_BYTES + 1) : source.bytes.byteLength;
}

export function createReplyAnalyzer(options: ReplyAnalyzerOptions = {}): ReplyAnalyzer {
  const loadAverage = options.loadAverage ?? (() => loadavg()[0] ?? 0);
  /** Workers for the next start: as many as asked, or one if a core is idle now. */
  const threadsWanted = () =>
    options.threads !== undefined ? Math.min(MAX_THREADS, options.threads) : Math.round(availableParallelism() - loadAverage()) >= 1 ? DEFAULT_THREADS : 0;
  /** Decided at the first request, or again when a batch starts while none run. */
  let decided = false;
  const maxBytes = options.maxBytesInFlight ?? DEFAULT_BYTES_IN_FLIGHT;
  let slots: Slot[] | null = null;
  /** Set once the workers failed or were closed: from then on, everything runs here. */
  let here = options.workerFile === undefined;
  let nextId = 0;
  /** Tasks waiting for room in the byte budget, in order. */
  const waiting: Task[] = [];
  let bytesInFlight = 0;
  let tasksInFlight = 0;

  /** Settles a task and gives its room to the next ones. */
  function finish(task: Task, outcome: { analysis: ReplyAnalysis } | { error: unknown }): void {
    bytesInFlight -= task.weight;
    tasksInFlight--;
    if ('analysis' in outcome) task.resolve(outcome.analysis);
    else task.reject(outcome.error);
    pump();
  }

  function runHere(task: Task): void {
    analyzeSource(task.source).then(
      (analysis) => finish(task, { analysis }),
      (error: unknown) => finish(task, { error }),
    );
  }

  /** Stops every worker; what they held runs here. */
  function stopWorkers(): Promise<unknown> {
    here = true;
    const stopping = slots ?? [];
    slots = null;
    const orphans = stopping.flatMap((slot) => [...slot.tasks.values()]);
    for (const slot of stopping) {
      slot.tasks.clear();
      slot.outbox.length = 0;
    }
    for (const task of orphans) runHere(task);
    return Promise.all(stopping.map((slot) => slot.worker.terminate()));
  }

  function fail(error: unknown): void {
    if (here) return;
    options.logger?.warn('reply analysis workers stopped: messages are analysed on the main thread from now on', { error });
    void stopWorkers();
  }

  function spawnSlot(file: string | URL): Slot {
    const worker = new Worker(file, {
      name: 'outreach-desk reply analysis',
      resourceLimits: { maxOldGenerationSizeMb: options.workerHeapMb ?? DEFAULT_WORKER_HEAP_MB },
    });
    // An idle worker never keeps the process alive; one with work does (see `dispatch`).
    worker.unref();
    const slot: Slot = { worker, tasks: new Map(), outbox: [] };
    worker.on('message', (answers: AnalysisAnswer[]) => {
      for (const answer of answers) {
        const task = slot.tasks.get(answer.id);
        if (!task) continue;
        slot.tasks.delete(answer.id);
        if (slot.tasks.size === 0) worker.unref();
        finish(task, 'analysis' in answer ? { analysis: answer.analysis } : { error: fromAnswer(answer) });
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The reply analysis worker exited with code ${code}.`)));
    return slot;
  }

  /** The running workers; starts them if this batch is to have them (`decide`), else null. */
  function start(decide = false): Slot[] | null {
    const { workerFile } = options;
    if (here || workerFile === undefined) return null;
    if (slots) return slots;
    if (decided && !decide) return null;
    decided = true;
    const threads = threadsWanted();
    if (threads < 1) return null;
    try {
      slots = [];
      for (let i = 0; i < threads; i++) slots.push(spawnSlot(workerFile));
    } catch (error) {
      fail(error);
      return null;
    }
    return slots;
  }

  function dispatch(task: Task): void {
    const running = start();
    if (!running) {
      runHere(task);
      return;
    }
    const slot = running.reduce((least, s) => (s.tasks.size < least.tasks.size ? s : least));
    const id = nextId++;
    slot.tasks.set(id, task);
    slot.worker.ref();
    if (slot.outbox.push({ id, source: task.source }) === 1) queueMicrotask(() => send(slot));
  }

  /** Sends a slot's requests of this turn in one message. */
  function send(slot: Slot): void {
    const requests = slot.outbox.splice(0);
    // The worker stopped meanwhile: its tasks were handed to this thread.
    if (!slots?.includes(slot)) return;
    try {
      slot.worker.postMessage(requests);
    } catch (error) {
      // Sources that cannot be sent (never plain bytes and paths): analysed here.
      options.logger?.warn('messages could not be sent to a reply analysis worker', { error });
      for (const { id } of requests) {
        const task = slot.tasks.get(id);
        slot.tasks.delete(id);
        if (task) runHere(task);
      }
      if (slot.tasks.size === 0) slot.worker.unref();
    }
  }

  /** Starts waiting tasks while the byte budget has room; one always goes when none is in flight. */
  function pump(): void {
    for (let task = waiting[0]; task && (tasksInFlight === 0 || bytesInFlight + task.weight <= maxBytes); task = waiting[0]) {
      waiting.shift();
      bytesInFlight += task.weight;
      tasksInFlight++;
      dispatch(task);
    }
  }

  return {
    analyze(source) {
      return new Promise<ReplyAnalysis>((resolve, reject) => {
        waiting.push({ source, weight: weightOf(source), resolve, reject });
        pump();
      });
    },
    warm() {
      start(true);
    },
    mode: () => (slots ? 'workers' : 'this-thread'),
    async close() {
      await stopWorkers();
    },
  };
}
