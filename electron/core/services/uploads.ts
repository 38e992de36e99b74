import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { Job } from '../../../shared/domain/records';
import { UPLOAD_CHUNK_BYTES } from '../../../shared/ipc/uploads';
import { AppError } from '../errors';
import { isProcessAlive } from '../jobs/job-lease';
import { toStorageError } from '../storage';
import type { ServiceDeps } from './context';
import { classifyJobParamsSchema } from './job-params';
import type { SessionService } from './session';

/** The folder of the data directory that holds uploads, one folder per upload. */
export const UPLOADS_FOLDER = 'uploads';
/** Each upload's record, beside its file; a file's safe name never starts with a dot, so never this. */
const META_FILE = '.upload.json';
/** An upload no job uses and no one has written to for this long is stale, whoever began it. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;
/**
 * A job that completed with failed items keeps its uploads this long after its last change, so
 * Retry can read them again; the start-up sweep removes them after.
 */
const KEEP_FOR_RETRY_MS = 7 * 24 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const uploadMetaSchema = z.object({
  /** The name the file had where it came from (what the user sees). */
  name: z.string(),
  /** Its name in the upload's folder: `name`, made safe for every file system. */
  fileName: z.string(),
  /** The size `uploads:begin` announced. */
  size: z.number().int().nonnegative(),
  orgId: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  /** The job whose items read the file, once one was made from it. */
  jobId: z.string().nullable(),
  /** The process sending it: a start-up sweep removes an unused upload whose process is gone. */
  owner: z.object({ id: z.string(), pid: z.number().int(), host: z.string() }),
});
type UploadMeta = z.infer<typeof uploadMetaSchema>;

/** A finished upload, for the service that reads it. */
export interface UploadedFile {
  uploadId: string;
  /** The name the user gave the file. */
  name: string;
  /** Where its bytes are. */
  path: string;
  size: number;
}

