import type { Store } from '../storage';

/**
 * What an organization spent in a UTC month (`YYYY-MM`), for the budget. Solo: this desktop's
 * ledger. Team: the organization's total on the hub as of the last sync, plus this desktop's
 * usage not yet pushed, so a budget holds across desktops and offline.
 */
export function orgMonthSpend(store: Pick<Store, 'forOrg'>, orgId: string, month: string): number {
  const data = store.forOrg(orgId);
  const team = data.team.connection();
  if (!team) return data.usage.monthSpend(month);
  const onHub = team.spendMonth === month ? team.spendNanoUsd / 1_000_000_000 : 0;
  return onHub + data.team.pendingMonthSpend(month);
}
