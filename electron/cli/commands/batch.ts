import { writeFile } from 'node:fs/promises';
import type { ErrorCode } from '../../../shared/domain/errors';
import type { Job, JobItem, JobProgress } from '../../../shared/domain/records';
import { channelsTakeSubjects } from '../../../shared/domain/sequence';
import { isEvent } from '../../../shared/ipc/events';
import { generateJobInputSchema, MAX_BATCH_LEADS } from '../../../shared/ipc/jobs';
import type { Core } from '../../core';
import { AppError } from '../../core/errors';
import { renderProgressBar } from '../../core/jobs';
import { parseCommandArgs, type Command } from '../context';
import { readBusinessFile } from '../context-files';
import { errnoCode, formatTable, parseInteger, UsageError, type Output } from '../io';
import { parseChannels, parseProvider } from './llm';

/** A generate job's settings, checked before the import (the lead ids come from it). */
const jobInputSchema = generateJobInputSchema.omit({ leadIds: true });

/** Waits for a job's run to stop (done, paused, cancelled), drawing its progress bar on stderr. */
async function waitForJob(core: Core, io: Output, job: Job): Promise<JobProgress> {
  const tty = process.stderr.isTTY === true;
  let lastDrawn = 0;
  let lastLine = '';
  const draw = (progress: JobProgress, force = false) => {
    if (io.json) return;
    const now = Date.now();
    if (!force && now - lastDrawn < (tty ? 100 : 2000)) return;
    lastDrawn = now;
    const line = renderProgressBar(progress, Math.min(process.stderr.columns ?? 80, 120));
    // Into a log (no terminal), each line stays: one that says nothing new is left out.
    if (!tty && line === lastLine) return;
    lastLine = line;
    process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
  };
  const unsubscribe = core.subscribe((event, payload) => {
    if (isEvent('jobs:progress', event, payload) && payload.jobId === job.id) draw(payload);
  });
  try {
    await core.services.jobs.runner.settled(job.id);
  } finally {
    unsubscribe();
  }
  const progress = core.services.jobs.runner.progress(job.id);
  draw(progress, true);
  if (!io.json && tty) process.stderr.write('\n');
  return progress;
}

async function writeOutput(core: Core, io: Output, job: Job, out: string): Promise<void> {
  let content: string;
  try {
    ({ content } = await core.invoke('jobs:export', { id: job.id, format: 'csv-per-lead', fillPlaceholders: false }));
  } catch (error) {
    // The summary and the failures still print; only the file is missing, and this says why.
    if (!(error instanceof AppError)) throw error;
    io.err(`Nothing written to ${out}: ${error.messageFor('cli')}`);
    return;
  }
  try {
    await writeFile(out, content);
  } catch (error) {
    throw new UsageError(`Cannot write "${out}" (${errnoCode(error) ?? 'error'}): check the folder exists and has free space.`);
  }
}

/** Every failed item of the job, page by page: a long batch can fail more items than one page holds. */
async function readFailures(core: Core, jobId: string): Promise<JobItem[]> {
  const failures: JobItem[] = [];
  for (let offset = 0; ; offset += FAILURE_PAGE) {
    const page = await core.invoke('jobs:get', { id: jobId, status: 'failed', offset, limit: FAILURE_PAGE });
    failures.push(...page.items);
    if (page.items.length < FAILURE_PAGE) return failures;
  }
}

const FAILURE_PAGE = 500;

/** "item 4 (inbox.mbox#4)": the position, and the file a reply came from. */
function describeItem(item: JobItem): string {
  const name = item.input.name;
  return typeof name === 'string' && name ? `item ${item.seq + 1} (${name})` : `item ${item.seq + 1}`;
}

/** Causes the user cannot fix: a fault of ours, or the vendor's own trouble (wait, then resume). */
const NOT_THE_USERS_TO_FIX: ReadonlySet<ErrorCode> = new Set(['internal']);
const VENDOR_TROUBLE: ReadonlySet<ErrorCode> = new Set(['server', 'overloaded', 'rate_limited', 'timeout', 'offline']);

/**
 * How a batch run ended, as an exit code and the advice after the summary: a job that completed is
 * a success (its failed items are listed); paused, failed or cancelled is not. "Fix it, then
 * resume" only when the cause is the user's to fix (a key, credit, the budget, the disk).
 */
export function describeJobEnd(progress: JobProgress): { exitCode: 0 | 1; advice: string | null } {
  if (progress.status === 'completed') return { exitCode: 0, advice: null };
  const resume = `outreach-desk jobs resume ${progress.jobId}`;
  if (progress.status === 'cancelled') return { exitCode: 1, advice: `Cancelled. To finish the rest, run: ${resume}` };
  const reason = progress.pauseReason;
  const what = progress.status === 'paused' ? 'Paused' : 'Stopped';
  if (!reason) return { exitCode: 1, advice: `${what}. To go on, run: ${resume}` };
  const cause = `${what}: error[${reason.code}]: ${reason.message}`;
  if (NOT_THE_USERS_TO_FIX.has(reason.code)) {
    return { exitCode: 1, advice: `${cause}\nThis is not something you can fix; please report it. To try again, run: ${resume}` };
  }
  if (VENDOR_TROUBLE.has(reason.code)) return { exitCode: 1, advice: `${cause}\nWait a while, then run: ${resume}` };
  return { exitCode: 1, advice: `${cause}\nFix it, then run: ${resume}` };
}

