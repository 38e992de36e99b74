import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { User } from '../../shared/domain';
import { AppContext, type AppContextValue } from '../../renderer/src/lib/app-context';
import { ToastProvider } from '../../renderer/src/lib/toast';
import { UsersPanel } from '../../renderer/src/pages/settings/UsersPanel';
import { FakeError, installFakeApi, uninstallFakeApi } from './fake-api';

afterEach(() => {
  cleanup();
  uninstallFakeApi();
});

const OLGA: User = { id: 'u1', orgId: 'o1', name: 'Olga', role: 'owner', createdAt: '2026-11-01T00:00:00Z' };

function renderPanel() {
  const app: AppContextValue = {
    org: {
      id: 'o1',
      name: 'Acme',
      provider: 'openai',
      settings: { models: {}, temperature: 0.7, maxTokens: 2048, baseUrls: {}, timeouts: {}, fallbackOrder: [], monthlyBudgetUsd: null },
      createdAt: '2026-11-01T00:00:00Z',
    },
    user: OLGA,
    users: [OLGA],
    canManage: true,
    mode: 'solo',
    team: null,
    refreshTeam: async () => undefined,
    navigate: vi.fn(),
    refreshSession: async () => undefined,
  };
  render(
    <AppContext.Provider value={app}>
      <ToastProvider>
        <UsersPanel />
      </ToastProvider>
    </AppContext.Provider>,
  );
}

describe('UsersPanel', () => {
  it('keeps a refused name in the field with the core’s error, and clears it once it is saved', async () => {
    const user = userEvent.setup();
    const users = [OLGA];
    installFakeApi({
      'users:list': () => users,
      'users:save': (input) => {
        if (users.some((u) => u.name === input.name)) {
          throw new FakeError({ code: 'conflict', message: `A profile named “${input.name}” exists already: pick another name.`, retryable: false });
        }
        const saved = { ...OLGA, id: `u${users.length + 1}`, name: input.name };
        users.push(saved);
        return saved;
      },
    });
    renderPanel();
    const field = (await screen.findByLabelText('New profile’s name')) as HTMLInputElement;
    await user.type(field, 'Olga');
    await user.click(screen.getByRole('button', { name: 'Add profile' }));
    expect((await screen.findByRole('alert')).textContent).toContain('A profile named “Olga” exists already');
    expect(field.value).toBe('Olga');

    await user.clear(field);
    await user.type(field, 'Sam');
    await user.click(screen.getByRole('button', { name: 'Add profile' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Sam added'));
    expect(field.value).toBe('');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('cell', { name: 'Sam' })).toBeTruthy();
  });
});
