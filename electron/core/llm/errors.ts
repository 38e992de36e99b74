import type { ErrorCode } from '../../../shared/domain/errors';
import { PROVIDER_DISPLAY_NAMES, type LLMProviderName, type TokenUsage } from '../../../shared/domain/llm';
import { AppError, type AppErrorOptions, type ErrorMessage, type FixWording } from '../errors';
import { cleanVendorId } from './vendor-text';

/** The codes a provider call can fail with: the LLM codes plus `no_key`. */
export type LLMErrorCode = Extract<
  ErrorCode,
  | 'auth'
  | 'permission'
  | 'model_not_found'
  | 'rate_limited'
  | 'quota_exhausted'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'offline'
  | 'aborted'
  | 'content_filtered'
  | 'context_length'
  | 'invalid_request'
  | 'invalid_output'
  | 'no_key'
>;

export interface LLMErrorOptions extends AppErrorOptions {
  /** Tokens billed even though the call failed (truncation, refusal, invalid output). */
  usage?: TokenUsage;
  /** The model's raw answer, for the log only; never part of the message. */
  rawText?: string;
  model?: string;
}

/**
 * A failed provider call. The message is always ours (vendor messages can echo key tails);
 * `rawText` keeps what the model said for the log.
 */
export class LLMError extends AppError {
  override name = 'LLMError';
  override readonly code: LLMErrorCode;
  readonly usage?: TokenUsage;
  readonly rawText?: string;
  readonly model?: string;

  constructor(code: LLMErrorCode, message: ErrorMessage, options: LLMErrorOptions = {}) {
    // The request id and the model may come from the vendor: only a clean id is kept.
    super(code, message, options.requestId === undefined ? options : { ...options, requestId: cleanVendorId(options.requestId) });
    this.code = code;
    this.usage = options.usage;
    this.rawText = options.rawText;
    this.model = cleanVendorId(options.model);
  }
}

/** Codes the retry layer may try again. Everything else fails at once. */
const RETRYABLE: ReadonlySet<LLMErrorCode> = new Set(['rate_limited', 'overloaded', 'server', 'offline', 'timeout']);

export function isRetryableCode(code: LLMErrorCode): boolean {
  return RETRYABLE.has(code);
}

/** The provider's name as Settings → Providers shows it. */
export function providerLabel(provider: LLMProviderName): string {
  return PROVIDER_DISPLAY_NAMES[provider];
}

/**
 * Our own message for each code, naming the fix in the words of the surface that shows it
 * (a Settings screen in the app, a command in the CLI: see error-fix.ts). Vendor text never
 * reaches it. `detail` is a short phrase we wrote ourselves (e.g. "the reply was cut off");
 * `url` is the address an offline call tried.
 */
export function describeError(
  code: LLMErrorCode,
  provider: LLMProviderName,
  context: { model?: string; retryAfterMs?: number; detail?: string; envVar?: string | null; deadlineMs?: number; url?: string } = {},
): (wording: FixWording) => string {
  const name = providerLabel(provider);
  const model = context.model ? `"${context.model}"` : 'the selected model';
  const wait =
    context.retryAfterMs !== undefined && context.retryAfterMs > 0 ? ` Try again in ${formatWait(context.retryAfterMs)}.` : ' Try again in a minute.';
  return (w) => {
    const where = (action: 'set-key' | 'set-model' | 'set-base-url' | 'set-timeout' | 'check-provider') => w.where({ action, provider });
    const switchProvider = w.where({ action: 'switch-provider' });
    switch (code) {
      case 'no_key':
        return `No ${name} key is set: add one ${where('set-key')}${context.envVar ? `, or set ${context.envVar}` : ''}.`;
      case 'auth':
        return provider === 'local'
          ? `The local server rejected the key: check the key ${where('set-key')}, or remove it if the server needs none.`
          : `The ${name} key was rejected: set a new key ${where('set-key')}.`;
      case 'permission':
        return `The ${name} key is not allowed to use ${model}: check the key's project permissions, or pick another model ${where('set-model')}.`;
      case 'model_not_found':
        return `${name} does not know ${model}: pick another model ${where('set-model')}.`;
      case 'rate_limited':
        return `${name} is rate-limiting requests.${wait}`;
      case 'quota_exhausted':
        return `The ${name} account is out of credit or over its spend limit: add credit or raise the limit in the ${name} console, or switch provider ${switchProvider}.`;
      case 'overloaded':
        return `${name} is overloaded right now.${wait} Or switch provider ${switchProvider}.`;
      case 'server':
        return `${name} had a server error.${wait}`;
      case 'timeout':
        // Our deadline: the provider's Timeout setting raises it. A vendor-side timeout (408/504)
        // is not ours to raise.
        return context.deadlineMs !== undefined
          ? `${name} did not answer within ${formatWait(context.deadlineMs)}. Try again, raise the timeout ${where('set-timeout')}, or switch provider.`
          : `${name} timed out on its side. Try again in a minute, shorten the input, or switch provider ${switchProvider}.`;
      case 'offline': {
        const at = context.url ? ` at ${context.url}` : '';
        return provider === 'local'
          ? `Cannot reach the local server${at}: check that it is running and that its base URL is right (change it ${where('set-base-url')}).`
          : `Cannot reach ${name}${at}: check the network connection and the base URL (change it ${where('set-base-url')}).`;
      }
      case 'aborted':
        return 'The request was cancelled.';
      case 'content_filtered':
        return `${name} declined to answer (${context.detail ?? 'content filter'}). Rephrase the input, or try another provider.`;
      case 'context_length':
        return context.detail
          ? `The request is too large for ${name} (${context.detail}): shorten the input or lower the max tokens, or raise the limit in the ${name} console.`
          : `The input is too long for ${model}: shorten it, or pick a model with a larger context window ${where('set-model')}.`;
      case 'invalid_request':
        return `${name} rejected the request${context.detail ? ` (${context.detail})` : ''}: check the model and settings ${where('check-provider')}.`;
      case 'invalid_output':
        return `${name} returned an answer that is not valid${context.detail ? ` (${context.detail})` : ''}. Try again, or pick another model ${where('set-model')}.`;
    }
  };
}

function formatWait(ms: number): string {
  if (ms < 1000) return `${Math.max(1, Math.round(ms))} ms`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  return `${Math.round(s / 60)} min`;
}

/** Builds an LLMError with our message and the code's retryability. */
export function createLLMError(
  code: LLMErrorCode,
  provider: LLMProviderName,
  options: LLMErrorOptions & { detail?: string; envVar?: string | null; deadlineMs?: number; url?: string } = {},
): LLMError {
  const { detail, envVar, deadlineMs, url, ...rest } = options;
  return new LLMError(code, describeError(code, provider, { model: rest.model, retryAfterMs: rest.retryAfterMs, detail, envVar, deadlineMs, url }), {
    retryable: isRetryableCode(code),
    provider,
    ...rest,
  });
}
