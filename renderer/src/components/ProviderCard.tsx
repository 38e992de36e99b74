import { useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import {
  CONNECTION_TEST_TIMEOUT_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
  MAX_TIMEOUT_SECONDS,
  MIN_TIMEOUT_SECONDS,
  type KeyStatus,
  type ModelInfo,
} from '../../../shared/domain';
import type { ChannelInput, ChannelOutput, LLMSettingsView } from '../../../shared/ipc';
import { call } from '../lib/api';
import { formatInt, formatLatency, formatPricePerMTok, formatUsd } from '../lib/format';
import { useAction } from '../lib/use-action';
import { useLoad } from '../lib/use-load';
import { ErrorMessage } from './ErrorMessage';
import { Badge, Loading } from './States';

/** One row of `llm:providers`. */
export type ProviderInfo = ChannelOutput<'llm:providers'>[number];
type TestResult = ChannelOutput<'llm:test'>;

/** Props of one provider's settings card. */
export interface ProviderCardProps {
  info: ProviderInfo;
  view: LLMSettingsView;
  /** Receives the settings the core returned after a change. */
  onViewChange(view: LLMSettingsView): void;
  /** Set when the user arrived here from an error about this provider. */
  highlighted?: boolean;
}

/** "Key set, ends in …abcd (OS keychain)" and friends; never the key itself. */
export function describeKeyStatus(status: KeyStatus | undefined, info: ProviderInfo): { text: string; tone: 'good' | 'warn' | 'neutral' } {
  const tail = status?.last4 ? `, ends in …${status.last4}` : '';
  switch (status?.source) {
    case 'organization':
      return { text: `Using the organization's shared key${tail} (from the team hub, kept in this desktop's keychain)`, tone: 'good' };
    case 'keychain':
      return { text: `Key set${tail} (OS keychain)`, tone: 'good' };
    case 'session':
      return { text: `Key held for this session only${tail}`, tone: 'warn' };
    case 'environment':
      return { text: `Using ${info.envVar ?? 'an environment variable'} from the environment`, tone: 'good' };
    default:
      return info.keyRequired ? { text: 'No key set', tone: 'warn' } : { text: 'No key needed', tone: 'neutral' };
  }
}

/** A provider's card: key, base URL, default model, and a connection test. */
export function ProviderCard({ info, view, onViewChange, highlighted = false }: ProviderCardProps) {
  const provider = info.name;
  const uid = useId();
  const card = useRef<HTMLElement>(null);
  const readOnly = !view.canEdit;
  const keyStatus = view.keys.find((k) => k.provider === provider);
  const keyText = describeKeyStatus(keyStatus, info);
  const hasOwnKey = keyStatus?.source === 'keychain' || keyStatus?.source === 'session';

  const [keyDraft, setKeyDraft] = useState('');
  const [baseUrlDraft, setBaseUrlDraft] = useState(view.settings.baseUrls[provider] ?? '');
  const savedTimeout = view.settings.timeouts[provider];
  const [timeoutDraft, setTimeoutDraft] = useState(savedTimeout === undefined ? '' : String(savedTimeout));
  const actions = useAction<'key' | 'remove' | 'url' | 'model' | 'timeout' | 'test' | 'models'>();
  const { busy } = actions;
  // A failed test is the test's result, shown under its button; any other failure is the card's.
  const testError = actions.failed === 'test' ? actions.error : null;
  const error = actions.failed === 'test' ? null : actions.error;
  const [tested, setTested] = useState<TestResult | null>(null);
  const models = useLoad(() => call('llm:models', { provider }), [provider]);

  useEffect(() => setBaseUrlDraft(view.settings.baseUrls[provider] ?? ''), [view.settings.baseUrls, provider]);
  useEffect(() => setTimeoutDraft(savedTimeout === undefined ? '' : String(savedTimeout)), [savedTimeout]);

  // Arriving from an error about this provider: show the card and put the cursor where the fix is.
  useEffect(() => {
    if (!highlighted) return;
    card.current?.scrollIntoView({ block: 'start' });
    card.current?.querySelector<HTMLInputElement>('input[type="password"]')?.focus({ preventScroll: true });
  }, [highlighted]);

  // Held only to retry the same key as session-only when the keychain is unavailable; never rendered.
  const pendingKey = useRef<string | null>(null);
  const offerSessionOnly = error?.code === 'keychain_unavailable' && pendingKey.current !== null;

  const update = async (what: 'key' | 'remove' | 'url' | 'model' | 'timeout', input: ChannelInput<'settings:update-llm'>, done: string) => {
    if (what !== 'key') pendingKey.current = null;
    const updated = await actions.run(what, () => call('settings:update-llm', input), done);
    if (updated) onViewChange(updated);
    return Boolean(updated);
  };

  const saveKey = async (key: string, sessionOnly = false) => {
    if (!key) return;
    // The field is cleared whatever happens, so the typed key does not linger in the page.
    setKeyDraft('');
    const ok = await update('key', { apiKeys: { [provider]: key }, ...(sessionOnly ? { sessionOnly } : {}) }, `${info.displayName} key saved`);
    pendingKey.current = ok || sessionOnly ? null : key;
  };

  const saveBaseUrl = () => {
    const urls = { ...view.settings.baseUrls };
    const value = baseUrlDraft.trim();
    if (value) urls[provider] = value;
    else delete urls[provider];
    void update('url', { settings: { baseUrls: urls } }, value ? `${info.displayName} base URL saved` : `${info.displayName} uses its default URL`);
  };

  // Empty goes back to the default; the core validates the range and names the field if it is off.
  const saveTimeout = () => {
    const timeouts = { ...view.settings.timeouts };
    const value = timeoutDraft.trim();
    if (value) timeouts[provider] = Number(value);
    else delete timeouts[provider];
    void update(
      'timeout',
      { settings: { timeouts } },
      value ? `${info.displayName} timeout set to ${value} s` : `${info.displayName} uses the default timeout`,
    );
  };

  const setModel = (model: string) => {
    void update('model', { settings: { models: { ...view.settings.models, [provider]: model } } }, `${info.displayName} default model set`);
  };

  const refreshModels = async () => {
    const list = await actions.run('models', () => call('llm:models', { provider, refresh: true }));
    if (list) models.set(list);
  };

  const runTest = async () => {
    setTested(null);
    const result = await actions.run('test', () => call('llm:test', { provider }));
    if (result) setTested(result);
  };

  const currentModel = view.settings.models[provider] ?? info.defaultModel;
  const modelList = models.data?.models ?? [];
  const selected = modelList.find((m) => m.id === currentModel);
  const isDefault = view.provider === provider;

  return (
    <section ref={card} className={`card provider-card${highlighted ? ' is-highlighted' : ''}`} aria-labelledby={`${uid}-title`} data-provider={provider}>
      <header className="card-head">
        <h3 id={`${uid}-title`}>{info.displayName}</h3>
        <div className="badges">
          {isDefault && <Badge tone="info">Default</Badge>}
          <Badge tone={keyText.tone === 'good' ? 'good' : keyText.tone === 'warn' ? 'warn' : 'neutral'}>
            {keyStatus?.source === 'none' || !keyStatus ? (info.keyRequired ? 'No key' : 'Keyless') : 'Key set'}
          </Badge>
        </div>
      </header>

      {info.keyRequired && (
        <div className="card-section">
          <p className="key-status" data-testid="key-status">
            {keyText.text}
          </p>
          {!readOnly && (
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                void saveKey(keyDraft.trim());
              }}
            >
              <label className="sr-only" htmlFor={`${uid}-key`}>
                {hasOwnKey ? `New ${info.displayName} API key` : `${info.displayName} API key`}
              </label>
              <input
                id={`${uid}-key`}
                type="password"
                className="grow"
                autoComplete="off"
                spellCheck={false}
                placeholder={hasOwnKey ? 'Paste a new key to replace it' : 'Paste an API key'}
                value={keyDraft}
                onChange={(e) => setKeyDraft(e.target.value)}
              />
              <button type="submit" className="btn btn-primary btn-small" disabled={!keyDraft.trim() || busy !== null}>
                {busy === 'key' ? 'Saving…' : hasOwnKey ? 'Replace key' : 'Save key'}
              </button>
              {hasOwnKey && (
                <button
                  type="button"
                  className="btn btn-small btn-danger-ghost"
                  disabled={busy !== null}
                  onClick={() => void update('remove', { apiKeys: { [provider]: '' } }, `${info.displayName} key removed`)}
                >
                  Remove
                </button>
              )}
            </form>
          )}
        </div>
      )}

      <div className="card-section grid-2">
        <SavedField
          id={`${uid}-url`}
          label="Base URL"
          inputProps={{ type: 'url', inputMode: 'url', spellCheck: false, placeholder: info.defaultBaseUrl ?? 'http://127.0.0.1:11434/v1' }}
          draft={baseUrlDraft}
          saved={view.settings.baseUrls[provider] ?? ''}
          onDraft={setBaseUrlDraft}
          onSave={saveBaseUrl}
          readOnly={readOnly}
          busy={busy !== null}
          hint={<>Default: {info.defaultBaseUrl ?? 'none; set your server’s URL'}</>}
        />

        <div className="field">
          <label htmlFor={`${uid}-model`}>Default model</label>
          <div className="row">
            <select
              id={`${uid}-model`}
              className="grow"
              value={currentModel}
              disabled={readOnly || busy !== null || !models.data}
              onChange={(e) => setModel(e.target.value)}
            >
              {!selected && <option value={currentModel}>{currentModel}</option>}
              {modelList.map((m) => (
                <option key={m.id} value={m.id}>
                  {describeModelOption(m)}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn btn-small btn-ghost"
              disabled={busy !== null}
              onClick={() => void refreshModels()}
              title="Ask the vendor which models it serves"
            >
              {busy === 'models' ? 'Refreshing…' : 'Refresh'}
            </button>
          </div>
          <span className="field-hint model-hint">
            {models.status === 'loading' && !models.data && 'Loading models…'}
            {models.status === 'error' && `Could not load models: ${models.error.message}`}
            {models.status !== 'error' && models.data && <ModelDetails model={selected} live={models.data.live} asOf={models.data.priceTable.pricesAsOf} />}
          </span>
        </div>

        <SavedField
          id={`${uid}-timeout`}
          label="Timeout (seconds)"
          saveLabel="Save timeout"
          inputProps={{
            type: 'number',
            inputMode: 'numeric',
            min: MIN_TIMEOUT_SECONDS,
            max: MAX_TIMEOUT_SECONDS,
            step: 1,
            placeholder: String(DEFAULT_TIMEOUT_SECONDS),
          }}
          draft={timeoutDraft}
          saved={savedTimeout === undefined ? '' : String(savedTimeout)}
          onDraft={setTimeoutDraft}
          onSave={saveTimeout}
          readOnly={readOnly}
          busy={busy !== null}
          saving={busy === 'timeout'}
          hint={
            <>
              How long one call may take, retries included. Default: {DEFAULT_TIMEOUT_SECONDS} s ({CONNECTION_TEST_TIMEOUT_SECONDS} s for a connection test);
              raise it for slow local models.
            </>
          }
        />
      </div>

      {error && (
        <div className="card-section">
          <ErrorMessage error={error} compact />
          {offerSessionOnly && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                void saveKey(pendingKey.current ?? '', true);
              }}
            >
              Keep the key for this session only
            </button>
          )}
        </div>
      )}

      <div className="card-section test-row">
        <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void runTest()}>
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        <div className="test-result" aria-live="polite">
          {busy === 'test' && <Loading label={`Calling ${info.displayName}…`} />}
          {tested && (
            <p className="test-ok">
              <Badge tone="good">Connected</Badge> {formatLatency(tested.latencyMs)} · <code>{tested.model}</code> ·{' '}
              {formatInt(tested.usage.inputTokens + tested.usage.outputTokens)} tokens · {formatUsd(tested.cost.usd)}
              <span className="test-reply">“{tested.response}”</span>
            </p>
          )}
          {testError && <ErrorMessage error={testError} compact />}
        </div>
      </div>
    </section>
  );
}

