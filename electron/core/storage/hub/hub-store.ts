import type { ErrorCode } from '../../../../shared/domain/errors';
import type { Role } from '../../../../shared/domain/org';
import type { UsageGroupBy } from '../../../../shared/domain/usage';
import { AppError } from '../../errors';
import { resolveUsageWindow } from '../internal/usage-window';
import { HUB_MIGRATIONS, HUB_SCHEMA_VERSION } from './migrations';
import type { HubConnection } from './types';

/**
 * The hub's SQL: every statement the desktop sends to the team hub. Each function takes the
 * connection it runs on; `electron/core/team` owns the connection, the TLS policy and the
 * translation of driver errors (`HUB_SQLSTATES` below says what the hub's own codes mean).
 */

/** The hub's own SQLSTATEs (raised by its functions) and what they mean to a user. */
export const HUB_SQLSTATES: Readonly<Record<string, { code: ErrorCode; message: string }>> = {
  OH001: { code: 'conflict', message: 'This login already belongs to an organization on this hub. Use another login for another organization.' },
  OH002: { code: 'conflict', message: 'This organization is already on the hub. On another desktop, use "team connect" with your own login.' },
  OH003: { code: 'forbidden', message: 'The hub refused: only an owner or admin of the organization can do that.' },
  OH004: { code: 'forbidden', message: "The hub refused: the owner can't be removed or change role." },
  OH005: { code: 'not_found', message: 'There is no such member in this organization. Run "team members" to see who is.' },
  OH006: { code: 'validation', message: 'The hub refused the request as not valid: a role is admin or member.' },
  OH007: { code: 'conflict', message: 'That address is already a member of this organization.' },
  OH008: { code: 'forbidden', message: "You can't remove yourself: ask another owner or admin." },
  OH009: {
    code: 'forbidden',
    message: "This login may not set up an organization: it needs the CREATEROLE attribute (on a managed Postgres, use the project's admin login).",
  },
};

// ---------------------------------------------------------------- schema

/** The hub's schema version, or 0 when the database has no hub yet. */
export async function readHubSchemaVersion(conn: HubConnection): Promise<number> {
  const present = await conn.query<{ present: boolean }>("SELECT to_regclass('outreach_hub.schema_version') IS NOT NULL AS present");
  if (!present.rows[0]?.present) return 0;
  const { rows } = await conn.query<{ version: number | null }>('SELECT max(version) AS version FROM outreach_hub.schema_version');
  return rows[0]?.version ?? 0;
}

/** PostgreSQL's version as a number, e.g. 150004. */
export async function readServerVersion(conn: HubConnection): Promise<number> {
  const { rows } = await conn.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  return Number(rows[0]?.v ?? 0);
}

/** The one row a `SELECT outreach_hub.<function>(…)` answers with. */
function requireOneRow<T>(rows: readonly T[], fn: string): T {
  const [row] = rows;
  if (row === undefined) throw new AppError('internal', `The team hub answered outreach_hub.${fn} with no row; please report it.`);
  return row;
}

/** Refuses a hub whose schema this app does not know. */
export function assertHubSchemaKnown(version: number): void {
  if (version > HUB_SCHEMA_VERSION) {
    throw new AppError(
      'conflict',
      `The team hub's schema is version ${version}, newer than this version of Outreach Desk understands (${HUB_SCHEMA_VERSION}). Update Outreach Desk on this desktop; the hub was not changed.`,
    );
  }
}

/**
 * Creates or updates the hub schema: the pending steps in one transaction, under an advisory lock
 * so two desktops running `team init` at once do not both migrate. Returns the versions.
 */
