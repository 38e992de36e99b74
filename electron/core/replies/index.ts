export { applyReplyRules } from './apply-reply-rules';
export { listReplySources, readReplySource, readReplySources, scanMboxFile, splitMbox } from './mbox';
export type { MboxSpan, ReplySource, ReplySourceRef } from './mbox';
export { parseEmail } from './parse-email';
export { extractReplyText } from './reply-text';
export { extractReturnDate } from './return-date';
export type {
  DeliveryStatus,
  DeliveryStatusRecipient,
  EmailPartSummary,
  ParsedEmail,
  RuleClassification,
  RuleDecision,
} from './types';
