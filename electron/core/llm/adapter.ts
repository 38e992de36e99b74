import type { FinishReason, LLMProviderName, TokenUsage } from '../../../shared/domain/llm';
import type { LLMError } from './errors';
import type { HttpObservation, ObserverStore } from './http-observer';
import type { PromptMessage } from './prompts';
import type { JsonFormat } from './structured';

/**
 * What a vendor file builds its SDK client from. Always explicit, so a user's shell
 * (`OPENAI_BASE_URL`, `*_API_KEY`, `*_LOG`) never reaches an SDK.
 */
export interface AdapterConfig {
  /** The provider's key, or a placeholder for a server that needs none (the SDKs insist on one). */
  apiKey: string;
  /** Without a trailing slash. */
  baseURL: string;
  logLevel: 'off';
  /** The SDK's own timeout: only a backstop, since the core's deadline is the real bound. */
  timeoutMs: number;
}

/** One request to a vendor, already resolved to a model and limits. */
export interface AdapterRequest {
  messages: PromptMessage[];
  model: string;
  temperature?: number;
  maxTokens: number;
  /** Ask for JSON in the vendor's native mode. */
  json?: JsonFormat;
  signal: AbortSignal;
  /** Where this attempt's HTTP responses are recorded (see http-observer.ts). */
  observer: ObserverStore;
}

/** What a vendor answered, normalized. `usage.inputTokens` includes cached input. */
export interface AdapterCompletion {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  model: string;
  requestId: string | null;
  /** Our short words for why a vendor filtered the answer, e.g. "blocked: SAFETY". */
  filterDetail?: string;
}

export type AdapterStreamEvent = { type: 'delta'; text: string } | { type: 'finish'; completion: Omit<AdapterCompletion, 'text'> };

/**
 * What each vendor file implements. `openStream` resolves once the response headers are in
 * (the HTTP request happens inside it); the iterable then reads the body.
 */
export interface ProviderAdapter {
  readonly provider: LLMProviderName;
  complete(request: AdapterRequest): Promise<AdapterCompletion>;
  openStream(request: AdapterRequest): Promise<AsyncIterable<AdapterStreamEvent>>;
  listModelIds(signal: AbortSignal, observer: ObserverStore): Promise<string[]>;
  /** Maps anything one attempt threw to our error; `http` is the last response the attempt saw. */
  toError(error: unknown, http: HttpObservation | undefined, model: string | undefined): LLMError;
  /**
   * While the vendor SDK is still loading (see lazy-adapter.ts), a promise of it: the core waits
   * for it before a call's deadline and latency clock start, since loading is not the vendor's time.
   */
  ready?(): Promise<void> | null;
}

/** Joins consecutive messages of the same role, keeping where the cached prefix ends. */
export function mergeConsecutiveMessages(messages: PromptMessage[]): { role: PromptMessage['role']; parts: PromptMessage[] }[] {
  const out: { role: PromptMessage['role']; parts: PromptMessage[] }[] = [];
  for (const m of messages) {
    const last = out.at(-1);
    if (last && last.role === m.role) last.parts.push(m);
    else out.push({ role: m.role, parts: [m] });
  }
  return out;
}

/** The text of merged parts, as vendors without content blocks take it. */
export function joinParts(parts: PromptMessage[]): string {
  return parts.map((p) => p.content).join('\n\n');
}

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
  };
}
