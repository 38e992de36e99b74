import type { Store } from '../storage';

/**
 * What an organization spent in a UTC month (`YYYY-MM`), for the budget. Solo: this desktop's
 * ledger. Team: the organization's total on the hub as of the last sync, plus this desktop's
 * usage not yet pushed, so a budget holds across desktops and offline.
 */
export function orgMonthSpend(store: Store, orgId: string, month: string): number {
  const team = store.team.state();
  if (!team || team.orgId !== orgId) return store.usage.monthSpend(orgId, month);
  const onHub = team.spendMonth === month ? team.spendNanoUsd / 1_000_000_000 : 0;
  return onHub + store.team.pendingMonthSpend(orgId, month);
}
