import type { LLMProviderName } from '../../../shared/domain/llm';
import type { ErrorCode } from '../../../shared/domain/errors';
import type { Operation, UsageEvent, UsageGroupBy, UsageSummary, UsageTotals } from '../../../shared/domain/usage';
import { AppError } from '../errors';
import type { SessionService } from '../services/session';
import type { Store, TeamState, UsageTimeseries } from '../storage';
import { hubUsageTimeseries, listHubMemberNames, listHubUsageRows, summarizeHubUsage, type HubConnection } from '../storage/hub';

type WithHub = <T>(fn: (hub: HubConnection, team: TeamState) => Promise<T>) => Promise<T>;

const NANO = 1_000_000_000;

interface Totals {
  calls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costNanoUsd: number;
}

const zero = (): Totals => ({ calls: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costNanoUsd: 0 });

function add(into: Totals, from: Totals): void {
  into.calls += from.calls;
  into.errors += from.errors;
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
  into.cachedInputTokens += from.cachedInputTokens;
  into.costNanoUsd += from.costNanoUsd;
}

function toUsd(t: Totals): UsageTotals {
  const { costNanoUsd, ...rest } = t;
  return { ...rest, costUsd: costNanoUsd / NANO };
}

/** A summary with where its numbers come from. */
export type TeamUsageSummary = UsageSummary & Required<Pick<UsageSummary, 'scope' | 'labels'>> & { note: string | null };

/**
 * The Usage screen and `usage` in team mode: the organization's rows on the hub (everyone's for
 * owners and admins, your own for members, as the hub's policies decide) plus this desktop's rows
 * not yet pushed. When the hub is unreachable, this desktop's ledger, said so.
 */
export function createTeamUsage(store: Pick<Store, 'forOrg'>, session: SessionService, withHub: WithHub) {
  const offlineNote = "The team hub can't be reached: these are this desktop's calls only. The organization's figures come back with the next sync.";

  async function fromHub<T>(fn: (hub: HubConnection, team: TeamState) => Promise<T>): Promise<T | null> {
    try {
      return await withHub(fn);
    } catch (error) {
      if (error instanceof AppError && (error.code === 'offline' || error.code === 'timeout')) return null;
      throw error;
    }
  }

  return {
    async summary(query: { since?: string; until?: string; groupBy: UsageGroupBy }): Promise<TeamUsageSummary> {
      const { org, user } = session.current();
      const hub = await fromHub(async (h, team) => ({
        groups: await summarizeHubUsage(h, team.hubOrgId, query),
        labels: await listHubMemberNames(h, team.hubOrgId),
      }));
      if (!hub) return { ...store.forOrg(org.id).usage.summary(query), scope: 'desktop', labels: {}, note: offlineNote };
      const byKey = new Map<string, Totals>();
      for (const g of hub.groups) byKey.set(g.key, { ...g });
      for (const p of store.forOrg(org.id).team.pendingUsageSummary(query)) {
        const t = byKey.get(p.key) ?? zero();
        add(t, {
          calls: p.calls,
          errors: p.errors ?? 0,
          inputTokens: p.input_tokens ?? 0,
          outputTokens: p.output_tokens ?? 0,
          cachedInputTokens: p.cached_input_tokens ?? 0,
          costNanoUsd: p.cost_nano_usd ?? 0,
        });
        byKey.set(p.key, t);
      }
      const totals = zero();
      for (const t of byKey.values()) add(totals, t);
      const rows = [...byKey.entries()].map(([key, t]) => ({ key, t }));
      rows.sort((a, b) => (query.groupBy === 'day' ? a.key.localeCompare(b.key) : b.t.costNanoUsd - a.t.costNanoUsd || a.key.localeCompare(b.key)));
      const manager = user.role === 'owner' || user.role === 'admin';
      return {
        since: query.since ?? null,
        groupBy: query.groupBy,
        totals: toUsd(totals),
        rows: rows.map((r) => ({ key: r.key, ...toUsd(r.t) })),
        scope: manager ? 'organization' : 'own',
        labels: hub.labels,
        note: manager ? null : 'You see your own calls; owners and admins see the whole organization.',
      };
    },

    async timeseries(query: { since?: string; by: 'provider' | 'model' }): Promise<UsageTimeseries> {
      const { org } = session.current();
      const hubRows = await fromHub((h, team) => hubUsageTimeseries(h, team.hubOrgId, query));
      if (!hubRows) return store.forOrg(org.id).usage.timeseries(query);
      const cells = new Map<string, { day: string; key: string; tokens: number; nano: number }>();
      const put = (day: string, key: string, tokens: number, nano: number) => {
        const cell = cells.get(`${day}\u0000${key}`) ?? { day, key, tokens: 0, nano: 0 };
        cell.tokens += tokens;
        cell.nano += nano;
        cells.set(`${day}\u0000${key}`, cell);
      };
      for (const r of hubRows) put(r.day, r.key, r.tokens, r.costNanoUsd);
      for (const e of store.forOrg(org.id).team.pendingUsageRows(query)) {
        put(
          e.createdAt.slice(0, 10),
          query.by === 'provider' ? e.provider : `${e.provider}/${e.model}`,
          e.inputTokens + e.outputTokens,
          Math.round(e.costUsd * NANO),
        );
      }
      const days = [...new Set([...cells.values()].map((cell) => cell.day))].sort();
      const dayIndex = new Map(days.map((d, i) => [d, i]));
      const series = new Map<string, { key: string; tokens: number[]; costUsd: number[] }>();
      for (const [, cell] of [...cells.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const { key } = cell;
        const i = dayIndex.get(cell.day);
        if (i === undefined) continue; // never: `days` holds every cell's day
        let s = series.get(key);
        if (!s) {
          s = { key, tokens: days.map(() => 0), costUsd: days.map(() => 0) };
          series.set(key, s);
        }
        s.tokens[i] = cell.tokens;
        s.costUsd[i] = cell.nano / NANO;
      }
      return { days, series: [...series.values()] };
    },

    /** Every row for the CSV export: the hub's (as the policies allow) and this desktop's not yet pushed. */
    async rows(window: { since?: string; until?: string }): Promise<UsageEvent[]> {
      const { org } = session.current();
      const hubRows = await fromHub((h, team) => listHubUsageRows(h, team.hubOrgId, window));
      const pending = store.forOrg(org.id).team.pendingUsageRows(window);
      if (!hubRows) return store.forOrg(org.id).usage.rows(window);
      const fromHubRows: UsageEvent[] = hubRows.map((r) => ({
        id: r.id,
        orgId: org.id,
        userId: r.memberId,
        operation: r.operation as Operation,
        provider: r.provider as LLMProviderName,
        model: r.model,
        inputTokens: r.inputTokens,
        outputTokens: r.outputTokens,
        cachedInputTokens: r.cachedInputTokens,
        costUsd: r.costNanoUsd / NANO,
        priceTable: r.priceTable,
        latencyMs: r.latencyMs,
        outcome: r.outcome as UsageEvent['outcome'],
        errorCode: r.errorCode as ErrorCode | null,
        requestId: r.requestId,
        createdAt: r.createdAt,
      }));
      const seen = new Set(fromHubRows.map((r) => r.id));
      return [...fromHubRows, ...pending.filter((p) => !seen.has(p.id))].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
  };
}

export type TeamUsage = ReturnType<typeof createTeamUsage>;
