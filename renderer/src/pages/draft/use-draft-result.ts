import { useEffect, useEffectEvent, useState } from 'react';
import type { LLMProviderName, Sequence, SequenceOptions, SequenceStatus, SequenceStep, TokenUsage } from '../../../../shared/domain';
import type { ChannelInput } from '../../../../shared/ipc';
import { call, newRequestId, toApiError } from '../../lib/api';
import { downloadFile } from '../../lib/download';
import { SEQUENCE_STATUS_LABELS } from '../../lib/labels';
import { formatSequenceAsText } from '../../lib/sequence-text';
import { useToast } from '../../lib/toast';
import { type Actions, useAction } from '../../lib/use-action';
import type { DraftInput } from './use-draft-form';

export type ExportFormat = ChannelInput<'sequences:export'>['format'];

/** The sequence on the right-hand side, generated or reopened. */
export interface DraftResult {
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

type ResultAction = 'load' | 'save' | 'template' | 'export' | 'cancel';

// The draft survives a trip to another screen; it is in memory only and dies with the window.
let rememberedResult: DraftResult | null = null;

/** The draft being edited, and what can be done with it: save, template, export, copy, regenerate a step. */
export interface DraftResultState {
  result: DraftResult | null;
  /** True while the saved sequence named by the route is being opened. */
  opening: boolean;
  set(result: DraftResult | null): void;
  edit(patch: Partial<DraftResult>): void;
  actions: Actions<ResultAction>;
  /** Regenerating one step has its own spinner and error, next to the steps. */
  stepActions: Actions<'regenerate'>;
  regenerating: number | null;
  regenerateStep(index: number, input: DraftInput): Promise<void>;
  save(status: SequenceStatus): Promise<string | null>;
  saveTemplate(name: string): Promise<boolean>;
  exportAs(format: ExportFormat): Promise<void>;
  copy(): Promise<void>;
}

/** Holds the draft; with a `sequenceId`, opens that saved sequence and reports it through `onOpened`. */
export function useDraftResult(sequenceId: string | undefined, onOpened: (sequence: Sequence) => void): DraftResultState {
  const notify = useToast();
  const actions = useAction<ResultAction>();
  const stepActions = useAction<'regenerate'>();
  const [result, setResult] = useState<DraftResult | null>(sequenceId ? null : rememberedResult);
  const [regenerating, setRegenerating] = useState<number | null>(null);
  // The id whose opening finished (or failed), so "opening" ends even when the draft is replaced.
  const [openedId, setOpenedId] = useState<string | null>(null);

  useEffect(() => {
    rememberedResult = result;
  }, [result]);

  // The caller's latest callback, without opening the sequence again when the callback changes.
  const reportOpened = useEffectEvent(onOpened);
  useEffect(() => {
    if (!sequenceId) return;
    let live = true;
    void actions
      .run('load', async () => {
        const sequence = await call('sequences:get', { id: sequenceId });
        if (!live) return;
        setResult(fromSequence(sequence));
        reportOpened(sequence);
      })
      .finally(() => live && setOpenedId(sequenceId));
    return () => {
      live = false;
    };
  }, [sequenceId, actions.run]);

  const save = async (status: SequenceStatus): Promise<string | null> => {
    if (!result) return null;
    const saved = await actions.run(
      'save',
      () =>
        call('sequences:save', {
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
        }),
      (s) => `Saved as ${SEQUENCE_STATUS_LABELS[s.status].toLowerCase()}`,
    );
    if (!saved) return null;
    setResult((r) => r && { ...r, id: saved.id, status: saved.status, title: saved.title });
    return saved.id;
  };

  return {
    result,
    opening: sequenceId !== undefined && openedId !== sequenceId,
    set: setResult,
    edit: (patch) => setResult((r) => r && { ...r, ...patch }),
    actions,
    stepActions,
    regenerating,
    regenerateStep: async (index, input) => {
      if (!result) return;
      setRegenerating(index);
      const answer = await stepActions.run('regenerate', () =>
        call('sequences:regenerate-step', { ...input, requestId: newRequestId(), steps: result.steps, stepIndex: index }),
      );
      setRegenerating(null);
      if (!answer) return;
      setResult(
        (r) =>
          r && {
            ...r,
            steps: r.steps.map((s, i) => (i === index ? { ...answer.step, step: index + 1 } : s)),
            usage: addUsage(r.usage, answer.usage),
            costUsd: (r.costUsd ?? 0) + answer.costUsd,
            edited: true,
          },
      );
    },
    save,
    saveTemplate: async (name) => {
      if (!result) return false;
      const template = await actions.run(
        'template',
        () => call('templates:save', { name, steps: result.steps, options: result.options }),
        (t) => `Template “${t.name}” saved`,
      );
      return Boolean(template);
    },
    exportAs: async (format) => {
      if (!result) return;
      await actions.run('export', async () => {
        // An unsaved draft is saved first, so the export names a sequence that exists.
        const id = result.id ?? (await save(result.status));
        if (id) downloadFile(await call('sequences:export', { ids: [id], format, fillPlaceholders: false }));
      });
    },
    copy: async () => {
      if (!result) return;
      try {
        await navigator.clipboard.writeText(formatSequenceAsText(result.title, result.steps));
        notify('Copied to the clipboard');
      } catch {
        notify('The clipboard is not available here; use Export instead');
      }
    },
  };
}

/** Reports why a step can't be regenerated yet, next to the steps. */
export function refuseRegenerate(state: DraftResultState, problem: string): void {
  state.stepActions.setError(toApiError(new Error(problem)));
}

function fromSequence(seq: Sequence): DraftResult {
  return {
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
  };
}

function addUsage(a: TokenUsage | null, b: TokenUsage): TokenUsage {
  return {
    inputTokens: (a?.inputTokens ?? 0) + b.inputTokens,
    outputTokens: (a?.outputTokens ?? 0) + b.outputTokens,
    cachedInputTokens: (a?.cachedInputTokens ?? 0) + b.cachedInputTokens,
  };
}
