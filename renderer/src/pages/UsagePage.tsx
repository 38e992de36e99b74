import { useMemo, useState } from 'react';
import type { UsageGroupBy } from '../../../shared/domain';
import { ErrorMessage } from '../components/ErrorMessage';
import { CardLoadState, Empty, Loading, Meter } from '../components/States';
import { UsageChart } from '../components/UsageChart';
import { call } from '../lib/api';
import { useApp } from '../lib/app-context';
import { downloadFile } from '../lib/download';
import { formatInt, formatUsd } from '../lib/format';
import { PROVIDER_LABELS } from '../lib/labels';
import { useAction } from '../lib/use-action';
import { useLoad } from '../lib/use-load';

type Period = 'month' | '30d' | '90d';
const PERIOD_LABELS: Record<Period, string> = { month: 'This month', '30d': 'Last 30 days', '90d': 'Last 90 days' };
const GROUP_LABELS: Partial<Record<UsageGroupBy, string>> = { provider: 'Provider', model: 'Model', operation: 'Operation', user: 'User', day: 'Day' };
const OPERATION_LABELS: Record<string, string> = { chat: 'Chat', test: 'Connection test', sequence: 'Sequence drafting', classify: 'Reply classification' };

function periodStart(period: Period): string {
  const now = new Date();
  const start = period === 'month' ? new Date(now.getFullYear(), now.getMonth(), 1) : new Date(now.getTime() - (period === '30d' ? 29 : 89) * 86_400_000);
  return `${start.getFullYear()}-${String(start.getMonth() + 1).padStart(2, '0')}-${String(start.getDate()).padStart(2, '0')}`;
}