async function reportJob(core: Core, io: Output, job: Job, progress: JobProgress, out: string | undefined): Promise<0 | 1> {
  // Every item is a row of the results, failed ones included, so the file lines up with the input.
  if (out && progress.total > 0) await writeOutput(core, io, job, out);
  const failures = await readFailures(core, job.id);
  if (io.json) {
    io.out(
      JSON.stringify(
        { job: job.id, progress, out: out ?? null, failures: failures.map((f) => ({ item: f.seq + 1, name: f.input.name ?? null, error: f.error })) },
        null,
        2,
      ),
    );
  } else {
    io.err(
      `Job ${job.id}: ${progress.status}, ${progress.done} done, ${progress.failed} failed of ${progress.total}.${out && progress.total > 0 ? ` Wrote ${out}.` : ''}`,
    );
    for (const f of failures) io.err(`  ${describeItem(f)}: error[${f.error?.code}]: ${f.error?.message}`);
  }
  const end = describeJobEnd(progress);
  if (end.advice) io.err(end.advice);
  return end.exitCode;
}

export const batchCommand: Command = async ({ core, io }, args) => {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      leads: { type: 'string' },
      business: { type: 'string' },
      out: { type: 'string' },
      provider: { type: 'string' },
      concurrency: { type: 'string' },
      in: { type: 'string' },
      'rules-only': { type: 'boolean' },
      recursive: { type: 'boolean' },
      steps: { type: 'string' },
      channels: { type: 'string' },
    },
    'batch',
  );
  const kind = positionals[0];
  if (kind === 'generate') {
    if (!values.leads || !values.business || !values.out) throw new UsageError('batch generate needs --leads FILE.csv --business FILE.json --out FILE.csv.');
    const channels = parseChannels(values.channels);
    const business = await readBusinessFile(values.business, io);
    const profile = await core.invoke('profiles:save', business);
    const steps = parseInteger(values.steps, '--steps') ?? 3;
    const jobInput = jobInputSchema.safeParse({
      businessProfileId: profile.id,
      options: { numberOfSteps: steps, channels, includeSubjects: channelsTakeSubjects(channels) },
      provider: parseProvider(values.provider),
      concurrency: parseInteger(values.concurrency, '--concurrency'),
    });
    if (!jobInput.success) {
      const [issue] = jobInput.error.issues;
      throw new UsageError(`batch generate: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'the options are not valid'}`);
    }
    // The leads and their job commit together: a failure leaves neither, and a rerun adds no lead twice.
    const imported = await core.services.leadImport.import({ path: values.leads }, {}, { suggestUnmapped: true, maxLeads: MAX_BATCH_LEADS }, (leadIds) => {
      if (leadIds.length === 0) throw new UsageError(`No lead in "${values.leads}" could be imported: every row has an error.`);
      return core.services.jobs.createGenerate({ ...jobInput.data, leadIds });
    });
    for (const w of imported.warnings) io.err(`warning: ${w}`);
    for (const e of imported.errors) io.err(`  skipped ${e.message}`);
    io.err(
      `Imported ${imported.imported} leads${imported.skipped ? `, ${imported.skipped} already there` : ''}${imported.errors.length ? `, ${imported.errors.length} rows refused` : ''}.`,
    );
    const job = imported.outcome;
    core.store.meta.set(`job-out:${job.id}`, values.out);
    io.err(`Job ${job.id} started (resume it after an interruption with: outreach-desk jobs resume ${job.id}).`);
    return reportJob(core, io, job, await waitForJob(core, io, job), values.out);
  }
  if (kind === 'classify') {
    if (!values.in || !values.out) throw new UsageError('batch classify needs --in DIR|FILE.mbox --out FILE.csv.');
    // Streamed: an mbox of several GB is scanned, not read into memory.
    const job = await core.services.jobs.createClassifyFromPath(values.in, values['rules-only'] ?? false, { recursive: values.recursive ?? false });
    core.store.meta.set(`job-out:${job.id}`, values.out);
    io.err(`Job ${job.id} started: ${job.total} replies${values['rules-only'] ? ', rules only (no model calls)' : ''}.`);
    return reportJob(core, io, job, await waitForJob(core, io, job), values.out);
  }
  throw new UsageError('Use "batch generate ..." or "batch classify ...". See "outreach-desk --help".');
};

export const jobsCommand: Command = async ({ core, io }, args) => {
  const { positionals } = parseCommandArgs(args, {}, 'jobs');
  const [action = 'list', id] = positionals;
  if (action === 'list') {
    const jobs = await core.invoke('jobs:list', undefined);
    if (io.json) return io.out(JSON.stringify({ jobs }, null, 2));
    if (jobs.length === 0) return io.out('No jobs yet.');
    io.out(
      formatTable(
        ['ID', 'KIND', 'STATUS', 'DONE', 'FAILED', 'TOTAL', 'CREATED'],
        jobs.map((j) => [j.id, j.kind, j.status, j.done, j.failed, j.total, j.createdAt]),
      ),
    );
    return;
  }
  if (!id) throw new UsageError(`jobs ${action} needs a job id; see "outreach-desk jobs list".`);
  if (action === 'resume') {
    const job = await core.invoke('jobs:resume', { id });
    io.err(`Resuming job ${job.id}.`);
    const out = core.store.meta.get(`job-out:${job.id}`) ?? undefined;
    return reportJob(core, io, job, await waitForJob(core, io, job), out);
  }
  if (action === 'cancel') {
    const job = await core.invoke('jobs:cancel', { id });
    if (io.json) return io.out(JSON.stringify({ job }, null, 2));
    io.out(`Cancelled job ${job.id}: ${job.done} done, ${job.failed} failed of ${job.total}.`);
    return;
  }
  throw new UsageError('Use "jobs list", "jobs resume ID" or "jobs cancel ID".');
};