/** Upload services alive in this process, to tell their uploads from those of an earlier process with the same pid. */
const liveOwners = new Set<string>();

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * A file name every file system takes, close to the one given: characters Windows refuses become
 * "_", a leading dot too (no hidden file, never the upload's record), trailing dots and spaces go,
 * and a long name is cut to 200 bytes, keeping its extension (an .mbox must stay one).
 */
export function toSafeFileName(name: string): string {
  let safe = [...name].map((c) => (/[<>:"|?*/\\]/.test(c) || c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 ? '_' : c)).join('');
  safe = safe.replace(/[. ]+$/, '');
  if (safe.startsWith('.')) safe = `_${safe.slice(1)}`;
  if (WINDOWS_RESERVED.test(safe)) safe = `_${safe}`;
  if (safe === '') safe = 'upload';
  if (Buffer.byteLength(safe) > 200) {
    const ext = path.extname(safe).length <= 16 ? path.extname(safe) : '';
    const chars = [...safe.slice(0, safe.length - ext.length)];
    while (Buffer.byteLength(chars.join('') + ext) > 200) chars.pop();
    safe = chars.join('') + ext;
  }
  return safe;
}

function gone(): AppError {
  return new AppError('not_found', 'That upload is gone (it was used, discarded, or cleared when Outreach Desk started): choose the file again.', {
    field: 'uploadId',
  });
}

/** Whether a job still reads its uploaded files: until it is cancelled, or completed with nothing left to retry. */
function jobNeedsUploads(job: Job, now: number): boolean {
  if (job.status === 'cancelled') return false;
  if (job.status !== 'completed') return true;
  return job.failed > 0 && now - Date.parse(job.updatedAt) < KEEP_FOR_RETRY_MS;
}

/** The uploads a job's items read (a reply batch made from uploads), from its params. */
function uploadsOf(job: Job): string[] {
  const parsed = classifyJobParamsSchema.safeParse(job.params);
  return job.kind === 'classify' && parsed.success ? (parsed.data.uploadIds ?? []).filter((id) => UUID.test(id)) : [];
}

/**
 * Files sent from a window (the app's, or a browser tab's through the loopback host) a chunk at a
 * time into `<dataDir>/uploads/<uploadId>/`, so no call carries a whole file and no file is ever
 * held in memory. A lead import reads its upload and deletes it; a reply batch's items refer to
 * places in its uploads, which stay until the job is done with them. Uploads no one uses are
 * removed at the next start.
 */
export function createUploadService(deps: ServiceDeps, session: SessionService) {
  const root = path.join(deps.dataDir, UPLOADS_FOLDER);
  const owner = { id: randomUUID(), pid: process.pid, host: hostname() };
  liveOwners.add(owner.id);
  /** Uploads a chunk is being written to: a second chunk at once would race the first. */
  const writing = new Set<string>();

  const folderOf = (uploadId: string) => path.join(root, uploadId);

  function readMeta(uploadId: string): UploadMeta | null {
    if (!UUID.test(uploadId)) return null;
    let text: string;
    try {
      text = readFileSync(path.join(folderOf(uploadId), META_FILE), 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed = uploadMetaSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  function writeMeta(uploadId: string, meta: UploadMeta): void {
    // Written beside, then renamed over: a crash leaves the old record or the new one, never half.
    const file = path.join(folderOf(uploadId), META_FILE);
    writeFileSync(`${file}.tmp`, JSON.stringify(meta));
    renameSync(`${file}.tmp`, file);
  }

  /** The current organization's upload, or not_found (another organization's is not found either). */
  function own(uploadId: string): UploadMeta {
    const meta = readMeta(uploadId);
    if (!meta || meta.orgId !== session.current().org.id) throw gone();
    return meta;
  }

  function remove(uploadId: string): boolean {
    if (!UUID.test(uploadId)) return false;
    const folder = folderOf(uploadId);
    let existed = true;
    try {
      statSync(folder);
    } catch {
      existed = false;
    }
    rmSync(folder, { recursive: true, force: true });
    return existed;
  }

  /** Runs file work, turning a full disk or a read-only folder into the error that names the fix. */
  function onDisk<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw toStorageError(error, root);
    }
  }

  return {
    begin(input: { name: string; size: number }): { uploadId: string } {
      const { org } = session.current();
      const uploadId = randomUUID();
      const fileName = toSafeFileName(input.name);
      onDisk(() => {
        mkdirSync(folderOf(uploadId), { recursive: true });
        writeFileSync(path.join(folderOf(uploadId), fileName), '');
        writeMeta(uploadId, {
          name: input.name,
          fileName,
          size: input.size,
          orgId: org.id,
          createdAt: deps.now().toISOString(),
          finishedAt: null,
          jobId: null,
          owner,
        });
      });
      return { uploadId };
    },

    /** Appends the chunk that starts at `offset`: chunks arrive in order, and never past the size announced. */
    async chunk(uploadId: string, offset: number, data: Buffer): Promise<{ received: number }> {
      const meta = own(uploadId);
      if (meta.finishedAt)
        throw new AppError('conflict', `The upload of ${meta.name} is finished: begin a new upload to send the file again.`, { field: 'uploadId' });
      if (data.length > UPLOAD_CHUNK_BYTES) {
        throw new AppError('validation', `A chunk holds at most ${UPLOAD_CHUNK_BYTES} bytes; this one has ${data.length}: send smaller chunks.`, {
          field: 'dataBase64',
        });
      }
      if (writing.has(uploadId))
        throw new AppError('conflict', `A chunk of ${meta.name} is being written: send the next one when it is done.`, { field: 'uploadId' });
      writing.add(uploadId);
      try {
        const file = path.join(folderOf(uploadId), meta.fileName);
        const received = await stat(file).then(
          (info) => info.size,
          (error: unknown) => Promise.reject(toStorageError(error, root)),
        );
        if (offset !== received) {
          throw new AppError(
            'validation',
            `This chunk of ${meta.name} starts at byte ${offset}, but ${received} bytes have arrived: send the chunk that starts at byte ${received}.`,
            {
              field: 'offset',
            },
          );
        }
        if (received + data.length > meta.size) {
          throw new AppError(
            'validation',
            `The chunks of ${meta.name} add up to more than the ${meta.size} bytes its upload announced: begin a new upload with the file's size.`,
            {
              field: 'dataBase64',
            },
          );
        }
        await appendFile(file, data).catch((error: unknown) => Promise.reject(toStorageError(error, root)));
        return { received: received + data.length };
      } finally {
        writing.delete(uploadId);
      }
    },

    /** Checks every byte arrived. */
    finish(uploadId: string): { uploadId: string; name: string; size: number } {
      const meta = own(uploadId);
      const received = onDisk(() => statSync(path.join(folderOf(uploadId), meta.fileName)).size);
      if (received !== meta.size) {
        throw new AppError(
          'validation',
          `Only ${received} of the ${meta.size} bytes of ${meta.name} have arrived: send the rest (from byte ${received}), then finish.`,
          {
            field: 'uploadId',
          },
        );
      }
      if (!meta.finishedAt) onDisk(() => writeMeta(uploadId, { ...meta, finishedAt: deps.now().toISOString() }));
      return { uploadId, name: meta.name, size: meta.size };
    },

    /** Deletes an upload no job uses; one a job reads stays until the job is done with it. */
    discard(uploadId: string): { discarded: boolean } {
      const meta = readMeta(uploadId);
      if (!meta || meta.orgId !== session.current().org.id) return { discarded: false };
      if (meta.jobId) throw new AppError('conflict', `${meta.name} is read by a batch job: cancel the job to remove it.`, { field: 'uploadId' });
      return { discarded: onDisk(() => remove(uploadId)) };
    },

    /** A finished upload of the current organization that no job uses yet, to read. */
    fileOf(uploadId: string): UploadedFile {
      const meta = own(uploadId);
      if (!meta.finishedAt)
        throw new AppError('validation', `The upload of ${meta.name} is not finished: send its last chunks and finish it first.`, { field: 'uploadId' });
      if (meta.jobId)
        throw new AppError('conflict', `${meta.name} is already read by a batch job: choose the file again for another batch.`, { field: 'uploadId' });
      return { uploadId, name: meta.name, path: path.join(folderOf(uploadId), meta.fileName), size: meta.size };
    },

    /** Marks uploads as read by a job: nothing discards them until the job is done with them. */
    claim(uploadIds: readonly string[], jobId: string): void {
      for (const uploadId of uploadIds) {
        const meta = own(uploadId);
        onDisk(() => writeMeta(uploadId, { ...meta, jobId }));
      }
    },

    /**
     * Deletes an upload that was used up (a lead file once imported). What used it succeeded, so a
     * file that will not go is left to the next start, not reported as a failure.
     */
    removeUsed(uploadId: string): void {
      try {
        remove(uploadId);
      } catch (error) {
        deps.logger.warn('could not remove a used upload', { uploadId, error });
      }
    },

    /** Deletes a job's uploads once it no longer reads them (cancelled, or completed with nothing to retry). */
    releaseJob(job: Job): void {
      if (jobNeedsUploads(job, deps.now().getTime())) return;
      for (const uploadId of uploadsOf(job)) {
        try {
          remove(uploadId);
        } catch (error) {
          // The next start removes it: a job's end must not fail over a leftover file.
          deps.logger.warn('could not remove the uploads of a finished job', { jobId: job.id, uploadId, error });
        }
      }
    },

    /**
     * Removes what no one will use, at start-up: uploads of jobs that are done with them (or gone),
     * and uploads no job uses whose process has ended or that nobody touched for a day. Uploads
     * another running program (the app, the CLI, the host share the folder) is sending stay.
     */
    sweep(): { removed: number } {
      let entries: string[];
      try {
        entries = readdirSync(root);
      } catch {
        return { removed: 0 };
      }
      const now = deps.now().getTime();
      const needed = new Set<string>();
      const jobs = new Map<string, Job>();
      for (const org of deps.store.orgs.list()) {
        for (const job of deps.store.forOrg(org.id).jobs.list()) {
          jobs.set(job.id, job);
          if (jobNeedsUploads(job, now)) for (const id of uploadsOf(job)) needed.add(id);
        }
      }
      let removed = 0;
      for (const entry of entries) {
        if (needed.has(entry)) continue;
        const folder = path.join(root, entry);
        const meta = readMeta(entry);
        let stale: boolean;
        if (!meta) {
          // Not an upload's folder, or one whose record was never written: stale once untouched for a day.
          stale = !UUID.test(entry) || now - lastWrite(folder) > STALE_AFTER_MS;
        } else if (meta.jobId) {
          const job = jobs.get(meta.jobId);
          stale = !job || !jobNeedsUploads(job, now);
        } else {
          stale = !isOwnerAlive(meta.owner) || now - lastWrite(folder) > STALE_AFTER_MS;
        }
        if (!stale) continue;
        try {
          rmSync(folder, { recursive: true, force: true });
          removed++;
        } catch (error) {
          deps.logger.warn('could not remove a stale upload', { upload: entry, error });
        }
      }
      if (removed > 0) deps.logger.info('removed stale uploads', { removed });
      return { removed };
    },

    /** This process stops sending: its unfinished uploads count as stale for the next start. */
    close(): void {
      liveOwners.delete(owner.id);
    },
  };
}

/** When anything in an upload's folder was last written (its file grows chunk by chunk). */
function lastWrite(folder: string): number {
  let latest = 0;
  try {
    latest = statSync(folder).mtimeMs;
    for (const name of readdirSync(folder)) latest = Math.max(latest, statSync(path.join(folder, name)).mtimeMs);
  } catch {
    // A folder that vanished meanwhile is as good as stale.
  }
  return latest;
}

function isOwnerAlive(owner: UploadMeta['owner']): boolean {
  // Another machine (a synced data folder): only the age tells.
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return liveOwners.has(owner.id);
  return isProcessAlive(owner.pid);
}

export type UploadService = ReturnType<typeof createUploadService>;
