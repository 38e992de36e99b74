/**
 * Team hub, against a throwaway PostgreSQL cluster (PostgreSQL's default durability settings):
 *
 * 1. Push: 100,000 usage events from a desktop's outbox to the hub, in rows per second, and as a
 *    ratio to the same INSERT statements sent bare (no outbox to read or acknowledge).
 * 2. The organization's usage summary over 1,000,000 hub rows, as an admin login the row-level
 *    policies apply to, against the same aggregate written out as bare SQL by the superuser
 *    (median of alternating runs, per grouping).
 * 3. An idle client's sync: the statements it sends (counted by pg_stat_statements) and its time
 *    against a bare `SELECT 1` round trip on the same kind of connection.
 *
 * The keys live in a MemorySecretStore: `npm run bench` runs without an OS keychain. Skipped,
 * and said so, when PostgreSQL is not installed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { UsageGroupBy } from '../shared/domain/usage';
import { createCore, MemorySecretStore, silentLogger, type Core } from '../electron/core';
import { pushHubUsage, type HubUsageRow } from '../electron/core/storage/hub';
import { USAGE_BATCH } from '../electron/core/team/sync';
import { MISSING_POSTGRES, startPgCluster } from '../test/team/pg-cluster';

const PUSH_EVENTS = Number(process.env.BENCH_TEAM_PUSH ?? 100_000);
const HUB_ROWS = Number(process.env.BENCH_TEAM_ROWS ?? 1_000_000);
const ROUNDS = 5;
const IDLE_SYNCS = 20;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** The grouping keys of the hub's summary, written out again for the bare queries. */
const BARE_KEY: Record<UsageGroupBy, string> = {
  day: `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  provider: 'provider',
  model: `provider || '/' || model`,
  operation: 'operation',
  user: 'member_id',
};

function event(i: number, orgId: string, userId: string) {
  return {
    id: randomUUID(),
    orgId,
    userId,
    operation: 'sequence' as const,
    provider: 'openai' as const,
    model: 'gpt-4o-mini',
    inputTokens: 500 + (i % 1000),
    outputTokens: 200 + (i % 400),
    cachedInputTokens: 0,
    costUsd: ((i % 997) + 1) * 0.000001,
    priceTable: 'bench',
    latencyMs: 100 + (i % 900),
    outcome: 'ok' as const,
    errorCode: null,
    requestId: null,
    createdAt: new Date().toISOString(),
  };
}

export async function runTeamBench(): Promise<void> {
  const cluster = await startPgCluster({ settings: ['-c shared_preload_libraries=pg_stat_statements', '-c max_wal_size=4GB'] });
  if (!cluster) {
    process.stdout.write(`${MISSING_POSTGRES}\n`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'outreach-bench-team-'));
  const cores: Core[] = [];
  const su = new pg.Client({ host: cluster.socketDir, port: cluster.port, user: 'postgres', database: 'postgres' });
  let hubSu: pg.Client | null = null;
  let bare: pg.Client | null = null;
  try {
    su.on('error', () => undefined);
    await su.connect();
    const adminPassword = randomUUID();
    await su.query(`CREATE ROLE hub_admin LOGIN CREATEROLE PASSWORD '${adminPassword}'`);
    await su.query('CREATE DATABASE bench OWNER hub_admin');
    hubSu = new pg.Client({ host: cluster.socketDir, port: cluster.port, user: 'postgres', database: 'bench' });
    hubSu.on('error', () => undefined);
    await hubSu.connect();
    await hubSu.query('CREATE EXTENSION pg_stat_statements');

    const open = async (name: string) => {
      const core = await createCore({ dataDir: join(dir, name), secrets: new MemorySecretStore(), env: {}, logger: silentLogger });
      cores.push(core);
      return core;
    };
    const owner = await open('owner');
    await owner.services.team.init({ url: `postgres://hub_admin@127.0.0.1:${cluster.port}/bench`, password: adminPassword, email: 'owner@bench.example' });
    const invite = await owner.services.team.invite({ email: 'admin@bench.example', role: 'admin' });
    const admin = await open('admin');
    await admin.services.team.connect({ url: invite.url, password: invite.password });
    const adminTeam = admin.store.team.state();
    if (!adminTeam) throw new Error('The admin desktop is not connected after team connect.');

    // 1. Push.
    const { org, user } = admin.services.session.current();
    admin.store.transaction(() => {
      for (let i = 0; i < PUSH_EVENTS; i++) admin.store.forOrg(org.id).usage.record(event(i, org.id, user.id));
    });
    const pushMs = await time(() => admin.services.team.sync());
    if (admin.store.team.pendingCount() !== 0) throw new Error('the push left rows behind');
    bare = new pg.Client({ host: '127.0.0.1', port: cluster.port, user: invite.login, password: invite.password, database: 'bench' });
    bare.on('error', () => undefined);
    await bare.connect();
    const bareClient = bare;
    const bareRows: HubUsageRow[] = Array.from({ length: PUSH_EVENTS }, (_, i) => {
      const e = event(i, org.id, user.id);
      return { ...e, costNanoUsd: Math.round(e.costUsd * 1e9) };
    });
    const hubConn = { query: (text: string, values?: readonly unknown[]) => bareClient.query(text, values as unknown[]) as never };
    const bareMs = await time(async () => {
      for (let i = 0; i < bareRows.length; i += USAGE_BATCH)
        await pushHubUsage(hubConn, adminTeam.hubOrgId, adminTeam.memberId, bareRows.slice(i, i + USAGE_BATCH));
    });
    process.stdout.write(
      `push ${PUSH_EVENTS} usage events: ${Math.round(PUSH_EVENTS / (pushMs / 1000))} rows/s through the outbox; ` +
        `${(pushMs / bareMs).toFixed(2)}x the same INSERTs sent bare (${Math.round(PUSH_EVENTS / (bareMs / 1000))} rows/s)\n`,
    );

    // 2. The organization's summary over HUB_ROWS rows.
    const ownerTeam = owner.store.team.state();
    if (!ownerTeam) throw new Error('The owner desktop is not connected after team init.');
    await hubSu.query(
      `INSERT INTO outreach_hub.usage_events (id, org_id, member_id, operation, provider, model, input_tokens, output_tokens,
         cached_input_tokens, cost_nano_usd, price_table, latency_ms, outcome, error_code, created_at)
       SELECT 'bench-' || i, $1, CASE WHEN i % 3 = 0 THEN $2 ELSE $3 END,
         (ARRAY['chat','test','sequence','classify'])[1 + i % 4], (ARRAY['anthropic','openai','gemini','deepseek','groq','local'])[1 + i % 6],
         'model-' || (i % 3), 500 + i % 1000, 200 + i % 400, i % 300, (i % 997) * 1000, 'bench', 100 + i % 900,
         CASE WHEN i % 50 = 0 THEN 'error' ELSE 'ok' END, CASE WHEN i % 50 = 0 THEN 'server' END,
         now() - ((i::bigint * 7919) % (80 * 86400)) * interval '1 second'
       FROM generate_series(1, $4::int) AS i`,
      [ownerTeam.hubOrgId, ownerTeam.memberId, adminTeam.memberId, HUB_ROWS],
    );
    await hubSu.query('VACUUM ANALYZE outreach_hub.usage_events');
    const since = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
    // A const for the timed closures below (the let is narrowed only outside them).
    const benchSu = hubSu;
    for (const groupBy of ['provider', 'user', 'day'] as const) {
      const app: number[] = [];
      const raw: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        app.push(await time(() => Promise.resolve(admin.services.usage.summary({ since, groupBy }))));
        raw.push(
          await time(() =>
            benchSu.query(
              `SELECT ${BARE_KEY[groupBy]} AS key, count(*), count(*) FILTER (WHERE outcome = 'error'), sum(input_tokens), sum(output_tokens),
                 sum(cached_input_tokens), sum(cost_nano_usd)
               FROM outreach_hub.usage_events WHERE org_id = $1 AND created_at >= $2::timestamptz GROUP BY 1`,
              [ownerTeam.hubOrgId, since],
            ),
          ),
        );
      }
      process.stdout.write(
        `usage summary over ${HUB_ROWS + 2 * PUSH_EVENTS} hub rows by ${groupBy}, as an admin under row-level security: ` +
          `${(median(app) / median(raw)).toFixed(2)}x the bare SQL aggregate (median of ${ROUNDS}; range ${(Math.min(...app) / Math.max(...raw)).toFixed(2)}–${(Math.max(...app) / Math.min(...raw)).toFixed(2)})\n`,
      );
    }

    // 3. An idle sync.
    await admin.services.team.sync();
    await hubSu.query('SELECT pg_stat_statements_reset()');
    const idle: number[] = [];
    for (let i = 0; i < IDLE_SYNCS; i++) idle.push(await time(() => admin.services.team.sync()));
    const counted = await hubSu.query<{ calls: string; query: string }>(
      `SELECT s.calls, s.query FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = $1`,
      [invite.login],
    );
    const statements = counted.rows.reduce((n, r) => n + Number(r.calls), 0);
    const ping: number[] = [];
    const pullOnly: number[] = [];
    const month = new Date().toISOString().slice(0, 7);
    const cursor = admin.store.team.state()?.cursor;
    if (cursor === undefined) throw new Error('The admin desktop left the team during the bench.');
    for (let i = 0; i < IDLE_SYNCS; i++) {
      ping.push(await time(() => bareClient.query('SELECT 1')));
      pullOnly.push(await time(() => bareClient.query('SELECT outreach_hub.pull($1, $2, $3::date)', [adminTeam.hubOrgId, cursor, `${month}-01`])));
    }
    process.stdout.write(
      `idle sync: ${(statements / IDLE_SYNCS).toFixed(1)} statement(s) per sync (${counted.rows.map((r) => r.query.replace(/\s+/g, ' ').slice(0, 60)).join('; ')}); ` +
        `the sync takes ${(median(idle) / median(ping)).toFixed(1)}x a bare SELECT 1 round trip, its pull query alone ${(median(pullOnly) / median(ping)).toFixed(1)}x (medians of ${IDLE_SYNCS})\n`,
    );
  } finally {
    for (const core of cores) {
      await core.services.team.close();
      core.close();
    }
    await bare?.end().catch(() => undefined);
    await hubSu?.end().catch(() => undefined);
    await su.end().catch(() => undefined);
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
