import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelInfo } from '../../shared/domain';
import type { LLMSettingsView } from '../../shared/ipc';
import { ProviderCard, type ProviderInfo } from '../../renderer/src/components/ProviderCard';
import { AppContext, type AppContextValue } from '../../renderer/src/lib/app-context';
import { ToastProvider } from '../../renderer/src/lib/toast';
import { FakeError, installFakeApi, uninstallFakeApi } from './fake-api';
import { expectDefined } from '../helpers/expect-defined';

afterEach(() => {
  cleanup();
  uninstallFakeApi();
});

const OPENAI: ProviderInfo = {
  name: 'openai',
  displayName: 'OpenAI',
  defaultBaseUrl: 'https://api.openai.com/v1',
  defaultModel: 'gpt-4o-mini',
  keyRequired: true,
  envVar: 'OPENAI_API_KEY',
};

function model(id: string, extra: Partial<ModelInfo> = {}): ModelInfo {
  return {
    id,
    provider: 'openai',
    displayName: id,
    contextWindow: 128000,
    inputPerMTok: 0.15,
    outputPerMTok: 0.6,
    cachedInputPerMTok: null,
    fast: true,
    deprecated: false,
    unknownToCatalog: false,
    missingFromVendor: false,
    ...extra,
  };
}

function settingsView(overrides: Partial<LLMSettingsView> = {}, last4: string | null = 'abcd'): LLMSettingsView {
  return {
    provider: 'openai',
    settings: { models: {}, temperature: 0.7, maxTokens: 2048, baseUrls: {}, timeouts: {}, fallbackOrder: [], monthlyBudgetUsd: null },
    hasCustomApiKey: { openai: last4 !== null },
    keys: [{ provider: 'openai', source: last4 ? 'keychain' : 'none', last4 }],
    canEdit: true,
    ...overrides,
  };
}

const navigate = vi.fn();
const appContext: AppContextValue = {
  org: { id: 'o1', name: 'Acme', provider: 'openai', settings: settingsView().settings, createdAt: '2026-11-01T00:00:00Z' },
  user: { id: 'u1', orgId: 'o1', name: 'Olga', role: 'owner', createdAt: '2026-11-01T00:00:00Z' },
  users: [],
  canManage: true,
  mode: 'solo',
  team: null,
  refreshTeam: async () => undefined,
  navigate,
  refreshSession: async () => undefined,
};

function Harness({ initial }: { initial: LLMSettingsView }) {
  const [view, setView] = useState(initial);
  return (
    <AppContext.Provider value={appContext}>
      <ToastProvider>
        <ProviderCard info={OPENAI} view={view} onViewChange={setView} />
      </ToastProvider>
    </AppContext.Provider>
  );
}

const MODELS = {
  models: [model('gpt-4o-mini'), model('gpt-3.5-turbo', { deprecated: true, displayName: 'GPT-3.5 Turbo' })],
  priceTable: { version: 'catalog-2026-11-01', pricesAsOf: '2026-11-01', source: 'vendor pages' },
  live: false,
};

