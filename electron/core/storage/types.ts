import type { Database } from 'better-sqlite3';
import type { AppErrorData } from '../../../shared/domain/errors';
import type { AppError } from '../errors';
import type { BusinessContext, LeadContext } from '../../../shared/domain/lead';
import type { LLMProviderName, TokenUsage } from '../../../shared/domain/llm';
import type { LLMSettings, Organization, Role, User } from '../../../shared/domain/org';
import type {
  BusinessProfile,
  Job,
  JobItem,
  JobItemStatus,
  JobProgram,
  JobStatus,
  Lead,
  Reply,
  Sequence,
  SequenceSummary,
  Template,
} from '../../../shared/domain/records';
import type { DecidedBy, ReplyClass, SuggestedAction } from '../../../shared/domain/reply';
import type { SequenceOptions, SequenceStatus, SequenceStep } from '../../../shared/domain/sequence';
import type { UsageEvent, UsageGroupBy, UsageSummary } from '../../../shared/domain/usage';

/** The raw SQLite handle a migration receives. Only migrations and repositories see it. */
export type SqliteDatabase = Database;

/** One numbered schema step. `up` runs inside a transaction together with `user_version = version`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: SqliteDatabase): void;
}

export interface OpenStoreOptions {
  /** The app's data directory; created when missing. */
  dataDir: string;
  /** Defaults to `outreach-desk.db`. */
  fileName?: string;
  /**
   * What to do with a file that is not a readable database: `fail` (default) throws a
   * `CorruptDatabaseError` so the app can ask the user; `move-aside` renames the file and its
   * -wal/-shm to `<name>.corrupt-<timestamp>` and starts a fresh database.
   */
  onCorrupt?: 'move-aside' | 'fail';
  /** How long a write waits for a lock before failing with SQLITE_BUSY. Defaults to 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * The better-sqlite3 addon to load instead of the one in node_modules: the desktop app in
   * development passes its Electron-ABI build, while Node (CLI, tests) uses the default.
   */
  nativeBinding?: string;
  /** The schema steps; tests pass a prefix or an extra failing step. Defaults to the shipped list. */
  migrations?: readonly Migration[];
}

/** A page request. */
export interface PageQuery {
  offset: number;
  limit: number;
}

/** A page of rows and the count of all rows that match. */
export interface Page<T> {
  items: T[];
  total: number;
}

export interface OrgPatch {
  name?: string;
  provider?: LLMProviderName;
  /** The whole settings object; validated with `llmSettingsSchema`. */
  settings?: LLMSettings;
}

/**
 * Organizations: which exist, and the first run. An organization's own row is read and changed
 * through its scoped store (`store.forOrg(id).org`).
 */
export interface OrgRepository {
  /**
   * Creates the first organization and its owner when there is none, and makes the owner the
   * current user (`meta.currentUserId`). Idempotent: later calls return the existing pair.
   */
  ensureFirstRun(input?: { orgName?: string; ownerName?: string }): { org: Organization; owner: User; created: boolean };
  get(id: string): Organization | null;
  /** The first organization created, or null before the first run. */
  getDefault(): Organization | null;
  list(): Organization[];
}

/** The organization a scoped store is bound to. */
export interface OrgRecord {
  get(): Organization;
  /** Throws AppError('validation') for bad settings. */
  update(patch: OrgPatch): Organization;
}

export interface UserInput {
  id?: string;
  name: string;
  role: Role;
}

/** Users of one organization. Role checks happen in the services layer. */
export interface UserRepository {
  list(): User[];
  get(id: string): User | null;
  /** Inserts without `id`, updates with one (AppError('not_found') if it is not in this organization). */
  save(input: UserInput): User;
  delete(id: string): boolean;
  /** How many users of the org hold a role, e.g. to keep the last owner. */
  countByRole(role: Role): number;
}

/** Small app-wide key/value settings, e.g. `currentUserId`. */
export interface MetaRepository {
  get(key: string): string | null;
  set(key: string, value: string): void;
  delete(key: string): boolean;
}

