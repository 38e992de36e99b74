import type { LLMProviderName } from '../../../shared/domain/llm';
import { createLLMError, providerLabel, type LLMError, type LLMErrorCode } from './errors';
import type { HttpObservation } from './http-observer';
import { parseGeminiRetryDelay, parseRetryAfter, readHeader, type HeaderSource } from './rate-limit';
import { cleanVendorId } from './vendor-text';

/** The parts of a vendor error body we read. Vendor messages are inspected, never shown. */
export interface VendorErrorBody {
  type?: string;
  code?: string | number;
  status?: string;
  message?: string;
  details?: unknown;
  /** Anthropic's spend-limit marker lives here. */
  errorCode?: string;
}

/** Reads `{error:{…}}` (OpenAI, Anthropic, Gemini, Groq, DeepSeek) or a bare error object. */
export function readVendorErrorBody(body: unknown): VendorErrorBody {
  if (typeof body === 'string') {
    try {
      return readVendorErrorBody(JSON.parse(body));
    } catch {
      return {};
    }
  }
  if (!body || typeof body !== 'object') return {};
  const root = body as Record<string, unknown>;
  const e = (root.error && typeof root.error === 'object' ? root.error : root) as Record<string, unknown>;
  const details = e.details;
  const detailsCode = details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>).error_code : undefined;
  return {
    type: typeof e.type === 'string' ? e.type : undefined,
    code: typeof e.code === 'string' || typeof e.code === 'number' ? e.code : undefined,
    status: typeof e.status === 'string' ? e.status : undefined,
    message: typeof e.message === 'string' ? e.message : undefined,
    details,
    errorCode: typeof detailsCode === 'string' ? detailsCode : undefined,
  };
}

/**
 * Anthropic and Gemini say "input too long" only in words, with a plain 400 (catalogue §2.1, §2.3),
 * so these words are read for 4xx answers; they decide nothing else.
 */
const CONTEXT_WORDS =
  /context[ _]length|context window|maximum context|too many tokens|prompt is too long|input is too long|exceeds the maximum|request_too_large|reduce the length/i;

function geminiDetailReason(details: unknown, type: string): string[] {
  if (!Array.isArray(details)) return [];
  const out: string[] = [];
  for (const d of details) {
    if (!d || typeof d !== 'object') continue;
    const rec = d as Record<string, unknown>;
    if (!String(rec['@type'] ?? '').endsWith(type)) continue;
    if (typeof rec.reason === 'string') out.push(rec.reason);
    if (Array.isArray(rec.violations)) {
      for (const v of rec.violations) {
        const id = (v as Record<string, unknown>)?.quotaId;
        if (typeof id === 'string') out.push(id);
      }
    }
  }
  return out;
}

/**
 * A rate-limit 429 for one request bigger than the whole per-minute budget (Groq: "Request too
 * large … Limit 6000, Requested 15041"): no wait lets it through, so it must not be retried. The
 * numbers tell, not the words.
 */
function exceedsWholeLimit(message: string): boolean {
  const m = /\bLimit (\d+)\b[^.]*?\bRequested (\d+)\b/.exec(message);
  return m !== null && Number(m[2]) > Number(m[1]);
}

type Make = (code: LLMErrorCode, extra?: { retryAfterMs?: number; detail?: string; retryable?: boolean }) => LLMError;

/**
 * An error event inside a stream that began with a 200 (status 0 here): the request was accepted,
 * so it is the vendor's trouble. Overloaded or a rate limit when the vendor says so, else a server
 * error; never "check your settings".
 */
function mapStreamError(kind: string, make: Make, retryAfterMs: number | undefined): LLMError {
  if (kind.includes('insufficient_quota') || kind.includes('billing_error')) return make('quota_exhausted');
  if (kind.includes('rate_limit') || kind.includes('resource_exhausted')) return make('rate_limited', { retryAfterMs });
  if (/overloaded|unavailable|capacity/.test(kind)) return make('overloaded', { retryAfterMs });
  if (kind.includes('timeout') || kind.includes('deadline_exceeded')) return make('timeout');
  if (kind.includes('json_validate_failed')) return make('invalid_output', { detail: 'the vendor could not produce valid JSON' });
  return make('server', { retryAfterMs });
}

/**
 * Maps an HTTP error to our code by status, the vendor's error type and code, and Gemini's
 * structured details; words in the message decide nothing (Groq's rate-limit 429 links to its
 * billing page). Only explicit quota signals are `quota_exhausted`: HTTP 402, OpenAI's
 * `insufficient_quota`, Anthropic's `billing_error` and `enforced_spend_limit_reached`, and
 * Gemini's per-day quota ids. Status 0 is an error event inside a 200 stream.
 */