/** Spend against the budget, tokens and cost over time, a breakdown, and a CSV export. */
export function UsagePage() {
  const app = useApp();
  const [period, setPeriod] = useState<Period>('month');
  const [by, setBy] = useState<'provider' | 'model'>('provider');
  const [metric, setMetric] = useState<'tokens' | 'cost'>('cost');
  const [groupBy, setGroupBy] = useState<UsageGroupBy>('provider');
  const exporting = useAction<'export'>();
  const since = periodStart(period);

  const budget = useLoad(() => call('usage:budget', undefined), []);
  const summary = useLoad(() => call('usage:summary', { since, groupBy }), [since, groupBy]);
  const timeseries = useLoad(() => call('usage:timeseries', { since, by }), [since, by]);

  const series = useMemo(
    () =>
      timeseries.data?.series.map((s) => ({
        key: by === 'provider' && s.key in PROVIDER_LABELS ? PROVIDER_LABELS[s.key as keyof typeof PROVIDER_LABELS] : s.key,
        values: metric === 'cost' ? s.costUsd : s.tokens,
      })) ?? [],
    [timeseries.data, by, metric],
  );

  const exportCsv = () => exporting.run('export', async () => downloadFile(await call('usage:export-csv', { since })));

  const totals = summary.data?.totals;
  const rowLabel = (key: string) =>
    groupBy === 'provider' && key in PROVIDER_LABELS
      ? PROVIDER_LABELS[key as keyof typeof PROVIDER_LABELS]
      : groupBy === 'operation'
        ? (OPERATION_LABELS[key] ?? key)
        : groupBy === 'user'
          ? (summary.data?.labels?.[key] ?? app.users.find((u) => u.id === key)?.name ?? key)
          : key;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Usage</h1>
          <p>
            {summary.data?.scope === 'organization'
              ? 'The whole organization’s model calls, from the team hub, with this desktop’s not yet pushed.'
              : 'Every model call is recorded with its tokens and cost, for billing.'}
          </p>
          {summary.data?.note && <p className="notice">{summary.data.note}</p>}
        </div>
        <div className="page-actions">
          <label className="sr-only" htmlFor="usage-period">
            Period
          </label>
          <select id="usage-period" value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
            {(Object.keys(PERIOD_LABELS) as Period[]).map((p) => (
              <option key={p} value={p}>
                {PERIOD_LABELS[p]}
              </option>
            ))}
          </select>
          <button type="button" className="btn" onClick={() => void exportCsv()}>
            Export CSV
          </button>
        </div>
      </div>
      <div className="stack">
        {exporting.error && <ErrorMessage error={exporting.error} />}

        <section className="card card-pad" aria-labelledby="budget-title">
          <h2 id="budget-title" className="section-title">
            Budget this month
          </h2>
          {budget.status === 'error' && <ErrorMessage error={budget.error} onRetry={() => void budget.reload()} />}
          {!budget.data && budget.status === 'loading' && <Loading />}
          {budget.data && (
            <>
              <div className="budget-line">
                <span>
                  <strong className="stat-value">{formatUsd(budget.data.spentUsd)}</strong>{' '}
                  <span className="muted">{budget.data.budgetUsd === null ? 'spent, no budget set' : `of ${formatUsd(budget.data.budgetUsd)}`}</span>
                </span>
                {budget.data.exceeded ? (
                  <span className="badge badge-bad">Budget reached: new calls are paused</span>
                ) : budget.data.budgetUsd === null ? (
                  app.canManage && (
                    <button type="button" className="btn-link" onClick={() => app.navigate({ page: 'settings', tab: 'organization' })}>
                      Set a monthly budget
                    </button>
                  )
                ) : (
                  <span className="muted">{formatUsd(Math.max(0, budget.data.budgetUsd - budget.data.spentUsd))} left</span>
                )}
              </div>
              {budget.data.budgetUsd !== null && (
                <Meter
                  label="Spend against the monthly budget"
                  value={budget.data.spentUsd}
                  max={budget.data.budgetUsd}
                  valueText={`${formatUsd(budget.data.spentUsd)} of ${formatUsd(budget.data.budgetUsd)}`}
                  tone={budget.data.exceeded ? 'bad' : budget.data.spentUsd > budget.data.budgetUsd * 0.8 ? 'warn' : 'good'}
                />
              )}
            </>
          )}
        </section>

        <div className="stat-grid">
          <Stat label="Cost" value={totals ? formatUsd(totals.costUsd) : '—'} />
          <Stat
            label="Calls"
            value={totals ? formatInt(totals.calls) : '—'}
            sub={totals && totals.errors > 0 ? `${formatInt(totals.errors)} failed` : undefined}
          />
          <Stat
            label="Input tokens"
            value={totals ? formatInt(totals.inputTokens) : '—'}
            sub={totals && totals.cachedInputTokens > 0 ? `${formatInt(totals.cachedInputTokens)} cached` : undefined}
          />
          <Stat label="Output tokens" value={totals ? formatInt(totals.outputTokens) : '—'} />
        </div>

        <section className="card" aria-labelledby="chart-title">
          <div className="card-head">
            <h2 id="chart-title">{metric === 'cost' ? 'Cost' : 'Tokens'} per day</h2>
            <div className="row">
              <fieldset className="segmented" aria-label="Measure">
                <button type="button" aria-pressed={metric === 'cost'} onClick={() => setMetric('cost')}>
                  Cost
                </button>
                <button type="button" aria-pressed={metric === 'tokens'} onClick={() => setMetric('tokens')}>
                  Tokens
                </button>
              </fieldset>
              <fieldset className="segmented" aria-label="Split by">
                <button type="button" aria-pressed={by === 'provider'} onClick={() => setBy('provider')}>
                  By provider
                </button>
                <button type="button" aria-pressed={by === 'model'} onClick={() => setBy('model')}>
                  By model
                </button>
              </fieldset>
            </div>
          </div>
          <div className="card-section">
            {timeseries.status === 'error' && <ErrorMessage error={timeseries.error} onRetry={() => void timeseries.reload()} />}
            {!timeseries.data && timeseries.status === 'loading' && <Loading label="Loading the chart…" />}
            {timeseries.data && series.length === 0 && (
              <Empty title="No calls in this period">Draft a sequence or classify a reply, and its cost shows here.</Empty>
            )}
            {timeseries.data && series.length > 0 && (
              <UsageChart
                days={timeseries.data.days}
                series={series}
                metric={metric}
                label={`${metric === 'cost' ? 'Cost' : 'Tokens'} per day by ${by}, ${PERIOD_LABELS[period].toLowerCase()}. The table below has the figures.`}
              />
            )}
          </div>
        </section>

        <section className="card" aria-labelledby="breakdown-title">
          <div className="card-head">
            <h2 id="breakdown-title">Breakdown</h2>
            <div className="row">
              <label htmlFor="usage-group" className="muted">
                Group by
              </label>
              <select id="usage-group" value={groupBy} onChange={(e) => setGroupBy(e.target.value as UsageGroupBy)}>
                {(Object.keys(GROUP_LABELS) as UsageGroupBy[]).map((g) => (
                  <option key={g} value={g}>
                    {GROUP_LABELS[g]}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <CardLoadState state={summary} />
          {summary.data && summary.data.rows.length === 0 && <Empty title="Nothing recorded yet" />}
          {summary.data && summary.data.rows.length > 0 && (
            <div className="table-wrap">
              <table data-testid="usage-table">
                <thead>
                  <tr>
                    <th scope="col">{GROUP_LABELS[groupBy]}</th>
                    <th scope="col" className="num">
                      Calls
                    </th>
                    <th scope="col" className="num">
                      Errors
                    </th>
                    <th scope="col" className="num">
                      Input tokens
                    </th>
                    <th scope="col" className="num">
                      Output tokens
                    </th>
                    <th scope="col" className="num">
                      Cost
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {summary.data.rows.map((r) => (
                    <tr key={r.key}>
                      <td>{rowLabel(r.key)}</td>
                      <td className="num">{formatInt(r.calls)}</td>
                      <td className="num">{formatInt(r.errors)}</td>
                      <td className="num">{formatInt(r.inputTokens)}</td>
                      <td className="num">{formatInt(r.outputTokens)}</td>
                      <td className="num">{formatUsd(r.costUsd)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <td>Total</td>
                    <td className="num">{formatInt(summary.data.totals.calls)}</td>
                    <td className="num">{formatInt(summary.data.totals.errors)}</td>
                    <td className="num">{formatInt(summary.data.totals.inputTokens)}</td>
                    <td className="num">{formatInt(summary.data.totals.outputTokens)}</td>
                    <td className="num">{formatUsd(summary.data.totals.costUsd)}</td>
                  </tr>
                </tfoot>
              </table>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

function Stat({ label, value, sub }: { label: string; value: string; sub?: string }) {
  return (
    <div className="card stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {sub && <div className="field-hint">{sub}</div>}
    </div>
  );
}
