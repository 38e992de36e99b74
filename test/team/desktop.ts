import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName } from '../../shared/ipc/events';
import type { Invoke } from '../../shared/ipc/invoke';
import { createCore, KeyringSecretStore, type Core } from '../../electron/core';
import type { TeamServiceOptions } from '../../electron/core/team';
import { createTestInvoke, type RawEnvelope } from '../helpers/invoke';

/** One desktop of a team: its own data folder, its own keychain service, a real core. */
export interface Desktop {
  name: string;
  core: Core;
  dataDir: string;
  events: Array<{ event: EventName; payload: unknown }>;
  /** Calls a channel; throws the envelope's error (an AppError naming the desktop and the channel). */
  call: Invoke;
  raw(channel: string, input: unknown): Promise<RawEnvelope>;
  /** Closes the core (and its hub connection) and reopens it on the same data folder and keychain. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startDesktop(
  name: string,
  options: { team?: TeamServiceOptions; autoSync?: { intervalMs?: number; tickMs?: number } } = {},
): Promise<Desktop> {
  const dir = mkdtempSync(join(tmpdir(), `outreach-team-${name}-`));
  const dataDir = join(dir, 'data');
  const secrets = new KeyringSecretStore(`outreach-desk-team-test-${randomUUID()}`);
  const events: Desktop['events'] = [];
  const open = () => createCore({ dataDir, secrets, env: {}, team: options.team, autoSync: options.autoSync });
  let core = await open();
  let unsubscribe = core.subscribe((event, payload) => events.push({ event, payload }));
  const { call, raw } = createTestInvoke(() => core, { label: name, onEvent: (event, payload) => events.push({ event, payload }) });
  const desktop: Desktop = {
    name,
    get core() {
      return core;
    },
    dataDir,
    events,
    raw,
    call,
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
