import { applyReplyRules } from './apply-reply-rules';
import { parseEmail } from './parse-email';
import type { ParsedEmail, RuleDecision } from './types';

/** How much of a raw message a reply keeps (`rawText`). */
export const RAW_TEXT_LIMIT = 64 * 1024;

/**
 * What the reply pipeline keeps of one message: the fields a reply stores and the rules'
 * verdict. Plain data, so a worker thread can make it (see `createReplyAnalyzer`).
 */
export interface ReplyAnalysis {
  fromAddress: string | null;
  subject: string | null;
  /** The message's start as it came (`RAW_TEXT_LIMIT`): an attachment can make a message megabytes. */
  rawText: string;
  /** The reply's new text, or the whole text when nothing was cut. */
  parsedText: string;
  /** The pre-filter's verdict, or null when the model must decide. */
  rule: RuleDecision | null;
  /** Why the message looks damaged (cut off), or null: a damaged message the rules cannot place is reported, not guessed at. */
  damage: string | null;
}

/** The analysis of a parsed message; `raw` is its start, as stored. */
export function analyzeEmail(email: ParsedEmail, raw: string): ReplyAnalysis {
  return {
    fromAddress: email.from,
    subject: email.subject,
    rawText: raw,
    parsedText: email.replyText || email.text,
    rule: applyReplyRules(email),
    damage: email.warnings.find((w) => /truncat|cut off|incomplete/i.test(w)) ?? null,
  };
}

/**
 * Parses a raw message and runs the rules on it.
 *
 * @throws AppError('validation') when the source is no email (see `parseEmail`).
 */
export async function analyzeReply(source: string | Buffer): Promise<ReplyAnalysis> {
  const raw = typeof source === 'string' ? source.slice(0, RAW_TEXT_LIMIT) : source.subarray(0, RAW_TEXT_LIMIT).toString('utf8');
  return analyzeEmail(await parseEmail(source), raw);
}
