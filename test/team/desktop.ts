import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../shared/ipc/contract';
import type { EventName } from '../../shared/ipc/events';
import { createCore, KeyringSecretStore, type Core } from '../../electron/core';
import type { TeamServiceOptions } from '../../electron/core/team';

/** One desktop of a team: its own data folder, its own keychain service, a real core. */
export interface Desktop {
  name: string;
  core: Core;
  dataDir: string;
  events: Array<{ event: EventName; payload: unknown }>;
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  raw(channel: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;
  /** Closes the core (and its hub connection) and reopens it on the same data folder and keychain. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startDesktop(name: string, options: { team?: TeamServiceOptions; autoSync?: { intervalMs?: number; tickMs?: number } } = {}): Promise<Desktop> {
  const dir = mkdtempSync(join(tmpdir(), `outreach-team-${name}-`));
  const dataDir = join(dir, 'data');
  const secrets = new KeyringSecretStore(`outreach-desk-team-test-${randomUUID()}`);
  const events: Desktop['events'] = [];
  const open = () => createCore({ dataDir, secrets, env: {}, team: options.team, autoSync: options.autoSync });
  let core = await open();
  let unsubscribe = core.subscribe((event, payload) => events.push({ event, payload }));
  const ctx = { emit: (event: EventName, payload: unknown) => events.push({ event, payload }) };
  const raw: Desktop['raw'] = async (channel, input) => (await core.dispatch(channel, input, ctx)) as Awaited<ReturnType<Desktop['raw']>>;
  const desktop: Desktop = {
    name,
    get core() {
      return core;
    },
    dataDir,
    events,
    raw,
    call: async (channel, input) => {
      const result = await raw(channel, input);
      if (!result.ok) throw Object.assign(new Error(`${name} ${channel}: [${result.error!.code}] ${result.error!.message}`), { data: result.error });
      return result.value as never;
    },
    restart: async () => {
      unsubscribe();
      await core.services.team.close();
      core.close();
      core = await open();
      unsubscribe = core.subscribe((event, payload) => events.push({ event, payload }));
    },
    close: async () => {
      unsubscribe();
      await core.services.team.close();
      core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return desktop;
}
