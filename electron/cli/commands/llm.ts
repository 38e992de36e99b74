import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { llmProviderNameSchema, type FinishReason, type LLMProviderName } from '../../../shared/domain/llm';
import { MAX_TOKENS_LIMIT } from '../../../shared/domain/org';
import { channelSchema, type Channel } from '../../../shared/domain/sequence';
import { isEvent } from '../../../shared/ipc/events';
import { parseCommandArgs, type Command } from '../context';
import { readBusinessFile, readLeadFile } from '../context-files';
import { formatTable, formatUsd, parseInteger, parseList, readStdin, UsageError } from '../io';
import { createStepStreamPrinter } from '../stream-printer';

/** A provider name from a flag or argument; a usage error names the known ones. Undefined only when the value is. */
export function parseProvider(value: string, flag?: string): LLMProviderName;
export function parseProvider(value: string | undefined, flag?: string): LLMProviderName | undefined;
export function parseProvider(value: string | undefined, flag = 'provider'): LLMProviderName | undefined {
  if (value === undefined) return undefined;
  const parsed = llmProviderNameSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`Unknown ${flag} "${value}": use one of ${llmProviderNameSchema.options.join(', ')}.`);
  return parsed.data;
}

/** `--channels email,sms` as channels; email when the flag is absent. */
export function parseChannels(value: string | undefined): Channel[] {
  return (parseList(value, '--channels') ?? ['email']).map((c) => {
    const parsed = channelSchema.safeParse(c);
    if (!parsed.success) throw new UsageError(`Unknown channel "${c}": use one of ${channelSchema.options.join(', ')}.`);
    return parsed.data;
  });
}

/**
 * An answer that came back without an error can still be useless: empty (exit 1, it is no answer)
 * or cut off at the token limit (a warning: what came may still be what the user wanted).
 */
export function checkAnswer(provider: string, text: string, finishReason: FinishReason, cutOffFix: string): { exitCode: 0 | 1; message: string | null } {
  if (text.trim() === '') {
    const why = finishReason === 'length' ? ' (it reached the token limit before writing anything)' : '';
    return { exitCode: 1, message: `error[invalid_output]: ${provider} returned an empty answer${why}. Try again, or pick another model with --model.` };
  }
  if (finishReason === 'length') return { exitCode: 0, message: `warning: The answer was cut off at the token limit. ${cutOffFix}` };
  return { exitCode: 0, message: null };
}

/** The fix for a chat answer cut off at the org's maxTokens. */
function raiseMaxTokens(current: number): string {
  return current >= MAX_TOKENS_LIMIT
    ? `maxTokens is already at its highest (${current}): ask for a shorter answer.`
    : `Raise it with: outreach-desk settings set maxTokens=${Math.min(MAX_TOKENS_LIMIT, current * 2)} (now ${current}).`;
}

export const providersCommand: Command = async ({ core, io }, args) => {
  parseCommandArgs(args, {}, 'providers');
  const providers = await core.invoke('llm:providers', undefined);
  const settings = await core.invoke('settings:get-llm', undefined);
  const rows = providers.map((p) => {
    const key = settings.keys.find((k) => k.provider === p.name) ?? { source: 'none', last4: null };
    return {
      provider: p.name,
      default: p.name === settings.provider,
      key: key.source,
      keyEndsIn: key.last4,
      model: settings.settings.models[p.name] ?? p.defaultModel,
      baseUrl: settings.settings.baseUrls[p.name] ?? p.defaultBaseUrl,
    };
  });
  if (io.json) return io.out(JSON.stringify({ providers: rows }, null, 2));
  io.out(
    formatTable(
      ['PROVIDER', 'KEY', 'MODEL', 'BASE URL'],
      rows.map((r) => [
        `${r.provider}${r.default ? ' (default)' : ''}`,
        r.keyEndsIn ? `${r.key} …${r.keyEndsIn}` : r.key,
        r.model,
        r.baseUrl ?? '(vendor default)',
      ]),
    ),
  );
};