export type BusinessProfileInput = BusinessContext & { id?: string };

/** One organization's business profiles. An id of another organization's profile is not found. */
export interface ProfileRepository {
  list(): BusinessProfile[];
  get(id: string): BusinessProfile | null;
  save(input: BusinessProfileInput): BusinessProfile;
  delete(id: string): boolean;
}

export interface TemplateInput {
  id?: string;
  name: string;
  steps: SequenceStep[];
  options?: SequenceOptions | null;
}

/** One organization's templates. */
export interface TemplateRepository {
  list(): Template[];
  get(id: string): Template | null;
  save(input: TemplateInput): Template;
  delete(id: string): boolean;
}

export type LeadInput = LeadContext & { id?: string };

/** One organization's leads. */
export interface LeadRepository {
  /** `query` matches name, email and company (case-insensitive substring). Newest first. */
  list(query: PageQuery & { query?: string }): Page<Lead>;
  get(id: string): Lead | null;
  /** The leads of this organization that exist, in the order of `ids`. */
  getMany(ids: readonly string[]): Lead[];
  save(input: LeadInput): Lead;
  delete(id: string): boolean;
  /**
   * Inserts every row in ONE transaction with one prepared statement: all rows or none. Each row
   * is validated with `leadContextSchema`; a bad row throws AppError('validation') with
   * `field = rows[i]…` and nothing is written. Returns the new ids in row order.
   */
  importMany(rows: readonly LeadContext[]): string[];
  /** Every lead of the org that has an email, oldest first: what an import checks duplicates against. */
  listEmails(): Array<{ id: string; email: string }>;
  /**
   * Replaces the fields of existing leads of the org in ONE transaction, validated like
   * `importMany`: all or none. Throws not_found for a lead that is not there.
   */
  updateMany(leads: ReadonlyArray<LeadContext & { id: string }>): void;
}

export interface SequenceInput {
  id?: string;
  title: string;
  status: SequenceStatus;
  steps: SequenceStep[];
  leadId?: string | null;
  businessProfileId?: string | null;
  provider?: LLMProviderName | null;
  model?: string | null;
  usage?: TokenUsage | null;
  costUsd?: number | null;
  options?: SequenceOptions | null;
  edited?: boolean;
  createdBy?: string | null;
}

/** One organization's sequences. */
export interface SequenceRepository {
  /** Summaries without step bodies, newest change first. `query` matches the title and the lead's name. */
  list(query: PageQuery & { query?: string; status?: SequenceStatus }): Page<SequenceSummary>;
  get(id: string): Sequence | null;
  /** The sequences of this organization that exist, in the order of `ids`. */
  getMany(ids: readonly string[]): Sequence[];
  /**
   * Inserts without `id`; with one, replaces the row and its steps (AppError('not_found') if it is not in
   * this org). On update, an optional field left undefined keeps its stored value; pass null to clear it.
   * The lead, business profile and author it names must be this organization's (AppError('not_found')
   * with the field named otherwise).
   */
  save(input: SequenceInput): Sequence;
  delete(id: string): boolean;
  /** Every sequence written for a lead, oldest first. */
  findByLead(leadId: string): Sequence[];
}

export interface ReplyInput {
  leadId?: string | null;
  sequenceId?: string | null;
  fromAddress?: string | null;
  subject?: string | null;
  rawText: string;
  parsedText: string;
  classification: ReplyClass | null;
  confidence: number | null;
  reason: string | null;
  suggestedAction: SuggestedAction | null;
  decidedBy: DecidedBy;
  returnDate?: string | null;
  provider?: LLMProviderName | null;
  model?: string | null;
}

/** One organization's classified replies. */
export interface ReplyRepository {
  /** The lead and sequence it names must be this organization's (AppError('not_found') with the field named otherwise). */
  insert(input: ReplyInput): Reply;
  get(id: string): Reply | null;
  /** Newest first. */
  list(query: PageQuery & { classification?: ReplyClass }): Page<Reply>;
  delete(id: string): boolean;
}

