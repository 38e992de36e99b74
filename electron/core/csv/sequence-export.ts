import type { LeadContext } from '../../../shared/domain/lead';
import type { Sequence } from '../../../shared/domain/records';
import type { SequenceStep } from '../../../shared/domain/sequence';
import { formatCsv } from './csv-writer';
import { fillPlaceholders } from './placeholders';

/** How a batch item ended, for exports that must list every item, failed ones included. */
export interface ExportItemOutcome {
  /** 1-based position in the batch. */
  item: number;
  status: string;
  errorCode: string | null;
  error: string | null;
}

/**
 * A sequence to export and the lead it was written for (null for a sequence without a lead).
 * A batch item with no sequence (it failed) has `sequence: null` and an `outcome`.
 */
export interface SequenceExportItem {
  sequence: Sequence | null;
  lead: LeadContext | null;
  outcome?: ExportItemOutcome;
}

const OUTCOME_COLUMNS = ['item', 'status', 'error_code', 'error'];

function readOutcomeCells(item: SequenceExportItem): Array<string | number> {
  const o = item.outcome;
  return o ? [o.item, o.status, o.errorCode ?? '', o.error ?? ''] : ['', '', '', ''];
}

export interface SequenceExportOptions {
  /** Replace `{{firstName}}`-style placeholders with the lead's fields; otherwise they stay for the sending tool. */
  fillPlaceholders: boolean;
}

export interface SequenceCsvOptions extends SequenceExportOptions {
  /**
   * `per-lead`: one row per lead, lead columns then `step_N_channel`, `step_N_delay_days`,
   * `step_N_subject`, `step_N_body` (the shape sequencing tools import).
   * `per-step`: one row per step, with the sequence id and the lead's columns repeated.
   */
  shape: 'per-lead' | 'per-step';
}

const LEAD_COLUMNS: ReadonlyArray<readonly [string, keyof Omit<LeadContext, 'customFields'>]> = [
  ['first_name', 'firstName'],
  ['last_name', 'lastName'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['company', 'company'],
  ['job_title', 'jobTitle'],
  ['industry', 'industry'],
  ['linkedin_url', 'linkedinUrl'],
];

const RESERVED_COLUMNS = new Set([
  ...LEAD_COLUMNS.map(([column]) => column),
  ...OUTCOME_COLUMNS,
  'sequence_id',
  'sequence_title',
  'step',
  'channel',
  'delay_days',
  'subject',
  'body',
]);

/** Custom-field keys in the order they first appear, so every lead's values land in the same column. */
function collectCustomKeys(items: readonly SequenceExportItem[]): string[] {
  const keys = new Set<string>();
  for (const { lead } of items) for (const key of Object.keys(lead?.customFields ?? {})) keys.add(key);
  return [...keys];
}

/** A custom field named like one of our columns gets a `custom_` prefix instead of clobbering it. */
function customColumnName(key: string): string {
  return RESERVED_COLUMNS.has(key.toLowerCase()) ? `custom_${key}` : key;
}

function readLeadCells(lead: LeadContext | null, customKeys: readonly string[]): string[] {
  return [...LEAD_COLUMNS.map(([, field]) => lead?.[field] ?? ''), ...customKeys.map((key) => lead?.customFields?.[key] ?? '')];
}

function renderSteps(item: SequenceExportItem, options: SequenceExportOptions): SequenceStep[] {
  const { lead } = item;
  if (!item.sequence) return [];
  if (!options.fillPlaceholders || !lead) return item.sequence.steps;
  return item.sequence.steps.map((step) => ({
    ...step,
    body: fillPlaceholders(step.body, lead),
    ...(step.subject === undefined ? {} : { subject: fillPlaceholders(step.subject, lead) }),
  }));
}

/**
 * Sequences as CSV, in either shape. Every cell is escaped and formula-neutralized (see
 * `neutralizeFormula`): lead data and model output both come from outside. When items carry an
 * outcome (a batch export), `item`, `status`, `error_code` and `error` columns come first and a
 * failed item is a row with its lead and no steps.
 */
export function exportSequencesCsv(items: readonly SequenceExportItem[], options: SequenceCsvOptions): string {
  const customKeys = collectCustomKeys(items);
  const withOutcome = items.some((item) => item.outcome !== undefined);
  const outcomeHeader = withOutcome ? OUTCOME_COLUMNS : [];
  const outcomeCells = (item: SequenceExportItem) => (withOutcome ? readOutcomeCells(item) : []);
  const leadHeader = [...LEAD_COLUMNS.map(([column]) => column), ...customKeys.map(customColumnName)];
  if (options.shape === 'per-step') {
    const header = [...outcomeHeader, 'sequence_id', 'sequence_title', ...leadHeader, 'step', 'channel', 'delay_days', 'subject', 'body'];
    const rows = items.flatMap((item) => {
      const leadCells = readLeadCells(item.lead, customKeys);
      const head = [...outcomeCells(item), item.sequence?.id ?? '', item.sequence?.title ?? ''];
      const steps = renderSteps(item, options);
      if (steps.length === 0) return [[...head, ...leadCells, '', '', '', '', '']];
      return steps.map((step) => [...head, ...leadCells, step.step, step.channel, step.delay_days, step.subject ?? '', step.body]);
    });
    return formatCsv(header, rows);
  }
  const stepCount = Math.max(0, ...items.map((item) => item.sequence?.steps.length ?? 0));
  const stepHeader = Array.from({ length: stepCount }, (_, i) => {
    const n = i + 1;
    return [`step_${n}_channel`, `step_${n}_delay_days`, `step_${n}_subject`, `step_${n}_body`];
  }).flat();
  const rows = items.map((item) => {
    const steps = renderSteps(item, options);
    const stepCells = Array.from({ length: stepCount }, (_, i) => {
      const step = steps[i];
      return step ? [step.channel, step.delay_days, step.subject ?? '', step.body] : ['', '', '', ''];
    }).flat();
    return [...outcomeCells(item), ...readLeadCells(item.lead, customKeys), ...stepCells];
  });
  return formatCsv([...outcomeHeader, ...leadHeader, ...stepHeader], rows);
}

/** Sequences as a JSON array: the sequence's facts, its lead, and its steps (placeholders filled on request). */
export function exportSequencesJson(items: readonly SequenceExportItem[], options: SequenceExportOptions): string {
  const documents = items.map((item) => ({
    ...(item.outcome
      ? {
          item: item.outcome.item,
          itemStatus: item.outcome.status,
          error: item.outcome.errorCode ? { code: item.outcome.errorCode, message: item.outcome.error } : null,
        }
      : {}),
    id: item.sequence?.id ?? null,
    title: item.sequence?.title ?? null,
    status: item.sequence?.status ?? null,
    provider: item.sequence?.provider ?? null,
    model: item.sequence?.model ?? null,
    createdAt: item.sequence?.createdAt ?? null,
    lead: item.lead,
    steps: renderSteps(item, options),
  }));
  return `${JSON.stringify(documents, null, 2)}\n`;
}
