import type { FinishReason, LLMProviderName, TokenUsage } from '../../../../shared/domain/llm';
import { joinParts, mergeConsecutiveMessages, type AdapterCompletion, type AdapterRequest, type AdapterStreamEvent, type ProviderAdapter } from '../adapter';
import { mapHttpError, mapUnknownError, requestIdFrom } from '../error-mapping';
import { createLLMError } from '../errors';
import { observerFetchOptions, type HttpObservation, type ObserverStore } from '../http-observer';

/**
 * The chat-completions wire format shared by OpenAI, DeepSeek, Groq and local servers. The
 * vendor files hand in their SDK's client (built with `observedFetch`); this file never imports
 * an SDK. The response headers come from the attempt's observer, not `withResponse()`, which
 * costs a second parse promise per call.
 */
export interface ChatCompletionsClient {
  chat: {
    completions: {
      create(body: Record<string, unknown>, options: { signal: AbortSignal; fetchOptions: Record<never, never> }): Promise<unknown>;
    };
  };
}

/** The status, body and headers an SDK's API error carries. */
export interface ApiErrorParts {
  status: number | undefined;
  body: unknown;
  headers: Headers | undefined;
  requestId?: string | null;
}

export interface OpenAICompatibleOptions {
  provider: LLMProviderName;
  client: ChatCompletionsClient;
  /** How this vendor asks for JSON: OpenAI's strict json_schema, or json_object. */
  jsonMode: 'json_schema' | 'json_object';
  /** OpenAI's newer models take `max_completion_tokens`; compatible servers take `max_tokens`. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** The vendor's list-models call; the SDKs page differently. */
  listModelIds(signal: AbortSignal, observer: ObserverStore): Promise<string[]>;
  /** Returns the parts of the SDK's API error, or undefined for anything else. */
  readApiError(error: unknown): ApiErrorParts | undefined;
}

export function mapChatFinishReason(reason: unknown, refusal: unknown): FinishReason {
  if (typeof refusal === 'string' && refusal !== '') return 'refusal';
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    // DeepSeek: the server ran out of capacity mid-answer.
    case 'insufficient_system_resource':
      return 'error';
    default:
      return 'other';
  }
}

interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  prompt_cache_hit_tokens?: number;
}

/** prompt_tokens includes cached tokens on every compatible vendor; DeepSeek names them differently. */
function toUsage(u: ChatUsage | undefined | null): TokenUsage {
  return {
    inputTokens: u?.prompt_tokens ?? 0,
    outputTokens: u?.completion_tokens ?? 0,
    cachedInputTokens: u?.prompt_tokens_details?.cached_tokens ?? u?.prompt_cache_hit_tokens ?? 0,
  };
}

function toBody(request: AdapterRequest, options: OpenAICompatibleOptions, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    messages: mergeConsecutiveMessages(request.messages).map((g) => ({ role: g.role, content: joinParts(g.parts) })),
    [options.maxTokensField]: request.maxTokens,
  };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.json) {
    body.response_format =
      options.jsonMode === 'json_schema'
        ? { type: 'json_schema', json_schema: { name: request.json.name, strict: true, schema: request.json.schema } }
        : { type: 'json_object' };
  }
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createOpenAICompatibleAdapter(options: OpenAICompatibleOptions): ProviderAdapter {
  const { provider, client } = options;

  const badShape = (model: string) => createLLMError('invalid_output', provider, { model, retryable: true, detail: 'the response was not a chat completion' });

  const requestOptions = (request: AdapterRequest) => ({ signal: request.signal, fetchOptions: observerFetchOptions(request.observer) });

  return {
    provider,

    async complete(request): Promise<AdapterCompletion> {
      const data = await client.chat.completions.create(toBody(request, options, false), requestOptions(request));
      // Empty bodies and HTML from proxies reach us as undefined or a string (catalogue T11, T12).
      if (!isRec(data) || !Array.isArray(data.choices)) throw badShape(request.model);
      const choice = data.choices[0];
      if (!isRec(choice) || !isRec(choice.message)) throw badShape(request.model);
      const content = choice.message.content;
      return {
        text: typeof content === 'string' ? content : '',
        finishReason: mapChatFinishReason(choice.finish_reason, choice.message.refusal),
        usage: toUsage(data.usage as ChatUsage | undefined),
        model: typeof data.model === 'string' && data.model ? data.model : request.model,
        requestId: requestIdFrom(request.observer.last?.headers) ?? (isRec(data.x_groq) && typeof data.x_groq.id === 'string' ? data.x_groq.id : null),
        filterDetail: typeof choice.message.refusal === 'string' && choice.message.refusal ? 'the model refused' : undefined,
      };
    },

    async openStream(request) {
      const stream = (await client.chat.completions.create(toBody(request, options, true), requestOptions(request))) as AsyncIterable<unknown>;
      const requestId = requestIdFrom(request.observer.last?.headers) ?? null;
      return (async function* (): AsyncGenerator<AdapterStreamEvent> {
        let finish: unknown = null;
        let refusal = '';
        let usage: ChatUsage | undefined;
        let model = request.model;
        for await (const chunk of stream) {
          if (!isRec(chunk)) continue;
          if (typeof chunk.model === 'string' && chunk.model) model = chunk.model;
          if (isRec(chunk.usage)) usage = chunk.usage as ChatUsage;
          if (isRec(chunk.x_groq) && isRec(chunk.x_groq.usage)) usage = chunk.x_groq.usage as ChatUsage;
          const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
          if (isRec(choice)) {
            const delta = isRec(choice.delta) ? choice.delta : {};
            if (typeof delta.content === 'string' && delta.content !== '') yield { type: 'delta', text: delta.content };
            if (typeof delta.refusal === 'string') refusal += delta.refusal;
            if (choice.finish_reason) finish = choice.finish_reason;
          }
        }
        if (finish === null) throw createLLMError('server', provider, { model, retryable: true, detail: 'stream ended early' });
        yield {
          type: 'finish',
          completion: {
            finishReason: mapChatFinishReason(finish, refusal),
            usage: toUsage(usage),
            model,
            requestId,
            filterDetail: refusal ? 'the model refused' : undefined,
          },
        };
      })();
    },

    listModelIds: options.listModelIds,

    toError(error: unknown, http: HttpObservation | undefined, model: string | undefined) {
      const api = options.readApiError(error);
      if (api && api.status !== undefined) {
        return mapHttpError(provider, api.status, api.body, api.headers ?? http?.headers, {
          model,
          requestId: api.requestId ?? requestIdFrom(api.headers) ?? undefined,
          cause: error,
        });
      }
      if (api?.body) return mapHttpError(provider, 0, api.body, http?.headers, { model, cause: error });
      return mapUnknownError(provider, error, http, model);
    },
  };
}
