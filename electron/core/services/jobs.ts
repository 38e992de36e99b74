import type { Job, JobItem } from '../../../shared/domain/records';
import type { GenerateJobInput } from '../../../shared/ipc/jobs';
import type { ExportFormat } from '../../../shared/ipc/sequences';
import { exportReplyItemsCsv } from './replies-export';
import { listReplyFiles, listReplyFilesOf, readReplyFiles, type ReplyFile, type ReplyFileRef } from './reply-files';
import { AppError } from '../errors';
import { createJobRunner, createRateLimiter, type JobRunnerOptions, type ProcessItem } from '../jobs';
import { createReplyAnalyzer, type ReplySourceInput } from '../replies';
import type { ServiceDeps } from './context';
import type { ExportService } from './exports';
import { classifyJobParamsSchema, generateJobParamsSchema, readJobParams, type ClassifyJobParams, type GenerateJobParams } from './job-params';
import type { LLMAccess } from './llm-access';
import type { ReplyService } from './replies';
import type { Session, SessionService } from './session';
import { toLeadContext } from './sequences';
import type { UploadService } from './uploads';

/**
 * How the job service's runner paces and retries, when not the defaults: tests and the bench make
 * offline probes fast or give the limiter their own limits. Production uses the defaults.
 */
export type JobRunnerTuning = Partial<
  Pick<JobRunnerOptions, 'limiter' | 'concurrency' | 'attemptsPerProvider' | 'offlineProbe' | 'progressIntervalMs' | 'commitBatch'>
>;

/** Whether a new job starts at once (the default), or waits, queued, for `runner.start`. */
export interface CreateJobOptions {
  start?: boolean;
}

/** How many items a streamed batch writes per transaction while it reads its source. */
const APPEND_SLICE = 1000;
/** How many items a reply export reads at a time. */
const EXPORT_PAGE = 1000;

/**
 * A classify item's raw message: a reference into a file on disk (an .eml file, or one message's
 * span of an mbox) that is read only when the item runs; or, in a job an earlier version made,
 * the message's bytes (base64) in the item itself.
 */
function itemSource(input: Record<string, unknown>): ReplySourceInput {
  if (typeof input.path === 'string') {
    return { ref: { path: input.path, offset: typeof input.offset === 'number' ? input.offset : undefined, length: Number(input.length ?? 0) } };
  }
  return { bytes: Buffer.from(String(input.sourceBase64 ?? ''), 'base64') };
}

function leadTitle(lead: { firstName?: string; lastName?: string; company?: string; email?: string }): string {
  const name = [lead.firstName, lead.lastName].filter(Boolean).join(' ') || lead.email || 'Lead';
  return lead.company ? `${name} · ${lead.company}` : name;
}

/**
 * Batch work: a job stored in SQLite with one item per lead or reply, run by the scheduler
 * within each provider's limits. Results and their item's "done" commit together; usage is
 * recorded once per call, when its answer arrives.
 */
