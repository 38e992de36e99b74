import type { Statement } from 'better-sqlite3';
import type { LLMProviderName } from '../../../../shared/domain/llm';
import type { ErrorCode } from '../../../../shared/domain/errors';
import { usageEventSchema, type UsageEvent, type UsageGroupBy, type UsageTotals } from '../../../../shared/domain/usage';
import { AppError } from '../../errors';
import { monthBounds, resolveUsageWindow } from '../internal/usage-window';
import { fromNanoUsd, parseInput, toNanoUsd } from '../internal/values';
import type { SqliteDatabase, UsageEventInput, UsageRepository, UsageWindow } from '../types';

interface UsageRow {
  id: string;
  org_id: string;
  user_id: string | null;
  operation: UsageEvent['operation'];
  provider: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_nano_usd: number;
  price_table: string | null;
  latency_ms: number;
  outcome: UsageEvent['outcome'];
  error_code: string | null;
  request_id: string | null;
  created_at: string;
}

interface TotalsRow {
  calls: number;
  errors: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_input_tokens: number | null;
  cost_nano_usd: number | null;
}

const COLS =
  'id, org_id, user_id, operation, provider, model, input_tokens, output_tokens, cached_input_tokens, cost_nano_usd, price_table, latency_ms, outcome, error_code, request_id, created_at';

const TOTALS = `count(*) AS calls, sum(outcome = 'error') AS errors, sum(input_tokens) AS input_tokens,
  sum(output_tokens) AS output_tokens, sum(cached_input_tokens) AS cached_input_tokens, sum(cost_nano_usd) AS cost_nano_usd`;

/** The SQL expression each grouping keys on. Models are keyed with their provider: two vendors may use one model name. */
const GROUP_KEY: Record<UsageGroupBy, string> = {
  day: 'substr(created_at, 1, 10)',
  provider: 'provider',
  model: "provider || '/' || model",
  operation: 'operation',
  user: "coalesce(user_id, 'none')",
};

function toTotals(row: TotalsRow): UsageTotals {
  return {
    calls: row.calls,
    errors: row.errors ?? 0,
    inputTokens: row.input_tokens ?? 0,
    outputTokens: row.output_tokens ?? 0,
    cachedInputTokens: row.cached_input_tokens ?? 0,
    costUsd: fromNanoUsd(row.cost_nano_usd ?? 0),
  };
}

function toEvent(row: UsageRow): UsageEvent {
  return {
    id: row.id,
    orgId: row.org_id,
    userId: row.user_id,
    operation: row.operation,
    provider: row.provider as LLMProviderName,
    model: row.model,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cachedInputTokens: row.cached_input_tokens,
    costUsd: fromNanoUsd(row.cost_nano_usd),
    priceTable: row.price_table,
    latencyMs: row.latency_ms,
    outcome: row.outcome,
    errorCode: row.error_code as ErrorCode | null,
    requestId: row.request_id,
    createdAt: row.created_at,
  };
}

/** A usage event as its row's named parameters. */
function toRow(e: UsageEvent): Record<string, unknown> {
  return {
    id: e.id,
    org_id: e.orgId,
    user_id: e.userId,
    operation: e.operation,
    provider: e.provider,
    model: e.model,
    input_tokens: e.inputTokens,
    output_tokens: e.outputTokens,
    cached_input_tokens: e.cachedInputTokens,
    cost_nano_usd: toNanoUsd(e.costUsd),
    price_table: e.priceTable,
    latency_ms: e.latencyMs,
    outcome: e.outcome,
    error_code: e.errorCode,
    request_id: e.requestId,
    created_at: e.createdAt,
  };
}

/** `since` inclusive; `until` exclusive, except that a date-only `until` includes its whole UTC day. */
function windowClause(window: UsageWindow): { sql: string; params: Record<string, string> } {
  const { from, to } = resolveUsageWindow(window);
  const parts: string[] = [];
  const params: Record<string, string> = {};
  if (from) {
    parts.push('created_at >= @since');
    params.since = from;
  }
  if (to) {
    parts.push('created_at < @until');
    params.until = to;
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), params };
}

