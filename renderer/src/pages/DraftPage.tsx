import { useEffect, useRef, useState } from 'react';
import type {
  BusinessContext,
  Channel,
  LLMProviderName,
  LeadContext,
  SequenceOptions,
  SequenceStatus,
  SequenceStep,
  TokenUsage,
} from '../../../shared/domain';
import type { ChannelInput } from '../../../shared/ipc';
import { ErrorMessage } from '../components/ErrorMessage';
import { Badge, Empty, Field, Loading } from '../components/States';
import { StepEditor } from '../components/StepEditor';
import { StreamPanel } from '../components/StreamPanel';
import { type ApiError, call, newRequestId, subscribe, toApiError } from '../lib/api';
import { useApp } from '../lib/app-context';
import { downloadFile } from '../lib/download';
import { formatInt, formatLatency, formatUsd } from '../lib/format';
import { CHANNEL_LABELS, CHANNELS, PROVIDER_LABELS, SEQUENCE_STATUS_LABELS } from '../lib/labels';
import { formatSequenceAsText, parseDelays } from '../lib/sequence-text';
import { useToast } from '../lib/toast';
import { useLoad } from '../lib/use-load';

const TYPED = '__typed';
type ExportFormat = ChannelInput<'sequences:export'>['format'];
const EMPTY_LEAD: LeadContext = { firstName: '', lastName: '', email: '', company: '', jobTitle: '' };
const EMPTY_BUSINESS: BusinessContext = { companyName: '', valueProposition: '', senderName: '' };

/** What the form holds; kept across visits to other screens. */
interface DraftForm {
  profileId: string;
  business: BusinessContext;
  leadId: string;
  lead: LeadContext;
  templateId: string;
  numberOfSteps: number;
  channels: Channel[];
  delays: string;
  includeSubjects: boolean;
  language: string;
  provider: LLMProviderName | '';
}

/** The sequence on the right-hand side, generated or reopened. */
interface DraftResult {
  id: string | null;
  title: string;
  status: SequenceStatus;
  steps: SequenceStep[];
  provider: LLMProviderName | null;
  model: string | null;
  usage: TokenUsage | null;
  costUsd: number | null;
  latencyMs: number | null;
  edited: boolean;
  options: SequenceOptions | null;
  leadId: string | null;
  businessProfileId: string | null;
}

const INITIAL_FORM: DraftForm = {
  profileId: '',
  business: EMPTY_BUSINESS,
  leadId: TYPED,
  lead: EMPTY_LEAD,
  templateId: '',
  numberOfSteps: 3,
  channels: ['email'],
  delays: '',
  includeSubjects: true,
  language: 'English',
  provider: '',
};

// The draft survives a trip to another screen; it is in memory only and dies with the window.
let remembered: { form: DraftForm; result: DraftResult | null } = { form: INITIAL_FORM, result: null };

type Phase =
  | { kind: 'idle' }
  | { kind: 'streaming'; requestId: string; text: string }
  | { kind: 'cancelled' }
  | { kind: 'error'; error: ApiError };