/** A time window over `createdAt`. `since` is inclusive; a date-only `until` includes that whole day (UTC). */
export interface UsageWindow {
  since?: string;
  until?: string;
}

export interface UsageTimeseries {
  /** UTC days, `YYYY-MM-DD`, ascending, only days with calls. */
  days: string[];
  series: Array<{ key: string; tokens: number[]; costUsd: number[] }>;
}

/** A usage event as a scoped store records it: the organization is the store's. */
export type UsageEventInput = Omit<UsageEvent, 'orgId'> & { orgId?: string };

/** A model call about to be made: what the ledger keeps if its result is never saved. */
export interface PendingCallInput {
  id: string;
  userId: string | null;
  operation: UsageEvent['operation'];
  provider: string;
  model: string;
  /** The process making the call, so a later start can tell a call in flight from one that died with its process. */
  pid: number;
  host: string;
  createdAt: string;
}

/**
 * One organization's part of the billing ledger. Costs are stored as integer nano-dollars so sums
 * are exact; they come back as USD numbers.
 */
export interface UsageRepository {
  /**
   * Inserts one row in its own transaction. Idempotent by `event.id`: returns false when already
   * recorded. An event naming another organization is refused (AppError('validation')).
   */
  record(event: UsageEventInput): boolean;
  /**
   * Writes a call down before it is made; `complete` with the same id records its usage. Throws (a
   * `storage` AppError: disk full, read-only) when it cannot, and then the call must not be made.
   */
  begin(call: PendingCallInput): void;
  /** Records the usage of a call written down with `begin`, replacing its pending row in one transaction. */
  complete(event: UsageEventInput): boolean;
  /** Forgets a pending call that reached no provider (no key); a no-op for an unknown id. */
  discard(id: string): void;
  summary(query: UsageWindow & { groupBy: UsageGroupBy }): UsageSummary;
  timeseries(query: { since?: string; until?: string; by: 'provider' | 'model' }): UsageTimeseries;
  /** Spend in USD for a UTC month, `YYYY-MM`. */
  monthSpend(month: string): number;
  /** Every row in the window, oldest first, for the CSV export. */
  rows(query?: UsageWindow): UsageEvent[];
}

export interface JobCreateInput {
  kind: Job['kind'];
  provider: LLMProviderName | null;
  params: Record<string, unknown>;
  /** One item per lead or reply, in order; stored as JSON. */
  items: ReadonlyArray<Record<string, unknown>>;
}

export interface JobItemCounts {
  total: number;
  done: number;
  failed: number;
  waiting: number;
  pending: number;
  running: number;
}

/** A job's lease: the one process allowed to run the job and write its items. */
export interface JobLease {
  jobId: string;
  /** A random token per runner; only its writes are accepted. */
  owner: string;
  pid: number;
  program: JobProgram;
  host: string;
  startedAt: string;
  heartbeatAt: string;
}

/** Who asks for a lease. */
export type JobLeaseClaim = Pick<JobLease, 'owner' | 'pid' | 'program' | 'host'>;

export type JobLeaseAttempt = { acquired: true; lease: JobLease; replaced: JobLease | null } | { acquired: false; holder: JobLease };

/** One finished item: `save` writes its result inside the transaction that marks the item done. */
export interface JobItemCompletion {
  itemId: string;
  save(): { resultId: string | null; provider: LLMProviderName | null };
}

/**
 * The writes of the process holding a job's lease. Each one first checks, in the same IMMEDIATE
 * transaction, that the lease is still this owner's; if another process took it over, it writes
 * nothing and throws AppError('conflict') with `field: 'lease'`.
 */
