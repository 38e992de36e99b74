import { appErrorDataSchema, type AppErrorData } from '../../../../shared/domain/errors';
import type { LLMProviderName } from '../../../../shared/domain/llm';
import { jobKindSchema, jobStatusSchema, type Job, type JobItem, type JobItemStatus } from '../../../../shared/domain/records';
import { AppError } from '../../errors';
import { fromJson, fromJsonOrNull, newId, notFound, nowIso, parseInput, toJson } from '../internal/values';
import type { JobItemCounts, JobRepository, ReplyRepository, SequenceRepository, SqliteDatabase } from '../types';

interface JobRow {
  id: string;
  org_id: string;
  kind: Job['kind'];
  status: Job['status'];
  pause_reason: string | null;
  provider: string | null;
  params: string;
  created_at: string;
  updated_at: string;
}

interface ItemRow {
  id: string;
  job_id: string;
  seq: number;
  status: JobItemStatus;
  input: string;
  result_id: string | null;
  error: string | null;
  attempts: number;
  provider: string | null;
  updated_at: string;
}

const JOB_COLS = 'id, org_id, kind, status, pause_reason, provider, params, created_at, updated_at';
const ITEM_COLS = 'id, job_id, seq, status, input, result_id, error, attempts, provider, updated_at';

function toItem(row: ItemRow): JobItem {
  return {
    id: row.id,
    jobId: row.job_id,
    seq: row.seq,
    status: row.status,
    input: fromJson(row.input) as Record<string, unknown>,
    resultId: row.result_id,
    error: fromJsonOrNull(row.error) as AppErrorData | null,
    attempts: row.attempts,
    provider: row.provider as LLMProviderName | null,
    updatedAt: row.updated_at,
  };
}

