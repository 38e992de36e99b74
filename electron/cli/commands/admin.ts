import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { llmProviderNameSchema, type LLMProviderName } from '../../../shared/domain/llm';
import type { LLMSettings, LLMSettingsPatch } from '../../../shared/domain/org';
import { usageGroupBySchema } from '../../../shared/domain/usage';
import { keychainUnavailableError } from '../../core';
import { AppError } from '../../core/errors';
import { formatCsv } from '../../core/csv';
import { parseCommandArgs, type Command } from '../context';
import { formatTable, formatUsd, readStdin, UsageError } from '../io';
import { parseProvider } from './llm';

/** Reads a key from a terminal without echoing it, or from piped stdin. */
export async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) return (await readStdin()).trim();
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  process.stderr.write(prompt);
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  const line = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return line.trim();
}

export const keysCommand: Command = async ({ core, io }, args) => {
  const { values, positionals } = parseCommandArgs(args, { 'session-only': { type: 'boolean' } }, 'keys');
  const [action, providerArg] = positionals;
  if (action === 'status') {
    const view = await core.invoke('settings:get-llm', undefined);
    // Without a keychain, say so and what to install: otherwise "none" everywhere looks like no key was ever set.
    const keychain = core.keychainAvailable
      ? { available: true as const }
      : { available: false as const, message: keychainUnavailableError().messageFor('cli') };
    if (io.json) return io.out(JSON.stringify({ keychain, keys: view.keys }, null, 2));
    io.out(
      formatTable(
        ['PROVIDER', 'KEY'],
        view.keys.map((k) => [k.provider, k.last4 ? `${k.source}, ends in …${k.last4}` : k.source]),
      ),
    );
    if (!keychain.available) io.out(`\n${keychain.message}`);
    return;
  }
  const provider = parseProvider(providerArg);
  if ((action !== 'set' && action !== 'remove') || !provider) {
    throw new UsageError('Use "keys set <provider>" (the key is read from stdin), "keys remove <provider>" or "keys status".');
  }
  const key = action === 'set' ? await readSecret(`Paste the ${provider} key and press Enter: `) : '';
  if (action === 'set' && !key) throw new UsageError('No key was given on stdin.');
  const view = await core.invoke('settings:update-llm', { apiKeys: { [provider]: key }, sessionOnly: values['session-only'] ?? false });
  const status = view.keys.find((k) => k.provider === provider) ?? { source: 'none', last4: null };
  if (io.json) return io.out(JSON.stringify({ provider, source: status.source, last4: status.last4 }, null, 2));
  io.out(
    action === 'set'
      ? `Saved the ${provider} key (${status.source}${status.last4 ? `, ends in …${status.last4}` : ''}).`
      : `Removed the ${provider} key; now using: ${status.source}.`,
  );
};

