import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LLM_PROVIDER_NAMES } from '../../shared/domain/llm';
import { CHANNEL_NAMES, type ChannelInput, type ChannelName, type ChannelOutput } from '../../shared/ipc/contract';
import type { EventName } from '../../shared/ipc/events';
import { createCore, KeyringSecretStore, type Core, type SecretStore } from '../../electron/core';
import { startFakeProviders, type FakeProviderSet } from '../fakes/fake-provider';

export interface CoreFixture {
  core: Core;
  fakes: FakeProviderSet;
  dir: string;
  dataDir: string;
  /** Every envelope the dispatcher returned and every event it emitted, for leak checks. */
  transcript: unknown[];
  /** Calls a channel; throws with the envelope's error when it fails. */
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  /** Calls a channel and returns the raw envelope. */
  raw(channel: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string; field?: string } }>;
  events: Array<{ event: EventName; payload: unknown }>;
  close(): Promise<void>;
}

/**
 * A real core on a temp data dir (real SQLite file, the OS keychain unless told otherwise),
 * with every provider's base URL pointed at the loopback fake vendors.
 */
export async function startCoreFixture(options: { secrets?: SecretStore; dataDirName?: string } = {}): Promise<CoreFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'outreach-core-'));
  const dataDir = join(dir, options.dataDirName ?? 'data');
  const fakes = await startFakeProviders();
  const core = await createCore({ dataDir, secrets: options.secrets ?? new KeyringSecretStore(`outreach-desk-test-${process.pid}-${Date.now()}`), env: {} });
  const transcript: unknown[] = [];
  const events: Array<{ event: EventName; payload: unknown }> = [];
  const ctx = {
    emit: (event: EventName, payload: unknown) => {
      events.push({ event, payload });
      transcript.push(payload);
    },
  };
  const raw = async (channel: string, input: unknown) => {
    const result = await core.dispatch(channel, input, ctx);
    transcript.push(result);
    return result as Awaited<ReturnType<CoreFixture['raw']>>;
  };
  const call = async <C extends ChannelName>(channel: C, input: ChannelInput<C>) => {
    const result = await raw(channel, input);
    if (!result.ok) throw Object.assign(new Error(`${channel}: [${result.error!.code}] ${result.error!.message}`), { data: result.error });
    return result.value as ChannelOutput<C>;
  };
  const baseUrls = Object.fromEntries(LLM_PROVIDER_NAMES.map((p) => [p, fakes.baseURLFor(p)]));
  await call('settings:update-llm', { settings: { baseUrls } });
  return {
    core,
    fakes,
    dir,
    dataDir,
    transcript,
    events,
    call,
    raw,
    close: async () => {
      core.close();
      await fakes.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { CHANNEL_NAMES };
