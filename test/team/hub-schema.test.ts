import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  applyHubEdit,
  createHubOrganization,
  HUB_SCHEMA_VERSION,
  inviteHubMember,
  migrateHub,
  pullHubChanges,
  pushHubUsage,
  readHubSchemaVersion,
  removeHubMember,
  setHubMemberRole,
  summarizeHubUsage,
  type HubConnection,
  type HubUsageRow,
} from '../../electron/core/storage/hub';
import { createScramVerifier } from '../../electron/core/team/credentials';
import { connectAs, createHubDatabase, describeWithHub, rejection, superuser, teamPg, type HubDatabase } from './hub-fixture';
import { expectDefined } from '../helpers/expect-defined';

const asHub = (client: pg.Client): HubConnection => ({ query: (text, values) => client.query(text, values as unknown[]) as never });

function usageRow(cost: number, at = new Date().toISOString()): HubUsageRow {
  return {
    id: randomUUID(),
    operation: 'sequence',
    provider: 'openai',
    model: 'gpt-4o-mini',
    inputTokens: 100,
    outputTokens: 50,
    cachedInputTokens: 0,
    costNanoUsd: cost,
    priceTable: '2026-01',
    latencyMs: 12.5,
    outcome: 'ok',
    errorCode: null,
    requestId: null,
    createdAt: at,
  };
}

