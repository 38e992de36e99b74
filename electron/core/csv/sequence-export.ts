import type { LeadContext } from '../../../shared/domain/lead';
import type { Sequence } from '../../../shared/domain/records';
import type { SequenceStep } from '../../../shared/domain/sequence';
import { formatCsv } from './csv-writer';
import { fillPlaceholders } from './placeholders';

/** A sequence to export and the lead it was written for (null for a sequence without a lead). */
export interface SequenceExportItem {
  sequence: Sequence;
  lead: LeadContext | null;
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
  'sequence_id', 'sequence_title', 'step', 'channel', 'delay_days', 'subject', 'body',
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
  return [
    ...LEAD_COLUMNS.map(([, field]) => lead?.[field] ?? ''),
    ...customKeys.map((key) => lead?.customFields?.[key] ?? ''),
  ];
}

function renderSteps(item: SequenceExportItem, options: SequenceExportOptions): SequenceStep[] {
  const { lead } = item;
  if (!options.fillPlaceholders || !lead) return item.sequence.steps;
  return item.sequence.steps.map((step) => ({
    ...step,
    body: fillPlaceholders(step.body, lead),
    ...(step.subject === undefined ? {} : { subject: fillPlaceholders(step.subject, lead) }),
  }));
}

/**
 * Sequences as CSV, in either shape. Every cell is escaped and formula-neutralized (see
 * `neutralizeFormula`): lead data and model output both come from outside.
 */
export function exportSequencesCsv(items: readonly SequenceExportItem[], options: SequenceCsvOptions): string {
  const customKeys = collectCustomKeys(items);
  const leadHeader = [...LEAD_COLUMNS.map(([column]) => column), ...customKeys.map(customColumnName)];
  if (options.shape === 'per-step') {
    const header = ['sequence_id', 'sequence_title', ...leadHeader, 'step', 'channel', 'delay_days', 'subject', 'body'];
    const rows = items.flatMap((item) => {
      const leadCells = readLeadCells(item.lead, customKeys);
      return renderSteps(item, options).map((step) => [
        item.sequence.id, item.sequence.title, ...leadCells, step.step, step.channel, step.delay_days, step.subject ?? '', step.body,
      ]);
    });
    return formatCsv(header, rows);
  }
  const stepCount = Math.max(0, ...items.map((item) => item.sequence.steps.length));
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
    return [...readLeadCells(item.lead, customKeys), ...stepCells];
  });
  return formatCsv([...leadHeader, ...stepHeader], rows);
}

/** Sequences as a JSON array: the sequence's facts, its lead, and its steps (placeholders filled on request). */
export function exportSequencesJson(items: readonly SequenceExportItem[], options: SequenceExportOptions): string {
  const documents = items.map((item) => ({
    id: item.sequence.id,
    title: item.sequence.title,
    status: item.sequence.status,
    provider: item.sequence.provider,
    model: item.sequence.model,
    createdAt: item.sequence.createdAt,
    lead: item.lead,
    steps: renderSteps(item, options),
  }));
  return JSON.stringify(documents, null, 2) + '\n';
}
