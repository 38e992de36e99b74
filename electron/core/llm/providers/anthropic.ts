import type Anthropic from '@anthropic-ai/sdk';
import type { FinishReason, TokenUsage } from '../../../../shared/domain/llm';
import { mergeConsecutiveMessages, type AdapterCompletion, type AdapterRequest, type AdapterStreamEvent, type ProviderAdapter } from '../adapter';
import { mapHttpError, mapUnknownError, requestIdFrom } from '../error-mapping';
import { createLLMError } from '../errors';
import { observedFetch, observerFetchOptions, type HttpObservation } from '../http-observer';

export interface AnthropicAdapterOptions {
  apiKey: string;
  baseURL: string;
  logLevel: 'off' | 'warn';
  timeoutMs: number;
}

/** Anthropic's stop reasons in our words. */
export function mapAnthropicStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'refusal':
      return 'refusal';
    case 'tool_use':
      return 'tool_calls';
    default:
      return 'other';
  }
}

interface AnthropicUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** Anthropic reports input without cache reads and writes; we count them all as input. */
function toUsage(u: AnthropicUsageLike | undefined): TokenUsage {
  const cacheRead = u?.cache_read_input_tokens ?? 0;
  return {
    inputTokens: (u?.input_tokens ?? 0) + cacheRead + (u?.cache_creation_input_tokens ?? 0),
    outputTokens: u?.output_tokens ?? 0,
    cachedInputTokens: cacheRead,
  };
}

type TextBlock = { type: 'text'; text: string; cache_control?: { type: 'ephemeral' } };

/** The Messages API body: the system prompt and stable prefix carry `cache_control`. */
function toParams(request: AdapterRequest): Anthropic.MessageCreateParamsNonStreaming {
  const system: TextBlock[] = [];
  const messages: { role: 'user' | 'assistant'; content: TextBlock[] }[] = [];
  for (const group of mergeConsecutiveMessages(request.messages)) {
    const blocks = group.parts.map(
      (p): TextBlock => (p.cacheBreakpoint ? { type: 'text', text: p.content, cache_control: { type: 'ephemeral' } } : { type: 'text', text: p.content }),
    );
    if (group.role === 'system') system.push(...blocks);
    else messages.push({ role: group.role, content: blocks });
  }
  const lastSystem = system.at(-1);
  if (lastSystem && !system.some((b) => b.cache_control)) lastSystem.cache_control = { type: 'ephemeral' };
  const params: Anthropic.MessageCreateParamsNonStreaming = {
    model: request.model,
    max_tokens: request.maxTokens,
    messages,
  };
  if (system.length) params.system = system;
  // The SDK's types dropped `temperature` (newer models reject non-default sampling); the API
  // still takes it for older models, so it goes through only when the caller set it.
  if (request.temperature !== undefined) Object.assign(params, { temperature: request.temperature });
  if (request.json) params.output_config = { format: { type: 'json_schema', schema: request.json.schema } };
  return params;
}

export async function createAnthropicAdapter(options: AnthropicAdapterOptions): Promise<ProviderAdapter> {
  // The SDK loads with the first adapter, not with the core (factory.ts, lazy-adapter.ts).
  const { default: AnthropicSdk } = await import('@anthropic-ai/sdk');
  const client = new AnthropicSdk({
    apiKey: options.apiKey,
    authToken: null,
    baseURL: options.baseURL,
    maxRetries: 0,
    timeout: options.timeoutMs,
    logLevel: options.logLevel,
    fetch: observedFetch,
  });

  const text = (content: readonly { type: string }[]): string =>
    content
      .filter((b): b is { type: 'text'; text: string } => b.type === 'text')
      .map((b) => b.text)
      .join('');

  // The response headers come from the attempt's observer rather than `withResponse()`.
  const requestOptions = (request: AdapterRequest) => ({ signal: request.signal, fetchOptions: observerFetchOptions(request.observer) });

  return {
    provider: 'anthropic',

    async complete(request): Promise<AdapterCompletion> {
      const data = await client.messages.create(toParams(request), requestOptions(request));
      if (!data || typeof data !== 'object' || !Array.isArray(data.content)) {
        throw createLLMError('invalid_output', 'anthropic', { model: request.model, retryable: true, detail: 'the response was not a message' });
      }
      return {
        text: text(data.content),
        finishReason: mapAnthropicStopReason(data.stop_reason),
        usage: toUsage(data.usage),
        model: data.model || request.model,
        requestId: requestIdFrom(request.observer.last?.headers) ?? data.id ?? null,
        filterDetail: data.stop_reason === 'refusal' ? 'the model refused' : undefined,
      };
    },

    async openStream(request) {
      const stream = await client.messages.create({ ...toParams(request), stream: true }, requestOptions(request));
      const requestId = requestIdFrom(request.observer.last?.headers) ?? null;
      return (async function* (): AsyncGenerator<AdapterStreamEvent> {
        let usage: AnthropicUsageLike = {};
        let model = request.model;
        let stop: string | null = null;
        let stopped = false;
        for await (const event of stream) {
          if (event.type === 'message_start') {
            usage = { ...event.message.usage };
            model = event.message.model || model;
          } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
            yield { type: 'delta', text: event.delta.text };
          } else if (event.type === 'message_delta') {
            stop = event.delta.stop_reason ?? stop;
            usage = { ...usage, output_tokens: event.usage.output_tokens ?? usage.output_tokens };
            if (event.usage.input_tokens != null) usage.input_tokens = event.usage.input_tokens;
          } else if (event.type === 'message_stop') {
            stopped = true;
          }
        }
        // The finish waits for the body to end, which comes right after message_stop, as on the
        // other vendors: leaving at message_stop aborted the request mid-body, and every stream
        // paid for the abort and the torn-down socket.
        if (!stopped) return;
        yield {
          type: 'finish',
          completion: {
            finishReason: mapAnthropicStopReason(stop),
            usage: toUsage(usage),
            model,
            requestId,
            filterDetail: stop === 'refusal' ? 'the model refused' : undefined,
          },
        };
      })();
    },

    async listModelIds(signal, observer) {
      const ids: string[] = [];
      for await (const model of client.models.list({ limit: 1000 }, { signal, fetchOptions: observerFetchOptions(observer) })) ids.push(model.id);
      return ids;
    },

    toError(error: unknown, http: HttpObservation | undefined, model: string | undefined) {
      if (error instanceof AnthropicSdk.APIError && error.status !== undefined) {
        return mapHttpError('anthropic', error.status, error.error, error.headers ?? http?.headers, {
          model,
          requestId: error.requestID ?? requestIdFrom(error.headers) ?? undefined,
          cause: error,
        });
      }
      // A mid-stream `event: error` arrives as an APIError without a status.
      if (error instanceof AnthropicSdk.APIError && error.error) {
        return mapHttpError('anthropic', 0, error.error, http?.headers, { model, cause: error });
      }
      return mapUnknownError('anthropic', error, http, model);
    },
  };
}