export function createJobRepository(db: SqliteDatabase, sequences: SequenceRepository, replies: ReplyRepository): JobRepository {
  const getJobStmt = db.prepare<[string], JobRow>(`SELECT ${JOB_COLS} FROM jobs WHERE id = ?`);
  const listJobsStmt = db.prepare<[string], JobRow>(`SELECT ${JOB_COLS} FROM jobs WHERE org_id = ? ORDER BY created_at DESC, rowid DESC`);
  const insertJobStmt = db.prepare(`INSERT INTO jobs (${JOB_COLS}) VALUES (?, ?, ?, 'queued', NULL, ?, ?, ?, ?)`);
  const insertItemStmt = db.prepare(
    `INSERT INTO job_items (id, job_id, seq, status, input, attempts, updated_at) VALUES (?, ?, ?, 'pending', ?, 0, ?)`,
  );
  const setStatusStmt = db.prepare('UPDATE jobs SET status = ?, pause_reason = ?, updated_at = ? WHERE id = ?');
  const countsStmt = db.prepare<[string], { status: JobItemStatus; n: number }>(
    'SELECT status, count(*) AS n FROM job_items WHERE job_id = ? GROUP BY status',
  );
  const getItemStmt = db.prepare<[string], ItemRow>(`SELECT ${ITEM_COLS} FROM job_items WHERE id = ?`);
  const itemsStmt = db.prepare<{ job: string; limit: number; offset: number }, ItemRow>(
    `SELECT ${ITEM_COLS} FROM job_items WHERE job_id = @job ORDER BY seq LIMIT @limit OFFSET @offset`,
  );
  const itemsByStatusStmt = db.prepare<{ job: string; status: string; limit: number; offset: number }, ItemRow>(
    `SELECT ${ITEM_COLS} FROM job_items WHERE job_id = @job AND status = @status ORDER BY seq LIMIT @limit OFFSET @offset`,
  );
  const claimStmt = db.prepare<{ job: string; limit: number; now: string }, ItemRow>(
    `UPDATE job_items SET status = 'running', attempts = attempts + 1, updated_at = @now
     WHERE id IN (SELECT id FROM job_items WHERE job_id = @job AND status = 'pending' ORDER BY seq LIMIT @limit)
     RETURNING ${ITEM_COLS}`,
  );
  const completeStmt = db.prepare(
    "UPDATE job_items SET status = 'done', result_id = ?, provider = ?, error = NULL, updated_at = ? WHERE id = ? AND status <> 'done'",
  );
  const failStmt = db.prepare(
    "UPDATE job_items SET status = ?, error = ?, provider = coalesce(?, provider), updated_at = ? WHERE id = ? AND status <> 'done'",
  );
  const moveStmt = db.prepare('UPDATE job_items SET status = ?, updated_at = ? WHERE job_id = ? AND status = ?');
  const retryStmt = db.prepare(
    "UPDATE job_items SET status = 'pending', error = NULL, updated_at = ? WHERE id = ? AND status IN ('failed', 'waiting')",
  );

  const progress = (jobId: string): JobItemCounts => {
    const counts: JobItemCounts = { total: 0, done: 0, failed: 0, waiting: 0, pending: 0, running: 0 };
    for (const row of countsStmt.all(jobId)) {
      counts[row.status] = row.n;
      counts.total += row.n;
    }
    return counts;
  };

  const toJob = (row: JobRow): Job => {
    const counts = progress(row.id);
    return {
      id: row.id,
      orgId: row.org_id,
      kind: row.kind,
      status: row.status,
      pauseReason: fromJsonOrNull(row.pause_reason) as AppErrorData | null,
      provider: row.provider as LLMProviderName | null,
      params: fromJson(row.params) as Record<string, unknown>,
      total: counts.total,
      done: counts.done,
      failed: counts.failed,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  };

  const get = (id: string) => {
    const row = getJobStmt.get(id);
    return row ? toJob(row) : null;
  };

  /** Marks an item done; refuses one that is already done, so a result is never recorded twice. */
  const markDone = (itemId: string, resultId: string | null, provider: LLMProviderName | null) => {
    if (completeStmt.run(resultId, provider, nowIso(), itemId).changes > 0) return;
    const item = getItemStmt.get(itemId);
    if (!item) throw notFound('job item', itemId);
    throw new AppError('conflict', `Job item ${itemId} is already done: its result was saved before, so this one was not.`);
  };

  const create = db.transaction((input: Parameters<JobRepository['create']>[0]): Job => {
    const kind = parseInput(jobKindSchema, input.kind, 'job', 'kind');
    const id = newId();
    const now = nowIso();
    insertJobStmt.run(id, input.orgId, kind, input.provider, toJson(input.params), now, now);
    input.items.forEach((item, seq) => insertItemStmt.run(newId(), id, seq, toJson(item), now));
    return get(id)!;
  });

  const completeWithSequence = db.transaction((itemId: string, orgId: string, sequenceInput: Parameters<SequenceRepository['save']>[1]) => {
    const sequence = sequences.save(orgId, sequenceInput);
    markDone(itemId, sequence.id, sequence.provider);
    return sequence;
  });

  const completeWithReply = db.transaction((itemId: string, orgId: string, replyInput: Parameters<ReplyRepository['insert']>[1]) => {
    const reply = replies.insert(orgId, replyInput);
    markDone(itemId, reply.id, reply.provider);
    return reply;
  });

  return {
    create: (input) => create(input),
    get,
    list: (orgId) => listJobsStmt.all(orgId).map(toJob),
    setStatus: (id, status, pauseReason = null) => {
      const valid = parseInput(jobStatusSchema, status, 'job', 'status');
      const reason = pauseReason === null ? null : toJson(parseInput(appErrorDataSchema, pauseReason, 'job', 'pauseReason'));
      if (setStatusStmt.run(valid, reason, nowIso(), id).changes === 0) throw notFound('job', id);
      return get(id)!;
    },
    items: (jobId, { offset, limit, status }) =>
      (status === undefined
        ? itemsStmt.all({ job: jobId, limit, offset })
        : itemsByStatusStmt.all({ job: jobId, status, limit, offset })
      ).map(toItem),
    getItem: (itemId) => {
      const row = getItemStmt.get(itemId);
      return row ? toItem(row) : null;
    },
    claimPending: (jobId, limit) =>
      claimStmt
        .all({ job: jobId, limit, now: nowIso() })
        .map(toItem)
        .sort((a, b) => a.seq - b.seq),
    completeItem: (itemId, { resultId, provider }) => markDone(itemId, resultId, provider),
    completeWithSequence: (itemId, orgId, input) => completeWithSequence(itemId, orgId, input),
    completeWithReply: (itemId, orgId, input) => completeWithReply(itemId, orgId, input),
    failItem: (itemId, error, options = {}) => {
      const data = toJson(parseInput(appErrorDataSchema, error, 'job item', 'error'));
      const status: JobItemStatus = options.waiting ? 'waiting' : 'failed';
      if (failStmt.run(status, data, options.provider ?? null, nowIso(), itemId).changes > 0) return;
      if (!getItemStmt.get(itemId)) throw notFound('job item', itemId);
      throw new AppError('conflict', `Job item ${itemId} is already done: its result stays.`);
    },
    requeueRunning: (jobId) => moveStmt.run('pending', nowIso(), jobId, 'running').changes,
    requeueWaiting: (jobId) => moveStmt.run('pending', nowIso(), jobId, 'waiting').changes,
    retryItem: (itemId) => {
      if (retryStmt.run(nowIso(), itemId).changes === 0) {
        const row = getItemStmt.get(itemId);
        if (!row) throw notFound('job item', itemId);
        throw new AppError('conflict', `Job item ${itemId} is ${row.status}; only a failed or waiting item can be retried.`);
      }
      return toItem(getItemStmt.get(itemId)!);
    },
    progress,
  };
}