/** One organization's part of the ledger; statements are prepared once, for every organization. */
export function createUsageRepository(db: SqliteDatabase): (orgId: string) => UsageRepository {
  const insertStmt = db.prepare(
    `INSERT INTO usage_events (${COLS}) VALUES (@id, @org_id, @user_id, @operation, @provider, @model, @input_tokens, @output_tokens,
     @cached_input_tokens, @cost_nano_usd, @price_table, @latency_ms, @outcome, @error_code, @request_id, @created_at)
     ON CONFLICT (id) DO NOTHING`,
  );
  // Prepared at first use: a store opened on an older schema (a backup, read in a test) has no usage_pending.
  let pending:
    | { begin: Statement; end: Statement<{ id: string; org: string }>; complete: (row: Record<string, unknown>, call: { id: string; org: string }) => boolean }
    | undefined;
  const pendingStatements = () => {
    if (pending) return pending;
    const begin = db.prepare(
      `INSERT INTO usage_pending (id, org_id, user_id, operation, provider, model, pid, host, created_at)
       VALUES (@id, @org_id, @user_id, @operation, @provider, @model, @pid, @host, @created_at)`,
    );
    const end = db.prepare<{ id: string; org: string }>('DELETE FROM usage_pending WHERE id = @id AND org_id = @org');
    // The usage row replaces the pending one atomically: a crash leaves one or the other, never both or neither.
    const complete = db.transaction((row: Record<string, unknown>, call: { id: string; org: string }) => {
      const inserted = insertStmt.run(row).changes > 0;
      end.run(call);
      return inserted;
    });
    pending = { begin, end, complete };
    return pending;
  };
  const monthStmt = db.prepare<{ org: string; from: string; to: string }, { nano: number | null }>(
    'SELECT sum(cost_nano_usd) AS nano FROM usage_events WHERE org_id = @org AND created_at >= @from AND created_at < @to',
  );
  const cache = new Map<string, ReturnType<typeof db.prepare>>();
  const prepared = (sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };

  /** An event's row, refused when it names another organization. */
  const rowOf = (event: UsageEventInput, orgId: string) => {
    if (event.orgId !== undefined && event.orgId !== orgId) {
      throw new AppError('validation', `A usage event of organization ${event.orgId} cannot be recorded in organization ${orgId}.`, { field: 'orgId' });
    }
    return toRow(parseInput(usageEventSchema, { ...event, orgId }, 'usage event'));
  };

  return (orgId) => ({
    record: (event) => insertStmt.run(rowOf(event, orgId)).changes > 0,

    complete: (event) => pendingStatements().complete(rowOf(event, orgId), { id: event.id, org: orgId }),

    begin: (call) => {
      pendingStatements().begin.run({
        id: call.id,
        org_id: orgId,
        user_id: call.userId,
        operation: call.operation,
        provider: call.provider,
        model: call.model,
        pid: call.pid,
        host: call.host,
        created_at: call.createdAt,
      });
    },

    discard: (id) => {
      pendingStatements().end.run({ id, org: orgId });
    },

    summary: ({ since, until, groupBy }) => {
      const window = windowClause({ since, until });
      const key = GROUP_KEY[groupBy];
      const order = groupBy === 'day' ? 'key' : 'cost_nano_usd DESC, key';
      const rows = prepared(`SELECT ${key} AS key, ${TOTALS} FROM usage_events WHERE org_id = @org${window.sql} GROUP BY key ORDER BY ${order}`).all({
        org: orgId,
        ...window.params,
      }) as Array<TotalsRow & { key: string }>;
      // The totals are the groups added up (integers, so exact) rather than a second pass over the table.
      const totals = { calls: 0, errors: 0, input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, cost_nano_usd: 0 } satisfies TotalsRow;
      for (const row of rows) {
        totals.calls += row.calls;
        totals.errors += row.errors ?? 0;
        totals.input_tokens += row.input_tokens ?? 0;
        totals.output_tokens += row.output_tokens ?? 0;
        totals.cached_input_tokens += row.cached_input_tokens ?? 0;
        totals.cost_nano_usd += row.cost_nano_usd ?? 0;
      }
      return {
        since: since ?? null,
        groupBy,
        totals: toTotals(totals),
        rows: rows.map((row) => ({ key: row.key, ...toTotals(row) })),
      };
    },

    timeseries: ({ since, until, by }) => {
      const window = windowClause({ since, until });
      const rows = prepared(
        `SELECT substr(created_at, 1, 10) AS day, ${GROUP_KEY[by]} AS key, sum(input_tokens + output_tokens) AS tokens,
           sum(cost_nano_usd) AS nano
         FROM usage_events WHERE org_id = @org${window.sql} GROUP BY day, key ORDER BY day, key`,
      ).all({ org: orgId, ...window.params }) as Array<{ day: string; key: string; tokens: number; nano: number }>;
      const days = [...new Set(rows.map((r) => r.day))];
      const dayIndex = new Map(days.map((d, i) => [d, i]));
      const series = new Map<string, { key: string; tokens: number[]; costUsd: number[] }>();
      for (const row of rows) {
        let s = series.get(row.key);
        if (!s) {
          s = { key: row.key, tokens: days.map(() => 0), costUsd: days.map(() => 0) };
          series.set(row.key, s);
        }
        const i = dayIndex.get(row.day);
        if (i === undefined) continue; // never: `days` holds every row's day
        s.tokens[i] = row.tokens;
        s.costUsd[i] = fromNanoUsd(row.nano);
      }
      return { days, series: [...series.values()] };
    },

    monthSpend: (month) => {
      const bounds = monthBounds(month);
      if (!bounds) throw new AppError('validation', `The month must look like 2026-11, not "${month}".`, { field: 'month' });
      return fromNanoUsd(monthStmt.get({ org: orgId, ...bounds })?.nano ?? 0);
    },

    rows: (window = {}) => {
      const w = windowClause(window);
      return (
        prepared(`SELECT ${COLS} FROM usage_events WHERE org_id = @org${w.sql} ORDER BY created_at, rowid`).all({
          org: orgId,
          ...w.params,
        }) as UsageRow[]
      ).map(toEvent);
    },
  });
}

