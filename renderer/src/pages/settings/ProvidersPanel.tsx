import type { LLMProviderName } from '../../../../shared/domain';
import type { ChannelInput, LLMSettingsView } from '../../../../shared/ipc';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Icon } from '../../components/Icon';
import { ProviderCard } from '../../components/ProviderCard';
import { Field, Loading } from '../../components/States';
import { call } from '../../lib/api';
import { useApp } from '../../lib/app-context';
import { PROVIDER_LABELS } from '../../lib/labels';
import { useAction } from '../../lib/use-action';
import { useLoad } from '../../lib/use-load';

/** The default provider, the fallback order, and a card per provider. */
export function ProvidersPanel({ focus }: { focus?: LLMProviderName }) {
  const app = useApp();
  const providers = useLoad(() => call('llm:providers', undefined), []);
  const view = useLoad(() => call('settings:get-llm', undefined), []);
  const actions = useAction<'routing'>();
  const { busy, error } = actions;

  if (providers.status === 'error' || view.status === 'error') {
    const err = providers.status === 'error' ? providers.error : view.status === 'error' ? view.error : null;
    return err && <ErrorMessage error={err} onRetry={() => void Promise.all([providers.reload(), view.reload()])} />;
  }
  if (!providers.data || !view.data) return <Loading label="Loading providers…" />;

  const current = view.data;
  const readOnly = !current.canEdit;
  const onViewChange = (next: LLMSettingsView) => {
    view.set(next);
    // The header shows the default provider, which lives on the org.
    if (next.provider !== current.provider) void app.refreshSession();
  };

  // One change at a time, each made to the settings the last one returned. The controls stay
  // enabled, so a keyboard user reordering with Enter or a select's arrow keys keeps focus.
  const updateSettings = async (input: ChannelInput<'settings:update-llm'>, done: string) => {
    if (busy) return;
    const next = await actions.run('routing', () => call('settings:update-llm', input), done);
    if (next) onViewChange(next);
  };

  const order = current.settings.fallbackOrder;
  const setOrder = (next: LLMProviderName[]) => void updateSettings({ settings: { fallbackOrder: next } }, 'Fallback order saved');

  return (
    <div className="stack">
      {readOnly && (
        <p className="notice" role="note">
          You are signed in as a member, so provider settings are read-only. Ask an owner or admin to change keys or models. You can still test a connection.
        </p>
      )}
      <section className="card card-pad stack-tight" aria-labelledby="routing-title">
        <h2 id="routing-title" className="section-title">
          Routing
        </h2>
        <div className="grid-2">
          <Field label="Default provider" htmlFor="default-provider" hint="Used for drafting and classifying unless a screen picks another.">
            <select
              id="default-provider"
              value={current.provider}
              disabled={readOnly}
              onChange={(e) => void updateSettings({ provider: e.target.value as LLMProviderName }, 'Default provider saved')}
            >
              {providers.data.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.displayName}
                </option>
              ))}
            </select>
          </Field>
          <div className="field">
            <span className="field-label" id="fallback-label">
              Fallback order
            </span>
            <span className="field-hint">When the default provider stays overloaded or rate-limited, batch items move to these, in order.</span>
            <ol className="order-list" aria-labelledby="fallback-label">
              {order.map((p, i) => (
                <li key={p}>
                  <span className="grow">
                    {i + 1}. {PROVIDER_LABELS[p]}
                  </span>
                  {!readOnly && (
                    <>
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label={`Move ${PROVIDER_LABELS[p]} up`}
                        disabled={i === 0}
                        onClick={() => setOrder(swap(order, i, i - 1))}
                      >
                        <Icon name="up" size={15} />
                      </button>
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label={`Move ${PROVIDER_LABELS[p]} down`}
                        disabled={i === order.length - 1}
                        onClick={() => setOrder(swap(order, i, i + 1))}
                      >
                        <Icon name="down" size={15} />
                      </button>
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label={`Remove ${PROVIDER_LABELS[p]} from the fallback order`}
                        onClick={() => setOrder(order.filter((x) => x !== p))}
                      >
                        <Icon name="close" size={15} />
                      </button>
                    </>
                  )}
                </li>
              ))}
              {order.length === 0 && <li className="muted">No fallback: items wait for the default provider.</li>}
            </ol>
            {!readOnly && (
              <select aria-label="Add a fallback provider" value="" onChange={(e) => e.target.value && setOrder([...order, e.target.value as LLMProviderName])}>
                <option value="">Add a fallback provider…</option>
                {providers.data
                  .filter((p) => !order.includes(p.name) && p.name !== current.provider)
                  .map((p) => (
                    <option key={p.name} value={p.name}>
                      {p.displayName}
                    </option>
                  ))}
              </select>
            )}
          </div>
        </div>
        {error && <ErrorMessage error={error} />}
      </section>
      <div className="provider-grid">
        {providers.data.map((info) => (
          <ProviderCard key={info.name} info={info} view={current} onViewChange={onViewChange} highlighted={focus === info.name} />
        ))}
      </div>
    </div>
  );
}

function swap<T>(list: T[], a: number, b: number): T[] {
  const next = list.slice();
  const first = next[a];
  const second = next[b];
  if (first === undefined || second === undefined) return next;
  next[a] = second;
  next[b] = first;
  return next;
}
