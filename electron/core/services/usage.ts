import type { BudgetStatus, UsageGroupBy, UsageSummary } from '../../../shared/domain/usage';
import { formatCsv } from '../csv';
import type { ServiceDeps } from './context';
import { orgMonthSpend, type TeamService } from '../team';
import type { SessionService } from './session';

const USAGE_COLUMNS = [
  'createdAt',
  'operation',
  'provider',
  'model',
  'outcome',
  'errorCode',
  'inputTokens',
  'outputTokens',
  'cachedInputTokens',
  'costUsd',
  'priceTable',
  'latencyMs',
  'userId',
  'requestId',
] as const;

/**
 * Token usage and cost for billing: totals, breakdowns, the month against the budget, CSV. In
 * team mode the organization's, from the hub (see `TeamService.usage`).
 */
export function createUsageService(deps: ServiceDeps, session: SessionService, team: TeamService) {
  const { store } = deps;
  const inTeam = () => session.current().mode === 'team';
  return {
    summary(query: { since?: string; until?: string; groupBy: UsageGroupBy }): UsageSummary | Promise<UsageSummary> {
      if (inTeam()) return team.usage.summary(query);
      return { ...store.forOrg(session.current().org.id).usage.summary(query), scope: 'desktop' };
    },
    timeseries(query: { since?: string; by: 'provider' | 'model' }) {
      if (inTeam()) return team.usage.timeseries(query);
      return store.forOrg(session.current().org.id).usage.timeseries(query);
    },
    budget(): BudgetStatus {
      const { org } = session.current();
      const month = deps.now().toISOString().slice(0, 7);
      const spentUsd = orgMonthSpend(store, org.id, month);
      const budgetUsd = org.settings.monthlyBudgetUsd;
      return { month, spentUsd, budgetUsd, exceeded: budgetUsd !== null && spentUsd >= budgetUsd };
    },
    async exportCsv(query: { since?: string; until?: string }) {
      const rows = inTeam() ? await team.usage.rows(query) : store.forOrg(session.current().org.id).usage.rows(query);
      const content = formatCsv(
        [...USAGE_COLUMNS],
        rows.map((row) => USAGE_COLUMNS.map((column) => row[column])),
      );
      const stamp = deps.now().toISOString().slice(0, 10);
      return { filename: `outreach-desk-usage-${stamp}.csv`, mimeType: 'text/csv', content };
    },
  };
}

export type UsageService = ReturnType<typeof createUsageService>;
