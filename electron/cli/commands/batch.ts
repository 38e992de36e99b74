import { readFile, writeFile } from 'node:fs/promises';
import type { Job, JobProgress } from '../../../shared/domain/records';
import type { Core } from '../../core';
import { renderProgressBar } from '../../core/jobs';
import { parseCommandArgs, type Command } from '../context';
import { formatTable, parseInteger, readJsonFile, unwrap, UsageError, type Output } from '../io';
import { parseProvider } from './llm';

const noEvents = { emit: () => {} };

/** Waits for a job's run to stop (done, paused, cancelled), drawing its progress bar on stderr. */
async function waitForJob(core: Core, io: Output, job: Job): Promise<JobProgress> {
  const tty = process.stderr.isTTY === true;
  let lastDrawn = 0;
  const draw = (progress: JobProgress, force = false) => {
    if (io.json) return;
    const now = Date.now();
    if (!force && now - lastDrawn < (tty ? 100 : 2000)) return;
    lastDrawn = now;
    const line = renderProgressBar(progress, Math.min(process.stderr.columns ?? 80, 120));
    process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
  };
  const unsubscribe = core.subscribe((event, payload) => {
    if (event === 'jobs:progress' && (payload as JobProgress).jobId === job.id) draw(payload as JobProgress);
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
  const result = await core.dispatch('jobs:export', { id: job.id, format: 'csv-per-lead', fillPlaceholders: false }, noEvents);
  if (!result.ok) {
    io.err(`Nothing written to ${out}: ${result.error.message}`);
    return;
  }
  try {
    await writeFile(out, (result.value as { content: string }).content);
  } catch (error) {
    throw new UsageError(`Cannot write "${out}" (${(error as NodeJS.ErrnoException).code ?? 'error'}): check the folder exists and has free space.`);
  }
}

type FailedItem = { seq: number; status: string; input: Record<string, unknown>; error: { code: string; message: string } | null };

/** Every failed item of the job, page by page: a long batch can fail more items than one page holds. */
async function readFailures(core: Core, jobId: string): Promise<FailedItem[]> {
  const failures: FailedItem[] = [];
  for (let offset = 0; ; offset += FAILURE_PAGE) {
    const page = unwrap(await core.dispatch('jobs:get', { id: jobId, status: 'failed', offset, limit: FAILURE_PAGE }, noEvents)) as { items: FailedItem[] };
    failures.push(...page.items);
    if (page.items.length < FAILURE_PAGE) return failures;
  }
}

const FAILURE_PAGE = 500;

/** "item 4 (inbox.mbox#4)": the position, and the file a reply came from. */
function describeItem(item: FailedItem): string {
  const name = item.input['name'];
  return typeof name === 'string' && name ? `item ${item.seq + 1} (${name})` : `item ${item.seq + 1}`;
}

async function reportJob(core: Core, io: Output, job: Job, progress: JobProgress, out: string | undefined): Promise<void> {
  // Every item is a row of the results, failed ones included, so the file lines up with the input.
  if (out && progress.total > 0) await writeOutput(core, io, job, out);
  const failures = await readFailures(core, job.id);
  if (io.json) {
    io.out(JSON.stringify({ job: job.id, progress, out: out ?? null, failures: failures.map((f) => ({ item: f.seq + 1, name: f.input['name'] ?? null, error: f.error })) }, null, 2));
  } else {
    io.err(`Job ${job.id}: ${progress.status}, ${progress.done} done, ${progress.failed} failed of ${progress.total}.${out && progress.total > 0 ? ` Wrote ${out}.` : ''}`);
    for (const f of failures) io.err(`  ${describeItem(f)}: error[${f.error?.code}]: ${f.error?.message}`);
    if (progress.pauseReason) io.err(`Paused: error[${progress.pauseReason.code}]: ${progress.pauseReason.message}\nFix it, then run: outreach-desk jobs resume ${job.id}`);
  }
}

export const batchCommand: Command = async ({ core, io }, args) => {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      leads: { type: 'string' }, business: { type: 'string' }, out: { type: 'string' }, provider: { type: 'string' },
      concurrency: { type: 'string' }, in: { type: 'string' }, 'rules-only': { type: 'boolean' }, recursive: { type: 'boolean' },
      steps: { type: 'string' }, channels: { type: 'string' },
    },
    'batch',
  );
  const kind = positionals[0];
  if (kind === 'generate') {
    if (!values.leads || !values.business || !values.out) throw new UsageError('batch generate needs --leads FILE.csv --business FILE.json --out FILE.csv.');
    const csv = await readFile(values.leads, 'utf8').catch(() => {
      throw new UsageError(`Cannot read the leads file "${values.leads}": check the path.`);
    });
    const business = await readJsonFile(values.business, 'business');
    const preview = unwrap(await core.dispatch('leads:import-preview', { csv }, noEvents)) as { suggestedMapping: Record<string, string> };
    const imported = unwrap(await core.dispatch('leads:import', { csv, mapping: preview.suggestedMapping }, noEvents)) as { imported: number; leadIds: string[]; errors: Array<{ row: number; message: string }> };
    for (const e of imported.errors) io.err(`  skipped ${e.message}`);
    if (imported.imported === 0) throw new UsageError(`No lead in "${values.leads}" could be imported (${imported.errors.length} rows had errors).`);
    io.err(`Imported ${imported.imported} leads${imported.errors.length ? `, ${imported.errors.length} rows refused` : ''}.`);
    const profile = unwrap(await core.dispatch('profiles:save', business, noEvents)) as { id: string };
    const steps = parseInteger(values.steps, '--steps') ?? 3;
    const channels = values.channels?.split(',').map((c) => c.trim()) ?? ['email'];
    const job = unwrap(
      await core.dispatch(
        'jobs:create-generate',
        {
          leadIds: imported.leadIds,
          businessProfileId: profile.id,
          options: { numberOfSteps: steps, channels, includeSubjects: channels.includes('email') },
          provider: parseProvider(values.provider),
          concurrency: parseInteger(values.concurrency, '--concurrency'),
        },
        noEvents,
      ),
    ) as Job;
    core.services.store.meta.set(`job-out:${job.id}`, values.out);
    io.err(`Job ${job.id} started (resume it after an interruption with: outreach-desk jobs resume ${job.id}).`);
    await reportJob(core, io, job, await waitForJob(core, io, job), values.out);
    return;
  }
  if (kind === 'classify') {
    if (!values.in || !values.out) throw new UsageError('batch classify needs --in DIR|FILE.mbox --out FILE.csv.');
    const files = await core.services.jobs.readReplyFiles(values.in, { recursive: values.recursive ?? false });
    if (files.length === 0) throw new UsageError(`"${values.in}" holds no .eml files or messages.`);
    const job = core.services.jobs.createClassify(files, values['rules-only'] ?? false);
    core.services.store.meta.set(`job-out:${job.id}`, values.out);
    io.err(`Job ${job.id} started: ${files.length} replies${values['rules-only'] ? ', rules only (no model calls)' : ''}.`);
    await reportJob(core, io, job, await waitForJob(core, io, job), values.out);
    return;
  }
  throw new UsageError('Use "batch generate ..." or "batch classify ...". See "outreach-desk --help".');
};

