/** Number, money, token and time formatting, in the user's locale. */

const usdFine = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
const usdCoarse = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

/** Small amounts keep four decimals, since a single call often costs a fraction of a cent. */
export function formatUsd(value: number): string {
  return Math.abs(value) < 1 ? usdFine.format(value) : usdCoarse.format(value);
}

/**
 * A money axis label: as many decimals as the axis step needs (at least two), so ticks 0.00002
 * apart don't all read "$0.0001" or "$0.00".
 */
export function formatUsdAxis(value: number, step: number): string {
  const decimals = step > 0 ? Math.min(8, Math.max(2, Math.ceil(-Math.log10(step) - 1e-9))) : 2;
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: decimals }).format(value);
}

export function formatInt(value: number): string {
  return integer.format(value);
}

export function formatCompact(value: number): string {
  return compact.format(value);
}

/** A file size: "812 B", "40 KB", "3.2 MB", "1.25 GB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

export function formatLatency(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "Nov 29, 16:52" this year, "Nov 29, 2025" before: short enough for a table column. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (date.getFullYear() !== new Date().getFullYear()) return date.toLocaleDateString(undefined, { dateStyle: 'medium' });
  return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString(undefined, { dateStyle: 'medium' });
}

/** "about 3 min left"; null when the core cannot estimate yet. */
export function formatEta(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  const seconds = Math.max(0, Math.round(ms / 1000));
  // "about 0 s left" reads as a bug while items are still in flight.
  if (seconds < 5) return 'a few seconds left';
  if (seconds < 60) return `about ${seconds} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

/** Price per million tokens, or "no price" for models the catalog does not price. */
export function formatPricePerMTok(value: number | null): string {
  return value === null ? 'no price' : `$${value.toFixed(value < 1 ? 3 : 2)}`;
}
