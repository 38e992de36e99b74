import type { AppErrorData } from '../../../../shared/domain/errors';
import { businessContextSchema } from '../../../../shared/domain/lead';
import { llmProviderNameSchema } from '../../../../shared/domain/llm';
import { llmSettingsSchema, organizationSchema, roleSchema, type Role } from '../../../../shared/domain/org';
import { templateSchema } from '../../../../shared/domain/records';
import type { UsageEvent } from '../../../../shared/domain/usage';
import { AppError } from '../../errors';
import { canonicalJson } from '../internal/canonical-json';
import { monthBounds, resolveUsageWindow } from '../internal/usage-window';
import { fromJson, fromNanoUsd, nowIso, parseInput, toJson } from '../internal/values';
import type {
  OrgTeamRepository,
  SqliteDatabase,
  TeamConflict,
  TeamConnectInput,
  TeamHubRow,
  TeamMemberRow,
  TeamOutboxEdit,
  TeamPendingUsage,
  TeamRepository,
  TeamRowKind,
  TeamState,
  UsageWindow,
} from '../types';
import { toUsageEvent, USAGE_COLUMNS, USAGE_GROUP_KEY, USAGE_TOTALS, type UsageRow } from './usage';

interface StateRow {
  org_id: string;
  hub_org_id: string;
  hub_url: string;
  login: string;
  member_id: string;
  email: string;
  role: Role;
  cursor: number;
  last_sync_at: string | null;
  last_error: string | null;
  spend_month: string | null;
  spend_nano_usd: number;
  connected_at: string;
}

function toState(row: StateRow): TeamState {
  return {
    orgId: row.org_id,
    hubOrgId: row.hub_org_id,
    hubUrl: row.hub_url,
    login: row.login,
    memberId: row.member_id,
    email: row.email,
    role: row.role,
    cursor: row.cursor,
    lastSyncAt: row.last_sync_at,
    lastError: row.last_error ? (fromJson(row.last_error) as AppErrorData) : null,
    spendMonth: row.spend_month,
    spendNanoUsd: row.spend_nano_usd,
    connectedAt: row.connected_at,
  };
}

const profileContextSchema = businessContextSchema.strict();
const templateDataSchema = templateSchema.pick({ name: true, steps: true, options: true });
const orgDataSchema = organizationSchema.pick({ name: true }).extend({ provider: llmProviderNameSchema, settings: llmSettingsSchema });

/**
 * Team mode's local side: the hub connection, the outbox the triggers of migration 0003 fill,
 * the hub's values as last pulled ("shadow" rows), and conflicts. Every write that applies the
 * hub's values runs with `team_state.applying = 1`, so it does not enqueue itself.
 */
