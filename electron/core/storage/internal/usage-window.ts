const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * A usage window as bounds over `created_at`: `since` inclusive, `until` exclusive, except that a
 * date-only `until` includes its whole UTC day. The SQLite ledger and the hub read windows alike.
 */
export function resolveUsageWindow(window: { since?: string; until?: string }): { from?: string; to?: string } {
  return {
    from: window.since || undefined,
    to: window.until ? (DATE_ONLY.test(window.until) ? nextDay(window.until) : window.until) : undefined,
  };
}

/** The first instant of a UTC month `YYYY-MM` and of the month after. */
export function monthBounds(month: string): { from: string; to: string } | null {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return null;
  const year = Number(match[1]);
  const m = Number(match[2]);
  const to = m === 12 ? `${year + 1}-01-01` : `${year}-${String(m + 1).padStart(2, '0')}-01`;
  return { from: `${month}-01`, to };
}
