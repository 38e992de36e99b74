import type { BusinessContext, LeadContext } from '../../../shared/domain/lead';
import type { LLMMessage, LLMProviderName, LLMResponse, ModelInfo, StreamPart, TokenUsage } from '../../../shared/domain/llm';
import type { GeneratedSequence, SequenceOptions, SequenceStep } from '../../../shared/domain/sequence';
import { addUsage, type AdapterCompletion, type AdapterRequest, type ProviderAdapter } from './adapter';
import { computeCost, getCatalog } from './catalog';
import { createLLMError, LLMError } from './errors';
import type { ObserverStore } from './http-observer';
import { buildClassificationMessages, buildRegenerateStepMessages, buildRepairMessage, buildSequenceMessages, type PromptMessage } from './prompts';
import { parseRateLimitHeaders } from './rate-limit';
import { abortErrorFor, createCallSignals, DEFAULT_DEADLINE_MS, resolveRetryPolicy, runWithRetry, sleep, computeRetryDelay, type CallSignals } from './retry';
import {
  CLASSIFICATION_JSON_FORMAT,
  parseStructured,
  sequenceJsonFormat,
  stepJsonFormat,
  validateClassification,
  validateRegeneratedStep,
  validateSequence,
  type JsonFormat,
  type ParseResult,
} from './structured';
import type { CallOptions, ClassifyResult, LLMProvider, ProviderClientOptions, RegeneratedStep, RetryPolicy, SequenceCallOptions } from './types';
import { cleanVendorId } from './vendor-text';

const DEFAULT_MAX_TOKENS = 4096;
const CLASSIFY_MAX_TOKENS = 512;

interface Completed extends AdapterCompletion {
  latencyMs: number;
}

/** A request before an attempt gives it its signal and observer. */
type BaseRequest = Omit<AdapterRequest, 'signal' | 'observer'>;

// The two builders below name every field, and `satisfies` fails the typecheck when the type gains
// a field a builder does not pass on, so nothing added later is dropped. Spreads would be as safe
// but not free: on Node 20 a spread plus extra keys takes V8's slow cloning path, about 5 µs, so
// twice a call is ~1% of a call to the zero-latency fakes of `npm run bench -- llm-overhead`.

/** One attempt's request: the base, the call's signal and the attempt's own observer. */
function attemptRequest(base: BaseRequest, signal: AbortSignal, observer: ObserverStore): AdapterRequest {
  return {
    messages: base.messages,
    model: base.model,
    temperature: base.temperature,
    maxTokens: base.maxTokens,
    json: base.json,
    signal,
    observer,
  } satisfies Record<keyof AdapterRequest, unknown>;
}

/**
 * The finished answer as the core passes it on. The model name and request id came from the
 * vendor, so only clean ids are kept: the model asked for stands in for a bad model name.
 */
function completed(c: Omit<AdapterCompletion, 'text'>, text: string, latencyMs: number, requestedModel: string): Completed {
  return {
    text,
    finishReason: c.finishReason,
    usage: c.usage,
    model: cleanVendorId(c.model) ?? requestedModel,
    requestId: cleanVendorId(c.requestId) ?? null,
    filterDetail: c.filterDetail,
    latencyMs,
  } satisfies Record<keyof Completed, unknown>;
}

/**
 * The provider-agnostic half of every provider: deadlines, the one retry layer, rate-limit
 * reports, prompts, structured output with one repair, usage and cost. Vendor files only
 * speak their wire format (see adapter.ts).
 */
export class ProviderCore implements LLMProvider {
  readonly name: LLMProviderName;
  /** The provider's own policy, resolved once: most calls bring no policy of their own. */
  private readonly policy: RetryPolicy;

  constructor(
    private readonly adapter: ProviderAdapter,
    private readonly options: ProviderClientOptions & { defaultModel: string },
  ) {
    this.name = adapter.provider;
    this.policy = resolveRetryPolicy(options.retry);
  }

  private requestFor(messages: PromptMessage[], options: CallOptions | undefined, json: JsonFormat | undefined, fallbackMaxTokens: number): BaseRequest {
    return {
      messages,
      model: options?.model ?? this.options.defaultModel,
      temperature: options?.temperature ?? this.options.temperature,
      maxTokens: options?.maxTokens ?? this.options.maxTokens ?? fallbackMaxTokens,
      json,
    };
  }

