/**
 * The reply analysis worker (built as `reply-worker` beside each program's entry): reads and
 * parses messages and runs the rules for `createReplyAnalyzer`, which writes nothing. Several
 * messages may be in progress at once; each answer carries its request's id.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeSource, toAnalysisAnswer, type AnalysisAnswer, type AnalysisRequest } from './reply-analyzer';

const port = parentPort;
if (!port) throw new Error('The reply analysis worker runs only as a worker thread.');

port.on('message', ({ id, source }: AnalysisRequest) => {
  analyzeSource(source, true).then(
    (analysis) => port.postMessage({ id, analysis } satisfies AnalysisAnswer),
    (error: unknown) => port.postMessage(toAnalysisAnswer(id, error)),
  );
});
