import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LLM_PROVIDER_NAMES } from '../../shared/domain/llm';
import { CHANNEL_NAMES } from '../../shared/ipc/contract';
import type { EventName } from '../../shared/ipc/events';
import type { Invoke } from '../../shared/ipc/invoke';
import { createCore, KeyringSecretStore, type Core, type SecretStore } from '../../electron/core';
import { startFakeProviders, type FakeProviderSet } from '../fakes/fake-provider';
import { createTestInvoke, type RawEnvelope } from './invoke';

export interface CoreFixture {
  core: Core;
  fakes: FakeProviderSet;
  dir: string;
  dataDir: string;
  /** Every envelope the dispatcher returned and every event it emitted, for leak checks. */
  transcript: unknown[];
  /** Calls a channel; throws the envelope's error (an AppError naming the channel) when it fails. */
  call: Invoke;
  /** Calls a channel and returns the raw envelope. */
  raw(channel: string, input: unknown): Promise<RawEnvelope>;
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
  const { call, raw } = createTestInvoke(core, {
    onEvent: (event, payload) => {
      events.push({ event, payload });
      transcript.push(payload);
    },
    onEnvelope: (envelope) => transcript.push(envelope),
  });
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
