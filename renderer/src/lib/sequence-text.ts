import { CHANNEL_SPECS, type SequenceStep } from '../../../shared/domain';
import { CHANNEL_LABELS } from './labels';

/** A sequence as plain text for the clipboard: one block per step. */
export function formatSequenceAsText(title: string, steps: SequenceStep[]): string {
  const blocks = steps.map((s) => {
    const head = `Step ${s.step} · ${CHANNEL_LABELS[s.channel]} · day +${s.delay_days}`;
    const subject = CHANNEL_SPECS[s.channel].hasSubject && s.subject ? `Subject: ${s.subject}\n\n` : '';
    return `${head}\n${subject}${s.body}`;
  });
  return `${title}\n\n${blocks.join('\n\n---\n\n')}\n`;
}

/** Parses "0, 3, 5" into day counts; null when a value is not a whole number from 0 to 365. */
export function parseDelays(text: string): number[] | null {
  const trimmed = text.trim();
  if (!trimmed) return [];
  const values = trimmed.split(/[\s,;]+/).map((v) => Number(v));
  return values.every((v) => Number.isInteger(v) && v >= 0 && v <= 365) ? values : null;
}
