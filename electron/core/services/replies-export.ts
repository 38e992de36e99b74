import type { Reply } from '../../../shared/domain/records';
import { formatCsv } from '../csv';

const COLUMNS = ['id', 'fromAddress', 'subject', 'classification', 'confidence', 'suggestedAction', 'decidedBy', 'returnDate', 'reason', 'provider', 'model'] as const;

/** Classified replies as CSV, one row each. */
export function exportReplyDecisionsCsv(replies: readonly Reply[]): string {
  return formatCsv([...COLUMNS], replies.map((r) => COLUMNS.map((c) => r[c])));
}
