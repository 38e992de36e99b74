import type { UsageEvent } from '../../../shared/domain/usage';
import { AppError } from '../errors';
import type { Logger } from '../log';
import type { Store, TeamHubRow, TeamOutboxEdit, TeamState } from '../storage';

/** Sync touches the team connection's own tables (the outbox, the hub's rows) and nothing else. */
type TeamStore = Pick<Store, 'team'>;
import {
  applyHubEdit,
  pullHubChanges,
  pushHubUsage,
  readHubRow,
  readMyMembership,
  type HubChange,
  type HubConnection,
  type HubEdit,
  type HubPull,
  type HubUsageRow,
} from '../storage/hub';

/** Usage rows per INSERT (and per local acknowledgement, one fsync): large enough to amortize both, small enough to keep a statement short. */
export const USAGE_BATCH = 5000;

export interface PushReport {
  usage: number;
  edits: number;
  /** The first refusal (forbidden or conflict); the others are in the status. */
  refused: AppError | null;
}

export interface PushOptions {
  /**
   * Called after each usage batch is committed on the hub and before it leaves the outbox: the
   * window a crash can hit. A repeat after a crash inserts nothing twice (ids are unique).
   */
  onUsageBatch?: (done: number, batch: number) => void | Promise<void>;
}

function toHubUsageRow(event: UsageEvent): HubUsageRow {
  return {
    id: event.id,
    operation: event.operation,
    provider: event.provider,
    model: event.model,
    inputTokens: event.inputTokens,
    outputTokens: event.outputTokens,
    cachedInputTokens: event.cachedInputTokens,
    costNanoUsd: Math.round(event.costUsd * 1_000_000_000),
    priceTable: event.priceTable,
    latencyMs: event.latencyMs,
    outcome: event.outcome,
    errorCode: event.errorCode,
    requestId: event.requestId,
    createdAt: event.createdAt,
  };
}

function toHubEdit(edit: TeamOutboxEdit, data: Record<string, unknown> | null, baseVersion: number | null): HubEdit {
  const deleted = edit.deleted || data === null;
  switch (edit.kind) {
    case 'org':
      return { kind: 'org', id: edit.rowId, baseVersion, editId: edit.editId, data: data as { name: string; provider: string; settings: unknown } };
    case 'profile':
      return { kind: 'profile', id: edit.rowId, baseVersion, editId: edit.editId, deleted, data: { context: data?.context ?? {} } };
    case 'template':
      return {
        kind: 'template',
        id: edit.rowId,
        baseVersion,
        editId: edit.editId,
        deleted,
        data: { name: String(data?.name ?? 'deleted'), steps: data?.steps ?? [], options: data?.options ?? null },
      };
  }
}

/** A hub row (as `pull` or `readHubRow` gives it) in the shape the local repository applies. */
export function toTeamRow(change: HubChange, state: TeamState): TeamHubRow | null {
  if (change.kind === 'key_share') return null;
  const id = change.kind === 'org' ? state.orgId : change.id;
  const deleted = change.deleted === true;
  const data = deleted ? null : (change.data ?? null);
  if (!data) return { kind: change.kind, id, version: change.version ?? 0, deleted: true, data: null };
  switch (change.kind) {
    case 'profile': {
      const d = data as { context: unknown; createdAt?: string };
      return { kind: 'profile', id, version: change.version ?? 0, deleted, data: { context: d.context, createdAt: d.createdAt } };
    }
    default:
      return { kind: change.kind, id, version: change.version ?? 0, deleted, data };
  }
}

/**
 * Sends the outbox: usage rows in batches (idempotent by id), then admins' edits one by one,
 * each only if the hub's row is still at the version it was based on. A refused edit is undone
 * locally from the hub's value: a conflict is kept for the admin to settle; a forbidden one
 * (a member's edit, however it got into the outbox) just disappears.
 */
export async function pushOutbox(hub: HubConnection, store: TeamStore, state: TeamState, logger: Logger, options: PushOptions = {}): Promise<PushReport> {
  const report: PushReport = { usage: 0, edits: 0, refused: null };
  for (;;) {
    const batch = store.team.usageBatch(USAGE_BATCH);
    const last = batch.at(-1);
    if (!last) break;
    const rows = batch.flatMap((b) => (b.event ? [toHubUsageRow(b.event)] : []));
    await pushHubUsage(hub, state.hubOrgId, state.memberId, rows);
    report.usage += batch.length;
    await options.onUsageBatch?.(report.usage, batch.length);
    store.team.ackUsageThrough(last.seq);
  }

  for (const edit of store.team.edits()) {
    const data = store.team.localData(edit.kind, edit.rowId);
    if (edit.kind === 'org' && data === null) {
      store.team.ack([edit.seq]);
      continue;
    }
    const deleted = edit.deleted || data === null;
    if (deleted && edit.baseVersion === null) {
      // Made and deleted here before the hub ever saw it: nothing to send.
      store.team.ack([edit.seq]);
      continue;
    }
    const outcome = await sendEdit(hub, store, state, edit, deleted ? null : data);
    if (outcome === 'applied') report.edits++;
    else {
      report.refused ??= outcome;
      logger.warn('team edit refused', { kind: edit.kind, code: outcome.code });
    }
  }
  return report;
}

