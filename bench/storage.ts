/**
 * Storage: the usage summary over 1,000,000 usage rows, as a ratio to the same aggregate run as a
 * bare SQL query on the store's own connection (median of alternating runs, per grouping).
 *
 * The store does not hand out its connection. The bench gets it the one public way there is: an
 * extra schema step (`OpenStoreOptions.migrations`) receives the connection and keeps it. This is
 * a throwaway database in a temp dir; the bare SQL lives here and nowhere else outside storage.
 * The million rows are written with one INSERT … SELECT on that connection: going through
 * `usage.record` row by row would only make the setup slower, not the measurement truer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UsageGroupBy } from '../shared/domain/usage';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, openStore, type SqliteDatabase } from '../electron/core/storage';

const ROWS = Number(process.env.BENCH_USAGE_ROWS ?? 1_000_000);
const ROUNDS = 5;
/** Rows span 90 days ending 2026-11-30. */
const FIRST_SECOND = Date.UTC(2026, 8, 1) / 1000;
const SPAN_SECONDS = 90 * 86_400;

/** The grouping keys the store uses, written out again for the bare queries. */
const BARE_KEY: Record<UsageGroupBy, string> = {
  day: 'substr(created_at, 1, 10)',
  provider: 'provider',
  model: "provider || '/' || model",
  operation: 'operation',
  user: "coalesce(user_id, 'none')",
};

function fillUsage(db: SqliteDatabase, orgId: string): void {
  db.prepare(
    `INSERT INTO usage_events (id, org_id, user_id, operation, provider, model, input_tokens, output_tokens, cached_input_tokens,
       cost_nano_usd, price_table, latency_ms, outcome, error_code, request_id, created_at)
     WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < @rows)
     SELECT 'bench-' || i, @org, CASE i % 5 WHEN 0 THEN NULL ELSE 'user-' || (i % 7) END,
       CASE i % 4 WHEN 0 THEN 'chat' WHEN 1 THEN 'test' WHEN 2 THEN 'sequence' ELSE 'classify' END,
       CASE i % 6 WHEN 0 THEN 'anthropic' WHEN 1 THEN 'openai' WHEN 2 THEN 'gemini' WHEN 3 THEN 'deepseek' WHEN 4 THEN 'groq' ELSE 'local' END,
       'model-' || (i % 3), 500 + i % 1000, 200 + i % 400, i % 300, (i % 997) * 1000, 'catalog-bench', 100 + i % 900,
       CASE WHEN i % 50 = 0 THEN 'error' ELSE 'ok' END, CASE WHEN i % 50 = 0 THEN 'server' ELSE NULL END, NULL,
       strftime('%Y-%m-%dT%H:%M:%fZ', @first + (i * 7919) % @span, 'unixepoch')
     FROM n`,
  ).run({ rows: ROWS, org: orgId, first: FIRST_SECOND, span: SPAN_SECONDS });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function time(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export async function runStorageBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'outreach-bench-storage-'));
  let connection: SqliteDatabase | null = null;
  const store = openStore({
    dataDir: dir,
    migrations: [
      ...MIGRATIONS,
      {
        version: LATEST_SCHEMA_VERSION + 1,
        name: 'bench-keeps-the-connection',
        up: (db) => {
          connection = db;
        },
      },
    ],
  });
  try {
    const db = connection as SqliteDatabase | null;
    if (!db) throw new Error('the store did not run the bench schema step');
    const { org } = store.orgs.ensureFirstRun({ orgName: 'Bench', ownerName: 'Bench' });
    const fillMs = time(() => store.transaction(() => fillUsage(db, org.id)));
    process.stdout.write(`usage rows                      ${ROWS.toLocaleString('en-US')} (written in ${(fillMs / 1000).toFixed(1)} s)\n`);

    const cases: Array<{ label: string; groupBy: UsageGroupBy; since?: string }> = [
      { label: 'by provider', groupBy: 'provider' },
      { label: 'by model', groupBy: 'model' },
      { label: 'by operation', groupBy: 'operation' },
      { label: 'by user', groupBy: 'user' },
      { label: 'by day', groupBy: 'day' },
      { label: 'by day, last 30 days', groupBy: 'day', since: '2026-10-31' },
    ];
    for (const c of cases) {
      const window = c.since ? ' AND created_at >= @since' : '';
      const bare = db.prepare(
        `SELECT ${BARE_KEY[c.groupBy]} AS key, count(*) AS calls, sum(outcome = 'error') AS errors, sum(input_tokens) AS input_tokens,
           sum(output_tokens) AS output_tokens, sum(cached_input_tokens) AS cached_input_tokens, sum(cost_nano_usd) AS cost_nano_usd
         FROM usage_events WHERE org_id = @org${window} GROUP BY key`,
      );
      const params = c.since ? { org: org.id, since: c.since } : { org: org.id };
      const query = { groupBy: c.groupBy, ...(c.since ? { since: c.since } : {}) };
      // Same answer first: the ratio only means something if both compute the same thing.
      const usage = store.forOrg(org.id).usage;
      const summary = usage.summary(query);
      const bareRows = bare.all(params) as Array<{ calls: number }>;
      const bareCalls = bareRows.reduce((sum, row) => sum + row.calls, 0);
      if (summary.totals.calls !== bareCalls || summary.rows.length !== bareRows.length) {
        throw new Error(`summary ${c.label} disagrees with the bare query: ${summary.totals.calls} vs ${bareCalls} calls`);
      }
      const storeTimes: number[] = [];
      const bareTimes: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        storeTimes.push(time(() => usage.summary(query)));
        bareTimes.push(time(() => bare.all(params)));
      }
      const ratio = median(storeTimes) / median(bareTimes);
      process.stdout.write(
        `summary ${c.label.padEnd(24)}${ratio.toFixed(3)}×  (store ${median(storeTimes).toFixed(1)} ms, bare SQL ${median(bareTimes).toFixed(1)} ms, ${summary.rows.length} groups, ${summary.totals.calls.toLocaleString('en-US')} rows)\n`,
      );
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