/** settings set KEY=VALUE: the names admins and scripts use. */
function applySetting(
  key: string,
  value: string,
  patch: { provider?: LLMProviderName; settings: LLMSettingsPatch; orgName?: string; budget?: number | null },
  current: LLMSettings,
): void {
  const [name = '', sub] = key.split('.', 2);
  const provider = () => {
    const p = llmProviderNameSchema.safeParse(sub);
    if (!p.success) throw new UsageError(`"${key}" needs a provider after the dot, e.g. ${name}.openai=…`);
    return p.data;
  };
  const number = () => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${key} needs a number, got "${value}".`);
    return n;
  };
  switch (name) {
    case 'provider':
      patch.provider = parseProvider(value);
      return;
    case 'model':
      patch.settings.models = { ...(patch.settings.models ?? current.models), [provider()]: value };
      return;
    case 'baseUrl': {
      const p = provider();
      const next = { ...(patch.settings.baseUrls ?? current.baseUrls) };
      if (value === '' || value === 'default') delete next[p];
      else next[p] = value;
      patch.settings.baseUrls = next;
      return;
    }
    case 'timeout': {
      // Seconds a call to this provider may take; "default" goes back to the built-in one.
      const p = provider();
      const next = { ...(patch.settings.timeouts ?? current.timeouts) };
      if (value === '' || value === 'default') delete next[p];
      else next[p] = number();
      patch.settings.timeouts = next;
      return;
    }
    case 'temperature':
      patch.settings.temperature = number();
      return;
    case 'maxTokens':
      patch.settings.maxTokens = number();
      return;
    case 'fallback':
      patch.settings.fallbackOrder = value === '' ? [] : value.split(',').map((v) => parseProvider(v.trim()));
      return;
    case 'budget':
      patch.budget = value === 'none' || value === '' ? null : number();
      return;
    case 'orgName':
      patch.orgName = value;
      return;
    default:
      throw new UsageError(
        `Unknown setting "${key}". Known: provider, model.<provider>, baseUrl.<provider>, timeout.<provider> (seconds), temperature, maxTokens, fallback, budget, orgName.`,
      );
  }
}

/** The `settings set` key a refused field came from: settings.models.openai → model.openai. */
function cliKeyOf(field: string): string | null {
  const [head, sub, name] = field.split('.');
  if (head === 'provider') return 'provider';
  if (head === 'name') return 'orgName';
  if (head === 'monthlyBudgetUsd') return 'budget';
  if (head !== 'settings' || sub === undefined) return null;
  if (sub === 'fallbackOrder') return 'fallback';
  const perProvider = ({ models: 'model', baseUrls: 'baseUrl', timeouts: 'timeout' } as Record<string, string>)[sub];
  if (perProvider === undefined) return sub;
  return name === undefined ? null : `${perProvider}.${name}`;
}

/**
 * A value the core refused, named as it was typed ("temperature=5 is refused: Too big: …"), not
 * by the channel and field it became. Anything else is passed on as it is.
 */
function nameRefusedSetting(error: unknown, pairs: string[]): unknown {
  if (!(error instanceof AppError) || error.code !== 'validation' || error.field === undefined) return error;
  const { field } = error;
  const key = cliKeyOf(field);
  const pair = key === null ? undefined : pairs.find((p) => p.slice(0, p.indexOf('=')) === key);
  if (pair === undefined) return error;
  const message = error.messageFor('cli');
  const at = message.indexOf(`${field}: `);
  // A URL typed with a user and password is shown without them.
  const shown = pair.replace(/\/\/[^/@\s]*@/, '//…@');
  return new AppError('validation', `${shown} is refused: ${at === -1 ? message : message.slice(at + field.length + 2)}`, { field: key ?? field });
}

export const settingsCommand: Command = async ({ core, io }, args) => {
  const { positionals } = parseCommandArgs(args, {}, 'settings');
  const [action, ...pairs] = positionals;
  const view = await core.invoke('settings:get-llm', undefined);
  if (action === 'get') {
    const { org } = core.services.session.current();
    const doc = { organization: { id: org.id, name: org.name }, provider: view.provider, settings: view.settings };
    if (io.json) return io.out(JSON.stringify(doc, null, 2));
    io.out(`organization: ${org.name} (${org.id})`);
    io.out(`provider: ${view.provider}`);
    for (const [k, v] of Object.entries(view.settings)) io.out(`${k}: ${JSON.stringify(v)}`);
    return;
  }
  if (action !== 'set' || pairs.length === 0) throw new UsageError('Use "settings get" or "settings set KEY=VALUE...".');
  const patch: { provider?: LLMProviderName; settings: LLMSettingsPatch; orgName?: string; budget?: number | null } = { settings: {} };
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`"${pair}" is not KEY=VALUE.`);
    applySetting(pair.slice(0, eq), pair.slice(eq + 1), patch, view.settings);
  }
  const hasSettings = Object.keys(patch.settings).length > 0;
  let updated: typeof view;
  try {
    if (patch.orgName !== undefined || patch.budget !== undefined) {
      await core.invoke('org:update', { name: patch.orgName, monthlyBudgetUsd: patch.budget });
    }
    updated =
      patch.provider || hasSettings
        ? await core.invoke('settings:update-llm', { provider: patch.provider, settings: hasSettings ? patch.settings : undefined })
        : await core.invoke('settings:get-llm', undefined);
  } catch (error) {
    throw nameRefusedSetting(error, pairs);
  }
  if (io.json) return io.out(JSON.stringify({ provider: updated.provider, settings: updated.settings }, null, 2));
  io.out(`Saved ${pairs.length} setting${pairs.length === 1 ? '' : 's'}.`);
};

export const usageCommand: Command = async ({ core, io }, args) => {
  const { values } = parseCommandArgs(
    args,
    { since: { type: 'string' }, until: { type: 'string' }, by: { type: 'string' }, csv: { type: 'boolean' } },
    'usage',
  );
  const groupBy = usageGroupBySchema.safeParse(values.by ?? 'day');
  if (!groupBy.success) throw new UsageError(`--by takes one of ${usageGroupBySchema.options.join(', ')}.`);
  const by = groupBy.data;
  if (values.since && !/^\d{4}-\d{2}-\d{2}/.test(values.since)) throw new UsageError('--since needs a date like 2026-11-01.');
  const summary = await core.invoke('usage:summary', { since: values.since, until: values.until, groupBy: by });
  // In team mode, people are keyed by member id; show their addresses.
  const label = (key: string) => summary.labels?.[key] ?? key;
  const columns = ['calls', 'errors', 'inputTokens', 'outputTokens', 'cachedInputTokens', 'costUsd'] as const;
  if (values.csv) {
    io.out(
      formatCsv(
        [by, ...columns],
        summary.rows.map((r) => [label(r.key), ...columns.map((c) => r[c])]),
      ).trimEnd(),
    );
    return;
  }
  if (io.json) return io.out(JSON.stringify(summary, null, 2));
  io.out(
    formatTable(
      [by.toUpperCase(), 'CALLS', 'ERRORS', 'INPUT', 'OUTPUT', 'CACHED', 'COST'],
      [
        ...summary.rows.map((r) => [label(r.key), r.calls, r.errors, r.inputTokens, r.outputTokens, r.cachedInputTokens, formatUsd(r.costUsd)]),
        [
          'total',
          summary.totals.calls,
          summary.totals.errors,
          summary.totals.inputTokens,
          summary.totals.outputTokens,
          summary.totals.cachedInputTokens,
          formatUsd(summary.totals.costUsd),
        ],
      ],
    ),
  );
  if (summary.note) io.err(summary.note);
};