export const modelsCommand: Command = async ({ core, io }, args) => {
  const { values, positionals } = parseCommandArgs(args, { refresh: { type: 'boolean' } }, 'models');
  const provider = parseProvider(positionals[0]);
  if (!provider) throw new UsageError('models needs a provider, e.g. "outreach-desk models openai".');
  const result = await core.invoke('llm:models', { provider, refresh: values.refresh ?? false });
  if (io.json) return io.out(JSON.stringify(result, null, 2));
  const price = (v: number | null) => (v === null ? '?' : `$${v}`);
  io.out(
    formatTable(
      ['MODEL', 'NAME', 'CONTEXT', 'IN/MTOK', 'OUT/MTOK', 'FLAGS'],
      result.models.map((m) => [
        m.id,
        m.displayName,
        m.contextWindow ?? '?',
        price(m.inputPerMTok),
        price(m.outputPerMTok),
        [m.fast && 'fast', m.deprecated && 'deprecated', m.unknownToCatalog && 'not-in-catalog', m.missingFromVendor && 'not-listed-by-vendor']
          .filter(Boolean)
          .join(','),
      ]),
    ),
  );
  io.err(
    `Prices: ${result.priceTable.version} (as of ${result.priceTable.pricesAsOf}, ${result.priceTable.source})${result.live ? "; merged with the vendor's live list" : ''}`,
  );
};

export const testCommand: Command = async ({ core, io }, args) => {
  const { values, positionals } = parseCommandArgs(args, { model: { type: 'string' }, prompt: { type: 'string' } }, 'test');
  const provider = parseProvider(positionals[0]);
  const result = await core.invoke('llm:test', { provider, model: values.model, prompt: values.prompt });
  const check = checkAnswer(result.provider, result.response, result.finishReason, 'The connection works; the test allows only a short reply.');
  if (io.json) {
    io.out(JSON.stringify(result, null, 2));
  } else {
    io.out(`${check.exitCode === 0 ? '✓' : '✗'} ${result.provider} answered with ${result.model} in ${Math.round(result.latencyMs)} ms`);
    io.out(`  reply: ${result.response}`);
    io.out(`  usage: ${result.usage.inputTokens} in / ${result.usage.outputTokens} out tokens, ${formatUsd(result.cost.usd)}`);
  }
  if (check.message) io.err(check.message);
  return check.exitCode;
};

export const chatCommand: Command = async ({ core, io }, args) => {
  const { values, positionals } = parseCommandArgs(args, { model: { type: 'string' }, stream: { type: 'boolean' } }, 'chat');
  const provider = parseProvider(positionals[0]);
  const prompt = positionals.slice(1).join(' ');
  if (!provider || !prompt) throw new UsageError('chat needs a provider and a prompt, e.g. outreach-desk chat groq "Hello".');
  const messages = [{ role: 'user' as const, content: prompt }];
  const llm = core.services.llm;
  const cutOffFix = raiseMaxTokens(core.services.session.current().org.settings.maxTokens);
  if (!values.stream) {
    const response = await llm.call('chat', { provider, model: values.model }, (t) => t.client.chat(messages, { model: t.model }));
    const check = checkAnswer(provider, response.content, response.finishReason, cutOffFix);
    if (io.json) {
      io.out(JSON.stringify(response, null, 2));
    } else {
      io.out(response.content);
      io.err(
        `${response.model} · ${response.usage.inputTokens} in / ${response.usage.outputTokens} out · ${formatUsd(response.cost.usd)} · ${Math.round(response.latencyMs)} ms`,
      );
    }
    if (check.message) io.err(check.message);
    return check.exitCode;
  }
  let content = '';
  const finish = await llm.call('chat', { provider, model: values.model }, async (t) => {
    for await (const part of t.client.stream(messages, { model: t.model })) {
      if (part.type === 'text-delta') {
        content += part.text;
        if (!io.json) process.stdout.write(part.text);
      } else {
        return { ...part, content };
      }
    }
    throw new Error('The stream ended without a finish part.');
  });
  const check = checkAnswer(provider, content, finish.finishReason, cutOffFix);
  if (io.json) {
    io.out(JSON.stringify(finish, null, 2));
  } else {
    io.out('');
    io.err(
      `${finish.model} · ${finish.usage.inputTokens} in / ${finish.usage.outputTokens} out · ${formatUsd(finish.cost.usd)} · ${Math.round(finish.latencyMs)} ms`,
    );
  }
  if (check.message) io.err(check.message);
  return check.exitCode;
};