export function createTeamRepository(db: SqliteDatabase): TeamRepository {
  const stateStmt = db.prepare<[], StateRow>('SELECT * FROM team_state WHERE id = 1');
  const applying = (on: boolean) => db.prepare('UPDATE team_state SET applying = ? WHERE id = 1').run(on ? 1 : 0);
  const shadowGet = db.prepare<[string, string], { version: number; data: string }>('SELECT version, data FROM team_rows WHERE kind = ? AND id = ?');
  const shadowPut = db.prepare(
    'INSERT INTO team_rows (kind, id, version, data) VALUES (?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, data = excluded.data',
  );
  const shadowDelete = db.prepare('DELETE FROM team_rows WHERE kind = ? AND id = ?');
  const outboxFor = db.prepare<[string, string], { seq: number }>("SELECT seq FROM team_outbox WHERE kind = ? AND row_id = ? AND kind <> 'usage'");

  const state = () => {
    const row = stateStmt.get();
    return row ? toState(row) : null;
  };
  const requireState = () => {
    const s = state();
    if (!s) throw new AppError('validation', 'This desktop is not connected to a team hub. Use "team connect" (or Settings → Team).');
    return s;
  };

  /** The working copy of a shared row in the hub's shape, or null when it does not exist here. */
  function localData(kind: TeamRowKind, id: string): Record<string, unknown> | null {
    const s = requireState();
    switch (kind) {
      case 'org': {
        const row = db
          .prepare<[string], { name: string; provider: string; settings: string }>('SELECT name, provider, settings FROM organizations WHERE id = ?')
          .get(s.orgId);
        return row ? { name: row.name, provider: row.provider, settings: fromJson(row.settings) } : null;
      }
      case 'profile': {
        const row = db.prepare<[string, string], { context: string }>('SELECT context FROM business_profiles WHERE id = ? AND org_id = ?').get(id, s.orgId);
        return row ? { context: fromJson(row.context) } : null;
      }
      case 'template': {
        const row = db
          .prepare<[string, string], { name: string; steps: string; options: string | null }>(
            'SELECT name, steps, options FROM templates WHERE id = ? AND org_id = ?',
          )
          .get(id, s.orgId);
        return row ? { name: row.name, steps: fromJson(row.steps), options: row.options === null ? null : fromJson(row.options) } : null;
      }
      case 'member': {
        const row = db.prepare<[string, string], { name: string; role: string }>('SELECT name, role FROM users WHERE id = ? AND org_id = ?').get(id, s.orgId);
        return row ? { email: row.name, role: row.role } : null;
      }
    }
  }

  /** Only the fields the working copy holds, so the shadow and the working copy compare like with like. */
  function comparable(kind: TeamRowKind, data: Record<string, unknown>): Record<string, unknown> {
    switch (kind) {
      case 'org':
        return { name: data.name, provider: data.provider, settings: data.settings };
      case 'profile':
        return { context: data.context };
      case 'template':
        return { name: data.name, steps: data.steps, options: data.options ?? null };
      case 'member':
        return { email: data.email, role: data.role };
    }
  }

  /** Writes the hub's value into the working copy (validated: a hub row is input like any other). */
  function writeLocal(s: TeamState, kind: TeamRowKind, id: string, data: Record<string, unknown> | null): void {
    const now = nowIso();
    if (data === null) {
      if (kind === 'profile') db.prepare('DELETE FROM business_profiles WHERE id = ? AND org_id = ?').run(id, s.orgId);
      else if (kind === 'template') db.prepare('DELETE FROM templates WHERE id = ? AND org_id = ?').run(id, s.orgId);
      else if (kind === 'member' && id !== s.memberId) db.prepare('DELETE FROM users WHERE id = ? AND org_id = ?').run(id, s.orgId);
      return;
    }
    switch (kind) {
      case 'org': {
        const org = parseInput(orgDataSchema, comparable('org', data), 'organization from the hub');
        db.prepare('UPDATE organizations SET name = ?, provider = ?, settings = ? WHERE id = ?').run(org.name, org.provider, toJson(org.settings), s.orgId);
        return;
      }
      case 'profile': {
        const context = parseInput(profileContextSchema, data.context, 'business profile from the hub');
        db.prepare(
          `INSERT INTO business_profiles (id, org_id, context, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET context = excluded.context, updated_at = excluded.updated_at WHERE org_id = excluded.org_id`,
        ).run(id, s.orgId, toJson(context), typeof data.createdAt === 'string' ? data.createdAt : now, now);
        return;
      }
      case 'template': {
        const t = parseInput(templateDataSchema, { name: data.name, steps: data.steps, options: data.options ?? null }, 'template from the hub');
        db.prepare(
          `INSERT INTO templates (id, org_id, name, steps, options, created_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, steps = excluded.steps, options = excluded.options WHERE org_id = excluded.org_id`,
        ).run(id, s.orgId, t.name, toJson(t.steps), t.options === null ? null : toJson(t.options), typeof data.createdAt === 'string' ? data.createdAt : now);
        return;
      }
      case 'member': {
        const role = parseInput(roleSchema, data.role, 'member from the hub', 'role');
        const name = String(data.email ?? '').slice(0, 200) || 'member';
        db.prepare(
          `INSERT INTO users (id, org_id, name, role, created_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role WHERE org_id = excluded.org_id`,
        ).run(id, s.orgId, name, role, typeof data.createdAt === 'string' ? data.createdAt : now);
        return;
      }
    }
  }

  /** Puts the hub's row in the shadow and, unless a local edit of it waits to be pushed, in the working copy. */
  function applyRow(s: TeamState, row: TeamHubRow, force: boolean): void {
    if (row.deleted || row.data === null) shadowDelete.run(row.kind, row.id);
    else shadowPut.run(row.kind, row.id, row.version, toJson(comparable(row.kind, row.data)));
    if (!force && row.kind !== 'member' && outboxFor.get(row.kind, row.id)) return;
    writeLocal(s, row.kind, row.id, row.deleted ? null : row.data);
  }

  /** Shadowed rows (without a pending edit) whose working copy no longer matches the hub's value. */
  function tampered(s: TeamState): Array<{ kind: TeamRowKind; id: string; hub: Record<string, unknown> }> {
    const out: Array<{ kind: TeamRowKind; id: string; hub: Record<string, unknown> }> = [];
    const rows = db.prepare<[], { kind: TeamRowKind; id: string; version: number; data: string }>('SELECT kind, id, version, data FROM team_rows').all();
    for (const row of rows) {
      if (row.kind !== 'member' && outboxFor.get(row.kind, row.id)) continue;
      const hub = fromJson(row.data) as Record<string, unknown>;
      const local = localData(row.kind, row.kind === 'org' ? s.orgId : row.id);
      if (local && canonicalJson(comparable(row.kind, local)) === canonicalJson(hub)) continue;
      out.push({ kind: row.kind, id: row.kind === 'org' ? s.orgId : row.id, hub });
    }
    return out;
  }

  /** Undoes changes made to the working copy behind the app's back: every shadowed row without a pending edit goes back to the hub's value. */
  function restoreTampered(s: TeamState): number {
    const rows = tampered(s);
    for (const row of rows) writeLocal(s, row.kind, row.id, row.hub);
    const me = db.prepare<[string, string], { role: string }>('SELECT role FROM users WHERE id = ? AND org_id = ?').get(s.memberId, s.orgId);
    if (!me) writeLocal(s, 'member', s.memberId, { email: s.email, role: s.role });
    return rows.length;
  }

  const withApplying = <T>(fn: () => T): T =>
    db.transaction(() => {
      applying(true);
      try {
        return fn();
      } finally {
        applying(false);
      }
    })();

  return {
    state,

    connect(input: TeamConnectInput) {
      if (state()) throw new AppError('conflict', 'This desktop is already connected to a team hub. Disconnect first ("team disconnect").');
      db.transaction(() => {
        db.prepare(
          `INSERT INTO team_state (id, org_id, hub_org_id, hub_url, login, member_id, email, role, connected_at)
           VALUES (1, @orgId, @hubOrgId, @hubUrl, @login, @memberId, @email, @role, @now)`,
        ).run({ ...input, now: nowIso() });
        withApplying(() => writeLocal(requireState(), 'member', input.memberId, { email: input.email, role: input.role }));
      })();
      return requireState();
    },

    disconnect() {
      const s = state();
      if (!s) return { pending: 0 };
      const pending = (db.prepare('SELECT count(*) AS n FROM team_outbox').get() as { n: number }).n;
      db.transaction(() => {
        const members = db.prepare<[], { id: string }>("SELECT id FROM team_rows WHERE kind = 'member'").all();
        for (const m of members) db.prepare('DELETE FROM users WHERE id = ? AND org_id = ?').run(m.id, s.orgId);
        db.prepare('DELETE FROM users WHERE id = ? AND org_id = ?').run(s.memberId, s.orgId);
        db.exec('DELETE FROM team_outbox; DELETE FROM team_rows; DELETE FROM team_conflicts; DELETE FROM team_state;');
      })();
      return { pending };
    },

    recordSync(patch) {
      requireState();
      if (patch.lastSyncAt !== undefined) db.prepare('UPDATE team_state SET last_sync_at = ? WHERE id = 1').run(patch.lastSyncAt);
      if (patch.lastError !== undefined)
        db.prepare('UPDATE team_state SET last_error = ? WHERE id = 1').run(patch.lastError === null ? null : toJson(patch.lastError));
      if (patch.resetCursor) db.prepare('UPDATE team_state SET cursor = 0 WHERE id = 1').run();
    },

    pendingCount: () => (db.prepare('SELECT count(*) AS n FROM team_outbox').get() as { n: number }).n,

    usageBatch(limit) {
      const rows = db
        .prepare<[number], UsageRow & { seq: number; row_id: string; present: number | null }>(
          `SELECT o.seq, o.row_id, e.rowid AS present, ${USAGE_COLUMNS.split(', ')
            .map((c) => `e.${c}`)
            .join(', ')}
           FROM team_outbox o LEFT JOIN usage_events e ON e.id = o.row_id
           WHERE o.kind = 'usage' ORDER BY o.seq LIMIT ?`,
        )
        .all(limit);
      return rows.map((r): TeamPendingUsage => ({ seq: r.seq, rowId: r.row_id, event: r.present === null ? null : toUsageEvent(r) }));
    },

    ack(seqs) {
      if (seqs.length === 0) return;
      const del = db.prepare('DELETE FROM team_outbox WHERE seq = ?');
      db.transaction(() => {
        for (const seq of seqs) del.run(seq);
      })();
    },

    ackUsageThrough(seq) {
      // A usage batch is every usage entry up to its last seq, in order: one range delete acknowledges it.
      return db.prepare("DELETE FROM team_outbox WHERE kind = 'usage' AND seq <= ?").run(seq).changes;
    },

    edits() {
      return db
        .prepare<
          [],
          { seq: number; kind: TeamOutboxEdit['kind']; row_id: string; base_version: number | null; edit_id: string; prior_edit_ids: string; deleted: number }
        >("SELECT seq, kind, row_id, base_version, edit_id, prior_edit_ids, deleted FROM team_outbox WHERE kind <> 'usage' ORDER BY seq")
        .all()
        .map((r) => ({
          seq: r.seq,
          kind: r.kind,
          rowId: r.row_id,
          baseVersion: r.base_version,
          editId: r.edit_id,
          priorEditIds: fromJson(r.prior_edit_ids) as string[],
          deleted: r.deleted === 1,
        }));
    },

    localData,

    ackEdit(edit, version, data) {
      db.transaction(() => {
        const current = db.prepare<[number], { edit_id: string }>('SELECT edit_id FROM team_outbox WHERE seq = ?').get(edit.seq);
        // A newer edit of the row arrived while this one was on its way: it is now based on the version just made.
        if (current && current.edit_id !== edit.editId) {
          db.prepare("UPDATE team_outbox SET base_version = ?, prior_edit_ids = '[]' WHERE seq = ?").run(version, edit.seq);
        } else {
          db.prepare('DELETE FROM team_outbox WHERE seq = ?').run(edit.seq);
        }
        if (data === null) shadowDelete.run(edit.kind, edit.rowId);
        else shadowPut.run(edit.kind, edit.rowId, version, toJson(comparable(edit.kind, data)));
      })();
    },

    restore(row, dropSeq) {
      const s = requireState();
      withApplying(() => {
        if (dropSeq !== undefined) db.prepare('DELETE FROM team_outbox WHERE seq = ?').run(dropSeq);
        applyRow(s, row, true);
      });
    },

    applyPull(input) {
      const s = requireState();
      const skipped: Array<{ kind: TeamRowKind; id: string; error: AppError }> = [];
      // An idle pull changes nothing: reading is enough, and a write (one fsync) would be the sync's main cost.
      const idle =
        input.rows.length === 0 &&
        input.cursor <= s.cursor &&
        input.role === s.role &&
        input.email === s.email &&
        input.spendMonth === s.spendMonth &&
        input.spendNanoUsd === s.spendNanoUsd;
      if (idle && tampered(s).length === 0 && db.prepare('SELECT 1 FROM users WHERE id = ? AND org_id = ?').get(s.memberId, s.orgId)) {
        return { applied: 0, restored: 0, skipped };
      }
      let applied = 0;
      const restored = withApplying(() => {
        for (const row of input.rows) {
          try {
            db.transaction(() => applyRow(s, row.kind === 'org' ? { ...row, id: s.orgId } : row, false))();
            applied++;
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            skipped.push({ kind: row.kind, id: row.id, error });
          }
        }
        db.prepare('UPDATE team_state SET cursor = max(cursor, ?), role = ?, email = ?, spend_month = ?, spend_nano_usd = ? WHERE id = 1').run(
          input.cursor,
          input.role,
          input.email,
          input.spendMonth,
          input.spendNanoUsd,
        );
        return restoreTampered(requireState());
      });
      return { applied, restored, skipped };
    },

    conflicts() {
      return db
        .prepare<[], { kind: TeamConflict['kind']; id: string; mine: string | null; theirs: string | null; hub_version: number | null; at: string }>(
          'SELECT kind, id, mine, theirs, hub_version, at FROM team_conflicts ORDER BY at',
        )
        .all()
        .map((r) => ({
          kind: r.kind,
          id: r.id,
          mine: r.mine === null ? null : (fromJson(r.mine) as Record<string, unknown>),
          theirs: r.theirs === null ? null : (fromJson(r.theirs) as Record<string, unknown>),
          hubVersion: r.hub_version,
          at: r.at,
        }));
    },

    addConflict(c) {
      db.prepare(
        `INSERT INTO team_conflicts (kind, id, mine, theirs, hub_version, at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, id) DO UPDATE SET mine = excluded.mine, theirs = excluded.theirs, hub_version = excluded.hub_version, at = excluded.at`,
      ).run(c.kind, c.id, c.mine === null ? null : toJson(c.mine), c.theirs === null ? null : toJson(c.theirs), c.hubVersion, nowIso());
    },

    removeConflict: (kind, id) => db.prepare('DELETE FROM team_conflicts WHERE kind = ? AND id = ?').run(kind, id).changes > 0,

    shadow(kind, id) {
      const row = shadowGet.get(kind, id);
      return row ? { version: row.version, data: fromJson(row.data) as Record<string, unknown> } : null;
    },

    members() {
      return db
        .prepare<[], { id: string; data: string }>("SELECT id, data FROM team_rows WHERE kind = 'member'")
        .all()
        .map((r): TeamMemberRow => {
          const d = fromJson(r.data) as { email: string; role: Role };
          return { id: r.id, email: d.email, role: d.role };
        })
        .sort((a, b) => a.email.localeCompare(b.email));
    },
  };
}