async function sendEdit(
  hub: HubConnection,
  store: TeamStore,
  state: TeamState,
  edit: TeamOutboxEdit,
  data: Record<string, unknown> | null,
): Promise<'applied' | AppError> {
  let version: number | null = null;
  let refusedByPolicy = false;
  try {
    version = await applyHubEdit(hub, state.hubOrgId, toHubEdit(edit, data, edit.baseVersion));
  } catch (error) {
    // An INSERT the policies refuse is an error; an UPDATE they refuse is "0 rows".
    if (!(error instanceof AppError) || error.code !== 'forbidden') throw error;
    refusedByPolicy = true;
  }
  if (version !== null) {
    store.team.ackEdit(edit, version, data);
    return 'applied';
  }
  const current = await readHubRow(hub, state.hubOrgId, edit.kind, edit.kind === 'org' ? state.hubOrgId : edit.rowId);
  // After a crash between the hub's commit and the local acknowledgement, the hub holds our own edit.
  if (current?.lastEditId === edit.editId) {
    store.team.ackEdit(edit, current.version, data);
    return 'applied';
  }
  if (current?.lastEditId && edit.priorEditIds.includes(current.lastEditId)) {
    const retried = await applyHubEdit(hub, state.hubOrgId, toHubEdit(edit, data, current.version));
    if (retried !== null) {
      store.team.ackEdit(edit, retried, data);
      return 'applied';
    }
  }
  // toTeamRow is null only for key shares, which readHubRow never returns.
  const hubRow: TeamHubRow = (current && toTeamRow(current, state)) ?? {
    kind: edit.kind,
    id: edit.kind === 'org' ? state.orgId : edit.rowId,
    version: 0,
    deleted: true,
    data: null,
  };
  const role = refusedByPolicy ? null : (await readMyMembership(hub))?.role;
  if (refusedByPolicy || (role !== 'owner' && role !== 'admin')) {
    store.team.restore(hubRow, edit.seq);
    return new AppError(
      'forbidden',
      `The hub refused a change to ${describe(edit.kind)}: only an owner or admin can change it. The hub's value is back on this desktop.`,
    );
  }
  store.team.addConflict({
    kind: edit.kind,
    id: edit.kind === 'org' ? state.orgId : edit.rowId,
    mine: data,
    theirs: hubRow.deleted ? null : hubRow.data,
    hubVersion: current?.version ?? null,
  });
  store.team.restore(hubRow, edit.seq);
  return new AppError(
    'conflict',
    `Someone changed ${describe(edit.kind)} on the hub after you started editing, so your change was not applied. Both values are in Settings → Team → Conflicts: keep the hub's, or apply yours again.`,
  );
}

function describe(kind: TeamOutboxEdit['kind']): string {
  return kind === 'org' ? "the organization's settings" : kind === 'profile' ? 'a business profile' : 'a template';
}

export interface PullReport {
  applied: number;
  restored: number;
  /** Key copies sealed to this desktop (open them and keep them in the keychain), and ones taken away. */
  keyShares: Array<{ provider: string; sealed: string | null }>;
  /** Whether any member row changed (a newcomer or a new public key): admins then share keys with them. */
  membersChanged: boolean;
}

/**
 * Pulls every change after the cursor in one query and applies it in one SQLite transaction.
 * `openShares` runs first, so a crash never moves the cursor past a key copy not yet stored.
 */
export async function pullChanges(
  hub: HubConnection,
  store: TeamStore,
  state: TeamState,
  month: string,
  openShares: (shares: PullReport['keyShares']) => Promise<void>,
  logger: Logger,
): Promise<PullReport> {
  const removed = () =>
    new AppError(
      'auth',
      `The login "${state.login}" is no longer a member of this organization on the hub. Ask an admin for a new invite, then connect again.`,
    );
  let pulled: HubPull;
  try {
    pulled = await pullHubChanges(hub, state.hubOrgId, state.cursor, month);
  } catch (error) {
    // A session opened before the login was removed may outlive it, without the right to pull.
    if (error instanceof AppError && error.code === 'forbidden') throw removed();
    throw error;
  }
  const member = pulled.member;
  if (!member) throw removed();
  const keyShares = pulled.changes
    .filter((c) => c.kind === 'key_share' && (!c.deleted || c.memberId === member.id))
    .map((c) => ({ provider: c.id, sealed: c.deleted ? null : String((c.data as { sealed?: string } | undefined)?.sealed ?? '') || null }));
  await openShares(keyShares);
  const rows = pulled.changes.flatMap((c) => {
    const row = toTeamRow(c, state);
    return row ? [row] : [];
  });
  const cursor = pulled.changes.reduce((max, c) => Math.max(max, c.seq), state.cursor);
  const result = store.team.applyPull({
    rows,
    cursor,
    role: member.role,
    email: member.email,
    spendMonth: month,
    spendNanoUsd: pulled.monthSpendNano,
  });
  for (const s of result.skipped) logger.warn('team pull skipped a row that fails validation', { kind: s.kind, id: s.id, message: s.error.message });
  return { applied: result.applied, restored: result.restored, keyShares, membersChanged: rows.some((r) => r.kind === 'member') };
}
