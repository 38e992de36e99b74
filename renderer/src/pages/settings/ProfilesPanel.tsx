import { useState } from 'react';
import type { BusinessContext, BusinessProfile } from '../../../../shared/domain';
import { ErrorMessage } from '../../components/ErrorMessage';
import { CardLoadState, Empty, Field } from '../../components/States';
import { call } from '../../lib/api';
import { useApp } from '../../lib/app-context';
import { useAction } from '../../lib/use-action';
import { useLoad } from '../../lib/use-load';

type Tone = NonNullable<BusinessContext['tone']>;
const TONES: Record<Tone, string> = { professional: 'Professional', casual: 'Casual', friendly: 'Friendly', formal: 'Formal' };

/** The form's text, with lists as one item per line. */
interface ProfileDraft {
  id?: string;
  companyName: string;
  industry: string;
  valueProposition: string;
  targetAudience: string;
  keyBenefits: string;
  painPointsSolved: string;
  tone: Tone;
  senderName: string;
  senderTitle: string;
  cta: string;
}

const BLANK: ProfileDraft = {
  companyName: '',
  industry: '',
  valueProposition: '',
  targetAudience: '',
  keyBenefits: '',
  painPointsSolved: '',
  tone: 'professional',
  senderName: '',
  senderTitle: '',
  cta: '',
};

function toDraft(p: BusinessProfile): ProfileDraft {
  return {
    id: p.id,
    companyName: p.companyName,
    industry: p.industry ?? '',
    valueProposition: p.valueProposition,
    targetAudience: p.targetAudience ?? '',
    keyBenefits: (p.keyBenefits ?? []).join('\n'),
    painPointsSolved: (p.painPointsSolved ?? []).join('\n'),
    tone: p.tone ?? 'professional',
    senderName: p.senderName,
    senderTitle: p.senderTitle ?? '',
    cta: p.cta ?? '',
  };
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
const optional = (text: string) => (text.trim() ? text.trim() : undefined);

/** What the org sells and who sends it; the Draft screen and batch jobs pick one. */
export function ProfilesPanel() {
  const app = useApp();
  const actions = useAction<'save' | 'delete'>();
  const profiles = useLoad(() => call('profiles:list', undefined), []);
  const [editing, setEditing] = useState<ProfileDraft | null>(null);
  const readOnly = !app.canManage;

  const save = (d: ProfileDraft) =>
    actions.run(
      'save',
      async () => {
        const saved = await call('profiles:save', {
          ...(d.id ? { id: d.id } : {}),
          companyName: d.companyName.trim(),
          industry: optional(d.industry),
          valueProposition: d.valueProposition.trim(),
          targetAudience: optional(d.targetAudience),
          keyBenefits: lines(d.keyBenefits),
          painPointsSolved: lines(d.painPointsSolved),
          tone: d.tone,
          senderName: d.senderName.trim(),
          senderTitle: optional(d.senderTitle),
          cta: optional(d.cta),
        });
        setEditing(null);
        await profiles.reload();
        return saved;
      },
      (saved) => `Profile “${saved.companyName}” saved`,
    );

  const remove = (p: BusinessProfile) =>
    actions.run(
      'delete',
      async () => {
        await call('profiles:delete', { id: p.id });
        await profiles.reload();
      },
      `Profile “${p.companyName}” deleted`,
    );

  return (
    <div className="stack">
      {actions.error && <ErrorMessage error={actions.error} />}
      {editing && <ProfileForm draft={editing} onCancel={() => setEditing(null)} onSave={(d) => void save(d)} />}
      <section className="card" aria-labelledby="profiles-title">
        <div className="card-head">
          <h2 id="profiles-title">Business profiles</h2>
          {!readOnly && !editing && (
            <button type="button" className="btn btn-small btn-primary" onClick={() => setEditing(BLANK)}>
              New profile
            </button>
          )}
        </div>
        <CardLoadState state={profiles} />
        {profiles.data?.length === 0 && (
          <Empty title="No business profiles yet">A profile holds your company, value proposition and sender, so every draft starts from them.</Empty>
        )}
        {profiles.data?.map((p) => (
          <div key={p.id} className="card-section row">
            <div className="grow">
              <strong>{p.companyName}</strong>
              <span className="muted">
                {' '}
                · {p.senderName}
                {p.senderTitle ? `, ${p.senderTitle}` : ''}
                {p.tone ? ` · ${TONES[p.tone]}` : ''}
              </span>
              <p className="muted clip-2">{p.valueProposition}</p>
            </div>
            {!readOnly && (
              <>
                <button type="button" className="btn btn-small" onClick={() => setEditing(toDraft(p))}>
                  Edit
                </button>
                <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => void remove(p)}>
                  Delete
                </button>
              </>
            )}
          </div>
        ))}
      </section>
    </div>
  );
}

