import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TeamStatus } from '../../shared/ipc/team';
import { startDesktop, type Desktop } from './desktop';
import { createHubDatabase, describeWithHub, superuser, type HubDatabase } from './hub-fixture';

/** Resolves with the first `team:status` push that passes `test`. */
function nextStatus(desktop: Desktop, test: (s: TeamStatus) => boolean): Promise<TeamStatus> {
  return new Promise((resolve) => {
    const stop = desktop.core.subscribe((event, payload) => {
      if (event === 'team:status' && test(payload as TeamStatus)) {
        stop();
        resolve(payload as TeamStatus);
      }
    });
  });
}

describeWithHub('automatic sync while connected', () => {
  let hub: HubDatabase;
  let A: Desktop;

  beforeAll(async () => {
    hub = await createHubDatabase();
    // A long interval: only a local change can trigger the sync this test waits for.
    A = await startDesktop('auto', { autoSync: { intervalMs: 3_600_000, tickMs: 50 } });
  });
  afterAll(() => A?.close());

  it('pushes soon after a local change, without "team sync", and tells the windows', async () => {
    await A.call('team:init', { url: hub.adminUrl, password: hub.adminPassword });
    // A status naming the new name with nothing pending can only come from a push after the change
    // (a sync already running when it was made would still count it as waiting).
    const synced = nextStatus(A, (s) => s.orgName === 'Renamed by auto sync' && s.pending === 0 && s.error === null);
    await A.call('org:update', { name: 'Renamed by auto sync' });
    const status = await synced;
    expect(status.mode).toBe('team');
    const su = await superuser(hub.database);
    try {
      expect((await su.query('SELECT name FROM outreach_hub.organizations')).rows).toEqual([{ name: 'Renamed by auto sync' }]);
    } finally {
      await su.end();
    }
  });
});
