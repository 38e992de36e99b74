import type { GenerateContentConfig, GenerateContentResponse } from '@google/genai';
import type { FinishReason, TokenUsage } from '../../../../shared/domain/llm';
import { mergeConsecutiveMessages, type AdapterCompletion, type AdapterRequest, type AdapterStreamEvent, type ProviderAdapter } from '../adapter';
import { mapHttpError, mapUnknownError, requestIdFrom } from '../error-mapping';
import { attemptFetch, type HttpObservation } from '../http-observer';
import { cleanVendorCode } from '../vendor-text';

export interface GeminiAdapterOptions {
  apiKey: string;
  baseURL: string;
}

const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'OTHER',
  'MALFORMED_FUNCTION_CALL',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * Gemini's finish reasons in our words. Everything that is not STOP or MAX_TOKENS means the
 * answer was withheld (catalogue P-G3): the SDK does not throw for most of them.
 */
export function mapGeminiFinishReason(reason: string | undefined): FinishReason {
  if (reason === undefined || reason === 'STOP' || reason === 'FINISH_REASON_UNSPECIFIED') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(reason)) return 'content_filter';
  return 'content_filter';
}

interface GeminiUsageLike {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
}

/** Thinking tokens are billed as output; promptTokenCount already includes cached content. */
function toUsage(u: GeminiUsageLike | undefined): TokenUsage {
  return {
    inputTokens: u?.promptTokenCount ?? 0,
    outputTokens: (u?.candidatesTokenCount ?? 0) + (u?.thoughtsTokenCount ?? 0),
    cachedInputTokens: u?.cachedContentTokenCount ?? 0,
  };
}

function toParams(request: AdapterRequest) {
  const system: string[] = [];
  const contents: { role: 'user' | 'model'; parts: { text: string }[] }[] = [];
  for (const group of mergeConsecutiveMessages(request.messages)) {
    if (group.role === 'system') system.push(...group.parts.map((p) => p.content));
    else contents.push({ role: group.role === 'assistant' ? 'model' : 'user', parts: group.parts.map((p) => ({ text: p.content })) });
  }
  // The signal goes to the attempt's fetch, not to the SDK: given a signal or a timeout, the SDK
  // builds a controller, a listener and a timer of its own on every call.
  const config: GenerateContentConfig = {
    httpOptions: { fetch: attemptFetch(request.observer, request.signal) },
    maxOutputTokens: request.maxTokens,
  };
  if (system.length) config.systemInstruction = { parts: system.map((text) => ({ text })) };
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.json) {
    config.responseMimeType = 'application/json';
    config.responseJsonSchema = request.json.schema;
  }
  return { model: request.model, contents, config };
}

interface ChunkState {
  finishReason?: string;
  blockReason?: string;
  usage?: GeminiUsageLike;
  model?: string;
  responseId?: string;
}

/** Reads one response (or stream chunk): its answer text (thoughts excluded) and state. */
function readResponse(response: GenerateContentResponse, state: ChunkState): string {
  if (response.usageMetadata) state.usage = response.usageMetadata;
  if (response.modelVersion) state.model = response.modelVersion;
  if (response.responseId) state.responseId = response.responseId;
  if (response.promptFeedback?.blockReason) state.blockReason = response.promptFeedback.blockReason;
  const candidate = response.candidates?.[0];
  if (candidate?.finishReason) state.finishReason = candidate.finishReason;
  return (candidate?.content?.parts ?? [])
    .filter((p) => !p.thought && typeof p.text === 'string')
    .map((p) => p.text)
    .join('');
}

function finishFrom(state: ChunkState, request: AdapterRequest, headers: Headers | undefined): Omit<AdapterCompletion, 'text'> {
  const blocked = state.blockReason !== undefined;
  return {
    finishReason: blocked ? 'content_filter' : mapGeminiFinishReason(state.finishReason),
    usage: toUsage(state.usage),
    model: state.model ?? request.model,
    requestId: requestIdFrom(headers) ?? state.responseId ?? null,
    filterDetail: blocked
      ? `prompt blocked: ${cleanVendorCode(state.blockReason) ?? 'reason not given'}`
      : state.finishReason && FILTERED.has(state.finishReason)
        ? `answer withheld: ${state.finishReason}`
        : undefined,
  };
}

/**
 * Gemini through `@google/genai`. The client has no timeout and no fetch of its own: every
 * request brings a fetch bound to its attempt (see `attemptFetch`), which records the response
 * (Gemini's errors carry no headers) and carries the call's signal, the one real bound.
 */
export async function createGeminiAdapter(options: GeminiAdapterOptions): Promise<ProviderAdapter> {
  // The SDK loads with the first adapter, not with the core (factory.ts, lazy-adapter.ts).
  const { ApiError, GoogleGenAI } = await import('@google/genai');
  const client = new GoogleGenAI({
    apiKey: options.apiKey,
    vertexai: false,
    httpOptions: { baseUrl: options.baseURL },
  });

  return {
    provider: 'gemini',

    async complete(request): Promise<AdapterCompletion> {
      const response = await client.models.generateContent(toParams(request));
      const state: ChunkState = {};
      const text = readResponse(response, state);
      return { text, ...finishFrom(state, request, request.observer.last?.headers) };
    },

    async openStream(request) {
      const stream = await client.models.generateContentStream(toParams(request));
      const headers = request.observer.last?.headers;
      return (async function* (): AsyncGenerator<AdapterStreamEvent> {
        const state: ChunkState = {};
        for await (const chunk of stream) {
          const text = readResponse(chunk, state);
          if (text) yield { type: 'delta', text };
        }
        yield { type: 'finish', completion: finishFrom(state, request, headers) };
      })();
    },

    async listModelIds(signal, observer) {
      const ids: string[] = [];
      const pager = await client.models.list({ config: { httpOptions: { fetch: attemptFetch(observer, signal) }, pageSize: 1000 } });
      for await (const model of pager) if (model.name) ids.push(model.name.replace(/^models\//, ''));
      return ids;
    },

    toError(error: unknown, http: HttpObservation | undefined, model: string | undefined) {
      if (error instanceof ApiError) {
        // The SDK puts the whole JSON body into the message; we read it, never show it.
        return mapHttpError('gemini', error.status, extractJsonBody(error.message), http?.headers, { model, cause: error });
      }
      return mapUnknownError('gemini', error, http, model);
    },
  };
}

function extractJsonBody(message: string): unknown {
  const start = message.indexOf('{');
  if (start === -1) return undefined;
  try {
    return JSON.parse(message.slice(start));
  } catch {
    return undefined;
  }
}