function pendingUsageWhere(orgId: string, window: UsageWindow): { sql: string; params: Record<string, string> } {
  const { from, to } = resolveUsageWindow(window);
  const params: Record<string, string> = { org: orgId };
  let sql = "org_id = @org AND id IN (SELECT row_id FROM team_outbox WHERE kind = 'usage')";
  if (from) {
    sql += ' AND created_at >= @since';
    params.since = from;
  }
  if (to) {
    sql += ' AND created_at < @until';
    params.until = to;
  }
  return { sql, params };
}

/**
 * Team mode's queue as far as one organization's rows go: what `team init` sends, and its usage
 * not yet pushed.
 */
export function createOrgTeamRepository(db: SqliteDatabase): (orgId: string) => OrgTeamRepository {
  const stateStmt = db.prepare<[string], StateRow>('SELECT * FROM team_state WHERE id = 1 AND org_id = ?');
  return (orgId) => ({
    connection() {
      const row = stateStmt.get(orgId);
      return row ? toState(row) : null;
    },

    enqueueContents() {
      return db.transaction(() => {
        let n = 0;
        for (const [table, kind] of [
          ['business_profiles', 'profile'],
          ['templates', 'template'],
        ] as const) {
          n += db
            .prepare(
              `INSERT INTO team_outbox (kind, row_id, base_version, edit_id, created_at)
               SELECT '${kind}', id, NULL, lower(hex(randomblob(16))), @now FROM ${table} WHERE org_id = @org
               ON CONFLICT (kind, row_id) WHERE kind <> 'usage' DO NOTHING`,
            )
            .run({ org: orgId, now: nowIso() }).changes;
        }
        n += db
          .prepare(
            `INSERT INTO team_outbox (kind, row_id, base_version, edit_id, created_at)
             SELECT 'usage', id, NULL, id, created_at FROM usage_events WHERE org_id = @org
               AND id NOT IN (SELECT row_id FROM team_outbox WHERE kind = 'usage') ORDER BY created_at, rowid`,
          )
          .run({ org: orgId }).changes;
        return n;
      })();
    },

    pendingUsageSummary(query) {
      const where = pendingUsageWhere(orgId, query);
      return db
        .prepare(`SELECT ${USAGE_GROUP_KEY[query.groupBy]} AS key, ${USAGE_TOTALS} FROM usage_events WHERE ${where.sql} GROUP BY key`)
        .all(where.params) as ReturnType<OrgTeamRepository['pendingUsageSummary']>;
    },

    pendingMonthSpend(month) {
      const bounds = monthBounds(month);
      if (!bounds) throw new AppError('validation', `The month must look like 2026-11, not "${month}".`, { field: 'month' });
      const where = pendingUsageWhere(orgId, { since: bounds.from, until: bounds.to });
      const row = db.prepare(`SELECT sum(cost_nano_usd) AS nano FROM usage_events WHERE ${where.sql}`).get(where.params) as { nano: number | null };
      return fromNanoUsd(row.nano ?? 0);
    },

    pendingUsageRows(window) {
      const where = pendingUsageWhere(orgId, window);
      return (db.prepare(`SELECT ${USAGE_COLUMNS} FROM usage_events WHERE ${where.sql} ORDER BY created_at, rowid`).all(where.params) as UsageRow[]).map(
        (r): UsageEvent => toUsageEvent(r),
      );
    },
  });
}