/** Raw SQL as each login, straight at the hub: what the row-level security and the functions allow. */
describeWithHub('the hub schema, with raw SQL as each login', () => {
  let hub: HubDatabase;
  let owner: pg.Client;
  const orgId = randomUUID();
  const ownerId = randomUUID();
  const logins: Record<'admin' | 'member' | 'member2', { id: string; login: string; password: string; client?: pg.Client }> = {
    admin: { id: randomUUID(), login: `od_admin_${Date.now() % 100000}`, password: randomUUID() },
    member: { id: randomUUID(), login: `od_member_${Date.now() % 100000}`, password: randomUUID() },
    member2: { id: randomUUID(), login: `od_member2_${Date.now() % 100000}`, password: randomUUID() },
  };
  const client = (who: keyof typeof logins) => expectDefined(logins[who].client);

  beforeAll(async () => {
    hub = await createHubDatabase();
    owner = await connectAs(expectDefined(teamPg).adminLogin, hub.adminPassword, hub.database);
  });
  afterAll(async () => {
    for (const l of Object.values(logins)) await l.client?.end();
    await owner?.end();
  });

  it('creates the schema with numbered migrations, and a second run changes nothing', async () => {
    expect(await readHubSchemaVersion(asHub(owner))).toBe(0);
    expect(await migrateHub(asHub(owner))).toEqual({ from: 0, to: HUB_SCHEMA_VERSION });
    expect(await migrateHub(asHub(owner))).toEqual({ from: HUB_SCHEMA_VERSION, to: HUB_SCHEMA_VERSION });
    const tables = await owner.query<{ relname: string; relrowsecurity: boolean }>(
      "SELECT c.relname, c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'outreach_hub' AND c.relkind = 'r' ORDER BY 1",
    );
    expect(tables.rows.length).toBeGreaterThanOrEqual(10);
    expect(tables.rows.filter((t) => !t.relrowsecurity)).toEqual([]);
  });

  it('refuses to migrate a hub whose schema is newer than the app, and changes nothing', async () => {
    const su = await superuser(hub.database);
    try {
      await su.query("INSERT INTO outreach_hub.schema_version (version, name) VALUES (999, 'from-the-future')");
      const error = await rejection(migrateHub(asHub(owner)));
      expect(error).toMatchObject({ code: 'conflict' });
      expect((error as Error).message).toMatch(/version 999, newer than this version of Outreach Desk.*Update Outreach Desk/);
      await su.query('DELETE FROM outreach_hub.schema_version WHERE version = 999');
    } finally {
      await su.end();
    }
    expect(await readHubSchemaVersion(asHub(owner))).toBe(HUB_SCHEMA_VERSION);
  });

  it('sets up an organization with its owner, and invites logins that get only SCRAM verifiers', async () => {
    await createHubOrganization(asHub(owner), {
      id: orgId,
      name: 'Northwind',
      provider: 'openai',
      settings: { temperature: 0.5 },
      memberId: ownerId,
      email: 'Owner@Example.com',
    });
    // A repeat after a crash is harmless.
    expect(
      await createHubOrganization(asHub(owner), {
        id: orgId,
        name: 'Northwind',
        provider: 'openai',
        settings: {},
        memberId: randomUUID(),
        email: 'owner@example.com',
      }),
    ).toBe(ownerId);
    for (const [who, l] of Object.entries(logins)) {
      await inviteHubMember(asHub(owner), {
        orgId,
        memberId: l.id,
        email: `${who}@example.com`,
        role: who === 'admin' ? 'admin' : 'member',
        login: l.login,
        verifier: createScramVerifier(l.password),
      });
      l.client = await connectAs(l.login, l.password, hub.database);
    }
    const su = await superuser(hub.database);
    try {
      const stored = await su.query<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [logins.member.login]);
      expect(expectDefined(stored.rows[0]).rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
      expect(expectDefined(stored.rows[0]).rolpassword).not.toContain(logins.member.password);
    } finally {
      await su.end();
    }
    const plain = await rejection(
      inviteHubMember(asHub(owner), { orgId, memberId: randomUUID(), email: 'x@example.com', role: 'member', login: 'od_plain', verifier: 'hunter2' }),
    );
    expect(plain).toMatchObject({ code: 'OH006' });
  });

  it('lets a member read the organization but change nothing: 0 rows, or a policy error', async () => {
    const m = client('member');
    const org = await m.query('SELECT name, settings FROM outreach_hub.organizations');
    expect(org.rows).toEqual([{ name: 'Northwind', settings: { temperature: 0.5 } }]);
    expect((await m.query('SELECT email FROM outreach_hub.members ORDER BY email')).rows).toHaveLength(4);

    const update = await m.query('UPDATE outreach_hub.organizations SET settings = \'{"temperature": 2}\'::jsonb');
    expect(update.rowCount).toBe(0);
    expect(
      await applyHubEdit(asHub(m), orgId, { kind: 'org', id: orgId, baseVersion: 1, editId: 'e1', data: { name: 'Mine now', provider: 'groq', settings: {} } }),
    ).toBeNull();
    const insert = await rejection(m.query("INSERT INTO outreach_hub.business_profiles (org_id, id, context) VALUES ($1, 'p1', '{}')", [orgId]));
    expect(insert).toMatchObject({ code: '42501' });
    expect(await rejection(m.query("UPDATE outreach_hub.members SET role = 'owner' WHERE login = current_user"))).toMatchObject({ code: '42501' });
    expect(await rejection(m.query('DELETE FROM outreach_hub.usage_events'))).toMatchObject({ code: '42501' });
    expect(await rejection(m.query('SELECT * FROM outreach_hub.usage_monthly'))).toMatchObject({ code: '42501' });
    expect(
      await rejection(
        m.query('SELECT outreach_hub.invite_member($1, $2, $3, $4, $5, $6)', [
          orgId,
          randomUUID(),
          'evil@example.com',
          'admin',
          'od_evil',
          createScramVerifier('x'),
        ]),
      ),
    ).toMatchObject({ code: 'OH003' });
    expect(await rejection(m.query('SELECT outreach_hub.set_member_role($1, $2, $3)', [orgId, logins.member.id, 'admin']))).toMatchObject({ code: 'OH003' });

    const su = await superuser(hub.database);
    try {
      const after = await su.query('SELECT name, settings, version FROM outreach_hub.organizations WHERE id = $1', [orgId]);
      expect(after.rows[0]).toEqual({ name: 'Northwind', settings: { temperature: 0.5 }, version: '1' });
      expect((await su.query('SELECT role FROM outreach_hub.members WHERE login = $1', [logins.member.login])).rows[0]).toEqual({ role: 'member' });
    } finally {
      await su.end();
    }
  });

  it('lets an admin change settings with a version check, but not remove or demote the owner', async () => {
    const a = asHub(client('admin'));
    expect(
      await applyHubEdit(a, orgId, {
        kind: 'org',
        id: orgId,
        baseVersion: 1,
        editId: 'e2',
        data: { name: 'Northwind', provider: 'openai', settings: { temperature: 0.2 } },
      }),
    ).toBe(2);
    // The same base again is stale now.
    expect(
      await applyHubEdit(a, orgId, { kind: 'org', id: orgId, baseVersion: 1, editId: 'e3', data: { name: 'Northwind', provider: 'groq', settings: {} } }),
    ).toBeNull();
    expect(await rejection(removeHubMember(a, orgId, ownerId))).toMatchObject({ code: 'OH004' });
    expect(await rejection(setHubMemberRole(a, orgId, ownerId, 'member'))).toMatchObject({ code: 'OH004' });
    expect(await rejection(setHubMemberRole(a, orgId, logins.member.id, 'owner'))).toMatchObject({ code: 'OH006' });
  });

  it("takes each member's own usage rows once, and shows members only their own", async () => {
    const m = asHub(client('member'));
    const rows = [usageRow(1000), usageRow(2000)];
    expect(await pushHubUsage(m, orgId, logins.member.id, rows)).toBe(2);
    expect(await pushHubUsage(m, orgId, logins.member.id, rows)).toBe(0);
    expect(await pushHubUsage(asHub(client('member2')), orgId, logins.member2.id, [usageRow(4000)])).toBe(1);
    // Posing as someone else is a policy violation.
    expect(await rejection(pushHubUsage(m, orgId, logins.member2.id, [usageRow(1)]))).toMatchObject({ code: '42501' });

    const mine = await summarizeHubUsage(m, orgId, { groupBy: 'user' });
    expect(mine).toEqual([expect.objectContaining({ key: logins.member.id, calls: 2, costNanoUsd: 3000 })]);
    const all = await summarizeHubUsage(asHub(client('admin')), orgId, { groupBy: 'user' });
    expect(Object.fromEntries(all.map((g) => [g.key, g.costNanoUsd]))).toEqual({ [logins.member.id]: 3000, [logins.member2.id]: 4000 });
    // The month's total reaches every member through pull, without the rows.
    const pulled = await pullHubChanges(m, orgId, 0, new Date().toISOString().slice(0, 7));
    expect(pulled.monthSpendNano).toBe(7000);
  });

  it('pulls only what changed after the cursor, with deletions', async () => {
    const m = asHub(client('member'));
    const month = new Date().toISOString().slice(0, 7);
    const first = await pullHubChanges(m, orgId, 0, month);
    expect(first.member).toMatchObject({ id: logins.member.id, role: 'member' });
    expect(first.changes.map((c) => c.kind).sort()).toEqual(['member', 'member', 'member', 'member', 'org']);
    const cursor = Math.max(...first.changes.map((c) => c.seq));
    expect((await pullHubChanges(m, orgId, cursor, month)).changes).toEqual([]);

    await removeHubMember(asHub(client('admin')), orgId, logins.member2.id);
    logins.member2.client = undefined;
    const next = await pullHubChanges(m, orgId, cursor, month);
    expect(next.changes).toEqual([expect.objectContaining({ kind: 'member', id: logins.member2.id, deleted: true })]);
    expect(await rejection(connectAs(logins.member2.login, logins.member2.password, hub.database))).toMatchObject({ code: '28P01' });
  });

  it('shows a login that is in no organization nothing at all', async () => {
    const su = await superuser(hub.database);
    const login = `od_stranger_${Date.now() % 100000}`;
    try {
      await su.query(`CREATE ROLE ${login} LOGIN PASSWORD 'stranger-pw' IN ROLE outreach_hub_member`);
    } finally {
      await su.end();
    }
    const stranger = await connectAs(login, 'stranger-pw', hub.database);
    try {
      for (const table of ['organizations', 'members', 'business_profiles', 'templates', 'usage_events', 'key_shares', 'deletions']) {
        expect((await stranger.query(`SELECT * FROM outreach_hub.${table}`)).rows, table).toEqual([]);
      }
      expect((await pullHubChanges(asHub(stranger), orgId, 0, '2026-01')).member).toBeNull();
    } finally {
      await stranger.end();
    }
  });
});