/** The home screen: pick who and what, generate with streaming, then edit, save and export. */
export function DraftPage({ sequenceId }: { sequenceId?: string }) {
  const app = useApp();
  const notify = useToast();
  const [form, setForm] = useState<DraftForm>(remembered.form);
  const [result, setResult] = useState<DraftResult | null>(sequenceId ? null : remembered.result);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [regenerating, setRegenerating] = useState<number | null>(null);
  const [stepError, setStepError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<null | 'save' | 'template' | 'export' | 'load'>(sequenceId ? 'load' : null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [templateName, setTemplateName] = useState<string | null>(null);
  const [exportFormat, setExportFormat] = useState<ExportFormat>('csv-per-lead');
  const activeRequest = useRef<string | null>(null);
  const streamPanel = useRef<HTMLDivElement>(null);

  const profiles = useLoad(() => call('profiles:list', undefined), []);
  const templates = useLoad(() => call('templates:list', undefined), []);
  const [leadQuery, setLeadQuery] = useState('');
  const leads = useLoad(() => call('leads:list', { query: leadQuery || undefined, limit: 100 }), [leadQuery]);

  useEffect(() => {
    remembered = { form, result };
  }, [form, result]);

  // With no profile picked yet, start from the first saved one; with none saved, type one in.
  useEffect(() => {
    if (form.profileId || !profiles.data) return;
    setForm((f) => ({ ...f, profileId: profiles.data?.[0]?.id ?? TYPED }));
  }, [profiles.data, form.profileId]);

  useEffect(() => {
    if (!sequenceId) return;
    let live = true;
    call('sequences:get', { id: sequenceId }).then(
      (seq) => {
        if (!live) return;
        setResult({
          id: seq.id,
          title: seq.title,
          status: seq.status,
          steps: seq.steps,
          provider: seq.provider,
          model: seq.model,
          usage: seq.usage,
          costUsd: seq.costUsd,
          latencyMs: null,
          edited: seq.edited,
          options: seq.options,
          leadId: seq.leadId,
          businessProfileId: seq.businessProfileId,
        });
        setForm((f) => ({
          ...f,
          leadId: seq.leadId ?? f.leadId,
          profileId: seq.businessProfileId ?? f.profileId,
          ...(seq.options ? optionsToForm(seq.options) : {}),
        }));
        setBusy(null);
      },
      (err) => {
        if (!live) return;
        setActionError(toApiError(err));
        setBusy(null);
      },
    );
    return () => {
      live = false;
    };
  }, [sequenceId]);

  // Leaving the screen mid-stream stops the call, so no tokens are spent on text nobody sees.
  useEffect(
    () => () => {
      if (activeRequest.current) void call('llm:cancel', { requestId: activeRequest.current }).catch(() => undefined);
    },
    [],
  );

  const delays = parseDelays(form.delays);
  const options: SequenceOptions = {
    numberOfSteps: form.numberOfSteps,
    channels: form.channels,
    ...(delays && delays.length ? { delayDays: delays } : {}),
    includeSubjects: form.channels.includes('email') ? form.includeSubjects : false,
    ...(form.language.trim() ? { language: form.language.trim() } : {}),
    ...(form.templateId ? { templateId: form.templateId } : {}),
  };

  const typedBusiness = form.profileId === TYPED || !form.profileId;
  const typedLead = form.leadId === TYPED;
  const businessMissing = typedBusiness && (!form.business.companyName.trim() || !form.business.valueProposition.trim() || !form.business.senderName.trim());
  const leadMissing = typedLead && !Object.values(form.lead).some((v) => typeof v === 'string' && v.trim());
  const formProblem = businessMissing
    ? 'Pick a business profile, or fill in company, value proposition and sender.'
    : leadMissing
      ? 'Pick a lead, or type at least a name or company.'
      : form.channels.length === 0
        ? 'Pick at least one channel.'
        : delays === null
          ? 'Delays must be whole days from 0 to 365, separated by commas.'
          : null;

  const draftInput = (): Omit<ChannelInput<'sequences:generate'>, 'requestId'> => ({
    ...(typedLead ? { lead: cleanLead(form.lead) } : { leadId: form.leadId }),
    ...(typedBusiness ? { business: form.business } : { businessProfileId: form.profileId }),
    options,
    ...(form.provider ? { provider: form.provider } : {}),
  });

  const generate = async () => {
    if (formProblem) return;
    const requestId = newRequestId();
    activeRequest.current = requestId;
    setPhase({ kind: 'streaming', requestId, text: '' });
    setActionError(null);
    const unsubscribe = subscribe('llm:stream', (event) => {
      if (event.requestId !== requestId || event.part.type !== 'text-delta') return;
      const delta = event.part.text;
      setPhase((p) => (p.kind === 'streaming' && p.requestId === requestId ? { ...p, text: p.text + delta } : p));
    });
    try {
      const generated = await call('sequences:generate', { ...draftInput(), requestId });
      setResult({
        id: null,
        title: suggestTitle(form, leads.data?.items, profiles.data),
        status: 'draft',
        steps: generated.steps,
        provider: generated.provider,
        model: generated.model,
        usage: generated.usage,
        costUsd: generated.cost.usd,
        latencyMs: generated.latencyMs,
        edited: false,
        options,
        leadId: typedLead ? null : form.leadId,
        businessProfileId: typedBusiness ? null : form.profileId,
      });
      setPhase({ kind: 'idle' });
    } catch (err) {
      const error = toApiError(err);
      setPhase(error.code === 'aborted' ? { kind: 'cancelled' } : { kind: 'error', error });
    } finally {
      unsubscribe();
      activeRequest.current = null;
    }
  };

  const cancel = async () => {
    const id = activeRequest.current;
    if (!id) return;
    try {
      await call('llm:cancel', { requestId: id });
    } catch (err) {
      setActionError(toApiError(err));
    }
  };

  const regenerateStep = async (index: number) => {
    if (!result || formProblem) {
      if (formProblem) setStepError(toApiError(new Error(formProblem)));
      return;
    }
    setRegenerating(index);
    setStepError(null);
    try {
      const answer = await call('sequences:regenerate-step', {
        ...draftInput(),
        requestId: newRequestId(),
        steps: result.steps,
        stepIndex: index,
      });
      setResult((r) =>
        r && {
          ...r,
          steps: r.steps.map((s, i) => (i === index ? { ...answer.step, step: index + 1 } : s)),
          usage: addUsage(r.usage, answer.usage),
          costUsd: (r.costUsd ?? 0) + answer.costUsd,
          edited: true,
        },
      );
    } catch (err) {
      setStepError(toApiError(err));
    } finally {
      setRegenerating(null);
    }
  };

  const save = async (status: SequenceStatus): Promise<string | null> => {
    if (!result) return null;
    setBusy('save');
    setActionError(null);
    try {
      const saved = await call('sequences:save', {
        ...(result.id ? { id: result.id } : {}),
        title: result.title.trim() || 'Untitled sequence',
        status,
        steps: result.steps,
        leadId: result.leadId,
        businessProfileId: result.businessProfileId,
        provider: result.provider,
        model: result.model,
        usage: result.usage,
        costUsd: result.costUsd,
        options: result.options,
        edited: result.edited,
      });
      setResult((r) => r && { ...r, id: saved.id, status: saved.status, title: saved.title });
      notify(`Saved as ${SEQUENCE_STATUS_LABELS[saved.status].toLowerCase()}`);
      return saved.id;
    } catch (err) {
      setActionError(toApiError(err));
      return null;
    } finally {
      setBusy(null);
    }
  };

  const saveTemplate = async (name: string) => {
    if (!result) return;
    setBusy('template');
    setActionError(null);
    try {
      const template = await call('templates:save', { name, steps: result.steps, options: result.options });
      setTemplateName(null);
      templates.reload();
      notify(`Template “${template.name}” saved`);
    } catch (err) {
      setActionError(toApiError(err));
    } finally {
      setBusy(null);
    }
  };

  const exportAs = async (format: ExportFormat) => {
    if (!result) return;
    const id = result.id ?? (await save(result.status));
    if (!id) return;
    setBusy('export');
    try {
      downloadFile(await call('sequences:export', { ids: [id], format, fillPlaceholders: false }));
    } catch (err) {
      setActionError(toApiError(err));
    } finally {
      setBusy(null);
    }
  };

  const copy = async () => {
    if (!result) return;
    try {
      await navigator.clipboard.writeText(formatSequenceAsText(result.title, result.steps));
      notify('Copied to the clipboard');
    } catch {
      notify('The clipboard is not available here; use Export instead');
    }
  };

  const applyTemplate = (templateId: string) => {
    const template = templates.data?.find((t) => t.id === templateId);
    setForm((f) => ({ ...f, templateId, ...(template?.options ? optionsToForm(template.options) : {}) }));
  };

  const streaming = phase.kind === 'streaming';
  // Generate sits at the foot of a long form: bring the streaming text into view when it starts.
  useEffect(() => {
    if (streaming) streamPanel.current?.scrollIntoView({ block: 'nearest' });
  }, [streaming]);
  const defaultProvider = PROVIDER_LABELS[app.org.provider];

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Draft a sequence</h1>
          <p>Pick who you write to and what you sell; the model drafts every step, and you edit before saving.</p>
        </div>
        {result && (
          <div className="page-actions">
            <button
              type="button"
              className="btn"
              onClick={() => {
                setResult(null);
                setPhase({ kind: 'idle' });
                app.navigate({ page: 'draft' });
              }}
            >
              New draft
            </button>
          </div>
        )}
      </div>

      <div className="split">
        <form
          className="card card-pad stack"
          aria-label="Draft options"
          onSubmit={(e) => {
            e.preventDefault();
            void generate();
          }}
        >
          <fieldset className="stack-tight">
            <legend>Business</legend>
            <select
              aria-label="Business profile"
              value={form.profileId || TYPED}
              onChange={(e) => setForm((f) => ({ ...f, profileId: e.target.value }))}
            >
              {profiles.data?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.companyName} · {p.senderName}
                </option>
              ))}
              <option value={TYPED}>Type one in…</option>
            </select>
            {profiles.status === 'error' && <ErrorMessage error={profiles.error} compact onRetry={() => void profiles.reload()} />}
            {typedBusiness && (
              <div className="stack-tight">
                <TextField id="biz-company" label="Company" value={form.business.companyName} onChange={(v) => setBusiness(setForm, { companyName: v })} />
                <div className="field">
                  <label htmlFor="biz-value">Value proposition</label>
                  <textarea
                    id="biz-value"
                    rows={2}
                    value={form.business.valueProposition}
                    onChange={(e) => setBusiness(setForm, { valueProposition: e.target.value })}
                  />
                </div>
                <TextField id="biz-sender" label="Sender name" value={form.business.senderName} onChange={(v) => setBusiness(setForm, { senderName: v })} />
              </div>
            )}
          </fieldset>

          <fieldset className="stack-tight">
            <legend>Lead</legend>
            <input
              type="search"
              aria-label="Find a saved lead"
              placeholder="Find a saved lead…"
              value={leadQuery}
              onChange={(e) => setLeadQuery(e.target.value)}
            />
            <select aria-label="Lead" value={form.leadId} onChange={(e) => setForm((f) => ({ ...f, leadId: e.target.value }))}>
              <option value={TYPED}>Type one in…</option>
              {leads.data?.items.map((l) => (
                <option key={l.id} value={l.id}>
                  {describeLead(l)}
                </option>
              ))}
              {form.leadId !== TYPED && !leads.data?.items.some((l) => l.id === form.leadId) && (
                <option value={form.leadId}>Saved lead</option>
              )}
            </select>
            {leads.status === 'error' && <ErrorMessage error={leads.error} compact onRetry={() => void leads.reload()} />}
            {typedLead && (
              <div className="grid-2">
                <TextField id="lead-first" label="First name" value={form.lead.firstName ?? ''} onChange={(v) => setLead(setForm, { firstName: v })} />
                <TextField id="lead-last" label="Last name" value={form.lead.lastName ?? ''} onChange={(v) => setLead(setForm, { lastName: v })} />
                <TextField id="lead-company" label="Company" value={form.lead.company ?? ''} onChange={(v) => setLead(setForm, { company: v })} />
                <TextField id="lead-title" label="Job title" value={form.lead.jobTitle ?? ''} onChange={(v) => setLead(setForm, { jobTitle: v })} />
                <TextField id="lead-email" label="Email" type="email" value={form.lead.email ?? ''} onChange={(v) => setLead(setForm, { email: v })} className="span-2" />
              </div>
            )}
          </fieldset>

          <fieldset className="stack-tight">
            <legend>Options</legend>
            <Field label="Template" htmlFor="draft-template">
              <select id="draft-template" value={form.templateId} onChange={(e) => applyTemplate(e.target.value)}>
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
                  onChange={(e) => setForm((f) => ({ ...f, numberOfSteps: Math.min(10, Math.max(1, Number(e.target.value) || 1)) }))}
                />
              </Field>
              <Field label="Language" htmlFor="draft-language">
                <input id="draft-language" value={form.language} maxLength={50} onChange={(e) => setForm((f) => ({ ...f, language: e.target.value }))} />
              </Field>
            </div>
            <div className="field">
              <span className="field-label" id="draft-channels">
                Channels
              </span>
              <div className="checks" role="group" aria-labelledby="draft-channels">
                {CHANNELS.map((c) => (
                  <label key={c} className="check">
                    <input
                      type="checkbox"
                      checked={form.channels.includes(c)}
                      onChange={(e) =>
                        setForm((f) => ({ ...f, channels: e.target.checked ? [...f.channels, c] : f.channels.filter((x) => x !== c) }))
                      }
                    />
                    {CHANNEL_LABELS[c]}
                  </label>
                ))}
              </div>
            </div>
            <Field label="Delays in days" htmlFor="draft-delays" hint="Per step, e.g. 0, 3, 7. Empty uses the usual spacing.">
              <input
                id="draft-delays"
                value={form.delays}
                inputMode="numeric"
                placeholder="0, 3, 5"
                aria-invalid={delays === null}
                onChange={(e) => setForm((f) => ({ ...f, delays: e.target.value }))}
              />
            </Field>
            <label className="check">
              <input
                type="checkbox"
                checked={form.includeSubjects && form.channels.includes('email')}
                disabled={!form.channels.includes('email')}
                onChange={(e) => setForm((f) => ({ ...f, includeSubjects: e.target.checked }))}
              />
              Write email subjects
            </label>
            <Field label="Provider" htmlFor="draft-provider">
              <select id="draft-provider" value={form.provider} onChange={(e) => setForm((f) => ({ ...f, provider: e.target.value as LLMProviderName | '' }))}>
                <option value="">Default ({defaultProvider})</option>
                {(Object.keys(PROVIDER_LABELS) as LLMProviderName[]).map((p) => (
                  <option key={p} value={p}>
                    {PROVIDER_LABELS[p]}
                  </option>
                ))}
              </select>
            </Field>
          </fieldset>

          {formProblem && <p className="field-hint" id="draft-problem">{formProblem}</p>}
          <button type="submit" className="btn btn-primary" disabled={streaming || Boolean(formProblem)} aria-describedby={formProblem ? 'draft-problem' : undefined}>
            {streaming ? 'Generating…' : result ? 'Generate again' : 'Generate'}
          </button>
        </form>

        <section className="stack" aria-label="Sequence">
          {phase.kind === 'streaming' && (
            <StreamPanel
              ref={streamPanel}
              text={phase.text}
              writer={form.provider ? PROVIDER_LABELS[form.provider] : defaultProvider}
              onCancel={() => void cancel()}
            />
          )}
          {phase.kind === 'cancelled' && (
            <p className="notice" role="status">
              Generation cancelled. Nothing was saved{result ? '; your previous draft is below' : ''}.
            </p>
          )}
          {phase.kind === 'error' && <ErrorMessage error={phase.error} onRetry={() => void generate()} />}
          {actionError && <ErrorMessage error={actionError} />}
          {busy === 'load' && <Loading label="Opening the sequence…" />}

          {result && phase.kind !== 'streaming' && (
            <>
              <div className="card card-pad stack-tight">
                <div className="row">
                  <label className="sr-only" htmlFor="draft-title">
                    Sequence title
                  </label>
                  <input
                    id="draft-title"
                    className="grow title-input"
                    value={result.title}
                    maxLength={300}
                    onChange={(e) => setResult((r) => r && { ...r, title: e.target.value })}
                  />
                  <Badge tone={result.status === 'approved' ? 'good' : 'neutral'}>
                    {result.id ? SEQUENCE_STATUS_LABELS[result.status] : 'Not saved'}
                  </Badge>
                  {result.edited && <Badge tone="info">Edited</Badge>}
                </div>
                <p className="meta-line" data-testid="draft-meta">
                  <span>
                    Provider <strong>{result.provider ? PROVIDER_LABELS[result.provider] : 'unknown'}</strong>
                  </span>
                  <span>
                    Model <strong>{result.model ?? 'unknown'}</strong>
                  </span>
                  {result.usage && (
                    <span>
                      Tokens <strong>{formatInt(result.usage.inputTokens)}</strong> in · <strong>{formatInt(result.usage.outputTokens)}</strong> out
                    </span>
                  )}
                  {result.costUsd !== null && (
                    <span>
                      Cost <strong>{formatUsd(result.costUsd)}</strong>
                    </span>
                  )}
                  {result.latencyMs !== null && (
                    <span>
                      Took <strong>{formatLatency(result.latencyMs)}</strong>
                    </span>
                  )}
                </p>
                <div className="toolbar">
                  <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void save('draft')}>
                    Save draft
                  </button>
                  <button type="button" className="btn btn-primary btn-small" disabled={busy !== null} onClick={() => void save('approved')}>
                    Approve and save
                  </button>
                  <span className="sep" />
                  <button type="button" className="btn btn-small btn-ghost" disabled={busy !== null} onClick={() => setTemplateName(result.title)}>
                    Save as template
                  </button>
                  <button type="button" className="btn btn-small btn-ghost" onClick={() => void copy()}>
                    Copy
                  </button>
                  <label className="sr-only" htmlFor="draft-export-format">
                    Export format
                  </label>
                  <select id="draft-export-format" className="select-small" value={exportFormat} onChange={(e) => setExportFormat(e.target.value as ExportFormat)}>
                    <option value="csv-per-lead">CSV, one row</option>
                    <option value="csv-per-step">CSV, row per step</option>
                    <option value="json">JSON</option>
                  </select>
                  <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void exportAs(exportFormat)}>
                    {busy === 'export' ? 'Exporting…' : 'Export'}
                  </button>
                </div>
                {templateName !== null && (
                  <form
                    className="row"
                    onSubmit={(e) => {
                      e.preventDefault();
                      if (templateName.trim()) void saveTemplate(templateName.trim());
                    }}
                  >
                    <label className="sr-only" htmlFor="template-name">
                      Template name
                    </label>
                    <input id="template-name" className="grow" value={templateName} maxLength={200} autoFocus onChange={(e) => setTemplateName(e.target.value)} />
                    <button type="submit" className="btn btn-small btn-primary" disabled={!templateName.trim() || busy !== null}>
                      Save template
                    </button>
                    <button type="button" className="btn btn-small btn-ghost" onClick={() => setTemplateName(null)}>
                      Cancel
                    </button>
                  </form>
                )}
              </div>
              {stepError && <ErrorMessage error={stepError} compact />}
              <StepEditor
                steps={result.steps}
                regeneratingIndex={regenerating}
                onRegenerate={(i) => void regenerateStep(i)}
                onChange={(steps) => setResult((r) => r && { ...r, steps, edited: true })}
              />
            </>
          )}

          {!result && phase.kind === 'idle' && busy !== 'load' && !actionError && (
            <div className="card">
              <Empty title="No draft yet">
                Pick a business and a lead on the left, choose how many steps and which channels, then Generate. The text streams in as the
                model writes it.
              </Empty>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

function TextField(props: { id: string; label: string; value: string; onChange(value: string): void; type?: string; className?: string }) {
  return (
    <Field label={props.label} htmlFor={props.id} className={props.className}>
      <input id={props.id} type={props.type ?? 'text'} value={props.value} maxLength={500} onChange={(e) => props.onChange(e.target.value)} />
    </Field>
  );
}

type SetForm = (update: (f: DraftForm) => DraftForm) => void;
function setLead(setForm: SetForm, patch: Partial<LeadContext>) {
  setForm((f) => ({ ...f, lead: { ...f.lead, ...patch } }));
}
function setBusiness(setForm: SetForm, patch: Partial<BusinessContext>) {
  setForm((f) => ({ ...f, business: { ...f.business, ...patch } }));
}

function cleanLead(lead: LeadContext): LeadContext {
  return Object.fromEntries(Object.entries(lead).filter(([, v]) => typeof v !== 'string' || v.trim() !== '')) as LeadContext;
}

function describeLead(lead: LeadContext): string {
  const name = [lead.firstName, lead.lastName].filter(Boolean).join(' ');
  return [name || lead.email || 'Unnamed lead', lead.company].filter(Boolean).join(' · ');
}

function suggestTitle(form: DraftForm, leads: LeadContext[] | undefined, profiles: { id: string; companyName: string }[] | undefined): string {
  const lead = form.leadId === TYPED ? form.lead : (leads as (LeadContext & { id: string })[] | undefined)?.find((l) => l.id === form.leadId);
  const who = lead ? describeLead(lead) : 'Lead';
  const from = form.profileId === TYPED ? form.business.companyName : profiles?.find((p) => p.id === form.profileId)?.companyName;
  return from ? `${who} ← ${from}` : who;
}

function optionsToForm(options: SequenceOptions): Partial<DraftForm> {
  return {
    numberOfSteps: options.numberOfSteps,
    channels: options.channels,
    delays: options.delayDays?.join(', ') ?? '',
    includeSubjects: options.includeSubjects ?? true,
    language: options.language ?? 'English',
    templateId: options.templateId ?? '',
  };
}

function addUsage(a: TokenUsage | null, b: TokenUsage): TokenUsage {
  return {
    inputTokens: (a?.inputTokens ?? 0) + b.inputTokens,
    outputTokens: (a?.outputTokens ?? 0) + b.outputTokens,
    cachedInputTokens: (a?.cachedInputTokens ?? 0) + b.cachedInputTokens,
  };
}