export const generateCommand: Command = async ({ core, io }, args) => {
  const { values } = parseCommandArgs(
    args,
    {
      lead: { type: 'string' },
      business: { type: 'string' },
      steps: { type: 'string' },
      channels: { type: 'string' },
      delays: { type: 'string' },
      subjects: { type: 'boolean' },
      language: { type: 'string' },
      provider: { type: 'string' },
      model: { type: 'string' },
      stream: { type: 'boolean' },
    },
    'generate',
  );
  if (!values.lead || !values.business) throw new UsageError('generate needs --lead FILE.json and --business FILE.json.');
  const channels = parseChannels(values.channels);
  const delays = parseList(values.delays, '--delays')?.map((d) => parseInteger(d, '--delays'));
  const numberOfSteps = parseInteger(values.steps, '--steps') ?? delays?.length ?? 3;
  const requestId = randomUUID();
  const input = {
    requestId,
    lead: await readLeadFile(values.lead, io),
    business: await readBusinessFile(values.business, io),
    options: { numberOfSteps, channels, delayDays: delays, includeSubjects: values.subjects ?? false, language: values.language },
    provider: parseProvider(values.provider),
    model: values.model,
  };
  // Streamed steps go to stderr as they form; stdout gets the validated sequence at the end.
  const printer = values.stream === true && !io.json ? createStepStreamPrinter((text) => process.stderr.write(text)) : null;
  const result = await core.invoke('sequences:generate', input, {
    emit: (event, payload) => {
      if (printer && isEvent('llm:stream', event, payload) && payload.part.type === 'text-delta') printer.push(payload.part.text);
    },
  });
  if (printer) {
    printer.end();
    process.stderr.write('\n');
  }
  if (io.json) return io.out(JSON.stringify(result, null, 2));
  // On a terminal the streamed steps are already on screen; print again only when piped, or
  // when the validated sequence differs from what streamed (the model's answer was repaired).
  const sameAsStreamed = printer !== null && JSON.stringify(printer.streamedBodies()) === JSON.stringify(result.steps.map((s) => s.body));
  const printSteps = !(printer && process.stdout.isTTY && sameAsStreamed);
  if (printer && !sameAsStreamed) io.err('The streamed answer was repaired; the validated sequence:');
  for (const step of printSteps ? result.steps : []) {
    io.out(`Step ${step.step} · day +${step.delay_days} · ${step.channel}${step.subject ? ` · ${step.subject}` : ''}`);
    io.out(step.body.replace(/^/gm, '  '));
    io.out('');
  }
  io.err(`${result.provider} ${result.model} · ${result.usage.inputTokens} in / ${result.usage.outputTokens} out · ${formatUsd(result.cost.usd)}`);
};

export const classifyCommand: Command = async ({ core, io }, args) => {
  const { values, positionals } = parseCommandArgs(
    args,
    { reply: { type: 'string' }, original: { type: 'string' }, provider: { type: 'string' }, model: { type: 'string' } },
    'classify',
  );
  const fromStdin = values.reply === '-' || positionals[0] === '-';
  // null: stdin; undefined or '': no reply given.
  const replyFile = fromStdin ? null : values.reply;
  if (replyFile === undefined || replyFile === '') throw new UsageError('classify needs --reply FILE (an .eml or a text file), or - to read stdin.');
  let source: string;
  try {
    source = replyFile === null ? await readStdin() : await readFile(replyFile, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the reply file "${values.reply}": check the path.`);
  }
  if (!source.trim()) throw new UsageError('The reply is empty.');
  const original = values.original
    ? await readFile(values.original, 'utf8').catch(() => {
        throw new UsageError(`Cannot read "${values.original}".`);
      })
    : undefined;
  const asEml = replyFile?.toLowerCase().endsWith('.eml');
  const reply = await core.invoke('replies:classify', {
    ...(asEml ? { eml: source } : { text: source }),
    originalOutreach: original,
    provider: parseProvider(values.provider),
    model: values.model,
  });
  if (io.json) return io.out(JSON.stringify(reply, null, 2));
  io.out(
    `${reply.classification ?? 'undecided'} (${reply.confidence === null ? '?' : `${Math.round(reply.confidence * 100)}%`}, decided by ${reply.decidedBy})`,
  );
  if (reply.reason) io.out(`  reason: ${reply.reason}`);
  if (reply.suggestedAction) io.out(`  suggested action: ${reply.suggestedAction}`);
  if (reply.returnDate) io.out(`  back on: ${reply.returnDate}`);
};