export interface LeasedJob {
  readonly jobId: string;
  readonly owner: string;
  /** The heartbeat. False when the lease is no longer this owner's. */
  renew(): boolean;
  /** Gives the lease up (no-op if it is no longer this owner's). */
  release(): void;
  /** Up to `limit` pending items after `seq`, in order. A read: the lease makes an in-memory claim enough. */
  pendingAfter(seq: number, limit: number): JobItem[];
  /**
   * Saves each result and marks its item done (attempts + 1), all in one transaction: one commit
   * for a batch. An entry whose save fails (or whose item is already done) is rolled back alone
   * and returned with its error; the others commit.
   */
  complete(entries: readonly JobItemCompletion[]): Array<{ itemId: string; error: unknown }>;
  /** Marks the item failed with its error, or `waiting` (e.g. offline) when `waiting` is true. */
  failItem(itemId: string, error: AppErrorData, options?: { waiting?: boolean; provider?: LLMProviderName | null }): void;
  /** Items a run of an older version left `running` go back to pending. Returns how many moved. */
  requeueRunning(): number;
  /** When calls succeed again: waiting → pending. Returns how many moved. */
  requeueWaiting(): number;
  /** A failed (or waiting) item goes back to pending with its error cleared. */
  retryItem(itemId: string): JobItem;
  /** `pauseReason` is kept until the next call; pass null (or omit) to clear it. */
  setStatus(status: JobStatus, pauseReason?: AppErrorData | null): Job;
}

/**
 * One organization's batch jobs and their items: what the job service creates, lists and reads.
 * A job id of another organization is not found. Item status moves pending → done | failed |
 * waiting; every move is one statement or one transaction, so a crash leaves each item in exactly
 * one state. Only the lease holder changes a job once it exists (`JobRunRepository`).
 */
export interface JobRepository {
  /** The job and all its items, in one transaction. */
  create(input: JobCreateInput): Job;
  /**
   * Adds items after the job's last one, in one transaction: a batch read from a stream (an mbox
   * of any size) goes in a slice at a time. Returns how many items the job has now.
   */
  appendItems(jobId: string, items: Array<Record<string, unknown>>): number;
  get(id: string): Job | null;
  /** Newest first. */
  list(): Job[];
  /**
   * Items in order. `lean` leaves the message source (`sourceBase64`, a whole email) out of each
   * input: what lists and exports need, at a fraction of the reading.
   */
  items(jobId: string, query: PageQuery & { status?: JobItemStatus; lean?: boolean }): JobItem[];
  progress(jobId: string): JobItemCounts;
}

/**
 * Jobs by id, for the job runner alone: it runs the job it is asked to run (the job service checks
 * the organization first) and writes only through the job's lease.
 */
export interface JobRunRepository {
  get(id: string): Job | null;
  items(jobId: string, query: PageQuery & { status?: JobItemStatus; lean?: boolean }): JobItem[];
  getItem(itemId: string): JobItem | null;
  progress(jobId: string): JobItemCounts;
  /** The job's lease, if anyone holds one. */
  lease(jobId: string): JobLease | null;
  /**
   * Takes the lease when it is free, already this owner's, or `canTakeOver(current)` says its
   * holder is gone; otherwise returns the holder and changes nothing. One IMMEDIATE transaction,
   * so two processes asking at once cannot both get it.
   */
  acquireLease(jobId: string, claim: JobLeaseClaim, canTakeOver: (current: JobLease) => boolean): JobLeaseAttempt;
  /** The writes of `owner`, checked against the lease on every call. */
  leased(jobId: string, owner: string): LeasedJob;
}

/** What the job runner may touch: jobs by id, through their leases. Nothing else of the store. */
export interface RunnerStore {
  readonly jobs: JobRunRepository;
}

/**
 * Team mode's queue as far as one organization's rows go: what `team init` sends, and the usage
 * not yet pushed (counted into the organization's spend).
 */
export interface OrgTeamRepository {
  /** This desktop's team connection when it is this organization's; null in solo mode or for another organization. */
  connection(): TeamState | null;
  /** At `team init`: everything the organization has goes to the hub. Returns how many entries were added. */
  enqueueContents(): number;
  pendingUsageSummary(query: UsageWindow & { groupBy: UsageGroupBy }): PendingUsageGroup[];
  /** USD of usage not yet pushed in a UTC month `YYYY-MM`. */
  pendingMonthSpend(month: string): number;
  pendingUsageRows(window: UsageWindow): UsageEvent[];
}