/** Props of a field whose value is saved by its own button. */
interface SavedFieldProps {
  id: string;
  label: string;
  /** The button's accessible name, when a card has several Save buttons. */
  saveLabel?: string;
  inputProps: InputHTMLAttributes<HTMLInputElement>;
  draft: string;
  saved: string;
  onDraft(value: string): void;
  onSave(): void;
  readOnly: boolean;
  busy: boolean;
  saving?: boolean;
  hint: ReactNode;
}

/** A text field with a Save button that wakes up once the draft differs from what is saved. */
function SavedField({ id, label, saveLabel, inputProps, draft, saved, onDraft, onSave, readOnly, busy, saving = false, hint }: SavedFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input {...inputProps} id={id} className="grow" value={draft} disabled={readOnly} onChange={(e) => onDraft(e.target.value)} />
        {!readOnly && (
          <button type="button" className="btn btn-small" aria-label={saveLabel} disabled={busy || draft.trim() === saved} onClick={onSave}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        )}
      </div>
      <span className="field-hint">{hint}</span>
    </div>
  );
}

function describeModelOption(m: ModelInfo): string {
  const flags = [m.deprecated ? 'deprecated' : null, m.unknownToCatalog ? 'not in catalog' : null, m.missingFromVendor ? 'no longer listed' : null]
    .filter(Boolean)
    .join(', ');
  return `${m.displayName}${flags ? ` (${flags})` : ''}`;
}

function ModelDetails({ model, live, asOf }: { model: ModelInfo | undefined; live: boolean; asOf: string }) {
  if (!model) return <>Not in the catalog: no price known.</>;
  return (
    <>
      In {formatPricePerMTok(model.inputPerMTok)} · out {formatPricePerMTok(model.outputPerMTok)} per M tokens
      {model.contextWindow ? ` · ${formatInt(model.contextWindow)} ctx` : ''}
      {model.deprecated && (
        <>
          {' '}
          <Badge tone="bad">Deprecated</Badge>
        </>
      )}
      {model.unknownToCatalog && (
        <>
          {' '}
          <Badge tone="warn">Not in catalog</Badge>
        </>
      )}
      <span className="muted"> · {live ? 'list from the vendor' : `catalog prices as of ${asOf}`}</span>
    </>
  );
}