  private signalsFor(options: CallOptions | undefined): CallSignals {
    return createCallSignals(options?.deadlineMs ?? this.options.deadlineMs ?? DEFAULT_DEADLINE_MS, options?.signal);
  }

  /** A fresh store for one attempt; it reports rate-limit headers when the caller asked. */
  private observer(options: CallOptions | undefined): ObserverStore {
    const onRateLimit = options?.onRateLimit;
    if (!onRateLimit) return {};
    return {
      onResponse: (obs) => {
        const info = parseRateLimitHeaders(this.name, obs.headers);
        if (info) onRateLimit(info);
      },
    };
  }

  private policyFor(options: CallOptions | undefined): RetryPolicy {
    return options?.retry === undefined ? this.policy : resolveRetryPolicy(this.options.retry, options.retry);
  }

  /** One complete (non-streamed) answer, with retries, under the call's signals. */
  private async completeOnce(base: BaseRequest, options: CallOptions | undefined, signals: CallSignals): Promise<Completed> {
    const started = performance.now();
    let store: ObserverStore = {};
    const completion = await runWithRetry(
      {
        provider: this.name,
        model: base.model,
        policy: this.policyFor(options),
        signals,
        toError: (error) => (error instanceof LLMError ? error : this.adapter.toError(error, store.last, base.model)),
      },
      (signal) => {
        store = this.observer(options);
        return this.adapter.complete(attemptRequest(base, signal, store));
      },
    );
    return completed(completion, completion.text, performance.now() - started, base.model);
  }