export function mapHttpError(
  provider: LLMProviderName,
  status: number,
  rawBody: unknown,
  headers: HeaderSource | undefined,
  context: { model?: string; requestId?: string; cause?: unknown },
): LLMError {
  const body = readVendorErrorBody(rawBody);
  const kind = `${body.type ?? ''} ${body.code ?? ''} ${body.status ?? ''}`.toLowerCase();
  const message = body.message ?? '';
  const retryAfterMs = parseRetryAfter(headers) ?? parseGeminiRetryDelay(body.details);
  const base = { model: context.model, requestId: context.requestId, cause: context.cause };
  const make: Make = (code, extra = {}) => createLLMError(code, provider, { ...base, ...extra });

  if (status === 0) return mapStreamError(kind, make, retryAfterMs);
  const errorInfoReasons = geminiDetailReason(body.details, 'ErrorInfo');
  if (errorInfoReasons.includes('API_KEY_INVALID') || status === 401 || kind.includes('authentication_error') || kind.includes('invalid_api_key')) {
    return make('auth');
  }
  if (status === 402 || kind.includes('billing_error') || kind.includes('insufficient_quota') || body.errorCode === 'enforced_spend_limit_reached') {
    return make('quota_exhausted');
  }
  if (status === 403 || kind.includes('permission')) return make('permission');
  if (status === 404 || kind.includes('not_found')) return make('model_not_found');
  if (status === 429 || kind.includes('rate_limit') || kind.includes('resource_exhausted')) {
    // Gemini says "exceeded your current quota" for per-minute limits too: only its quota ids tell.
    if (geminiDetailReason(body.details, 'QuotaFailure').some((id) => /PerDay/i.test(id))) return make('quota_exhausted');
    if (exceedsWholeLimit(message)) {
      return make('context_length', { detail: `one request is larger than the ${providerLabel(provider)} per-minute token limit` });
    }
    return make('rate_limited', { retryAfterMs });
  }
  if (kind.includes('json_validate_failed')) return make('invalid_output', { detail: 'the vendor could not produce valid JSON' });
  if (status === 413 || kind.includes('context_length') || kind.includes('request_too_large') || (status < 500 && CONTEXT_WORDS.test(message))) {
    return make('context_length');
  }
  if (status === 408 || status === 504 || kind.includes('timeout_error') || kind.includes('deadline_exceeded')) return make('timeout');
  if (status === 529 || status === 503 || status === 498 || kind.includes('overloaded') || kind.includes('unavailable')) {
    return make('overloaded', { retryAfterMs });
  }
  if (status >= 500 || status === 409 || kind.includes('api_error') || kind.includes('internal')) {
    return make('server', { retryAfterMs });
  }
  if (kind.includes('failed_precondition')) return make('invalid_request', { detail: 'not available in this region or plan' });
  return make('invalid_request');
}

const OFFLINE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ETIMEDOUT',
]);

/** True when an error (or one of its causes) is a network failure: refused, DNS, reset mid-body. */
export function isTransportError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const e = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && OFFLINE_CODES.has(e.code)) return true;
    if (e.name === 'APIConnectionError') return true;
    if (typeof e.message === 'string' && /^(fetch failed|terminated|other side closed|socket hang up)/i.test(e.message)) return true;
    current = e.cause;
  }
  return false;
}

/** The request id a response carried in its headers, when it is a plausible id (see `cleanVendorId`). */
export function requestIdFrom(headers: HeaderSource | undefined): string | undefined {
  return cleanVendorId(readHeader(headers, 'request-id') ?? readHeader(headers, 'x-request-id'));
}

/**
 * The fallback for anything that is neither an HTTP error nor a network failure: we keep it
 * as the cause for the log and say the answer was unusable.
 */
export function mapUnknownError(provider: LLMProviderName, error: unknown, http: HttpObservation | undefined, model?: string): LLMError {
  if ((error as { name?: unknown } | null)?.name === 'APIConnectionTimeoutError') return createLLMError('timeout', provider, { model, cause: error });
  if (isTransportError(error)) return createLLMError('offline', provider, { model, cause: error });
  // An empty or cut JSON body on a 200 (catalogue T11): worth one more try.
  if (error instanceof SyntaxError) {
    return createLLMError('invalid_output', provider, { model, cause: error, retryable: true, detail: 'the response body was not valid JSON' });
  }
  if (http && http.status >= 400) return mapHttpError(provider, http.status, undefined, http.headers, { model, cause: error });
  return createLLMError('server', provider, { model, cause: error, retryable: false });
}
