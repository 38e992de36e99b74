import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LLMSettingsView } from '../../shared/ipc';
import type { TeamStatus } from '../../shared/ipc/team';
import { AppContext, type AppContextValue } from '../../renderer/src/lib/app-context';
import { ToastProvider } from '../../renderer/src/lib/toast';
import { TeamPanel } from '../../renderer/src/pages/settings/TeamPanel';
import { FakeError, installFakeApi, uninstallFakeApi } from './fake-api';
import { deferred } from '../helpers/deferred';

afterEach(() => {
  cleanup();
  uninstallFakeApi();
});

const SOLO: TeamStatus = {
  mode: 'solo',
  hub: null,
  login: null,
  email: null,
  role: null,
  orgName: 'Northwind Sales',
  lastSyncAt: null,
  pending: 0,
  error: null,
  syncing: false,
  conflicts: [],
};

const CONNECTED: TeamStatus = {
  ...SOLO,
  mode: 'team',
  hub: 'postgres://maya@db.example.com:5432/northwind',
  login: 'maya',
  email: 'maya@northwind.example',
  role: 'owner',
  lastSyncAt: '2026-11-02T10:00:00Z',
  pending: 2,
};

const LLM: LLMSettingsView = {
  provider: 'openai',
  settings: { models: {}, temperature: 0.7, maxTokens: 2048, baseUrls: {}, timeouts: {}, fallbackOrder: [], monthlyBudgetUsd: null },
  hasCustomApiKey: { openai: true },
  keys: [{ provider: 'openai', source: 'keychain', last4: '4242' }],
  canEdit: true,
};

function renderPanel(team: TeamStatus) {
  const refreshTeam = vi.fn(async () => undefined);
  const app: AppContextValue = {
    org: { id: 'o1', name: 'Northwind Sales', provider: 'openai', settings: LLM.settings, createdAt: '2026-11-01T00:00:00Z' },
    user: { id: 'm1', orgId: 'o1', name: 'maya@northwind.example', role: 'owner', createdAt: '2026-11-01T00:00:00Z' },
    users: [],
    canManage: true,
    mode: team.mode,
    team,
    refreshTeam,
    navigate: vi.fn(),
    refreshSession: async () => undefined,
  };
  render(
    <AppContext.Provider value={app}>
      <ToastProvider>
        <TeamPanel />
      </ToastProvider>
    </AppContext.Provider>,
  );
  return { refreshTeam };
}

const WAITING = new FakeError({
  code: 'conflict',
  message: '2 changes have not reached the hub yet. Sync first, or disconnect with --force (Disconnect anyway) to drop them.',
  retryable: false,
});

describe('TeamPanel', () => {
  it('offers to drop waiting changes only when Disconnect was refused for them, not when a sync fails', async () => {
    const user = userEvent.setup();
    const fake = installFakeApi({
      'team:members': () => ({ members: [], live: true }),
      'settings:get-llm': () => LLM,
      'team:disconnect': (input) => {
        if (!input.force) throw WAITING;
        return SOLO;
      },
      'team:sync': () => {
        throw new FakeError({
          code: 'conflict',
          message: 'Someone changed a template on the hub after you started editing. Both values are in Settings → Team → Conflicts.',
          retryable: false,
        });
      },
    });
    const { refreshTeam } = renderPanel(CONNECTED);
    const status = screen.getByRole('region', { name: 'Team hub' });

    await user.click(within(status).getByRole('button', { name: 'Disconnect' }));
    expect((await within(status).findByRole('alert')).textContent).toContain('2 changes have not reached the hub yet');
    expect(within(status).getByRole('button', { name: 'Disconnect anyway and drop them' })).toBeTruthy();

    // The sync's own conflict is no reason to drop anything.
    await user.click(within(status).getByRole('button', { name: 'Sync now' }));
    await waitFor(() => expect(within(status).getByRole('alert').textContent).toContain('Someone changed a template'));
    expect(within(status).queryByRole('button', { name: 'Disconnect anyway and drop them' })).toBeNull();

    await user.click(within(status).getByRole('button', { name: 'Disconnect' }));
    await user.click(await within(status).findByRole('button', { name: 'Disconnect anyway and drop them' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Disconnected: this desktop is solo again'));
    expect(fake.callsTo('team:disconnect')).toEqual([{ force: false }, { force: false }, { force: true }]);
    // The status is read again after every attempt, failed ones included.
    expect(refreshTeam).toHaveBeenCalledTimes(4);
  });

  it('shows a refused connect as the core’s error, with the button busy only while it runs', async () => {
    const user = userEvent.setup();
    const connect = deferred<TeamStatus>();
    const fake = installFakeApi({ 'team:connect': () => connect.promise });
    const { refreshTeam } = renderPanel(SOLO);
    await user.type(screen.getByLabelText('Hub URL'), 'postgres://sam@db.example.com:5432/northwind');
    await user.type(screen.getByLabelText('Password'), 'wrong-password');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    const busy = screen.getByRole('button', { name: 'Connecting…' }) as HTMLButtonElement;
    expect(busy.disabled).toBe(true);

    await act(async () =>
      connect.reject(new FakeError({ code: 'auth', message: 'The hub refused the login "sam": check the password an admin gave you.', retryable: false })),
    );
    expect((await screen.findByRole('alert')).textContent).toContain('The hub refused the login "sam"');
    expect((screen.getByRole('button', { name: 'Connect' }) as HTMLButtonElement).disabled).toBe(false);
    // The password stays for a corrected attempt; nothing was joined.
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('wrong-password');
    expect(refreshTeam).not.toHaveBeenCalled();
    expect(fake.callsTo('team:connect')).toEqual([{ url: 'postgres://sam@db.example.com:5432/northwind', password: 'wrong-password' }]);
  });
});
