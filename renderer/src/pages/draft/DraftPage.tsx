import { useEffect, useRef, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Empty, Loading } from '../../components/States';
import { StepEditor } from '../../components/StepEditor';
import { StreamPanel } from '../../components/StreamPanel';
import { call } from '../../lib/api';
import { useApp } from '../../lib/app-context';
import { PROVIDER_LABELS } from '../../lib/labels';
import { useLoad } from '../../lib/use-load';
import { DraftOptionsForm } from './DraftOptionsForm';
import { DraftResultCard } from './DraftResultCard';
import { optionsToForm, suggestTitle, useDraftForm } from './use-draft-form';
import { refuseRegenerate, useDraftResult } from './use-draft-result';
import { useGeneration } from './use-generation';

/** The home screen: pick who and what, generate with streaming, then edit, save and export. */
export function DraftPage({ sequenceId }: { sequenceId?: string }) {
  const app = useApp();
  const profiles = useLoad(() => call('profiles:list', undefined), []);
  const templates = useLoad(() => call('templates:list', undefined), []);
  const [leadQuery, setLeadQuery] = useState('');
  const leads = useLoad(() => call('leads:list', { query: leadQuery || undefined, limit: 100 }), [leadQuery]);
  const draftForm = useDraftForm(profiles.data);
  const generation = useGeneration();
  const draft = useDraftResult(sequenceId, (sequence) =>
    draftForm.update({
      ...(sequence.leadId ? { leadId: sequence.leadId } : {}),
      ...(sequence.businessProfileId ? { profileId: sequence.businessProfileId } : {}),
      ...(sequence.options ? optionsToForm(sequence.options) : {}),
    }),
  );
  const streamPanel = useRef<HTMLDivElement>(null);
  const { phase } = generation;
  const { form } = draftForm;
  const result = draft.result;
  const streaming = phase.kind === 'streaming';
  const defaultProvider = PROVIDER_LABELS[app.org.provider];

  // Generate sits at the foot of a long form: bring the streaming text into view when it starts.
  useEffect(() => {
    if (streaming) streamPanel.current?.scrollIntoView({ block: 'nearest' });
  }, [streaming]);

  const generate = async () => {
    if (draftForm.problem) return;
    draft.actions.setError(null);
    const generated = await generation.start(draftForm.toInput());
    if (!generated) return;
    draft.set({
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
      options: draftForm.options,
      leadId: draftForm.typedLead ? null : form.leadId,
      businessProfileId: draftForm.typedBusiness ? null : form.profileId,
    });
  };

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
                draft.set(null);
                generation.reset();
                app.navigate({ page: 'draft' });
              }}
            >
              New draft
            </button>
          </div>
        )}
      </div>

      <div className="split">
        <DraftOptionsForm
          state={draftForm}
          profiles={profiles}
          templates={templates}
          leads={leads}
          leadQuery={leadQuery}
          onLeadQuery={setLeadQuery}
          defaultProvider={defaultProvider}
          streaming={streaming}
          hasResult={Boolean(result)}
          onGenerate={() => void generate()}
        />

        <section className="stack" aria-label="Sequence">
          {phase.kind === 'streaming' && (
            <StreamPanel
              ref={streamPanel}
              text={phase.text}
              writer={form.provider ? PROVIDER_LABELS[form.provider] : defaultProvider}
              onCancel={() => void draft.actions.run('cancel', generation.cancel)}
            />
          )}
          {phase.kind === 'cancelled' && (
            <p className="notice" role="status">
              Generation cancelled. Nothing was saved{result ? '; your previous draft is below' : ''}.
            </p>
          )}
          {phase.kind === 'error' && <ErrorMessage error={phase.error} onRetry={() => void generate()} />}
          {draft.actions.error && <ErrorMessage error={draft.actions.error} />}
          {draft.opening && <Loading label="Opening the sequence…" />}

          {result && phase.kind !== 'streaming' && (
            <>
              <DraftResultCard draft={draft} />
              {draft.stepActions.error && <ErrorMessage error={draft.stepActions.error} compact />}
              <StepEditor
                steps={result.steps}
                regeneratingIndex={draft.regenerating}
                onRegenerate={(i) => {
                  if (draftForm.problem) refuseRegenerate(draft, draftForm.problem);
                  else void draft.regenerateStep(i, draftForm.toInput());
                }}
                onChange={(steps) => draft.edit({ steps, edited: true })}
              />
            </>
          )}

          {!result && phase.kind === 'idle' && !draft.opening && !draft.actions.error && (
            <div className="card">
              <Empty title="No draft yet">
                Pick a business and a lead on the left, choose how many steps and which channels, then Generate. The text streams in as the model writes it.
              </Empty>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