describe('ProviderCard', () => {
  it('shows the key status by its last four characters and never renders a stored or typed key', async () => {
    const user = userEvent.setup();
    const SECRET = 'sk-test-THIS-IS-SECRET-9876';
    const fake = installFakeApi({
      'llm:models': () => MODELS,
      'settings:update-llm': (input) => {
        expect(input.apiKeys?.openai).toBe(SECRET);
        return settingsView({}, '9876');
      },
    });
    render(<Harness initial={settingsView()} />);
    expect(screen.getByTestId('key-status').textContent).toBe('Key set, ends in …abcd (OS keychain)');
    const field = screen.getByLabelText('New OpenAI API key') as HTMLInputElement;
    expect(field.type).toBe('password');
    expect(field.value).toBe('');
    expect(field.autocomplete).toBe('off');

    await user.type(field, SECRET);
    await user.click(screen.getByRole('button', { name: 'Replace key' }));
    await waitFor(() => expect(screen.getByTestId('key-status').textContent).toBe('Key set, ends in …9876 (OS keychain)'));
    expect(field.value).toBe('');
    expect(document.body.innerHTML).not.toContain('THIS-IS-SECRET');
    expect(fake.callsTo('settings:update-llm')).toHaveLength(1);
  });

  it('removes a key by sending an empty one', async () => {
    const user = userEvent.setup();
    const fake = installFakeApi({ 'llm:models': () => MODELS, 'settings:update-llm': () => settingsView({}, null) });
    render(<Harness initial={settingsView()} />);
    await user.click(screen.getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.getByTestId('key-status').textContent).toBe('No key set'));
    expect(fake.callsTo('settings:update-llm')[0]).toEqual({ apiKeys: { openai: '' } });
    expect(screen.getByRole('button', { name: 'Save key' })).toBeTruthy();
  });

  it('offers a session-only key when the keychain is unavailable, without showing the key again', async () => {
    const user = userEvent.setup();
    let attempt = 0;
    const fake = installFakeApi({
      'llm:models': () => MODELS,
      'settings:update-llm': (input) => {
        attempt++;
        if (!input.sessionOnly)
          throw new FakeError({
            code: 'keychain_unavailable',
            message: 'The OS keychain is locked: unlock it, or keep the key for this session only.',
            retryable: false,
          });
        return settingsView({ keys: [{ provider: 'openai', source: 'session', last4: '5555' }] });
      },
    });
    render(<Harness initial={settingsView({}, null)} />);
    await user.type(screen.getByLabelText('OpenAI API key'), 'sk-test-session-5555');
    await user.click(screen.getByRole('button', { name: 'Save key' }));
    expect((await screen.findByRole('alert')).textContent).toContain('keychain is locked');
    expect(document.body.innerHTML).not.toContain('sk-test-session');
    await user.click(screen.getByRole('button', { name: 'Keep the key for this session only' }));
    await waitFor(() => expect(screen.getByTestId('key-status').textContent).toBe('Key held for this session only, ends in …5555'));
    expect(attempt).toBe(2);
    expect(fake.callsTo('settings:update-llm')[1]).toEqual({ apiKeys: { openai: 'sk-test-session-5555' }, sessionOnly: true });
  });

  it('shows the vendor default base URL and the chosen model with prices and a deprecated badge', async () => {
    installFakeApi({ 'llm:models': () => MODELS });
    render(<Harness initial={settingsView({ settings: { ...settingsView().settings, models: { openai: 'gpt-3.5-turbo' } } })} />);
    expect(screen.getByText('Default: https://api.openai.com/v1')).toBeTruthy();
    expect((screen.getByLabelText('Base URL') as HTMLInputElement).placeholder).toBe('https://api.openai.com/v1');
    const select = (await screen.findByRole('option', { name: 'GPT-3.5 Turbo (deprecated)' })).closest('select') as HTMLSelectElement;
    expect(select.value).toBe('gpt-3.5-turbo');
    expect(screen.getByText('Deprecated')).toBeTruthy();
    expect(screen.getByText(/In \$0\.150 · out \$0\.600 per M tokens/)).toBeTruthy();
  });

  it('tests the connection and shows latency, model and reply', async () => {
    const user = userEvent.setup();
    installFakeApi({
      'llm:models': () => MODELS,
      'llm:test': () => ({
        success: true,
        provider: 'openai',
        model: 'gpt-4o-mini-2024-07-18',
        response: 'Hello from the fake',
        finishReason: 'stop',
        usage: { inputTokens: 12, outputTokens: 5, cachedInputTokens: 0 },
        cost: { usd: 0.000005, priceTable: 'catalog-2026-11-01' },
        latencyMs: 321,
      }),
    });
    render(<Harness initial={settingsView()} />);
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    const ok = await screen.findByText('Connected');
    const line = expectDefined(ok.closest('p'));
    expect(line.textContent).toContain('321 ms');
    expect(line.textContent).toContain('gpt-4o-mini-2024-07-18');
    expect(line.textContent).toContain('Hello from the fake');
  });

  it('shows a failed test as the error, with a way to the fix', async () => {
    const user = userEvent.setup();
    installFakeApi({
      'llm:models': () => MODELS,
      'llm:test': () => {
        throw new FakeError({
          code: 'auth',
          message: 'The OpenAI key was rejected: set a new key in Settings → Providers → OpenAI.',
          retryable: false,
          provider: 'openai',
        });
      },
    });
    render(<Harness initial={settingsView()} />);
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Key rejected')).toBeTruthy();
    expect(alert.textContent).toContain('The OpenAI key was rejected');
    await user.click(within(alert).getByRole('button', { name: 'Open Settings → Providers → OpenAI' }));
    expect(navigate).toHaveBeenCalledWith({ page: 'settings', tab: 'providers', provider: 'openai' });
  });

  it('sets a per-provider timeout in seconds, and clears it back to the default', async () => {
    const user = userEvent.setup();
    const fake = installFakeApi({
      'llm:models': () => MODELS,
      'settings:update-llm': (input) => settingsView({ settings: { ...settingsView().settings, timeouts: input.settings?.timeouts ?? {} } }),
    });
    render(<Harness initial={settingsView()} />);
    const field = screen.getByLabelText('Timeout (seconds)') as HTMLInputElement;
    expect(field.value).toBe('');
    expect(field.placeholder).toBe('120');
    expect(screen.getByText(/Default: 120 s \(15 s for a connection test\)/)).toBeTruthy();
    await user.type(field, '300');
    const save = screen.getByRole('button', { name: 'Save timeout' });
    await user.click(save);
    await waitFor(() => expect(fake.callsTo('settings:update-llm')).toHaveLength(1));
    expect(fake.callsTo('settings:update-llm')[0]).toEqual({ settings: { timeouts: { openai: 300 } } });
    await waitFor(() => expect((save as HTMLButtonElement).disabled).toBe(true));
    await user.clear(field);
    await user.click(save);
    await waitFor(() => expect(fake.callsTo('settings:update-llm')).toHaveLength(2));
    expect(fake.callsTo('settings:update-llm')[1]).toEqual({ settings: { timeouts: {} } });
  });

  it('is read-only for a member: no key field, locked URL and model, but the connection can be tested', async () => {
    installFakeApi({ 'llm:models': () => MODELS });
    render(<Harness initial={settingsView({ canEdit: false })} />);
    expect(screen.getByTestId('key-status').textContent).toContain('ends in …abcd');
    expect(screen.queryByLabelText(/API key/)).toBeNull();
    expect(screen.queryByRole('button', { name: /key|Remove|Save/ })).toBeNull();
    expect((screen.getByLabelText('Base URL') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByLabelText('Timeout (seconds)') as HTMLInputElement).disabled).toBe(true);
    await screen.findByRole('option', { name: 'gpt-4o-mini' });
    expect((screen.getByLabelText('Default model') as HTMLSelectElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Test connection' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('saves a base URL and the default model as settings changes', async () => {
    const user = userEvent.setup();
    const fake = installFakeApi({
      'llm:models': () => MODELS,
      'settings:update-llm': (input) => settingsView({ settings: { ...settingsView().settings, ...(input.settings as object) } }),
    });
    render(<Harness initial={settingsView()} />);
    await user.type(screen.getByLabelText('Base URL'), 'http://127.0.0.1:9999/v1');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('settings:update-llm')).toHaveLength(1));
    expect(fake.callsTo('settings:update-llm')[0]).toEqual({ settings: { baseUrls: { openai: 'http://127.0.0.1:9999/v1' } } });
    await screen.findByRole('option', { name: 'GPT-3.5 Turbo (deprecated)' });
    await waitFor(() => expect((screen.getByLabelText('Default model') as HTMLSelectElement).disabled).toBe(false));
    await user.selectOptions(screen.getByLabelText('Default model'), 'gpt-3.5-turbo');
    await waitFor(() => expect(fake.callsTo('settings:update-llm')).toHaveLength(2));
    expect(fake.callsTo('settings:update-llm')[1]).toEqual({ settings: { models: { openai: 'gpt-3.5-turbo' } } });
  });
});
