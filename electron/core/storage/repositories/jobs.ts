import { appErrorDataSchema, type AppErrorData } from '../../../../shared/domain/errors';
import type { LLMProviderName } from '../../../../shared/domain/llm';
import {
  jobKindSchema,
  jobProgramSchema,
  jobStatusSchema,
  type Job,
  type JobItem,
  type JobItemStatus,
  type JobProgram,
  type JobStatus,
} from '../../../../shared/domain/records';
import { AppError } from '../../errors';
import { guardMethods } from '../errors';
import { fromJson, fromJsonOrNull, newId, notFound, nowIso, parseInput, requireRow, toJson } from '../internal/values';
import type {
  JobCreateInput,
  JobItemCompletion,
  JobItemCounts,
  JobLease,
  JobLeaseAttempt,
  JobLeaseClaim,
  JobRepository,
  JobRunRepository,
  LeasedJob,
  PageQuery,
  SqliteDatabase,
} from '../types';

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

interface LeaseRow {
  job_id: string;
  owner: string;
  pid: number;
  program: JobProgram;
  host: string;
  started_at: string;
  heartbeat_at: string;
}

const LEASE_COLS = 'job_id, owner, pid, program, host, started_at, heartbeat_at';

function toLease(row: LeaseRow): JobLease {
  return {
    jobId: row.job_id,
    owner: row.owner,
    pid: row.pid,
    program: row.program,
    host: row.host,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
  };
}

function leaseLost(jobId: string): AppError {
  return new AppError('conflict', `Another program took over job ${jobId}, so this one stopped writing to it. Nothing was lost: the other run carries on.`, {
    field: 'lease',
  });
}

/**
 * Jobs, two ways: `run`, by id, for the job runner (it writes only through a lease), and
 * `forOrg(orgId)`, one organization's jobs, for the job service.
 */
