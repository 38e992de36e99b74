export { applyReplyRules } from './apply-reply-rules';
export { splitMbox, readReplySources } from './mbox';
export type { ReplySource } from './mbox';
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
