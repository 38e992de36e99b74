import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { JobHolder, JobProgram } from '../../../shared/domain/records';
import { AppError } from '../errors';
import type { JobLease, JobLeaseClaim } from '../storage';

/** Who this runner is, as its lease records it. */
export interface LeaseIdentity extends JobLeaseClaim {
  /** How often the lease's heartbeat is written, ms. */
  heartbeatMs: number;
  /** A heartbeat older than this means the holder is gone, whatever its pid, ms. */
  staleAfterMs: number;
}

/** Options of a runner's lease; the defaults suit the app, the CLI and the host alike. */
export interface LeaseOptions {
  program?: JobProgram;
  /** Defaults to this process's. Tests give the pid of a process that has ended, to play a dead holder. */
  pid?: number;
  host?: string;
  heartbeatMs?: number;
  staleAfterMs?: number;
}

const DEFAULT_HEARTBEAT_MS = 5_000;
/** Six missed heartbeats: long enough for a busy event loop, short enough for a user waiting to resume. */
const DEFAULT_STALE_AFTER_MS = 30_000;

/** Owners of the runners alive in this process, to tell them from an earlier process that had the same pid. */
const liveOwners = new Set<string>();

export function createLeaseIdentity(options: LeaseOptions = {}): LeaseIdentity {
  const owner = randomUUID();
  liveOwners.add(owner);
  return {
    owner,
    pid: options.pid ?? process.pid,
    program: options.program ?? 'app',
    host: options.host ?? hostname(),
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    staleAfterMs: options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
  };
}

/** The runner closed: its owner token is no longer alive in this process. */
export function retireLeaseIdentity(identity: LeaseIdentity): void {
  liveOwners.delete(identity.owner);
}

/** Whether a process with this pid exists on this host. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the lease's holder is still running: on this host its pid must exist (and, for this
 * process's own pid, its runner must be open), and anywhere its heartbeat must be recent.
 */
export function isLeaseLive(lease: JobLease, self: LeaseIdentity, now: number): boolean {
  if (now - Date.parse(lease.heartbeatAt) > self.staleAfterMs) return false;
  if (lease.host !== self.host) return true;
  if (lease.pid === process.pid) return liveOwners.has(lease.owner);
  return isProcessAlive(lease.pid);
}

const PROGRAM_NAMES: Record<JobProgram, string> = { app: 'the desktop app', cli: 'the CLI', host: 'the browser host' };

function formatSince(iso: string, now: number): string {
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const today = new Date(now);
  const sameDay = at.getFullYear() === today.getFullYear() && at.getMonth() === today.getMonth() && at.getDate() === today.getDate();
  return sameDay ? time : `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`;
}

/** "running in the CLI (pid 4242) since 10:59", naming the host when it is another. */
export function describeHolder(lease: Pick<JobLease, 'pid' | 'program' | 'host' | 'startedAt'>, self: Pick<LeaseIdentity, 'host'>, now: number): string {
  const where = lease.host === self.host ? `pid ${lease.pid}` : `pid ${lease.pid} on ${lease.host}`;
  return `running in ${PROGRAM_NAMES[lease.program]} (${where}) since ${formatSince(lease.startedAt, now)}`;
}

/** The refusal a second runner gives: it names the holder and says that nothing was touched. */
export function heldElsewhereError(jobId: string, lease: JobLease, self: LeaseIdentity, now: number): AppError {
  return new AppError(
    'conflict',
    `Job ${jobId} is already ${describeHolder(lease, self, now)}. Nothing was changed here: wait for that run to finish, or pause it there first.`,
    { field: 'lease' },
  );
}

/** The lease as the UI shows it. */
export function toJobHolder(lease: JobLease, self: LeaseIdentity, now: number): JobHolder {
  return {
    pid: lease.pid,
    program: lease.program,
    host: lease.host,
    startedAt: lease.startedAt,
    heartbeatAt: lease.heartbeatAt,
    live: isLeaseLive(lease, self, now),
    self: lease.owner === self.owner,
  };
}