export const jobsCommand: Command = async ({ core, io }, args) => {
  const { positionals } = parseCommandArgs(args, {}, 'jobs');
  const [action = 'list', id] = positionals;
  if (action === 'list') {
    const jobs = unwrap(await core.dispatch('jobs:list', undefined, noEvents)) as Job[];
    if (io.json) return io.out(JSON.stringify({ jobs }, null, 2));
    if (jobs.length === 0) return io.out('No jobs yet.');
    io.out(formatTable(['ID', 'KIND', 'STATUS', 'DONE', 'FAILED', 'TOTAL', 'CREATED'], jobs.map((j) => [j.id, j.kind, j.status, j.done, j.failed, j.total, j.createdAt])));
    return;
  }
  if (!id) throw new UsageError(`jobs ${action} needs a job id; see "outreach-desk jobs list".`);
  if (action === 'resume') {
    const job = unwrap(await core.dispatch('jobs:resume', { id }, noEvents)) as Job;
    io.err(`Resuming job ${job.id}.`);
    const out = core.services.store.meta.get(`job-out:${job.id}`) ?? undefined;
    await reportJob(core, io, job, await waitForJob(core, io, job), out);
    return;
  }
  if (action === 'cancel') {
    const job = unwrap(await core.dispatch('jobs:cancel', { id }, noEvents)) as Job;
    if (io.json) return io.out(JSON.stringify({ job }, null, 2));
    io.out(`Cancelled job ${job.id}: ${job.done} done, ${job.failed} failed of ${job.total}.`);
    return;
  }
  throw new UsageError('Use "jobs list", "jobs resume ID" or "jobs cancel ID".');
};
