import type { JobItem, Reply } from '../../../shared/domain/records';
import { formatCsv } from '../csv';

const REPLY_COLUMNS = [
  'classification',
  'confidence',
  'suggestedAction',
  'decidedBy',
  'returnDate',
  'reason',
  'fromAddress',
  'subject',
  'provider',
  'model',
] as const;

/** Where a reply item came from: its file, its position in an mbox, its Message-ID. */
export interface ReplyItemSource {
  file: string;
  /** 1-based message number within an mbox; null for a single-message file. */
  mboxIndex: number | null;
  messageId: string | null;
}

/** Reads the source of a classify item; items written before these fields existed carry only `name` ("inbox.mbox#3"). */
export function readReplyItemSource(input: Record<string, unknown>): ReplyItemSource {
  const name = typeof input.name === 'string' ? input.name : '';
  const file = typeof input.file === 'string' ? input.file : name.replace(/#\d+$/, '');
  const legacyIndex = /#(\d+)$/.exec(name)?.[1];
  const mboxIndex = typeof input.mboxIndex === 'number' ? input.mboxIndex : legacyIndex ? Number(legacyIndex) : null;
  const messageId = typeof input.messageId === 'string' && input.messageId ? input.messageId : null;
  return { file, mboxIndex, messageId };
}

/**
 * A reply batch's results as CSV: one row per item in batch order, failed and damaged ones
 * included, so each row names its file (and mbox message) and lines up with what was read.
 */
export function exportReplyItemsCsv(rows: ReadonlyArray<{ item: JobItem; reply: Reply | null }>): string {
  const header = ['item', 'file', 'mboxIndex', 'messageId', 'status', 'errorCode', 'error', ...REPLY_COLUMNS, 'replyId'];
  return formatCsv(
    header,
    rows.map(({ item, reply }) => {
      const source = readReplyItemSource(item.input);
      return [
        item.seq + 1,
        source.file,
        source.mboxIndex,
        source.messageId,
        item.status,
        item.error?.code ?? null,
        item.error?.message ?? null,
        ...REPLY_COLUMNS.map((c) => reply?.[c] ?? null),
        reply?.id ?? null,
      ];
    }),
  );
}
