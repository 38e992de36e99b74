/**
 * The provider core's overhead over a bare SDK call, per provider, against the fakes at zero
 * latency: per-call time (median and p95) and time to first token of a stream, as ratios
 * core / bare. The goal is under 1.10. Bare and core calls alternate so drift hits both alike.
 * The bare calls are the one place outside electron/core/llm/providers that builds an SDK client.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import Groq from 'groq-sdk';
import OpenAI from 'openai';
import { getLLMProvider, PROVIDERS } from '../electron/core/llm';
import type { LLMProviderName } from '../shared/domain/llm';
import { startFakeProviders, type FakeProviderSet } from '../test/fakes/fake-provider';

const KEY = 'bench-key-0123456789';
const WARMUP = 30;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const PROVIDER_NAMES: LLMProviderName[] = ['anthropic', 'openai', 'gemini', 'deepseek', 'groq', 'local'];
const MESSAGES = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Say hello in one sentence.' },
];

interface BareClient {
  call(): Promise<unknown>;
  /** Resolves at the first text delta of a stream, then drains it. */
  firstToken(): Promise<number>;
}

function bareClient(name: LLMProviderName, fakes: FakeProviderSet): BareClient {
  const baseURL = fakes.baseURLFor(name);
  const model = PROVIDERS[name].defaultModel;
  if (name === 'anthropic') {
    const client = new Anthropic({ apiKey: KEY, baseURL, maxRetries: 0, logLevel: 'off' });
    const params = { model, max_tokens: 4096, system: 'Be brief.', messages: [{ role: 'user' as const, content: 'Say hello in one sentence.' }] };
    return {
      call: () => client.messages.create(params),
      async firstToken() {
        const start = performance.now();
        let first = 0;
        for await (const e of await client.messages.create({ ...params, stream: true })) {
          if (!first && e.type === 'content_block_delta') first = performance.now() - start;
        }
        return first;
      },
    };
  }
  if (name === 'gemini') {
    const client = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: baseURL } });
    const params = { model, contents: [{ role: 'user', parts: [{ text: 'Say hello in one sentence.' }] }], config: { systemInstruction: 'Be brief.', maxOutputTokens: 4096 } };
    return {
      call: () => client.models.generateContent(params),
      async firstToken() {
        const start = performance.now();
        let first = 0;
        for await (const chunk of await client.models.generateContentStream(params)) {
          if (!first && chunk.candidates?.[0]?.content?.parts?.length) first = performance.now() - start;
        }
        return first;
      },
    };
  }
  const client =
    name === 'groq'
      ? (new Groq({ apiKey: KEY, baseURL, maxRetries: 0, logLevel: 'off' }) as unknown as OpenAI)
      : new OpenAI({ apiKey: KEY, baseURL, maxRetries: 0, logLevel: 'off' });
  const params = { model, messages: MESSAGES, max_tokens: 4096 };
  return {
    call: () => client.chat.completions.create(params),
    async firstToken() {
      const start = performance.now();
      let first = 0;
      for await (const chunk of await client.chat.completions.create({ ...params, stream: true })) {
        if (!first && chunk.choices[0]?.delta?.content) first = performance.now() - start;
      }
      return first;
    },
  };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

interface Row {
  provider: LLMProviderName;
  bareMedian: number;
  medianRatio: number;
  p95Ratio: number;
  ttftRatio: number;
}

export async function runLlmOverhead(): Promise<void> {
  const fakes = await startFakeProviders({ latencyMs: 0 });
  const rows: Row[] = [];
  try {
    for (const name of PROVIDER_NAMES) {
      const bare = bareClient(name, fakes);
      const core = getLLMProvider(name, { apiKey: name === 'local' ? undefined : KEY, baseURL: fakes.baseURLFor(name) });
      const coreCall = () => core.chat(MESSAGES);
      const coreFirstToken = async () => {
        const start = performance.now();
        let first = 0;
        for await (const part of core.stream(MESSAGES)) if (!first && part.type === 'text-delta') first = performance.now() - start;
        return first;
      };
      for (let i = 0; i < WARMUP; i++) {
        await bare.call();
        await coreCall();
        await bare.firstToken();
        await coreFirstToken();
      }
      const bareTimes: number[] = [];
      const coreTimes: number[] = [];
      const bareTtft: number[] = [];
      const coreTtft: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        // Alternate which side goes first, so neither always runs on a warmer event loop.
        if (i % 2 === 0) {
          bareTimes.push(await time(bare.call));
          coreTimes.push(await time(coreCall));
          bareTtft.push(await bare.firstToken());
          coreTtft.push(await coreFirstToken());
        } else {
          coreTimes.push(await time(coreCall));
          bareTimes.push(await time(bare.call));
          coreTtft.push(await coreFirstToken());
          bareTtft.push(await bare.firstToken());
        }
      }
      rows.push({
        provider: name,
        bareMedian: quantile(bareTimes, 0.5),
        medianRatio: quantile(coreTimes, 0.5) / quantile(bareTimes, 0.5),
        p95Ratio: quantile(coreTimes, 0.95) / quantile(bareTimes, 0.95),
        ttftRatio: quantile(coreTtft, 0.5) / quantile(bareTtft, 0.5),
      });
    }
  } finally {
    await fakes.close();
  }
  const pad = (s: string, n: number) => s.padEnd(n);
  process.stdout.write(`rounds per provider: ${ROUNDS} (after ${WARMUP} warm-up), fakes at zero latency; ratio = core / bare SDK\n`);
  process.stdout.write(`${pad('provider', 11)}${pad('bare median ms', 16)}${pad('call median', 13)}${pad('call p95', 10)}${pad('TTFT median', 12)}\n`);
  for (const r of rows) {
    process.stdout.write(
      `${pad(r.provider, 11)}${pad(r.bareMedian.toFixed(2), 16)}${pad(r.medianRatio.toFixed(3), 13)}${pad(r.p95Ratio.toFixed(3), 10)}${pad(r.ttftRatio.toFixed(3), 12)}\n`,
    );
  }
  const worst = Math.max(...rows.map((r) => r.medianRatio));
  process.stdout.write(`worst median ratio ${worst.toFixed(3)}: ${worst < 1.1 ? 'within' : 'OVER'} the 10% goal\n`);
}
