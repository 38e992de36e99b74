/**
 * The reply analysis worker (built as `reply-worker` beside each program's entry): reads and
 * parses messages and runs the rules for `createReplyAnalyzer`, which writes nothing. Several
 * messages may be in progress at once; requests and answers come in arrays, each answer with
 * its request's id.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeSource, toAnalysisAnswer, type AnalysisAnswer, type AnalysisRequest } from './reply-analyzer';

if (!parentPort) throw new Error('The reply analysis worker runs only as a worker thread.');
const port = parentPort;

/** Answers ready in this turn, sent together at its end. */
let outbox: AnalysisAnswer[] = [];

function answer(reply: AnalysisAnswer): void {
  if (outbox.push(reply) > 1) return;
  setImmediate(() => {
    const ready = outbox;
    outbox = [];
    port.postMessage(ready);
  });
}

port.on('message', (requests: AnalysisRequest[]) => {
  for (const { id, source } of requests) {
    analyzeSource(source, true).then(
      (analysis) => answer({ id, analysis }),
      (error: unknown) => answer(toAnalysisAnswer(id, error)),
    );
  }
});
