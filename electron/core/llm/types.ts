import type { LeadContext, BusinessContext } from '../../../shared/domain/lead';
import type { LLMCallConfig, LLMMessage, LLMProviderName, LLMResponse, ModelInfo, StreamPart, TokenUsage, Cost } from '../../../shared/domain/llm';
import type { ReplyClassification } from '../../../shared/domain/reply';
import type { GeneratedSequence, SequenceOptions, SequenceStep } from '../../../shared/domain/sequence';

/**
 * The core's one retry policy. Attempts include the first call. Delays are exponential with
 * full jitter between `baseDelayMs * 2^n * (1 - jitter)` and `baseDelayMs * 2^n`, capped at
 * `maxDelayMs`; a vendor's retry-after is honoured up to `maxRetryAfterMs`, beyond which the
 * call fails at once with `rate_limited` (the scheduler decides when to come back).
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  /** Fraction of the delay that is randomized, 0..1. */
  jitter: number;
}

/** How a provider client is built. Keys come from the caller, never from the environment. */
export interface ProviderClientOptions {
  apiKey?: string;
  baseURL?: string;
  defaultModel?: string;
  temperature?: number;
  maxTokens?: number;
  /** Overall deadline per call, covering every attempt, backoff and a stalled body. */
  deadlineMs?: number;
  retry?: Partial<RetryPolicy> | false;
}

/** The budgets the job scheduler keeps to for one provider. */
export interface ProviderRateLimits {
  requestsPerMinute: number;
  /** Input plus output tokens per minute; null when the provider has no token budget (local servers). */
  tokensPerMinute: number | null;
  /** Requests that may start back to back after a quiet spell; defaults to one second's worth. */
  burst?: number;
}

/** Rate-limit state a vendor reported, parsed from its response headers. */
export interface RateLimitInfo {
  provider: LLMProviderName;
  limitRequests?: number;
  remainingRequests?: number;
  resetRequestsMs?: number;
  limitTokens?: number;
  remainingTokens?: number;
  resetTokensMs?: number;
  retryAfterMs?: number;
}

/** Per-call options: the model settings plus cancellation, deadline, retries and rate-limit reports. */
export type CallOptions = LLMCallConfig & {
  signal?: AbortSignal;
  deadlineMs?: number;
  retry?: Partial<RetryPolicy> | false;
  /** Called with the vendor's rate-limit headers on every response, 429s included. */
  onRateLimit?: (info: RateLimitInfo) => void;
};

/** Options of a sequence call. With `onDelta` the answer is streamed; deltas are the raw model text. */
export type SequenceCallOptions = CallOptions & {
  onDelta?: (text: string) => void;
  /** A template to start from: the model rewrites these steps for the lead. */
  template?: { steps: SequenceStep[] };
};

/** A classification plus what it cost. */
export type ClassifyResult = ReplyClassification & {
  usage: TokenUsage;
  cost: Cost;
  model: string;
  latencyMs: number;
  requestId: string | null;
};

/** The result of regenerating one step of a sequence. */
export interface RegeneratedStep {
  step: SequenceStep;
  usage: TokenUsage;
  cost: Cost;
  model: string;
  latencyMs: number;
}

/** The one interface every provider implements. */
export interface LLMProvider {
  readonly name: LLMProviderName;
  chat(messages: LLMMessage[], options?: CallOptions): Promise<LLMResponse>;
  /** Text deltas, then exactly one `finish` part. Errors are thrown from the iterator. */
  stream(messages: LLMMessage[], options?: CallOptions): AsyncIterable<StreamPart>;
  generateSequence(lead: LeadContext, business: BusinessContext, options: SequenceOptions, call?: SequenceCallOptions): Promise<GeneratedSequence>;
  regenerateStep(
    lead: LeadContext,
    business: BusinessContext,
    options: SequenceOptions,
    steps: SequenceStep[],
    stepIndex: number,
    call?: SequenceCallOptions,
  ): Promise<RegeneratedStep>;
  classifyReply(reply: string, originalOutreach: string, lead?: LeadContext, call?: CallOptions): Promise<ClassifyResult>;
  /** The vendor's live list merged with the catalog. A failed fetch throws; it never returns []. */
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
}

/** Static facts about a provider. */
export interface ProviderInfo {
  displayName: string;
  defaultBaseUrl: string | null;
  defaultModel: string;
  envVar: string | null;
  keyRequired: boolean;
}