export function createJobService(
  deps: ServiceDeps,
  session: SessionService,
  llm: LLMAccess,
  replies: ReplyService,
  exports: ExportService,
  uploads: UploadService,
  tuning: JobRunnerTuning = {},
) {
  const { store } = deps;
  /**
   * Classify items are read, parsed and run through the rules on worker threads (when the
   * program built one and the machine has idle cores), while this thread commits results: one
   * writer, so a crash loses at most the open batch of results.
   */
  const analyzer = createReplyAnalyzer({ workerFile: deps.replyWorkerFile, logger: deps.logger });

  /** The session of the job's items, read again at most once a second: settings changed mid-job still apply. */
  let sessionMemo: { jobId: string; at: number; session: Session } | null = null;
  function sessionFor(job: Job): Session {
    const at = Date.now();
    if (sessionMemo && sessionMemo.jobId === job.id && at - sessionMemo.at < 1000) return sessionMemo.session;
    sessionMemo = { jobId: job.id, at, session: readSession(job) };
    return sessionMemo.session;
  }

  function readSession(job: Job): Session {
    const org = store.orgs.get(job.orgId);
    if (!org) throw new AppError('not_found', 'The organization of this job no longer exists.');
    const users = store.forOrg(org.id).users;
    const userId = typeof job.params.userId === 'string' ? job.params.userId : null;
    const user = (userId && users.get(userId)) || users.list().find((u) => u.role === 'owner');
    if (!user) throw new AppError('not_found', 'The organization of this job has no users.');
    return { org, user };
  }

  // Batch calls run with the core's retries off: the runner is their one retry layer (it spaces
  // attempts through the rate limiter and falls back to the next provider).
  const processItem: ProcessItem = async (item, call) => {
    const { job } = call;
    const s = sessionFor(job);
    // The job's organization: an item naming another organization's lead finds nothing.
    const data = store.forOrg(s.org.id);
    const provider = call.provider ?? undefined;
    if (job.kind === 'generate') {
      const params = readJobParams(job, generateJobParamsSchema);
      const leadId = String(item.input.leadId ?? '');
      const lead = data.leads.get(leadId);
      if (!lead) throw new AppError('not_found', 'This lead was deleted: remove it from the batch or import it again.');
      const profile = data.profiles.get(params.businessProfileId);
      if (!profile) throw new AppError('not_found', 'The business profile of this batch was deleted: pick another and start a new batch.');
      const { id: _id, orgId: _org, createdAt: _c, updatedAt: _u, ...business } = profile;
      await call.acquireCall();
      // The usage row is written the moment the answer arrives (llm.call does it), in its own
      // commit: a crash before the result is saved must not lose the bill of a call that was made.
      const result = await llm.call(
        'sequence',
        { provider, model: call.provider === job.provider ? params.model : undefined },
        (target) =>
          target.client.generateSequence(toLeadContext(lead), business, params.options, {
            model: target.model,
            signal: call.signal,
            onRateLimit: call.onRateLimit,
          }),
        { retry: false },
        s,
      );
      return {
        tokens: result.usage.inputTokens + result.usage.outputTokens,
        save: () => {
          const sequence = data.sequences.save({
            title: leadTitle(lead),
            status: 'draft',
            steps: result.steps,
            leadId: lead.id,
            businessProfileId: profile.id,
            provider: result.provider,
            model: result.model,
            usage: result.usage,
            costUsd: result.cost.usd,
            options: params.options,
            createdBy: s.user.id,
          });
          return { resultId: sequence.id, provider: sequence.provider ?? null };
        },
      };
    }
    const params = readJobParams(job, classifyJobParamsSchema);
    // Raw bytes: a reply in a non-UTF-8 charset must reach the MIME parser unchanged.
    const analysis = await analyzer.analyze(itemSource(item.input));
    const decision = await replies.decide(
      { analysis, rulesOnly: params.rulesOnly, provider, signal: call.signal, onRateLimit: call.onRateLimit, retry: false, beforeModelCall: call.acquireCall },
      s,
    );
    return {
      save: () => {
        const reply = data.replies.insert({ ...decision, leadId: null, sequenceId: null });
        return { resultId: reply.id, provider: reply.provider ?? null };
      },
    };
  };

  const runner = createJobRunner({
    ...tuning,
    store: deps.runnerStore,
    processItem,
    limiter: tuning.limiter ?? createRateLimiter(),
    logger: deps.logger,
    lease: { program: deps.program ?? 'app' },
    onProgress: (progress) => {
      deps.broadcast('jobs:progress', progress);
      if (progress.status === 'completed' || progress.status === 'cancelled') releaseUploads(progress.jobId);
    },
  });

  /** A job that ended deletes the uploads its items read, once it is done with them (see UploadService.releaseJob). */
  function releaseUploads(jobId: string): void {
    for (const org of store.orgs.list()) {
      const job = store.forOrg(org.id).jobs.get(jobId);
      if (job) {
        uploads.releaseJob(job);
        return;
      }
    }
  }

  /**
   * A classify job over messages listed as a stream, each item referring to its place on disk,
   * written a slice at a time. Nothing is made when the listing holds no message (`whenEmpty`);
   * a listing that fails part way cancels the partial job. `onCreated` runs once the job exists,
   * before its items are listed.
   */
  async function createClassifyFromRefs(
    refs: AsyncGenerator<ReplyFileRef>,
    rulesOnly: boolean,
    options: CreateJobOptions & { whenEmpty: () => AppError; uploadIds?: string[]; onCreated?: (job: Job) => void },
  ): Promise<Job> {
    const { org, user } = session.current();
    const listStart = performance.now();
    // The analysis workers load while the messages are listed.
    analyzer.warm();
    const first = await refs.next();
    if (first.done) throw options.whenEmpty();
    const params: ClassifyJobParams = {
      userId: user.id,
      rulesOnly,
      fallbackOrder: org.settings.fallbackOrder.filter((p) => p !== org.provider),
      ...(options.uploadIds ? { uploadIds: options.uploadIds } : {}),
    };
    const jobs = store.forOrg(org.id).jobs;
    const job = jobs.create({ kind: 'classify', provider: rulesOnly ? null : org.provider, params: { ...params }, items: [] });
    // Each item names its source (file, mbox position, Message-ID), so every result and every
    // failure can be traced back to the message it came from.
    const toItem = (ref: ReplyFileRef) => ({ name: ref.name, file: ref.file, mboxIndex: ref.mboxIndex, messageId: ref.messageId, ...ref.source });
    try {
      options.onCreated?.(job);
      let slice: Array<Record<string, unknown>> = [toItem(first.value)];
      for await (const ref of refs) {
        slice.push(toItem(ref));
        if (slice.length === APPEND_SLICE) {
          jobs.appendItems(job.id, slice);
          slice = [];
        }
      }
      if (slice.length > 0) jobs.appendItems(job.id, slice);
    } catch (error) {
      // Reading stopped part way (a file vanished, a disk error): the partial job is cancelled
      // (never run), and the caller gets the reason.
      const cancelled = await runner.cancel(job.id).catch(() => null);
      if (cancelled) uploads.releaseJob(cancelled);
      throw error;
    }
    // How long listing took, and where messages are parsed: `npm run bench` reads this line.
    deps.logger.info('replies listed', {
      jobId: job.id,
      items: jobs.progress(job.id).total,
      listMs: Math.round(performance.now() - listStart),
      analysis: analyzer.mode(),
    });
    if (options.start ?? true) runner.start(job.id);
    return found(jobs.get(job.id), job.id);
  }

  /** The current organization's jobs. */
  const jobsOf = () => store.forOrg(session.current().org.id).jobs;

  /** A job of the current organization, before the runner (which takes jobs by id) is asked to touch it. */
  function owned(id: string): Job {
    return found(jobsOf().get(id), id);
  }

  function found(job: Job | null, id: string): Job {
    if (!job) {
      // The app only shows jobs that were there; an id typed into the CLI may never have been one.
      const cli = `No job has the id "${id.slice(0, 80)}" in this organization: see the jobs with "outreach-desk jobs list".`;
      throw new AppError('not_found', (wording) => (wording.surface === 'cli' ? cli : 'That job no longer exists.'), { field: 'id' });
    }
    return job;
  }

  return {
    runner,
    /** What the runner does for one item; tests drive their own runner with it. */
    processItem,
    /** Where classify items are analysed (worker threads or this one). */
    analyzer,
    /** Stops the analysis workers (the core is closing); a run still going analyses on this thread. */
    close: () => analyzer.close(),

    createGenerate(input: GenerateJobInput, { start = true }: CreateJobOptions = {}): Job {
      const { org, user } = session.current();
      const data = store.forOrg(org.id);
      const profile = data.profiles.get(input.businessProfileId);
      if (!profile) throw new AppError('not_found', 'Pick a business profile for the batch.', { field: 'businessProfileId' });
      const provider = input.provider ?? org.provider;
      const params: GenerateJobParams = {
        userId: user.id,
        businessProfileId: profile.id,
        options: input.options,
        model: input.model,
        fallbackOrder: org.settings.fallbackOrder.filter((p) => p !== provider),
        concurrency: input.concurrency,
      };
      const job = data.jobs.create({ kind: 'generate', provider, params: { ...params }, items: input.leadIds.map((leadId) => ({ leadId })) });
      if (start) runner.start(job.id);
      return job;
    },

    /**
     * A classify job over uploaded files (`uploads:*`): .eml files, mbox files, in the order
     * given. Like `createClassifyFromPath`, each message becomes an item that refers to its place
     * in the uploaded file, read only when it runs, so an mbox of many GB costs bounded memory.
     * The uploads are the job's from then on: they stay through a restart and are deleted once
     * the job is done with them. Files without any message are refused before a job is made.
     */
    async createClassifyFromUploads(uploadIds: readonly string[], rulesOnly: boolean, options: CreateJobOptions = {}): Promise<Job> {
      const ids = [...new Set(uploadIds)];
      const files = ids.map((id) => uploads.fileOf(id));
      return createClassifyFromRefs(listReplyFilesOf(files.map((f) => f.path)), rulesOnly, {
        ...options,
        uploadIds: ids,
        whenEmpty: () => new AppError('validation', 'The files hold no messages: choose .eml files or an .mbox file.', { field: 'uploadIds' }),
        onCreated: (job) => uploads.claim(ids, job.id),
      });
    },

    /**
     * A classify job over an .eml or mbox file, or a folder of them (`recursive`: and the folders
     * inside), of any size, read as a stream: each message becomes an item that refers to its
     * place on disk (nothing is copied into the database), written a slice at a time, and is
     * read only when it runs. The files must stay where they are until the job is done. An input
     * without messages is refused before any job is made.
     */
    async createClassifyFromPath(target: string, rulesOnly: boolean, options: { recursive?: boolean } & CreateJobOptions = {}): Promise<Job> {
      return createClassifyFromRefs(listReplyFiles(target, options), rulesOnly, {
        ...options,
        whenEmpty: () => new AppError('validation', `"${target}" holds no messages: give a folder of .eml files or an mbox file.`, { field: 'in' }),
      });
    },

    list: () => jobsOf().list(),
    /** A job, its progress and a page of items. A reply item carries its file name and size, not the whole message. */
    get(id: string, page: { offset: number; limit: number; status?: JobItem['status'] }) {
      const job = owned(id);
      const items = jobsOf().items(id, { ...page, lean: true });
      return { job, progress: runner.progress(id), holder: runner.holder(id), items };
    },
    pause: (id: string) => runner.pause(owned(id).id),
    resume: (id: string) => runner.resume(owned(id).id),
    async cancel(id: string): Promise<Job> {
      const job = await runner.cancel(owned(id).id);
      // A job cancelled while no run held it changes status without a progress event.
      uploads.releaseJob(job);
      return job;
    },
    retryItem(jobId: string, itemId: string): JobItem {
      owned(jobId);
      return runner.retryItem(jobId, itemId);
    },

    /**
     * The job's results, one row per item in batch order: failed, waiting and unfinished items
     * are rows too, with their status and error, so the file lines up with the batch's input.
     */
    export(id: string, format: ExportFormat, fillPlaceholders: boolean) {
      const job = owned(id);
      const data = store.forOrg(job.orgId);
      if (job.kind === 'classify') {
        // A page of items at a time, each reply without its message texts: a batch of a big mbox
        // has many, and only the CSV text is kept.
        const pages: string[] = [];
        for (let offset = 0; ; offset += EXPORT_PAGE) {
          const page = data.jobs.items(id, { offset, limit: EXPORT_PAGE, lean: true });
          if (page.length === 0) break;
          const csv = exportReplyItemsCsv(
            page.map((item) => {
              const reply = item.status === 'done' && item.resultId ? data.replies.get(item.resultId) : null;
              return { item, reply: reply ? { ...reply, rawText: '', parsedText: '' } : null };
            }),
          );
          // Every page's CSV starts with the header line; the file has it once.
          pages.push(offset === 0 ? csv : csv.slice(csv.indexOf('\r\n') + 2));
        }
        if (pages.length === 0) throw new AppError('not_found', 'This job has no items to export.');
        return { filename: `outreach-replies-${job.id.slice(0, 8)}.csv`, mimeType: 'text/csv', content: pages.join('') };
      }
      const items = data.jobs.items(id, { offset: 0, limit: 10_000_000, lean: true });
      if (items.length === 0) throw new AppError('not_found', 'This job has no items to export.');
      const sequences = new Map(data.sequences.getMany(items.flatMap((i) => (i.status === 'done' && i.resultId ? [i.resultId] : []))).map((s) => [s.id, s]));
      const entries = items.map((item) => ({
        sequence: item.resultId ? (sequences.get(item.resultId) ?? null) : null,
        leadId: typeof item.input.leadId === 'string' ? item.input.leadId : null,
        outcome: { item: item.seq + 1, status: item.status, errorCode: item.error?.code ?? null, error: item.error?.message ?? null },
      }));
      return exports.renderItems(job.orgId, entries, format, fillPlaceholders, `outreach-batch-${job.id.slice(0, 8)}`);
    },

    /** Reads a folder of .eml files (and, with `recursive`, the folders inside it) or an mbox into job items. */
    readReplyFiles: (path: string, options: { recursive?: boolean } = {}): Promise<ReplyFile[]> => readReplyFiles(path, options),
  };
}

export type JobService = ReturnType<typeof createJobService>;
