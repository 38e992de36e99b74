/**
 * The provider core's overhead over a bare SDK call, per provider, against the fakes at zero
 * latency: per-call time (median and p95) and time to first token of a stream, as ratios
 * core / bare. The goal is under 1.10. Bare and core calls alternate so drift hits both alike,
 * and the figures are medians over several passes so one noisy stretch cannot decide them.
 * The bare calls are the one place outside electron/core/llm/providers that builds an SDK client.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import Groq from 'groq-sdk';
import OpenAI from 'openai';
import { getLLMProvider, PROVIDERS } from '../electron/core/llm';
import { LLM_PROVIDER_NAMES, type LLMProviderName } from '../shared/domain/llm';
import { startFakeProviders, type FakeProviderSet } from '../test/fakes/fake-provider';

const KEY = 'bench-key-0123456789';
const WARMUP = 100;
/** Rounds per provider in all (`BENCH_ROUNDS`), split into passes. */
const PASSES = 8;
const ROUNDS_PER_PASS = Math.max(20, Math.round(Number(process.env.BENCH_ROUNDS ?? 800) / PASSES));
const MESSAGES = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Say hello in one sentence.' },
];

/** One way of making the benchmark's request: the bare SDK or the core. */
interface Side {
  call(): Promise<unknown>;
  /** Resolves with the time to the first text delta of a stream, after draining it. */
  firstToken(): Promise<number>;
}

function bareClient(name: LLMProviderName, fakes: FakeProviderSet): Side {
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
    const params = {
      model,
      contents: [{ role: 'user', parts: [{ text: 'Say hello in one sentence.' }] }],
      config: { systemInstruction: 'Be brief.', maxOutputTokens: 4096 },
    };
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
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const median = (values: number[]) => quantile(values, 0.5);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** One provider's bare and core sides, and the ratios each pass measured. */
interface Subject {
  provider: LLMProviderName;
  bare: Side;
  core: Side;
  bareMedians: number[];
  callMedian: number[];
  callP95: number[];
  ttftMedian: number[];
}

function subjectFor(name: LLMProviderName, fakes: FakeProviderSet): Subject {
  const core = getLLMProvider(name, { apiKey: name === 'local' ? undefined : KEY, baseURL: fakes.baseURLFor(name) });
  return {
    provider: name,
    bare: bareClient(name, fakes),
    core: {
      call: () => core.chat(MESSAGES),
      async firstToken() {
        const start = performance.now();
        let first = 0;
        for await (const part of core.stream(MESSAGES)) if (!first && part.type === 'text-delta') first = performance.now() - start;
        return first;
      },
    },
    bareMedians: [],
    callMedian: [],
    callP95: [],
    ttftMedian: [],
  };
}

/**
 * One pass of `rounds` rounds for one provider. A round is a bare call, a core call, a bare
 * stream and a core stream; odd rounds run the core side first, so neither side always runs on
 * a warmer event loop. Records this pass's ratios core / bare.
 */
async function runPass(subject: Subject, rounds: number, fakes: FakeProviderSet): Promise<void> {
  const { bare, core } = subject;
  // The fakes keep every request they get; forgetting them keeps the heap, and so the garbage
  // collector's pauses that land on random calls, the same size from the first pass to the last.
  fakes.forProvider(subject.provider).reset();
  const bareTimes: number[] = [];
  const coreTimes: number[] = [];
  const bareTtft: number[] = [];
  const coreTtft: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      bareTimes.push(await time(bare.call));
      coreTimes.push(await time(core.call));
      bareTtft.push(await bare.firstToken());
      coreTtft.push(await core.firstToken());
    } else {
      coreTimes.push(await time(core.call));
      bareTimes.push(await time(bare.call));
      coreTtft.push(await core.firstToken());
      bareTtft.push(await bare.firstToken());
    }
  }
  subject.bareMedians.push(median(bareTimes));
  subject.callMedian.push(median(coreTimes) / median(bareTimes));
  subject.callP95.push(quantile(coreTimes, 0.95) / quantile(bareTimes, 0.95));
  subject.ttftMedian.push(median(coreTtft) / median(bareTtft));
}

export async function runLlmOverhead(): Promise<void> {
  const fakes = await startFakeProviders({ latencyMs: 0 });
  let subjects: Subject[];
  try {
    subjects = LLM_PROVIDER_NAMES.map((name) => subjectFor(name, fakes));
    for (const subject of subjects) {
      for (let i = 0; i < WARMUP; i++) {
        await subject.bare.call();
        await subject.core.call();
        await subject.bare.firstToken();
        await subject.core.firstToken();
      }
    }
    // Passes go round the providers, so a burst of load from elsewhere on the machine lands
    // on every provider's figures alike instead of spoiling one provider's.
    for (let pass = 0; pass < PASSES; pass++) {
      for (const subject of subjects) await runPass(subject, ROUNDS_PER_PASS, fakes);
    }
  } finally {
    await fakes.close();
  }
  const pad = (s: string, n: number) => s.padEnd(n);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`${PASSES} passes x ${ROUNDS_PER_PASS} rounds per provider (after ${WARMUP} warm-up rounds), fakes at zero latency.`);
  out('Each pass computes core / bare SDK for the call median, the call p95 and the median time to first');
  out('token; a figure below is the median of those per-pass ratios (range over the passes in brackets).');
  out(`${pad('provider', 11)}${pad('bare median ms', 16)}${pad('call median', 22)}${pad('call p95', 22)}${pad('TTFT median', 22)}`);
  const cell = (ratios: number[]) => `${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`;
  for (const s of subjects) {
    out(
      `${pad(s.provider, 11)}${pad(median(s.bareMedians).toFixed(2), 16)}${pad(cell(s.callMedian), 22)}${pad(cell(s.callP95), 22)}${pad(cell(s.ttftMedian), 22)}`,
    );
  }
  const worst = Math.max(...subjects.flatMap((s) => [median(s.callMedian), median(s.ttftMedian)]));
  out(`worst median ratio (call or TTFT) ${worst.toFixed(3)}: ${worst < 1.1 ? 'within' : 'OVER'} the 10% goal`);
}