/**
 * Everything of one organization, and nothing of any other: `store.forOrg(orgId)`. Every read by id
 * answers null (or not_found, or false for a delete) for a row of another organization, in the same
 * SQL statement, so a service cannot reach another organization's rows by forgetting a check.
 */
export interface OrgStore {
  readonly orgId: string;
  readonly org: OrgRecord;
  readonly users: UserRepository;
  readonly profiles: ProfileRepository;
  readonly templates: TemplateRepository;
  readonly leads: LeadRepository;
  readonly sequences: SequenceRepository;
  readonly replies: ReplyRepository;
  readonly usage: UsageRepository;
  readonly jobs: JobRepository;
  readonly team: OrgTeamRepository;
}

/**
 * The one SQLite database of the app. Every method is synchronous (better-sqlite3) and throws
 * AppError: `storage` (disk, permissions, corruption), `not_found`, `validation` or `conflict`.
 */
export interface Store {
  /** Absolute path of the database file. */
  readonly path: string;
  /** Where a corrupt file was moved to when this open started fresh, else null. Tell the user. */
  readonly recoveredFrom: string | null;
  /** The copy made before migrations ran on this open, else null. */
  readonly backupPath: string | null;
  /** The schema version (`user_version`) after migrations. */
  readonly schemaVersion: number;
  readonly orgs: OrgRepository;
  readonly meta: MetaRepository;
  /** This desktop's team connection (one at most). */
  readonly team: TeamRepository;
  /** Jobs by id, for the job runner (see `RunnerStore`). */
  readonly jobs: JobRunRepository;
  /**
   * The rows of one organization: the only way to its users, profiles, templates, leads, sequences,
   * replies, usage and jobs. Throws AppError('not_found') for an organization that does not exist.
   */
  forOrg(orgId: string): OrgStore;
  /**
   * Runs `fn` in one transaction: everything it writes through the repositories commits
   * together or not at all. `fn` must be synchronous (no await inside). Nested calls are savepoints.
   */
  transaction<T>(fn: () => T): T;
  /** `PRAGMA integrity_check`; `['ok']` when healthy. */
  integrityCheck(): string[];
  /**
   * Puts the calls that were written down (`usage.begin`) but never completed, by processes
   * `isGone` says have ended, into the ledger as failed calls of unknown usage; returns how many.
   */
  settleInterruptedCalls(isGone: (call: { pid: number; host: string; createdAt: string }) => boolean): number;
  /**
   * Checkpoints the WAL and closes. Never throws: a checkpoint the file refuses (read-only, disk
   * full) is skipped, the WAL is kept and SQLite replays it at the next open. Further calls throw.
   */
  close(): void;
}

/** Which shared rows team mode tracks: the organization's settings, business profiles, templates, and members. */
export type TeamRowKind = 'org' | 'profile' | 'template' | 'member';

/** This desktop's connection to a team hub (none: solo mode). */
export interface TeamState {
  /** The local organization the hub's is synced into. */
  orgId: string;
  hubOrgId: string;
  /** The hub's URL without any password. */
  hubUrl: string;
  login: string;
  memberId: string;
  email: string;
  /** The role the hub gave at the last pull: a mirror for the UI, enforced by the hub. */
  role: Role;
  /** The last change number pulled. */
  cursor: number;
  lastSyncAt: string | null;
  lastError: AppErrorData | null;
  /** The organization's spend in `spendMonth` on the hub as of the last pull. */
  spendMonth: string | null;
  spendNanoUsd: number;
  connectedAt: string;
}

export type TeamConnectInput = Pick<TeamState, 'orgId' | 'hubOrgId' | 'hubUrl' | 'login' | 'memberId' | 'email' | 'role'>;

