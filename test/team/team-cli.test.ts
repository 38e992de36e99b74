import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/run-cli';
import { createHubDatabase, describeWithHub, teamPg, type HubDatabase } from './hub-fixture';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { expectDefined } from '../helpers/expect-defined';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The `team` commands as a user runs them: two data folders (two desktops), one hub. */
describeWithHub('outreach-desk team, through the built CLI', () => {
  let hub: HubDatabase;
  let proxy: TcpProxy;
  let dir: string;
  const runs: CliRun[] = [];
  const owner = () => join(dir, 'owner');
  const member = () => join(dir, 'member');
  const cli = async (dataDir: string, args: string[], stdin?: string) => {
    const run = await runCli(['--data-dir', dataDir, ...args], { stdin });
    runs.push(run);
    return run;
  };
  let bob: { login: string; password: string };
  const KEY = 'sk-cli-team-canary-00112233445566';

  beforeAll(async () => {
    hub = await createHubDatabase();
    proxy = await startTcpProxy(expectDefined(teamPg).port);
    dir = mkdtempSync(join(tmpdir(), 'outreach-team-cli-'));
  });
  afterAll(async () => {
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('team status in solo mode', async () => {
    const run = await cli(owner(), ['--json', 'team', 'status']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ mode: 'solo', login: null, role: null, pending: 0, error: null });
  });

  it('refuses a password in the URL, and plain text to a host that is not loopback, before connecting', async () => {
    const withPassword = await cli(owner(), ['team', 'connect', '--url', 'postgres://ada:hunter22@127.0.0.1:5432/hub'], 'x\n');
    expect(withPassword.code).toBe(1);
    expect(withPassword.stderr).toMatch(/^error\[validation\]: Leave the password out of the hub URL/);
    expect(withPassword.stderr + withPassword.stdout).not.toContain('hunter22');
    const plain = await cli(owner(), ['team', 'connect', '--url', 'postgres://ada@db.example.com:5432/hub?sslmode=disable'], 'x\n');
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^error\[validation\]: .*must be encrypted.*verify-full/);
    const noUrl = await cli(owner(), ['team', 'init']);
    expect(noUrl.code).toBe(2);
  });

  it('init (password on stdin), invite --json, connect, status --json', async () => {
    expect((await cli(owner(), ['keys', 'set', 'openai'], `${KEY}\n`)).code).toBe(0);
    const init = await cli(owner(), ['--json', 'team', 'init', '--url', hub.adminUrl, '--email', 'ada@example.com'], `${hub.adminPassword}\n`);
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ mode: 'team', role: 'owner', email: 'ada@example.com', pending: 0, error: null });

    const invite = await cli(owner(), ['team', 'invite', 'bob@example.com', '--role', 'member', '--json']);
    expect(invite.code, invite.stderr).toBe(0);
    bob = JSON.parse(invite.stdout);
    expect(Object.keys(bob).sort()).toEqual(['login', 'password']);

    const url = `postgres://${bob.login}@127.0.0.1:${proxy.port}/${hub.database}`;
    const connect = await cli(member(), ['team', 'connect', '--url', url], `${bob.password}\n`);
    expect(connect.code, connect.stderr).toBe(0);
    expect(connect.stdout).toContain('Signed in as bob@example.com');

    const status = await cli(member(), ['--json', 'team', 'status']);
    const doc = JSON.parse(status.stdout);
    expect(doc).toMatchObject({ mode: 'team', login: bob.login, role: 'member', pending: 0, error: null });
    expect(typeof doc.lastSyncAt).toBe('string');
    expect(doc.hub).toBe(url);
  });

  it("an admin's setting reaches the member after sync; the member's own change is refused", async () => {
    expect((await cli(owner(), ['settings', 'set', 'temperature=0.25'])).code).toBe(0);
    expect((await cli(owner(), ['team', 'sync'])).code).toBe(0);
    expect((await cli(member(), ['team', 'sync'])).code).toBe(0);
    const settings = JSON.parse((await cli(member(), ['--json', 'settings', 'get'])).stdout);
    expect(settings.settings.temperature).toBe(0.25);
    const refused = await cli(member(), ['settings', 'set', 'temperature=1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error\[forbidden\]: Only an owner or admin can change LLM settings/);
  });

  it('members, set-role and share-key', async () => {
    const members = JSON.parse((await cli(owner(), ['--json', 'team', 'members'])).stdout);
    expect(members.members.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      ['ada@example.com', 'owner'],
      ['bob@example.com', 'member'],
    ]);
    const share = await cli(owner(), ['team', 'share-key', 'openai']);
    expect(share.code, share.stderr).toBe(0);
    expect(share.stdout).toMatch(/with 2 members/);
    expect((await cli(owner(), ['team', 'set-role', 'bob@example.com', 'admin'])).stdout).toContain('bob@example.com is now admin');
    expect((await cli(member(), ['team', 'sync'])).code).toBe(0);
    expect(JSON.parse((await cli(member(), ['--json', 'team', 'status'])).stdout).role).toBe('admin');
    const keys = JSON.parse((await cli(member(), ['--json', 'keys', 'status'])).stdout).keys as Array<{ provider: string; source: string; last4: string }>;
    expect(keys.find((k) => k.provider === 'openai')).toEqual({ provider: 'openai', source: 'organization', last4: KEY.slice(-4) });
  });

  it('team sync offline exits 1 with error[offline]; the change waits and syncs later', async () => {
    await proxy.stop();
    expect((await cli(member(), ['settings', 'set', 'maxTokens=777'])).code).toBe(0);
    const offline = await cli(member(), ['team', 'sync']);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toMatch(/^error\[offline\]: Can't reach the team hub/);
    expect(JSON.parse((await cli(member(), ['--json', 'team', 'status'])).stdout)).toMatchObject({ pending: 1, error: { code: 'offline' } });
    await proxy.start();
    expect((await cli(member(), ['team', 'sync'])).code).toBe(0);
    expect((await cli(owner(), ['team', 'sync'])).code).toBe(0);
    expect(JSON.parse((await cli(owner(), ['--json', 'settings', 'get'])).stdout).settings.maxTokens).toBe(777);
  });

  it('remove names the key to rotate; disconnect goes back to solo', async () => {
    const removed = await cli(owner(), ['team', 'remove', 'bob@example.com']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/held the openai key .*rotate it at the vendor/);
    const lost = await cli(member(), ['team', 'sync']);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toMatch(/^error\[auth\]/);
    const gone = await cli(member(), ['team', 'disconnect']);
    expect(gone.code, gone.stderr).toBe(0);
    expect(JSON.parse((await cli(member(), ['--json', 'team', 'status'])).stdout).mode).toBe('solo');
  });

  it('never prints or logs a password, or a URL with one', async () => {
    const secrets = [bob.password, hub.adminPassword, KEY];
    for (const run of runs) for (const s of secrets.slice(1)) expect(run.stdout + run.stderr).not.toContain(s);
    // Bob's one-time password is printed once, by invite, and nowhere else.
    expect(runs.filter((r) => r.stdout.includes(bob.password))).toHaveLength(1);
    for (const file of [...filesUnder(owner()), ...filesUnder(member())]) {
      const bytes = readFileSync(file).toString('latin1');
      for (const s of secrets) expect(bytes.includes(s), `${file}`).toBe(false);
    }
  });
});
