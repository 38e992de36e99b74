import { channelsTakeSubjects, type BusinessProfile, type LLMProviderName, type Template } from '../../../../shared/domain';
import type { ChannelOutput } from '../../../../shared/ipc';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/States';
import { CHANNEL_LABELS, CHANNELS, PROVIDER_LABELS } from '../../lib/labels';
import type { LoadState } from '../../lib/use-load';
import { type DraftFormState, describeLead, TYPED } from './use-draft-form';

type Loaded<T> = LoadState<T> & { reload(): Promise<void> };

/** The left-hand form: which business, which lead, and the sequence's options. */
export function DraftOptionsForm(props: {
  state: DraftFormState;
  profiles: Loaded<BusinessProfile[]>;
  templates: Loaded<Template[]>;
  leads: Loaded<ChannelOutput<'leads:list'>>;
  leadQuery: string;
  onLeadQuery(query: string): void;
  defaultProvider: string;
  streaming: boolean;
  hasResult: boolean;
  onGenerate(): void;
}) {
  const { state, profiles, templates, leads } = props;
  const { form, update, setLead, setBusiness } = state;

  return (
    <form
      className="card card-pad stack"
      aria-label="Draft options"
      onSubmit={(e) => {
        e.preventDefault();
        props.onGenerate();
      }}
    >
      <fieldset className="stack-tight">
        <legend>Business</legend>
        <select aria-label="Business profile" value={form.profileId || TYPED} onChange={(e) => update({ profileId: e.target.value })}>
          {profiles.data?.map((p) => (
            <option key={p.id} value={p.id}>
              {p.companyName} · {p.senderName}
            </option>
          ))}
          <option value={TYPED}>Type one in…</option>
        </select>
        {profiles.status === 'error' && <ErrorMessage error={profiles.error} compact onRetry={() => void profiles.reload()} />}
        {state.typedBusiness && (
          <div className="stack-tight">
            <TextField id="biz-company" label="Company" value={form.business.companyName} onChange={(v) => setBusiness({ companyName: v })} />
            <div className="field">
              <label htmlFor="biz-value">Value proposition</label>
              <textarea id="biz-value" rows={2} value={form.business.valueProposition} onChange={(e) => setBusiness({ valueProposition: e.target.value })} />
            </div>
            <TextField id="biz-sender" label="Sender name" value={form.business.senderName} onChange={(v) => setBusiness({ senderName: v })} />
          </div>
        )}
      </fieldset>

      <fieldset className="stack-tight">
        <legend>Lead</legend>
        <input
          type="search"
          aria-label="Find a saved lead"
          placeholder="Find a saved lead…"
          value={props.leadQuery}
          onChange={(e) => props.onLeadQuery(e.target.value)}
        />
        <select aria-label="Lead" value={form.leadId} onChange={(e) => update({ leadId: e.target.value })}>
          <option value={TYPED}>Type one in…</option>
          {leads.data?.items.map((l) => (
            <option key={l.id} value={l.id}>
              {describeLead(l)}
            </option>
          ))}
          {form.leadId !== TYPED && !leads.data?.items.some((l) => l.id === form.leadId) && <option value={form.leadId}>Saved lead</option>}
        </select>
        {leads.status === 'error' && <ErrorMessage error={leads.error} compact onRetry={() => void leads.reload()} />}
        {state.typedLead && (
          <div className="grid-2">
            <TextField id="lead-first" label="First name" value={form.lead.firstName ?? ''} onChange={(v) => setLead({ firstName: v })} />
            <TextField id="lead-last" label="Last name" value={form.lead.lastName ?? ''} onChange={(v) => setLead({ lastName: v })} />
            <TextField id="lead-company" label="Company" value={form.lead.company ?? ''} onChange={(v) => setLead({ company: v })} />
            <TextField id="lead-title" label="Job title" value={form.lead.jobTitle ?? ''} onChange={(v) => setLead({ jobTitle: v })} />
            <TextField id="lead-email" label="Email" type="email" value={form.lead.email ?? ''} onChange={(v) => setLead({ email: v })} className="span-2" />
          </div>
        )}
      </fieldset>

      <fieldset className="stack-tight">
        <legend>Options</legend>
        <Field label="Template" htmlFor="draft-template">
          <select id="draft-template" value={form.templateId} onChange={(e) => state.applyTemplate(e.target.value, templates.data)}>
            <option value="">None: start fresh</option>
            {templates.data?.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.steps.length} steps)
              </option>
            ))}
          </select>
        </Field>
        <div className="grid-2">
          <Field label="Steps" htmlFor="draft-steps">
            <input
              id="draft-steps"
              type="number"
              min={1}
              max={10}
              value={form.numberOfSteps}
              onChange={(e) => update({ numberOfSteps: Math.min(10, Math.max(1, Number(e.target.value) || 1)) })}
            />
          </Field>
          <Field label="Language" htmlFor="draft-language">
            <input id="draft-language" value={form.language} maxLength={50} onChange={(e) => update({ language: e.target.value })} />
          </Field>
        </div>
        <div className="field">
          <span className="field-label" id="draft-channels">
            Channels
          </span>
          <fieldset className="checks" aria-labelledby="draft-channels">
            {CHANNELS.map((c) => (
              <label key={c} className="check">
                <input
                  type="checkbox"
                  checked={form.channels.includes(c)}
                  onChange={(e) => update({ channels: e.target.checked ? [...form.channels, c] : form.channels.filter((x) => x !== c) })}
                />
                {CHANNEL_LABELS[c]}
              </label>
            ))}
          </fieldset>
        </div>
        <Field label="Delays in days" htmlFor="draft-delays" hint="Per step, e.g. 0, 3, 7. Empty uses the usual spacing.">
          <input
            id="draft-delays"
            value={form.delays}
            inputMode="numeric"
            placeholder="0, 3, 5"
            aria-invalid={state.delays === null}
            onChange={(e) => update({ delays: e.target.value })}
          />
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={form.includeSubjects && channelsTakeSubjects(form.channels)}
            disabled={!channelsTakeSubjects(form.channels)}
            onChange={(e) => update({ includeSubjects: e.target.checked })}
          />
          Write email subjects
        </label>
        <Field label="Provider" htmlFor="draft-provider">
          <select id="draft-provider" value={form.provider} onChange={(e) => update({ provider: e.target.value as LLMProviderName | '' })}>
            <option value="">Default ({props.defaultProvider})</option>
            {(Object.keys(PROVIDER_LABELS) as LLMProviderName[]).map((p) => (
              <option key={p} value={p}>
                {PROVIDER_LABELS[p]}
              </option>
            ))}
          </select>
        </Field>
      </fieldset>

      {state.problem && (
        <p className="field-hint" id="draft-problem">
          {state.problem}
        </p>
      )}
      <button
        type="submit"
        className="btn btn-primary"
        disabled={props.streaming || Boolean(state.problem)}
        aria-describedby={state.problem ? 'draft-problem' : undefined}
      >
        {props.streaming ? 'Generating…' : props.hasResult ? 'Generate again' : 'Generate'}
      </button>
    </form>
  );
}

function TextField(props: { id: string; label: string; value: string; onChange(value: string): void; type?: string; className?: string }) {
  return (
    <Field label={props.label} htmlFor={props.id} className={props.className}>
      <input id={props.id} type={props.type ?? 'text'} value={props.value} maxLength={500} onChange={(e) => props.onChange(e.target.value)} />
    </Field>
  );
}