function ProfileForm({ draft, onSave, onCancel }: { draft: ProfileDraft; onSave(d: ProfileDraft): void; onCancel(): void }) {
  const [d, setD] = useState(draft);
  const set = (patch: Partial<ProfileDraft>) => setD((prev) => ({ ...prev, ...patch }));
  const valid = d.companyName.trim() && d.valueProposition.trim() && d.senderName.trim();
  return (
    <form
      className="card card-pad stack-tight"
      aria-label={d.id ? `Edit ${draft.companyName}` : 'New business profile'}
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) onSave(d);
      }}
    >
      <h2>{d.id ? `Edit ${draft.companyName}` : 'New business profile'}</h2>
      <div className="grid-2">
        <Field label="Company" htmlFor="pf-company">
          <input id="pf-company" required value={d.companyName} maxLength={200} onChange={(e) => set({ companyName: e.target.value })} />
        </Field>
        <Field label="Industry" htmlFor="pf-industry">
          <input id="pf-industry" value={d.industry} maxLength={500} onChange={(e) => set({ industry: e.target.value })} />
        </Field>
        <Field label="Value proposition" htmlFor="pf-value" className="span-2">
          <textarea id="pf-value" required rows={2} value={d.valueProposition} maxLength={5000} onChange={(e) => set({ valueProposition: e.target.value })} />
        </Field>
        <Field label="Target audience" htmlFor="pf-audience">
          <input id="pf-audience" value={d.targetAudience} maxLength={500} onChange={(e) => set({ targetAudience: e.target.value })} />
        </Field>
        <Field label="Tone" htmlFor="pf-tone">
          <select id="pf-tone" value={d.tone} onChange={(e) => set({ tone: e.target.value as Tone })}>
            {(Object.keys(TONES) as Tone[]).map((t) => (
              <option key={t} value={t}>
                {TONES[t]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Key benefits" htmlFor="pf-benefits" hint="One per line.">
          <textarea id="pf-benefits" rows={3} value={d.keyBenefits} onChange={(e) => set({ keyBenefits: e.target.value })} />
        </Field>
        <Field label="Pain points solved" htmlFor="pf-pains" hint="One per line.">
          <textarea id="pf-pains" rows={3} value={d.painPointsSolved} onChange={(e) => set({ painPointsSolved: e.target.value })} />
        </Field>
        <Field label="Sender name" htmlFor="pf-sender">
          <input id="pf-sender" required value={d.senderName} maxLength={200} onChange={(e) => set({ senderName: e.target.value })} />
        </Field>
        <Field label="Sender title" htmlFor="pf-sender-title">
          <input id="pf-sender-title" value={d.senderTitle} maxLength={500} onChange={(e) => set({ senderTitle: e.target.value })} />
        </Field>
        <Field label="Call to action" htmlFor="pf-cta" className="span-2">
          <input id="pf-cta" value={d.cta} maxLength={500} placeholder="e.g. a 15-minute call next week" onChange={(e) => set({ cta: e.target.value })} />
        </Field>
      </div>
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={!valid}>
          Save profile
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