export function createJobRepository(db: SqliteDatabase, where: string): { run: JobRunRepository; forOrg(orgId: string): JobRepository } {
  const getJobStmt = db.prepare<[string], JobRow>(`SELECT ${JOB_COLS} FROM jobs WHERE id = ?`);
  const getOrgJobStmt = db.prepare<[string, string], JobRow>(`SELECT ${JOB_COLS} FROM jobs WHERE id = ? AND org_id = ?`);
  const listJobsStmt = db.prepare<[string], JobRow>(`SELECT ${JOB_COLS} FROM jobs WHERE org_id = ? ORDER BY created_at DESC, rowid DESC`);
  const insertJobStmt = db.prepare(`INSERT INTO jobs (${JOB_COLS}) VALUES (?, ?, ?, 'queued', NULL, ?, ?, ?, ?)`);
  const insertItemStmt = db.prepare(`INSERT INTO job_items (id, job_id, seq, status, input, attempts, updated_at) VALUES (?, ?, ?, 'pending', ?, 0, ?)`);
  const setStatusStmt = db.prepare('UPDATE jobs SET status = ?, pause_reason = ?, updated_at = ? WHERE id = ?');
  const countsStmt = db.prepare<[string], { status: JobItemStatus; n: number }>('SELECT status, count(*) AS n FROM job_items WHERE job_id = ? GROUP BY status');
  const getItemStmt = db.prepare<[string], ItemRow>(`SELECT ${ITEM_COLS} FROM job_items WHERE id = ?`);
  const itemsStmt = db.prepare<{ job: string; limit: number; offset: number }, ItemRow>(
    `SELECT ${ITEM_COLS} FROM job_items WHERE job_id = @job ORDER BY seq LIMIT @limit OFFSET @offset`,
  );
  const itemsByStatusStmt = db.prepare<{ job: string; status: string; limit: number; offset: number }, ItemRow>(
    `SELECT ${ITEM_COLS} FROM job_items WHERE job_id = @job AND status = @status ORDER BY seq LIMIT @limit OFFSET @offset`,
  );
  // The source's size stays, as `bytes` (base64 length × 3/4, less its padding). An item that
  // refers to a file (an mbox span) keeps its length as `bytes` and drops where it is read from.
  const SOURCE = "json_extract(input, '$.sourceBase64')";
  const LEAN_COLS = ITEM_COLS.replace(
    'input',
    `CASE WHEN json_type(input, '$.sourceBase64') = 'text'
       THEN json_set(json_remove(input, '$.sourceBase64'), '$.bytes', length(${SOURCE}) / 4 * 3 - (substr(${SOURCE}, -1) = '=') - (substr(${SOURCE}, -2) = '=='))
       WHEN json_type(input, '$.path') = 'text'
       THEN json_set(json_remove(input, '$.path', '$.offset', '$.length'), '$.bytes', json_extract(input, '$.length'))
       ELSE input END AS input`,
  );
  const leanItemsStmt = db.prepare<{ job: string; limit: number; offset: number }, ItemRow>(
    `SELECT ${LEAN_COLS} FROM job_items WHERE job_id = @job ORDER BY seq LIMIT @limit OFFSET @offset`,
  );
  const leanItemsByStatusStmt = db.prepare<{ job: string; status: string; limit: number; offset: number }, ItemRow>(
    `SELECT ${LEAN_COLS} FROM job_items WHERE job_id = @job AND status = @status ORDER BY seq LIMIT @limit OFFSET @offset`,
  );
  const pendingAfterStmt = db.prepare<{ job: string; after: number; limit: number }, ItemRow>(
    `SELECT ${ITEM_COLS} FROM job_items WHERE job_id = @job AND status = 'pending' AND seq > @after ORDER BY seq LIMIT @limit`,
  );
  const completeStmt = db.prepare(
    `UPDATE job_items SET status = 'done', result_id = ?, provider = ?, error = NULL, attempts = attempts + 1, updated_at = ?
     WHERE id = ? AND job_id = ? AND status <> 'done'`,
  );
  const failStmt = db.prepare(
    `UPDATE job_items SET status = ?, error = ?, provider = coalesce(?, provider), attempts = attempts + 1, updated_at = ?
     WHERE id = ? AND job_id = ? AND status <> 'done'`,
  );
  const moveStmt = db.prepare('UPDATE job_items SET status = ?, updated_at = ? WHERE job_id = ? AND status = ?');
  const retryStmt = db.prepare(
    "UPDATE job_items SET status = 'pending', error = NULL, updated_at = ? WHERE id = ? AND job_id = ? AND status IN ('failed', 'waiting')",
  );
  const leaseStmt = db.prepare<[string], LeaseRow>(`SELECT ${LEASE_COLS} FROM job_leases WHERE job_id = ?`);
  const upsertLeaseStmt = db.prepare(
    `INSERT INTO job_leases (${LEASE_COLS}) VALUES (@jobId, @owner, @pid, @program, @host, @now, @now)
     ON CONFLICT (job_id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, program = excluded.program,
       host = excluded.host, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`,
  );
  const renewStmt = db.prepare('UPDATE job_leases SET heartbeat_at = ? WHERE job_id = ? AND owner = ?');
  const releaseStmt = db.prepare('DELETE FROM job_leases WHERE job_id = ? AND owner = ?');
  const holderStmt = db.prepare<[string], { owner: string }>('SELECT owner FROM job_leases WHERE job_id = ?');

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

  const create = db.transaction((orgId: string, input: JobCreateInput): Job => {
    const kind = parseInput(jobKindSchema, input.kind, 'job', 'kind');
    const id = newId();
    const now = nowIso();
    insertJobStmt.run(id, orgId, kind, input.provider, toJson(input.params), now, now);
    for (const [seq, item] of input.items.entries()) insertItemStmt.run(newId(), id, seq, toJson(item), now);
    return requireRow(get(id), 'job', id);
  });

  const maxSeqStmt = db.prepare<[string], { seq: number | null }>('SELECT max(seq) AS seq FROM job_items WHERE job_id = ?');
  const appendItems = db.transaction((orgId: string, jobId: string, items: Array<Record<string, unknown>>): number => {
    if (!getOrgJobStmt.get(jobId, orgId)) throw notFound('job', jobId);
    const now = nowIso();
    const first = (maxSeqStmt.get(jobId)?.seq ?? -1) + 1;
    for (const [index, item] of items.entries()) insertItemStmt.run(newId(), jobId, first + index, toJson(item), now);
    return first + items.length;
  });

  const acquireLease = db.transaction((jobId: string, claim: JobLeaseClaim, canTakeOver: (current: JobLease) => boolean): JobLeaseAttempt => {
    if (!getJobStmt.get(jobId)) throw notFound('job', jobId);
    const row = leaseStmt.get(jobId);
    const current = row ? toLease(row) : null;
    if (current && current.owner !== claim.owner && !canTakeOver(current)) return { acquired: false, holder: current };
    upsertLeaseStmt.run({
      jobId,
      owner: claim.owner,
      pid: claim.pid,
      program: parseInput(jobProgramSchema, claim.program, 'lease', 'program'),
      host: claim.host,
      now: nowIso(),
    });
    return {
      acquired: true,
      lease: toLease(requireRow(leaseStmt.get(jobId), 'job lease', jobId)),
      replaced: current && current.owner !== claim.owner ? current : null,
    };
  });

  function leased(jobId: string, owner: string): LeasedJob {
    const assertHolder = () => {
      if (holderStmt.get(jobId)?.owner !== owner) throw leaseLost(jobId);
    };
    /** One IMMEDIATE transaction that checks the lease first: the write lock is taken before the check. */
    const guarded = <A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) => {
      const tx = db.transaction((...args: A) => {
        assertHolder();
        return fn(...args);
      });
      return (...args: A) => tx.immediate(...args);
    };
    const completeOne = db.transaction((entry: JobItemCompletion) => {
      const { resultId, provider } = entry.save();
      if (completeStmt.run(resultId, provider, nowIso(), entry.itemId, jobId).changes > 0) return;
      if (!getItemStmt.get(entry.itemId)) throw notFound('job item', entry.itemId);
      throw new AppError('conflict', `Job item ${entry.itemId} is already done: its result was saved before, so this one was not.`);
    });
    const writer: LeasedJob = {
      jobId,
      owner,
      renew: () => renewStmt.run(nowIso(), jobId, owner).changes > 0,
      release: () => {
        releaseStmt.run(jobId, owner);
      },
      pendingAfter: (seq, limit) => pendingAfterStmt.all({ job: jobId, after: seq, limit }).map(toItem),
      complete: guarded((entries: readonly JobItemCompletion[]) => {
        const failures: Array<{ itemId: string; error: unknown }> = [];
        for (const entry of entries) {
          try {
            // A savepoint each: one bad result rolls back alone.
            completeOne(entry);
          } catch (error) {
            failures.push({ itemId: entry.itemId, error });
          }
        }
        return failures;
      }),
      failItem: guarded((itemId: string, error: AppErrorData, options: { waiting?: boolean; provider?: LLMProviderName | null } = {}) => {
        const data = toJson(parseInput(appErrorDataSchema, error, 'job item', 'error'));
        const status: JobItemStatus = options.waiting ? 'waiting' : 'failed';
        if (failStmt.run(status, data, options.provider ?? null, nowIso(), itemId, jobId).changes > 0) return;
        if (!getItemStmt.get(itemId)) throw notFound('job item', itemId);
        throw new AppError('conflict', `Job item ${itemId} is already done: its result stays.`);
      }),
      requeueRunning: guarded(() => moveStmt.run('pending', nowIso(), jobId, 'running').changes),
      requeueWaiting: guarded(() => moveStmt.run('pending', nowIso(), jobId, 'waiting').changes),
      retryItem: guarded((itemId: string) => {
        if (retryStmt.run(nowIso(), itemId, jobId).changes === 0) {
          const row = getItemStmt.get(itemId);
          if (!row || row.job_id !== jobId) throw notFound('job item', itemId);
          throw new AppError('conflict', `Job item ${itemId} is ${row.status}; only a failed or waiting item can be retried.`);
        }
        return toItem(requireRow(getItemStmt.get(itemId), 'job item', itemId));
      }),
      setStatus: guarded((status: JobStatus, pauseReason: AppErrorData | null = null) => {
        const valid = parseInput(jobStatusSchema, status, 'job', 'status');
        const reason = pauseReason === null ? null : toJson(parseInput(appErrorDataSchema, pauseReason, 'job', 'pauseReason'));
        if (setStatusStmt.run(valid, reason, nowIso(), jobId).changes === 0) throw notFound('job', jobId);
        return requireRow(get(jobId), 'job', jobId);
      }),
    };
    return guardMethods(writer, where);
  }

  const items = (jobId: string, { offset, limit, status, lean }: PageQuery & { status?: JobItemStatus; lean?: boolean }) =>
    (status === undefined
      ? (lean ? leanItemsStmt : itemsStmt).all({ job: jobId, limit, offset })
      : (lean ? leanItemsByStatusStmt : itemsByStatusStmt).all({ job: jobId, status, limit, offset })
    ).map(toItem);

  const run: JobRunRepository = {
    get,
    items,
    getItem: (itemId) => {
      const row = getItemStmt.get(itemId);
      return row ? toItem(row) : null;
    },
    progress,
    lease: (jobId) => {
      const row = leaseStmt.get(jobId);
      return row ? toLease(row) : null;
    },
    acquireLease: (jobId, claim, canTakeOver) => acquireLease.immediate(jobId, claim, canTakeOver),
    leased,
  };

  return {
    run,
    forOrg: (orgId) => {
      /** The job's id when it is this organization's; not_found otherwise. */
      const own = (jobId: string) => {
        if (!getOrgJobStmt.get(jobId, orgId)) throw notFound('job', jobId, 'id');
        return jobId;
      };
      return {
        create: (input) => create(orgId, input),
        appendItems: (jobId, added) => appendItems(orgId, jobId, added),
        get: (id) => {
          const row = getOrgJobStmt.get(id, orgId);
          return row ? toJob(row) : null;
        },
        list: () => listJobsStmt.all(orgId).map(toJob),
        items: (jobId, query) => items(own(jobId), query),
        progress: (jobId) => progress(own(jobId)),
      };
    },
  };
}
