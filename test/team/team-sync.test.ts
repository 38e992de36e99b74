import Database from 'better-sqlite3';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeProviders, type FakeProviderSet } from '../fakes/fake-provider';
import { startDesktop, type Desktop } from './desktop';
import { connectAs, createHubDatabase, describeWithHub, rejection, superuser, teamPg, type HubDatabase } from './hub-fixture';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { expectDefined } from '../helpers/expect-defined';

const business = { companyName: 'Northwind Analytics', valueProposition: 'Forecasts finance teams trust.', senderName: 'Maya Chen' };
const steps = [{ step: 1, delay_days: 0, channel: 'email' as const, subject: 'Hello {{firstName}}', body: 'Hi {{firstName}}, a quick idea.' }];
const KEY_CANARY = 'sk-team-canary-9f8e7d6c5b4a39281706';

/** Every file below a folder (database, WAL, logs). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Three desktops against one hub: Ada the owner (A), Bob a member (B), Cleo an admin (C, who
 * reaches the hub through a proxy that can drop, to play offline). Each scenario builds on the one before.
 */
describeWithHub('a team on a real PostgreSQL hub, three desktops', () => {
  let hub: HubDatabase;
  let fakes: FakeProviderSet;
  let proxy: TcpProxy;
  let A: Desktop;
  let B: Desktop;
  let C: Desktop;
  const invites: Record<'bob' | 'cleo', { login: string; password: string; email: string }> = {} as never;

  beforeAll(async () => {
    hub = await createHubDatabase();
    const su = await superuser();
    try {
      // Every statement with its parameters goes to the server log: the canary reads it.
      await su.query(`ALTER DATABASE ${hub.database} SET log_statement = 'all'`);
    } finally {
      await su.end();
    }
    fakes = await startFakeProviders();
    proxy = await startTcpProxy(expectDefined(teamPg).port);
    [A, B, C] = await Promise.all([startDesktop('ada'), startDesktop('bob'), startDesktop('cleo')]);
  });
  afterAll(async () => {
    await Promise.all([A, B, C].map((d) => d?.close()));
    await proxy?.close();
    await fakes?.close();
  });

  it('init: the owner puts the organization on the hub, with its settings, profiles and templates', async () => {
    await A.call('org:update', { name: 'Northwind Sales', monthlyBudgetUsd: 50 });
    await A.call('settings:update-llm', {
      provider: 'openai',
      apiKeys: { openai: KEY_CANARY },
      settings: { temperature: 0.4, baseUrls: { openai: fakes.baseURLFor('openai') } },
    });
    await A.call('profiles:save', business);
    await A.call('templates:save', { name: 'Three-touch intro', steps });

    const status = await A.call('team:init', { url: hub.adminUrl, password: hub.adminPassword, email: 'ada@example.com' });
    expect(status).toMatchObject({ mode: 'team', role: 'owner', email: 'ada@example.com', pending: 0, error: null });
    expect(status.hub).toBe(hub.adminUrl);
    expect(status.lastSyncAt).not.toBeNull();

    const su = await superuser(hub.database);
    try {
      const org = await su.query('SELECT name, provider, settings FROM outreach_hub.organizations');
      expect(org.rows).toEqual([expect.objectContaining({ name: 'Northwind Sales', provider: 'openai' })]);
      expect(org.rows[0].settings).toMatchObject({ temperature: 0.4, monthlyBudgetUsd: 50 });
      expect((await su.query("SELECT context->>'companyName' AS name FROM outreach_hub.business_profiles")).rows).toEqual([{ name: 'Northwind Analytics' }]);
      expect((await su.query('SELECT name FROM outreach_hub.templates')).rows).toEqual([{ name: 'Three-touch intro' }]);
    } finally {
      await su.end();
    }
  });

  it('invite and connect: members get the organization, and who they are comes from their login', async () => {
    invites.bob = await A.call('team:invite', { email: 'bob@example.com', role: 'member' });
    invites.cleo = await A.call('team:invite', { email: 'Cleo@Example.com', role: 'admin' });
    expect(invites.bob.login).toMatch(/^od_bob_[0-9a-f]{6}$/);
    expect(invites.bob.password.length).toBeGreaterThanOrEqual(32);
    expect(invites.cleo.email).toBe('cleo@example.com');

    const b = await B.call('team:connect', { url: hub.urlFor(invites.bob.login), password: invites.bob.password });
    expect(b).toMatchObject({ mode: 'team', role: 'member', email: 'bob@example.com', error: null, pending: 0 });
    const c = await C.call('team:connect', {
      url: `postgres://${invites.cleo.login}@127.0.0.1:${proxy.port}/${hub.database}`,
      password: invites.cleo.password,
    });
    expect(c).toMatchObject({ mode: 'team', role: 'admin', email: 'cleo@example.com' });

    for (const d of [B, C]) {
      const session = await d.call('session:get', undefined);
      expect(session.mode).toBe('team');
      expect(session.org.name).toBe('Northwind Sales');
      expect(session.users.map((u) => u.name).sort()).toEqual(['ada@example.com', 'bob@example.com', 'cleo@example.com']);
      const llm = await d.call('settings:get-llm', undefined);
      expect(llm.provider).toBe('openai');
      expect(llm.settings.temperature).toBe(0.4);
      expect((await d.call('profiles:list', undefined)).map((p) => p.companyName)).toEqual(['Northwind Analytics']);
      expect((await d.call('templates:list', undefined)).map((t) => t.name)).toEqual(['Three-touch intro']);
    }
    expect((await B.call('session:get', undefined)).user).toMatchObject({ name: 'bob@example.com', role: 'member' });
    expect((await B.call('settings:get-llm', undefined)).canEdit).toBe(false);
    // No self-service switch to the owner in team mode.
    const owner = expectDefined((await B.call('session:get', undefined)).users.find((u) => u.role === 'owner'));
    expect((await B.raw('session:switch-user', { userId: owner.id })).error?.code).toBe('forbidden');
  });

  it("an admin's settings, profiles and templates reach a member after sync", async () => {
    await C.call('settings:update-llm', { settings: { temperature: 0.9, maxTokens: 1024 } });
    const profile = await C.call('profiles:save', { ...business, companyName: 'Contoso Retail' });
    expect((await C.call('team:status', undefined)).pending).toBe(2);
    await C.call('team:sync', undefined);
    expect((await C.call('team:status', undefined)).pending).toBe(0);
    await B.call('team:sync', undefined);
    const llm = await B.call('settings:get-llm', undefined);
    expect(llm.settings).toMatchObject({ temperature: 0.9, maxTokens: 1024 });
    expect((await B.call('profiles:list', undefined)).map((p) => p.companyName).sort()).toEqual(['Contoso Retail', 'Northwind Analytics']);

    await C.call('profiles:delete', { id: profile.id });
    await C.call('team:sync', undefined);
    await B.call('team:sync', undefined);
    expect((await B.call('profiles:list', undefined)).map((p) => p.companyName)).toEqual(['Northwind Analytics']);
  });

  it("refuses a member's change through the app, and changes nothing", async () => {
    const before = await B.call('settings:get-llm', undefined);
    for (const [channel, input] of [
      ['settings:update-llm', { settings: { temperature: 1.5 } }],
      ['settings:update-llm', { provider: 'groq' }],
      ['org:update', { name: 'Bob Inc' }],
      ['profiles:save', { ...business, companyName: 'Bob Co' }],
      ['templates:save', { name: 'Bob template', steps }],
      ['team:invite', { email: 'eve@example.com', role: 'admin' }],
      ['users:save', { name: 'Eve', role: 'owner' }],
    ] as const) {
      const result = await B.raw(channel, input);
      expect(result.ok, channel).toBe(false);
      expect(['forbidden', 'validation'], `${channel}: ${result.error?.message}`).toContain(expectDefined(result.error).code);
    }
    expect(await B.call('settings:get-llm', undefined)).toEqual(before);
    expect((await B.call('team:status', undefined)).pending).toBe(0);
  });

  it("refuses a member's change with raw SQL as the member's login: 0 rows, or a policy error", async () => {
    const bob: pg.Client = await connectAs(invites.bob.login, invites.bob.password, hub.database);
    try {
      expect((await bob.query("UPDATE outreach_hub.organizations SET name = 'Bob Inc'")).rowCount).toBe(0);
      expect((await bob.query("UPDATE outreach_hub.templates SET name = 'Bob'")).rowCount).toBe(0);
      expect(
        await rejection(bob.query("INSERT INTO outreach_hub.templates (org_id, id, name, steps) SELECT id, 'x', 'Bob', '[]' FROM outreach_hub.organizations")),
      ).toMatchObject({ code: '42501' });
      expect(await rejection(bob.query("UPDATE outreach_hub.members SET role = 'owner'"))).toMatchObject({ code: '42501' });
      expect((await bob.query('SELECT name FROM outreach_hub.organizations')).rows).toEqual([{ name: 'Northwind Sales' }]);
    } finally {
      await bob.end();
    }
  });

  it('undoes local tampering: a member who makes themself owner in SQLite gains nothing', async () => {
    const file = B.core.store.path;
    const db = new Database(file);
    try {
      db.prepare("UPDATE team_state SET role = 'owner'").run();
    } finally {
      db.close();
    }
    // The app now mirrors the tampered role, so it lets the edit through locally...
    expect((await B.call('settings:get-llm', undefined)).canEdit).toBe(true);
    await B.call('settings:update-llm', { settings: { temperature: 1.7 } });
    await B.call('templates:save', { name: 'Sneaky template', steps });
    expect((await B.call('team:status', undefined)).pending).toBe(2);
    // ...and the hub refuses it; the pull puts the hub's values and role back.
    const refused = await B.raw('team:sync', undefined);
    expect(refused.error?.code).toBe('forbidden');
    const status = await B.call('team:status', undefined);
    expect(status).toMatchObject({ role: 'member', pending: 0 });
    expect(status.error?.code).toBe('forbidden');
    expect((await B.call('settings:get-llm', undefined)).settings.temperature).toBe(0.9);
    expect((await B.call('templates:list', undefined)).map((t) => t.name)).toEqual(['Three-touch intro']);

    // Behind the app's back entirely (triggers dropped, rows edited): the next sync restores the hub's values.
    const raw = new Database(file);
    try {
      raw.exec('DROP TRIGGER team_outbox_org; DROP TRIGGER team_outbox_template_update;');
      const settings = JSON.parse(
        (raw.prepare('SELECT settings FROM organizations WHERE id = (SELECT org_id FROM team_state)').get() as { settings: string }).settings,
      );
      raw
        .prepare('UPDATE organizations SET name = ?, settings = ? WHERE id = (SELECT org_id FROM team_state)')
        .run('Bob Inc', JSON.stringify({ ...settings, temperature: 2 }));
      raw.prepare("UPDATE templates SET name = 'Tampered' WHERE org_id = (SELECT org_id FROM team_state)").run();
      raw.prepare("UPDATE users SET role = 'owner' WHERE id = (SELECT member_id FROM team_state)").run();
    } finally {
      raw.close();
    }
    await B.call('team:sync', undefined);
    expect((await B.call('session:get', undefined)).org.name).toBe('Northwind Sales');
    expect((await B.call('settings:get-llm', undefined)).settings.temperature).toBe(0.9);
    expect((await B.call('templates:list', undefined)).map((t) => t.name)).toEqual(['Three-touch intro']);
    expect((await B.call('session:get', undefined)).users.find((u) => u.name === 'bob@example.com')?.role).toBe('member');
  });

  it('works offline: edits wait in the outbox and reach the hub when it is back', async () => {
    await proxy.stop();
    await C.call('templates:save', { name: 'Written offline', steps });
    await C.call('settings:update-llm', { settings: { maxTokens: 3000 } });
    expect((await C.call('templates:list', undefined)).map((t) => t.name).sort()).toEqual(['Three-touch intro', 'Written offline']);
    const offline = await C.raw('team:sync', undefined);
    expect(offline.error?.code).toBe('offline');
    expect(offline.error?.message).toMatch(/Can't reach the team hub.*keeps working/);
    const waiting = await C.call('team:status', undefined);
    expect(waiting.pending).toBe(2);
    expect(waiting.error?.code).toBe('offline');

    await proxy.start();
    const back = await C.call('team:sync', undefined);
    expect(back).toMatchObject({ pending: 0, error: null });
    await A.call('team:sync', undefined);
    expect((await A.call('templates:list', undefined)).map((t) => t.name).sort()).toEqual(['Three-touch intro', 'Written offline']);
    expect((await A.call('settings:get-llm', undefined)).settings.maxTokens).toBe(3000);
  });

  it("ends concurrent admin edits in a conflict, shown with the hub's value, never applied silently", async () => {
    await Promise.all([A.call('team:sync', undefined), C.call('team:sync', undefined)]);
    await A.call('settings:update-llm', { settings: { temperature: 0.1 } });
    await C.call('settings:update-llm', { settings: { temperature: 0.2 } });
    await A.call('team:sync', undefined);
    const conflict = await C.raw('team:sync', undefined);
    expect(conflict.error?.code).toBe('conflict');
    const status = await C.call('team:status', undefined);
    expect(status.conflicts).toHaveLength(1);
    const [c] = status.conflicts;
    expect(c).toMatchObject({ kind: 'org' });
    expect((expectDefined(c).mine as { settings: { temperature: number } }).settings.temperature).toBe(0.2);
    expect((expectDefined(c).theirs as { settings: { temperature: number } }).settings.temperature).toBe(0.1);
    // Not applied: the hub keeps A's value, and C shows it.
    expect((await C.call('settings:get-llm', undefined)).settings.temperature).toBe(0.1);

    // The admin chooses: apply mine on top of the hub's current version.
    const resolved = await C.call('team:resolve-conflict', { kind: 'org', id: expectDefined(c).id, keep: 'mine' });
    expect(resolved.conflicts).toEqual([]);
    expect(resolved.pending).toBe(0);
    await A.call('team:sync', undefined);
    expect((await A.call('settings:get-llm', undefined)).settings.temperature).toBe(0.2);
  });

  it("shares the organization's key end to end: sealed per member, opened into each keychain, used first", async () => {
    const shared = await A.call('team:share-key', { provider: 'openai' });
    expect(shared.sharedWith.sort()).toEqual(['ada@example.com', 'bob@example.com', 'cleo@example.com']);
    expect(shared.waiting).toEqual([]);
    await Promise.all([B.call('team:sync', undefined), C.call('team:sync', undefined)]);
    for (const d of [B, C]) {
      const openai = (await d.call('settings:get-llm', undefined)).keys.find((k) => k.provider === 'openai');
      expect(openai, d.name).toEqual({ provider: 'openai', source: 'organization', last4: KEY_CANARY.slice(-4) });
    }
    // The member's call uses it (the fake checks nothing, but the call goes out with a key).
    const test = await B.call('llm:test', { provider: 'openai' });
    expect(test.success).toBe(true);
    const lastCall = expectDefined(fakes.openai.calls.at(-1));
    expect(JSON.stringify(lastCall.headers)).toContain(KEY_CANARY);
  });

  it("sums two members' usage for the admin, per person; a member sees their own", async () => {
    await B.call('llm:test', { provider: 'openai' });
    await C.call('llm:test', { provider: 'openai' });
    const bobLocal = await B.call('usage:summary', { groupBy: 'provider' });
    const bobPending = (await B.call('team:status', undefined)).pending;
    expect(bobPending).toBe(2);
    // Before the push, the admin's view has not got Bob's calls; the member's own view has them (pending).
    expect(bobLocal.scope).toBe('own');
    expect(bobLocal.totals.calls).toBe(2);
    await Promise.all([B.call('team:sync', undefined), C.call('team:sync', undefined)]);

    const byUser = await A.call('usage:summary', { groupBy: 'user' });
    expect(byUser.scope).toBe('organization');
    const byEmail = Object.fromEntries(byUser.rows.map((r) => [byUser.labels?.[r.key] ?? r.key, r]));
    expect(expectDefined(byEmail['bob@example.com']).calls).toBe(2);
    expect(expectDefined(byEmail['cleo@example.com']).calls).toBe(1);
    const bobOwn = await B.call('usage:summary', { groupBy: 'user' });
    expect(bobOwn.rows.map((r) => r.key)).toEqual([expectDefined(byUser.rows.find((r) => byUser.labels?.[r.key] === 'bob@example.com')).key]);
    expect(bobOwn.totals.costUsd).toBeCloseTo(expectDefined(byEmail['bob@example.com']).costUsd, 9);
    expect(byUser.totals.calls).toBe(3);

    const csv = await A.call('usage:export-csv', {});
    expect(csv.content.trim().split(/\r?\n/)).toHaveLength(4);
  });

  it("checks the budget against the organization's total as of the last sync plus local usage not yet pushed", async () => {
    // As of A's last sync, the hub had none of the members' calls yet.
    expect((await A.call('usage:budget', undefined)).spentUsd).toBe(0);
    await A.call('team:sync', undefined);
    const orgSpent = (await A.call('usage:budget', undefined)).spentUsd;
    expect(orgSpent).toBeGreaterThan(0);
    await A.call('org:update', { monthlyBudgetUsd: orgSpent * 1.01 });
    await A.call('team:sync', undefined);
    await B.call('team:sync', undefined);
    const budget = await B.call('usage:budget', undefined);
    expect(budget.budgetUsd).toBeCloseTo(orgSpent * 1.01, 9);
    expect(budget.spentUsd).toBeCloseTo(orgSpent, 9);
    expect(budget.exceeded).toBe(false);
    // One more call offline (pending) tips it over for Bob, before any push.
    await B.call('llm:test', { provider: 'openai' });
    expect((await B.call('usage:budget', undefined)).exceeded).toBe(true);
    const refused = await B.raw('llm:test', { provider: 'openai' });
    expect(refused.error?.code).toBe('budget_exceeded');
    await A.call('org:update', { monthlyBudgetUsd: null });
    await A.call('team:sync', undefined);
    await B.call('team:sync', undefined);
  });

  it('removing a member takes their login and key copies, and says which key to rotate', async () => {
    const members = await A.call('team:members', undefined);
    expect(members.live).toBe(true);
    const bob = expectDefined(members.members.find((m) => m.email === 'bob@example.com'));
    expect(bob).toMatchObject({ role: 'member', hasPublicKey: true, sharedProviders: ['openai'] });
    const owner = expectDefined(members.members.find((m) => m.role === 'owner'));
    expect((await C.raw('team:remove', { memberId: owner.id })).error?.code).toBe('forbidden');

    const removed = await C.call('team:remove', { memberId: bob.id });
    expect(removed.rotate).toEqual(['openai']);
    expect(removed.message).toMatch(/rotate it at the vendor/);

    const su = await superuser(hub.database);
    try {
      expect((await su.query('SELECT count(*)::int AS n FROM outreach_hub.key_shares WHERE member_id = $1', [bob.id])).rows[0].n).toBe(0);
      expect((await su.query('SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [invites.bob.login])).rows[0].n).toBe(0);
    } finally {
      await su.end();
    }
    expect(await rejection(connectAs(invites.bob.login, invites.bob.password, hub.database))).toMatchObject({ code: '28P01' });
    const lost = await B.raw('team:sync', undefined);
    expect(lost.error?.code).toBe('auth');
    const openai = (await B.call('settings:get-llm', undefined)).keys.find((k) => k.provider === 'openai');
    expect(openai?.source).toBe('none');
    await A.call('team:sync', undefined);
    expect((await A.call('session:get', undefined)).users.map((u) => u.name).sort()).toEqual(['ada@example.com', 'cleo@example.com']);
  });

  it('the key-sharing canary: no plaintext key or hub password in any hub table, server log, database file or app log', async () => {
    const su = await superuser(hub.database);
    let dump = '';
    try {
      const tables = await su.query<{ relname: string }>(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'outreach_hub' AND c.relkind = 'r'",
      );
      for (const { relname } of tables.rows) dump += JSON.stringify((await su.query(`SELECT * FROM outreach_hub.${relname}`)).rows);
      dump += JSON.stringify((await su.query('SELECT rolname, rolpassword FROM pg_authid')).rows);
    } finally {
      await su.end();
    }
    expect(dump).toContain('key_share'); // the dump is real: tombstones of Bob's copies are in it
    const secrets = [KEY_CANARY, invites.bob.password, invites.cleo.password, hub.adminPassword];
    for (const secret of secrets) expect(dump.includes(secret), 'a hub table holds a secret').toBe(false);
    const serverLog = readFileSync(expectDefined(teamPg).logFile, 'utf8');
    expect(serverLog).toContain('outreach_hub'); // statements were logged
    for (const secret of secrets) expect(serverLog.includes(secret), 'the server log holds a secret').toBe(false);
    for (const d of [A, B, C]) {
      for (const file of filesUnder(d.dataDir)) {
        const bytes = readFileSync(file).toString('latin1');
        for (const secret of secrets) expect(bytes.includes(secret), `${file} holds a secret`).toBe(false);
        expect(bytes.includes(`:${hub.adminPassword}@`), `${file} holds a URL with a password`).toBe(false);
      }
    }
  });
});