  /**
   * One streamed answer. Retries happen only before the first delta: once text has reached
   * the caller, a failure ends the call.
   */
  private async *streamOnce(
    base: BaseRequest,
    options: CallOptions | undefined,
    signals: CallSignals,
  ): AsyncGenerator<{ type: 'delta'; text: string } | { type: 'finish'; completion: Completed }> {
    const started = performance.now();
    const policy = this.policyFor(options);
    for (let attempt = 1; ; attempt++) {
      const store = this.observer(options);
      let yielded = false;
      try {
        const iterable = await signals.race(this.adapter.openStream(attemptRequest(base, signals.signal, store)));
        const iterator = iterable[Symbol.asyncIterator]();
        let text = '';
        for (;;) {
          const next = await signals.race(iterator.next());
          if (next.done) throw createLLMError('server', this.name, { model: base.model, retryable: true, detail: 'stream ended early' });
          const event = next.value;
          if (event.type === 'delta') {
            if (event.text === '') continue;
            text += event.text;
            yielded = true;
            yield event;
          } else {
            void iterator.return?.();
            yield { type: 'finish', completion: completed(event.completion, text, performance.now() - started, base.model) };
            return;
          }
        }
      } catch (thrown) {
        const error =
          abortErrorFor(signals, this.name, base.model) ?? (thrown instanceof LLMError ? thrown : this.adapter.toError(thrown, store.last, base.model));
        if (yielded || !error.retryable || attempt >= policy.maxAttempts) throw error;
        if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) throw error;
        const delay = computeRetryDelay(policy, attempt, error.retryAfterMs);
        if (delay >= signals.deadlineMs - (performance.now() - signals.startedAt)) throw error;
        try {
          await sleep(delay, signals);
        } catch {
          throw abortErrorFor(signals, this.name, base.model) ?? error;
        }
      }
    }
  }

  /** Throws for answers that are not answers: filtered, refused. */
  private rejectFiltered(completion: AdapterCompletion): void {
    if (completion.finishReason === 'content_filter' || completion.finishReason === 'refusal') {
      throw createLLMError('content_filtered', this.name, {
        model: completion.model,
        requestId: completion.requestId ?? undefined,
        usage: completion.usage,
        rawText: completion.text || undefined,
        detail: completion.filterDetail ?? (completion.finishReason === 'refusal' ? 'the model refused' : 'content filter'),
      });
    }
    if (completion.finishReason === 'error') {
      throw createLLMError('overloaded', this.name, { model: completion.model, usage: completion.usage, requestId: completion.requestId ?? undefined });
    }
  }

  private toResponse(c: Completed): LLMResponse {
    return {
      content: c.text,
      usage: c.usage,
      model: c.model,
      finishReason: c.finishReason,
      latencyMs: c.latencyMs,
      requestId: c.requestId,
      cost: computeCost(this.name, c.model, c.usage),
    };
  }

  async chat(messages: LLMMessage[], options?: CallOptions): Promise<LLMResponse> {
    await this.adapter.ready?.();
    const signals = this.signalsFor(options);
    let completion: Completed;
    try {
      completion = await this.completeOnce(this.requestFor(messages, options, undefined, DEFAULT_MAX_TOKENS), options, signals);
    } finally {
      signals.dispose();
    }
    this.rejectFiltered(completion);
    if (completion.text === '' && completion.finishReason === 'length') {
      throw createLLMError('invalid_output', this.name, {
        model: completion.model,
        usage: completion.usage,
        detail: 'it hit the token limit before writing any text; raise the max tokens',
      });
    }
    return this.toResponse(completion);
  }

  async *stream(messages: LLMMessage[], options?: CallOptions): AsyncIterable<StreamPart> {
    await this.adapter.ready?.();
    const signals = this.signalsFor(options);
    try {
      for await (const event of this.streamOnce(this.requestFor(messages, options, undefined, DEFAULT_MAX_TOKENS), options, signals)) {
        if (event.type === 'delta') {
          yield { type: 'text-delta', text: event.text };
          continue;
        }
        const c = event.completion;
        this.rejectFiltered(c);
        const { content: _content, ...finish } = this.toResponse(c);
        yield { type: 'finish', ...finish };
      }
    } finally {
      signals.dispose();
    }
  }

  /**
   * Asks for structured output, validates it, and makes exactly one repair attempt that says
   * what was wrong. Truncation is an error, not a parse attempt. Usage is summed over both calls.
   */
  private async structured<T>(
    messages: PromptMessage[],
    json: JsonFormat,
    validate: (value: unknown) => ParseResult<T>,
    call: SequenceCallOptions | undefined,
    fallbackMaxTokens: number,
  ): Promise<{ value: T; completion: Completed; usage: TokenUsage }> {
    await this.adapter.ready?.();
    const signals = this.signalsFor(call);
    try {
      return await this.structuredWithin(messages, json, validate, call, fallbackMaxTokens, signals);
    } finally {
      signals.dispose();
    }
  }

  private async structuredWithin<T>(
    messages: PromptMessage[],
    json: JsonFormat,
    validate: (value: unknown) => ParseResult<T>,
    call: SequenceCallOptions | undefined,
    fallbackMaxTokens: number,
    signals: CallSignals,
  ): Promise<{ value: T; completion: Completed; usage: TokenUsage }> {
    let usage: TokenUsage | undefined;
    let conversation = messages;
    let lastText = '';
    let issues: string[] = [];
    for (let round = 1; round <= 2; round++) {
      let completion: Completed;
      try {
        completion = await this.answer(this.requestFor(conversation, call, json, fallbackMaxTokens), call, signals);
      } catch (error) {
        // A vendor-side JSON failure (Groq json_validate_failed) gets the same single repair.
        if (round === 1 && error instanceof LLMError && error.code === 'invalid_output') {
          issues = ['the answer was not valid JSON matching the schema'];
          conversation = [...messages, buildRepairMessage(issues)];
          continue;
        }
        if (error instanceof LLMError && usage && error.usage) {
          throw new LLMError(error.code, error.message, { ...error, usage: addUsage(usage, error.usage), cause: error });
        }
        throw error;
      }
      usage = usage ? addUsage(usage, completion.usage) : completion.usage;
      const withUsage = { ...completion, usage };
      this.rejectFiltered(withUsage);
      if (completion.finishReason === 'length') {
        throw createLLMError('invalid_output', this.name, {
          model: completion.model,
          usage,
          rawText: completion.text,
          requestId: completion.requestId ?? undefined,
          detail: 'the answer was cut off at the token limit; raise the max tokens',
        });
      }
      lastText = completion.text;
      const checked = parseStructured(completion.text, validate);
      if (checked.ok) return { value: checked.value, completion: withUsage, usage };
      issues = checked.issues;
      conversation = [...messages, { role: 'assistant', content: completion.text.trim() || '(empty)' }, buildRepairMessage(issues)];
    }
    throw createLLMError('invalid_output', this.name, {
      model: call?.model ?? this.options.defaultModel,
      usage,
      rawText: lastText,
      // The issues quote the model's words, which may be a stranger's injected text: the log
      // gets them through rawText, the message only says what kind of failure it was.
      detail: lastText.trim() === '' ? 'the answer was empty' : 'it did not match the expected JSON format',
    });
  }

  /** A complete answer, streamed to `onDelta` when the caller wants to watch it being written. */
  private async answer(base: BaseRequest, call: SequenceCallOptions | undefined, signals: CallSignals): Promise<Completed> {
    const onDelta = call?.onDelta;
    if (!onDelta) return this.completeOnce(base, call, signals);
    for await (const event of this.streamOnce(base, call, signals)) {
      if (event.type === 'delta') onDelta(event.text);
      else return event.completion;
    }
    throw createLLMError('server', this.name, { model: base.model, detail: 'stream ended early' });
  }

  async generateSequence(lead: LeadContext, business: BusinessContext, options: SequenceOptions, call?: SequenceCallOptions): Promise<GeneratedSequence> {
    const messages = buildSequenceMessages(lead, business, options, call?.template);
    const { value, completion, usage } = await this.structured(
      messages,
      sequenceJsonFormat(options),
      (v) => validateSequence(v, options),
      call,
      DEFAULT_MAX_TOKENS,
    );
    return {
      steps: value,
      usage,
      cost: computeCost(this.name, completion.model, usage),
      provider: this.name,
      model: completion.model,
      latencyMs: completion.latencyMs,
    };
  }

  async regenerateStep(
    lead: LeadContext,
    business: BusinessContext,
    options: SequenceOptions,
    steps: SequenceStep[],
    stepIndex: number,
    call?: SequenceCallOptions,
  ): Promise<RegeneratedStep> {
    if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex >= options.numberOfSteps) {
      throw createLLMError('invalid_request', this.name, { detail: `step ${stepIndex + 1} is not part of the sequence` });
    }
    const messages = buildRegenerateStepMessages(lead, business, options, steps, stepIndex);
    const { value, completion, usage } = await this.structured(
      messages,
      stepJsonFormat(options),
      (v) => validateRegeneratedStep(v, options, stepIndex),
      call,
      DEFAULT_MAX_TOKENS,
    );
    return { step: value, usage, cost: computeCost(this.name, completion.model, usage), model: completion.model, latencyMs: completion.latencyMs };
  }

  async classifyReply(reply: string, originalOutreach: string, lead?: LeadContext, call?: CallOptions): Promise<ClassifyResult> {
    const messages = buildClassificationMessages(reply, originalOutreach, lead);
    const { value, completion, usage } = await this.structured(messages, CLASSIFICATION_JSON_FORMAT, validateClassification, call, CLASSIFY_MAX_TOKENS);
    return {
      ...value,
      usage,
      cost: computeCost(this.name, completion.model, usage),
      model: completion.model,
      latencyMs: completion.latencyMs,
      requestId: completion.requestId,
    };
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    await this.adapter.ready?.();
    const signals = createCallSignals(this.options.deadlineMs ?? DEFAULT_DEADLINE_MS, signal);
    let store: ObserverStore = {};
    try {
      const ids = await runWithRetry(
        {
          provider: this.name,
          policy: this.policy,
          signals,
          toError: (error) => (error instanceof LLMError ? error : this.adapter.toError(error, store.last, undefined)),
        },
        (s) => {
          store = {};
          return this.adapter.listModelIds(s, store);
        },
      );
      return mergeModelLists(this.name, ids);
    } finally {
      signals.dispose();
    }
  }
}

/** Merges the vendor's ids with the catalog, flagging what either side does not know. */
export function mergeModelLists(provider: LLMProviderName, vendorIds: string[]): ModelInfo[] {
  const catalog = getCatalog(provider);
  const vendor = new Set<string>();
  for (const raw of vendorIds) {
    // Listed ids are vendor text like any other: an id that is not an id is left out.
    const id = cleanVendorId(raw.startsWith('models/') ? raw.slice('models/'.length) : raw);
    if (id) vendor.add(id);
  }
  const merged: ModelInfo[] = catalog.map((m) => ({ ...m, missingFromVendor: !vendor.has(m.id) }));
  for (const id of vendor) {
    if (catalog.some((m) => m.id === id)) continue;
    merged.push({
      id,
      provider,
      displayName: id,
      contextWindow: null,
      inputPerMTok: null,
      outputPerMTok: null,
      cachedInputPerMTok: null,
      fast: false,
      deprecated: false,
      unknownToCatalog: true,
      missingFromVendor: false,
    });
  }
  return merged;
}
