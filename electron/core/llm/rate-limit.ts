import type { LLMProviderName } from '../../../shared/domain/llm';
import type { RateLimitInfo } from './types';

/** Header access that works for fetch `Headers` and plain records alike. */
export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

export function readHeader(headers: HeaderSource | undefined | null, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? record[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

const GO_DURATION = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;

/** Parses Go-style durations as OpenAI and Groq send them: "2m59.56s", "7.66s", "12ms", "1h0m0s". */
export function parseGoDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const m = GO_DURATION.exec(trimmed);
  if (!m || m.slice(1).every((g) => g === undefined)) return undefined;
  const part = (g: string | undefined) => (g === undefined ? 0 : Number(g));
  return Math.round(part(m[1]) * 3_600_000 + part(m[2]) * 60_000 + part(m[3]) * 1000 + part(m[4]));
}

/**
 * The wait a vendor asked for: `retry-after-ms` first, then `retry-after` as seconds or an
 * HTTP date. Negative or unparseable values count as absent.
 */
export function parseRetryAfter(headers: HeaderSource | undefined | null, now: number = Date.now()): number | undefined {
  const ms = readHeader(headers, 'retry-after-ms');
  if (ms !== undefined) {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const ra = readHeader(headers, 'retry-after');
  if (ra === undefined) return undefined;
  const seconds = Number(ra);
  if (ra.trim() !== '' && Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(ra);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function num(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function rfc3339ToMs(text: string | undefined, now: number): number | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/**
 * Reads the rate-limit headers of any vendor: `x-ratelimit-*` (OpenAI, Groq, DeepSeek; resets
 * as Go durations) and `anthropic-ratelimit-*` (resets as RFC 3339 times). Returns undefined
 * when the response carries none.
 */
export function parseRateLimitHeaders(
  provider: LLMProviderName,
  headers: HeaderSource | undefined | null,
  now: number = Date.now(),
): RateLimitInfo | undefined {
  if (!headers) return undefined;
  const info: RateLimitInfo = { provider };
  const anthropicRequests = readHeader(headers, 'anthropic-ratelimit-requests-limit');
  if (anthropicRequests !== undefined || readHeader(headers, 'anthropic-ratelimit-tokens-limit') !== undefined) {
    info.limitRequests = num(anthropicRequests);
    info.remainingRequests = num(readHeader(headers, 'anthropic-ratelimit-requests-remaining'));
    info.resetRequestsMs = rfc3339ToMs(readHeader(headers, 'anthropic-ratelimit-requests-reset'), now);
    info.limitTokens = num(readHeader(headers, 'anthropic-ratelimit-tokens-limit'));
    info.remainingTokens = num(readHeader(headers, 'anthropic-ratelimit-tokens-remaining'));
    info.resetTokensMs = rfc3339ToMs(readHeader(headers, 'anthropic-ratelimit-tokens-reset'), now);
  } else {
    info.limitRequests = num(readHeader(headers, 'x-ratelimit-limit-requests'));
    info.remainingRequests = num(readHeader(headers, 'x-ratelimit-remaining-requests'));
    const resetRequests = readHeader(headers, 'x-ratelimit-reset-requests');
    info.resetRequestsMs = resetRequests === undefined ? undefined : parseGoDuration(resetRequests);
    info.limitTokens = num(readHeader(headers, 'x-ratelimit-limit-tokens'));
    info.remainingTokens = num(readHeader(headers, 'x-ratelimit-remaining-tokens'));
    const resetTokens = readHeader(headers, 'x-ratelimit-reset-tokens');
    info.resetTokensMs = resetTokens === undefined ? undefined : parseGoDuration(resetTokens);
  }
  info.retryAfterMs = parseRetryAfter(headers, now);
  for (const key of Object.keys(info) as (keyof RateLimitInfo)[]) if (info[key] === undefined) delete info[key];
  return Object.keys(info).length > 1 ? info : undefined;
}

/** Gemini puts the wait in the 429 body: `details[@type=…RetryInfo].retryDelay`, e.g. "34.4s". */
export function parseGeminiRetryDelay(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    if (d && typeof d === 'object' && String((d as Record<string, unknown>)['@type'] ?? '').endsWith('RetryInfo')) {
      const delay = (d as Record<string, unknown>).retryDelay;
      if (typeof delay === 'string') return parseGoDuration(delay);
    }
  }
  return undefined;
}