/** A local edit of a shared row, waiting to be pushed. */
export interface TeamOutboxEdit {
  seq: number;
  kind: 'org' | 'profile' | 'template';
  rowId: string;
  /** The hub version the first of the coalesced edits was based on; null for a row the hub has not seen. */
  baseVersion: number | null;
  editId: string;
  /** Edit ids this entry replaced: one of them may already be on the hub after a crash. */
  priorEditIds: string[];
  deleted: boolean;
}

/** A usage row waiting to be pushed; `event` is null when the ledger row is gone. */
export interface TeamPendingUsage {
  seq: number;
  rowId: string;
  event: UsageEvent | null;
}

/** A shared row as the hub holds it, in the hub's shape (`data` null or `deleted` when it is gone). */
export interface TeamHubRow {
  kind: TeamRowKind;
  id: string;
  version: number;
  deleted: boolean;
  data: Record<string, unknown> | null;
}

/** An admin's edit the hub refused because someone changed the row first. */
export interface TeamConflict {
  kind: 'org' | 'profile' | 'template';
  id: string;
  mine: Record<string, unknown> | null;
  theirs: Record<string, unknown> | null;
  hubVersion: number | null;
  at: string;
}

export interface TeamMemberRow {
  id: string;
  email: string;
  role: Role;
}

/** Totals of usage not yet pushed, per group key (integer sums; cost in nano-dollars). */
export interface PendingUsageGroup {
  key: string;
  calls: number;
  errors: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_input_tokens: number | null;
  cost_nano_usd: number | null;
}

/**
 * Team mode's local state: the connection, the outbox (filled by triggers in the same
 * transaction as each change), the hub's values as of the last pull, and conflicts.
 */
export interface TeamRepository {
  state(): TeamState | null;
  /** Switches to team mode and adds this member to the local users. */
  connect(input: TeamConnectInput): TeamState;
  /** Back to solo: forgets the connection, the outbox, the hub's rows and the mirrored members. */
  disconnect(): { pending: number };
  recordSync(patch: { lastSyncAt?: string; lastError?: AppErrorData | null; resetCursor?: boolean }): void;
  /** Items waiting to be pushed. */
  pendingCount(): number;
  /** The oldest usage rows waiting, in order. */
  usageBatch(limit: number): TeamPendingUsage[];
  /** Forgets outbox entries the hub acknowledged. */
  ack(seqs: readonly number[]): void;
  /** Forgets every usage entry up to `seq` (a pushed batch, read in order by `usageBatch`). Returns how many. */
  ackUsageThrough(seq: number): number;
  /** Edits waiting, oldest first. */
  edits(): TeamOutboxEdit[];
  /** The working copy of a shared row in the hub's shape, or null when it does not exist here. */
  localData(kind: TeamRowKind, id: string): Record<string, unknown> | null;
  /** The hub took the edit at `version`: forget the entry (unless a newer edit replaced it) and remember the value. */
  ackEdit(edit: TeamOutboxEdit, version: number, data: Record<string, unknown> | null): void;
  /** Puts the hub's row back into the working copy (after a refused or conflicting edit), dropping the entry. */
  restore(row: TeamHubRow, dropSeq?: number): void;
  /**
   * Applies a pull in one transaction: rows (a row with a local edit waiting keeps the edit), the
   * role, the month's spend and the cursor; then undoes any change made behind the app's back.
   * A row that fails validation is skipped and reported.
   */
  applyPull(input: { rows: TeamHubRow[]; cursor: number; role: Role; email: string; spendMonth: string; spendNanoUsd: number }): {
    applied: number;
    restored: number;
    skipped: Array<{ kind: TeamRowKind; id: string; error: AppError }>;
  };
  conflicts(): TeamConflict[];
  addConflict(conflict: Omit<TeamConflict, 'at'>): void;
  removeConflict(kind: TeamConflict['kind'], id: string): boolean;
  /** The hub's value of a row as of the last pull. */
  shadow(kind: TeamRowKind, id: string): { version: number; data: Record<string, unknown> } | null;
  /** The organization's members as of the last pull. */
  members(): TeamMemberRow[];
}
