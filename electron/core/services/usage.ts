import type { BudgetStatus, UsageGroupBy, UsageSummary } from '../../../shared/domain/usage';
import { formatCsv } from '../csv';
import type { ServiceDeps } from './context';
import type { SessionService } from './session';

const USAGE_COLUMNS = [
  'createdAt', 'operation', 'provider', 'model', 'outcome', 'errorCode', 'inputTokens', 'outputTokens',
  'cachedInputTokens', 'costUsd', 'priceTable', 'latencyMs', 'userId', 'requestId',
] as const;

/** Token usage and cost for billing: totals, breakdowns, the month against the budget, CSV. */
export function createUsageService(deps: ServiceDeps, session: SessionService) {
  const { store } = deps;
  return {
    summary(query: { since?: string; until?: string; groupBy: UsageGroupBy }): UsageSummary {
      return store.usage.summary(session.current().org.id, query);
    },
    timeseries(query: { since?: string; by: 'provider' | 'model' }) {
      return store.usage.timeseries(session.current().org.id, query);
    },
    budget(): BudgetStatus {
      const { org } = session.current();
      const month = deps.now().toISOString().slice(0, 7);
      const spentUsd = store.usage.monthSpend(org.id, month);
      const budgetUsd = org.settings.monthlyBudgetUsd;
      return { month, spentUsd, budgetUsd, exceeded: budgetUsd !== null && spentUsd >= budgetUsd };
    },
    exportCsv(query: { since?: string; until?: string }) {
      const rows = store.usage.rows(session.current().org.id, query);
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