interface PendingRow {
  id: string;
  org_id: string;
  user_id: string | null;
  operation: string;
  provider: string;
  model: string;
  pid: number;
  host: string;
  created_at: string;
}

/**
 * Turns the pending rows of calls that will never complete (`isGone` says whose) into usage rows:
 * outcome `error`, code `storage`, tokens and cost unknown (0). The vendor may have billed such a
 * call; the ledger keeps that it was made. Returns how many were settled.
 */
export function createInterruptedCallSettler(db: SqliteDatabase): (isGone: (call: { pid: number; host: string; createdAt: string }) => boolean) => number {
  const pendingStmt = db.prepare('SELECT id, org_id, user_id, operation, provider, model, pid, host, created_at FROM usage_pending ORDER BY created_at');
  const insertStmt = db.prepare(
    `INSERT INTO usage_events (${COLS}) VALUES (@id, @org_id, @user_id, @operation, @provider, @model, 0, 0, 0, 0, NULL, 0, 'error', 'storage', NULL, @created_at)
     ON CONFLICT (id) DO NOTHING`,
  );
  const deleteStmt = db.prepare('DELETE FROM usage_pending WHERE id = ?');
  const settle = db.transaction((rows: PendingRow[]) => {
    for (const row of rows) {
      insertStmt.run({
        id: row.id,
        org_id: row.org_id,
        user_id: row.user_id,
        operation: row.operation,
        provider: row.provider,
        model: row.model,
        created_at: row.created_at,
      });
      deleteStmt.run(row.id);
    }
    return rows.length;
  });
  return (isGone) => {
    const gone = (pendingStmt.all() as PendingRow[]).filter((row) => isGone({ pid: row.pid, host: row.host, createdAt: row.created_at }));
    return gone.length === 0 ? 0 : settle(gone);
  };
}

// The ledger's columns and groupings, for the team outbox's view of usage not yet pushed.
export { toEvent as toUsageEvent, COLS as USAGE_COLUMNS, GROUP_KEY as USAGE_GROUP_KEY, TOTALS as USAGE_TOTALS };
export type { UsageRow };