export async function migrateHub(conn: HubConnection): Promise<{ from: number; to: number }> {
  await conn.query('BEGIN');
  try {
    await conn.query("SELECT pg_advisory_xact_lock(hashtext('outreach_hub.migrate'))");
    const from = await readHubSchemaVersion(conn);
    assertHubSchemaKnown(from);
    for (const step of HUB_MIGRATIONS.filter((m) => m.version > from)) {
      await conn.query(step.sql);
      await conn.query('INSERT INTO outreach_hub.schema_version (version, name) VALUES ($1, $2)', [step.version, step.name]);
    }
    await conn.query('COMMIT');
    return { from, to: Math.max(from, HUB_SCHEMA_VERSION) };
  } catch (error) {
    await conn.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

// ---------------------------------------------------------------- organizations and members

export interface HubOrgInput {
  id: string;
  name: string;
  provider: string;
  settings: unknown;
  memberId: string;
  email: string;
}

/** Puts the organization on the hub with the caller as its owner; repeating it after a crash is harmless. Returns the owner's member id. */
export async function createHubOrganization(conn: HubConnection, org: HubOrgInput): Promise<string> {
  const { rows } = await conn.query<{ id: string }>('SELECT outreach_hub.create_organization($1, $2, $3, $4::jsonb, $5, $6) AS id', [
    org.id,
    org.name,
    org.provider,
    JSON.stringify(org.settings),
    org.memberId,
    org.email,
  ]);
  return requireOneRow(rows, 'create_organization').id;
}

export interface HubMembership {
  memberId: string;
  orgId: string;
  orgName: string;
  role: Role;
  email: string;
}

/** The caller's organization and role, or null when the login is no member. */
export async function readMyMembership(conn: HubConnection): Promise<HubMembership | null> {
  const { rows } = await conn.query<{ member_id: string; org_id: string; org_name: string; role: Role; email: string }>(
    'SELECT member_id, org_id, org_name, role, email FROM outreach_hub.my_membership()',
  );
  const row = rows[0];
  return row ? { memberId: row.member_id, orgId: row.org_id, orgName: row.org_name, role: row.role, email: row.email } : null;
}

export interface HubInvite {
  orgId: string;
  memberId: string;
  email: string;
  role: Role;
  login: string;
  /** A SCRAM-SHA-256 verifier: the hub never sees the password itself. */
  verifier: string;
}

export async function inviteHubMember(conn: HubConnection, invite: HubInvite): Promise<void> {
  await conn.query('SELECT outreach_hub.invite_member($1, $2, $3, $4, $5, $6)', [
    invite.orgId,
    invite.memberId,
    invite.email,
    invite.role,
    invite.login,
    invite.verifier,
  ]);
}

export async function setHubMemberRole(conn: HubConnection, orgId: string, memberId: string, role: Role): Promise<void> {
  await conn.query('SELECT outreach_hub.set_member_role($1, $2, $3)', [orgId, memberId, role]);
}

/** Removes a member, their key copies and their login. Returns the providers whose keys they had. */
export async function removeHubMember(conn: HubConnection, orgId: string, memberId: string): Promise<string[]> {
  const { rows } = await conn.query<{ shared: string[] }>('SELECT outreach_hub.remove_member($1, $2) AS shared', [orgId, memberId]);
  return rows[0]?.shared ?? [];
}

export async function publishMyPublicKey(conn: HubConnection, orgId: string, publicKey: string): Promise<void> {
  await conn.query('SELECT outreach_hub.set_my_public_key($1, $2)', [orgId, publicKey]);
}

export interface HubMemberRow {
  id: string;
  login: string;
  email: string;
  role: Role;
  publicKey: string | null;
  createdAt: string;
  /** Providers whose key this member holds a sealed copy of (visible to owners and admins). */
  sharedProviders: string[];
}

export async function listHubMembers(conn: HubConnection, orgId: string): Promise<HubMemberRow[]> {
  const { rows } = await conn.query<{ id: string; login: string; email: string; role: Role; public_key: string | null; created_at: Date; shared: string[] }>(
    `SELECT m.id, m.login, m.email, m.role, m.public_key, m.created_at,
       coalesce((SELECT array_agg(k.provider ORDER BY k.provider) FROM outreach_hub.key_shares k WHERE k.member_id = m.id), '{}') AS shared
     FROM outreach_hub.members m WHERE m.org_id = $1
     ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, m.created_at, m.email`,
    [orgId],
  );
  return rows.map((r) => ({
    id: r.id,
    login: r.login,
    email: r.email,
    role: r.role,
    publicKey: r.public_key,
    createdAt: new Date(r.created_at).toISOString(),
    sharedProviders: r.shared,
  }));
}

// ---------------------------------------------------------------- pull

/** One change since the cursor, as `outreach_hub.pull` returns it. */
export interface HubChange {
  kind: 'org' | 'member' | 'profile' | 'template' | 'key_share';
  id: string;
  seq: number;
  version?: number;
  deleted?: boolean;
  memberId?: string | null;
  data?: Record<string, unknown>;
}

export interface HubPull {
  /** Null when this login is no longer a member of the organization. */
  member: { id: string; role: Role; email: string } | null;
  monthSpendNano: number;
  changes: HubChange[];
}

/** Who I am now, the month's spend and every change after `since`: one query, whatever changed. */
export async function pullHubChanges(conn: HubConnection, orgId: string, since: number, month: string): Promise<HubPull> {
  const { rows } = await conn.query<{ result: { member: HubPull['member']; monthSpendNano?: string; changes?: HubChange[] } }>(
    'SELECT outreach_hub.pull($1, $2, $3::date) AS result',
    [orgId, since, `${month}-01`],
  );
  const { result } = requireOneRow(rows, 'pull');
  return { member: result.member, monthSpendNano: Number(result.monthSpendNano ?? 0), changes: result.changes ?? [] };
}

// ---------------------------------------------------------------- push

/** A usage row as the desktop pushes it. */
export interface HubUsageRow {
  id: string;
  operation: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costNanoUsd: number;
  priceTable: string | null;
  latencyMs: number;
  outcome: string;
  errorCode: string | null;
  requestId: string | null;
  createdAt: string;
}

/**
 * Inserts a batch of the caller's usage rows in one statement. Idempotent by id: a batch sent
 * again after a crash inserts nothing twice. Returns how many rows were new.
 */
export async function pushHubUsage(conn: HubConnection, orgId: string, memberId: string, rows: readonly HubUsageRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const col = <K extends keyof HubUsageRow>(key: K) => rows.map((r) => r[key]);
  const result = await conn.query(
    `INSERT INTO outreach_hub.usage_events (id, org_id, member_id, operation, provider, model, input_tokens, output_tokens,
       cached_input_tokens, cost_nano_usd, price_table, latency_ms, outcome, error_code, request_id, created_at)
     SELECT u.id, $1, $2, u.operation, u.provider, u.model, u.input_tokens, u.output_tokens, u.cached_input_tokens, u.cost_nano_usd,
       u.price_table, u.latency_ms, u.outcome, u.error_code, u.request_id, u.created_at
     FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::text[],
       $12::float8[], $13::text[], $14::text[], $15::text[], $16::timestamptz[])
       AS u(id, operation, provider, model, input_tokens, output_tokens, cached_input_tokens, cost_nano_usd, price_table, latency_ms,
         outcome, error_code, request_id, created_at)
     ON CONFLICT (id) DO NOTHING`,
    [
      orgId,
      memberId,
      col('id'),
      col('operation'),
      col('provider'),
      col('model'),
      col('inputTokens'),
      col('outputTokens'),
      col('cachedInputTokens'),
      col('costNanoUsd'),
      col('priceTable'),
      col('latencyMs'),
      col('outcome'),
      col('errorCode'),
      col('requestId'),
      col('createdAt'),
    ],
  );
  return result.rowCount ?? 0;
}

/** An edit of a shared row, based on the version the desktop last saw (null: a new row). */
export type HubEdit =
  | { kind: 'org'; id: string; baseVersion: number | null; editId: string; data: { name: string; provider: string; settings: unknown } }
  | { kind: 'profile'; id: string; baseVersion: number | null; editId: string; deleted: boolean; data: { context: unknown } }
  | { kind: 'template'; id: string; baseVersion: number | null; editId: string; deleted: boolean; data: { name: string; steps: unknown; options: unknown } };

/**
 * Applies an edit when the hub's row is still at the base version (or, for a new row, does not
 * exist yet). Returns the new version, or null when nothing changed: the row moved on, or the
 * row-level policies refused the write (they report "0 rows", not an error).
 */
export async function applyHubEdit(conn: HubConnection, orgId: string, edit: HubEdit): Promise<number | null> {
  let result: { rows: Array<{ version: string }> };
  if (edit.kind === 'org') {
    result = await conn.query<{ version: string }>(
      `UPDATE outreach_hub.organizations SET name = $3, provider = $4, settings = $5::jsonb, last_edit_id = $6
       WHERE id = $1 AND version = $2 RETURNING version`,
      [orgId, edit.baseVersion ?? 0, edit.data.name, edit.data.provider, JSON.stringify(edit.data.settings), edit.editId],
    );
  } else if (edit.kind === 'profile') {
    result =
      edit.baseVersion === null
        ? await conn.query<{ version: string }>(
            `INSERT INTO outreach_hub.business_profiles (org_id, id, context, deleted, last_edit_id) VALUES ($1, $2, $3::jsonb, $4, $5)
             ON CONFLICT (org_id, id) DO NOTHING RETURNING version`,
            [orgId, edit.id, JSON.stringify(edit.data.context), edit.deleted, edit.editId],
          )
        : await conn.query<{ version: string }>(
            `UPDATE outreach_hub.business_profiles SET context = $4::jsonb, deleted = $5, last_edit_id = $6
             WHERE org_id = $1 AND id = $2 AND version = $3 RETURNING version`,
            [orgId, edit.id, edit.baseVersion, JSON.stringify(edit.data.context), edit.deleted, edit.editId],
          );
  } else {
    result =
      edit.baseVersion === null
        ? await conn.query<{ version: string }>(
            `INSERT INTO outreach_hub.templates (org_id, id, name, steps, options, deleted, last_edit_id) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7)
             ON CONFLICT (org_id, id) DO NOTHING RETURNING version`,
            [orgId, edit.id, edit.data.name, JSON.stringify(edit.data.steps), JSON.stringify(edit.data.options), edit.deleted, edit.editId],
          )
        : await conn.query<{ version: string }>(
            `UPDATE outreach_hub.templates SET name = $4, steps = $5::jsonb, options = $6::jsonb, deleted = $7, last_edit_id = $8
             WHERE org_id = $1 AND id = $2 AND version = $3 RETURNING version`,
            [orgId, edit.id, edit.baseVersion, edit.data.name, JSON.stringify(edit.data.steps), JSON.stringify(edit.data.options), edit.deleted, edit.editId],
          );
  }
  const row = result.rows[0];
  return row ? Number(row.version) : null;
}

/** A shared row as the hub holds it now, in the shape `pull` uses; null when it does not exist (or is not visible). */
export async function readHubRow(
  conn: HubConnection,
  orgId: string,
  kind: HubEdit['kind'],
  id: string,
): Promise<(HubChange & { version: number; lastEditId: string | null }) | null> {
  const sql = {
    org: `SELECT id, version, change_seq AS seq, false AS deleted, last_edit_id,
            jsonb_build_object('name', name, 'provider', provider, 'settings', settings) AS data
          FROM outreach_hub.organizations WHERE id = $1`,
    profile: `SELECT id, version, change_seq AS seq, deleted, last_edit_id,
            jsonb_build_object('context', context, 'createdAt', created_at, 'updatedAt', updated_at) AS data
          FROM outreach_hub.business_profiles WHERE org_id = $1 AND id = $2`,
    template: `SELECT id, version, change_seq AS seq, deleted, last_edit_id,
            jsonb_build_object('name', name, 'steps', steps, 'options', options, 'createdAt', created_at) AS data
          FROM outreach_hub.templates WHERE org_id = $1 AND id = $2`,
  }[kind];
  const { rows } = await conn.query<{ id: string; version: string; seq: string; deleted: boolean; last_edit_id: string | null; data: Record<string, unknown> }>(
    sql,
    kind === 'org' ? [orgId] : [orgId, id],
  );
  const row = rows[0];
  if (!row) return null;
  return { kind, id: row.id, version: Number(row.version), seq: Number(row.seq), deleted: row.deleted, lastEditId: row.last_edit_id, data: row.data };
}

// ---------------------------------------------------------------- keys

export interface HubMemberKey {
  memberId: string;
  email: string;
  publicKey: string | null;
}

/** Every member and their public key (null until their desktop connects). */
export async function listHubMemberKeys(conn: HubConnection, orgId: string): Promise<HubMemberKey[]> {
  const { rows } = await conn.query<{ id: string; email: string; public_key: string | null }>(
    'SELECT id, email, public_key FROM outreach_hub.members WHERE org_id = $1 ORDER BY created_at, email',
    [orgId],
  );
  return rows.map((r) => ({ memberId: r.id, email: r.email, publicKey: r.public_key }));
}

/** Writes sealed copies of one provider's key, one per member, in one statement. */
export async function upsertHubKeyShares(
  conn: HubConnection,
  orgId: string,
  provider: string,
  sharedBy: string,
  shares: ReadonlyArray<{ memberId: string; sealed: string }>,
): Promise<number> {
  if (shares.length === 0) return 0;
  const result = await conn.query(
    `INSERT INTO outreach_hub.key_shares (org_id, provider, member_id, sealed, shared_by)
     SELECT $1, $2, s.member_id, s.sealed, $3 FROM unnest($4::text[], $5::text[]) AS s(member_id, sealed)
     ON CONFLICT (org_id, provider, member_id) DO UPDATE SET sealed = excluded.sealed, shared_by = excluded.shared_by`,
    [orgId, provider, sharedBy, shares.map((s) => s.memberId), shares.map((s) => s.sealed)],
  );
  return result.rowCount ?? 0;
}

/** Which providers the organization shares, and with whom (owners and admins see every copy). */
export async function listHubKeyShares(conn: HubConnection, orgId: string): Promise<Array<{ provider: string; memberId: string }>> {
  const { rows } = await conn.query<{ provider: string; member_id: string }>(
    'SELECT provider, member_id FROM outreach_hub.key_shares WHERE org_id = $1 ORDER BY provider, member_id',
    [orgId],
  );
  return rows.map((r) => ({ provider: r.provider, memberId: r.member_id }));
}

// ---------------------------------------------------------------- usage for the organization

/** The SQL each grouping keys on; the same keys as the SQLite ledger's, so the two merge. */
const HUB_GROUP_KEY: Record<UsageGroupBy, string> = {
  day: `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  provider: 'provider',
  model: `provider || '/' || model`,
  operation: 'operation',
  user: 'member_id',
};

/** Totals per group with integer sums as text (bigint); the caller turns nano-dollars into USD. */
export interface HubUsageGroup {
  key: string;
  calls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costNanoUsd: number;
}

function windowSql(window: { since?: string; until?: string }, first: number): { sql: string; params: string[] } {
  const { from, to } = resolveUsageWindow(window);
  const parts: string[] = [];
  const params: string[] = [];
  if (from) {
    params.push(from);
    parts.push(`created_at >= $${first + params.length - 1}::timestamptz`);
  }
  if (to) {
    params.push(to);
    parts.push(`created_at < $${first + params.length - 1}::timestamptz`);
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), params };
}

/**
 * The organization's usage grouped one way, as the row-level policies let this login see it:
 * owners and admins get everyone's rows, members their own.
 */
export async function summarizeHubUsage(
  conn: HubConnection,
  orgId: string,
  query: { since?: string; until?: string; groupBy: UsageGroupBy },
): Promise<HubUsageGroup[]> {
  const w = windowSql(query, 2);
  const { rows } = await conn.query<{
    key: string;
    calls: string;
    errors: string;
    input_tokens: string;
    output_tokens: string;
    cached_input_tokens: string;
    cost_nano_usd: string;
  }>(
    `SELECT ${HUB_GROUP_KEY[query.groupBy]} AS key, count(*) AS calls, count(*) FILTER (WHERE outcome = 'error') AS errors,
       sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cached_input_tokens) AS cached_input_tokens,
       sum(cost_nano_usd) AS cost_nano_usd
     FROM outreach_hub.usage_events WHERE org_id = $1${w.sql} GROUP BY 1`,
    [orgId, ...w.params],
  );
  return rows.map((r) => ({
    key: r.key,
    calls: Number(r.calls),
    errors: Number(r.errors),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    cachedInputTokens: Number(r.cached_input_tokens),
    costNanoUsd: Number(r.cost_nano_usd),
  }));
}

/** Tokens and cost per UTC day and provider (or model), for the chart. */
export async function hubUsageTimeseries(
  conn: HubConnection,
  orgId: string,
  query: { since?: string; until?: string; by: 'provider' | 'model' },
): Promise<Array<{ day: string; key: string; tokens: number; costNanoUsd: number }>> {
  const w = windowSql(query, 2);
  const { rows } = await conn.query<{ day: string; key: string; tokens: string; nano: string }>(
    `SELECT ${HUB_GROUP_KEY.day} AS day, ${HUB_GROUP_KEY[query.by]} AS key, sum(input_tokens + output_tokens) AS tokens, sum(cost_nano_usd) AS nano
     FROM outreach_hub.usage_events WHERE org_id = $1${w.sql} GROUP BY 1, 2`,
    [orgId, ...w.params],
  );
  return rows.map((r) => ({ day: r.day, key: r.key, tokens: Number(r.tokens), costNanoUsd: Number(r.nano) }));
}

/** Every visible usage row in the window, oldest first, for the CSV export. */
export async function listHubUsageRows(
  conn: HubConnection,
  orgId: string,
  window: { since?: string; until?: string },
): Promise<Array<HubUsageRow & { memberId: string }>> {
  const w = windowSql(window, 2);
  const { rows } = await conn.query<Record<string, unknown>>(
    `SELECT id, member_id, operation, provider, model, input_tokens, output_tokens, cached_input_tokens, cost_nano_usd, price_table,
       latency_ms, outcome, error_code, request_id, created_at
     FROM outreach_hub.usage_events WHERE org_id = $1${w.sql} ORDER BY created_at, id`,
    [orgId, ...w.params],
  );
  return rows.map((r) => ({
    id: String(r.id),
    memberId: String(r.member_id),
    operation: String(r.operation),
    provider: String(r.provider),
    model: String(r.model),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    cachedInputTokens: Number(r.cached_input_tokens),
    costNanoUsd: Number(r.cost_nano_usd),
    priceTable: (r.price_table as string | null) ?? null,
    latencyMs: Number(r.latency_ms),
    outcome: String(r.outcome),
    errorCode: (r.error_code as string | null) ?? null,
    requestId: (r.request_id as string | null) ?? null,
    createdAt: new Date(r.created_at as Date).toISOString(),
  }));
}

/** Names for usage rows by member id, former members included (owners and admins only). */
export async function listHubMemberNames(conn: HubConnection, orgId: string): Promise<Record<string, string>> {
  const { rows } = await conn.query<{ id: string; email: string }>(
    `SELECT id, email FROM outreach_hub.members WHERE org_id = $1
     UNION ALL SELECT id, email || ' (removed)' FROM outreach_hub.former_members WHERE org_id = $1`,
    [orgId],
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.email]));
}
