import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCore, KeyringSecretStore, type Core } from '../../electron/core';
import { buildNodeEntry } from '../helpers/build-node-entry';
import { cleanEnv } from '../helpers/run-cli';
import { createHubDatabase, describeWithHub, superuser, type HubDatabase } from './hub-fixture';
import { expectDefined } from '../helpers/expect-defined';

const EVENTS = 12_000;

/** Sums on the hub, as the superuser sees them: rows, nano-dollars, and the monthly rollup. */
async function hubTotals(hub: HubDatabase): Promise<{ rows: number; nano: number; rolledUp: number }> {
  const su = await superuser(hub.database);
  try {
    const raw = await su.query<{ rows: string; nano: string | null }>('SELECT count(*) AS rows, sum(cost_nano_usd) AS nano FROM outreach_hub.usage_events');
    const rolled = await su.query<{ nano: string | null }>('SELECT sum(cost_nano_usd) AS nano FROM outreach_hub.usage_monthly');
    return {
      rows: Number(expectDefined(raw.rows[0]).rows),
      nano: Number(expectDefined(raw.rows[0]).nano ?? 0),
      rolledUp: Number(expectDefined(rolled.rows[0]).nano ?? 0),
    };
  } finally {
    await su.end();
  }
}

describeWithHub('kill -9 in the middle of a push: nothing lost, nothing counted twice', () => {
  let hub: HubDatabase;
  let dir: string;
  let dataDir: string;
  const service = `outreach-desk-team-crash-${randomUUID()}`;
  let child: { file: string; cleanup: () => void };
  let localNano = 0;

  const open = (): Promise<Core> => createCore({ dataDir, secrets: new KeyringSecretStore(service), env: {} });

  beforeAll(async () => {
    hub = await createHubDatabase();
    dir = mkdtempSync(join(tmpdir(), 'outreach-team-crash-'));
    dataDir = join(dir, 'data');
    child = await buildNodeEntry(join(__dirname, 'push-child.ts'));
    const core = await open();
    try {
      const status = await core.services.team.init({ url: hub.adminUrl, password: hub.adminPassword });
      expect(status.mode).toBe('team');
      const { org, user } = core.services.session.current();
      const usage = core.store.forOrg(org.id).usage;
      core.store.transaction(() => {
        for (let i = 0; i < EVENTS; i++) {
          const costUsd = (i % 97) * 0.000013 + 0.000001;
          localNano += Math.round(costUsd * 1e9);
          usage.record({
            id: randomUUID(),
            orgId: org.id,
            userId: user.id,
            operation: 'sequence',
            provider: 'openai',
            model: 'gpt-4o-mini',
            inputTokens: 100 + i,
            outputTokens: 50,
            cachedInputTokens: 0,
            costUsd,
            priceTable: '2026-01',
            latencyMs: 10,
            outcome: 'ok',
            errorCode: null,
            requestId: null,
            createdAt: new Date().toISOString(),
          });
        }
      });
      expect(core.store.team.pendingCount()).toBe(EVENTS);
    } finally {
      await core.services.team.close();
      core.close();
    }
  });
  afterAll(() => {
    child?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kills the desktop after the hub committed a batch but before the outbox forgot it; the next push adds only what is missing', async () => {
    const proc = spawn(process.execPath, [child.file, dataDir, service], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<string | number | null>((resolve) => proc.on('exit', (code, signal) => resolve(signal ?? code)));
    const committed = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const line = /committed (\d+)\n/.exec(out);
        if (line) resolve(expectDefined(line[1]));
        if (out.includes('finished without a kill')) reject(new Error('the child finished before it could be killed'));
      });
      proc.on('exit', () => reject(new Error(`the child exited early: ${stderr}`)));
    });
    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // The hub has the first batch; the desktop still lists it as waiting.
    const afterKill = await hubTotals(hub);
    expect(afterKill.rows).toBe(Number(committed));
    expect(afterKill.rows).toBeLessThan(EVENTS);
    const core = await open();
    try {
      expect(core.store.team.pendingCount()).toBe(EVENTS);
      await core.services.team.sync();
      expect(core.store.team.pendingCount()).toBe(0);
      // And once more: a repeat counts nothing.
      await core.services.team.sync();
    } finally {
      await core.services.team.close();
      core.close();
    }
    const final = await hubTotals(hub);
    expect(final).toEqual({ rows: EVENTS, nano: localNano, rolledUp: localNano });
  });
});
