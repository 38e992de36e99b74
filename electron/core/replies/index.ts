export { analyzeEmail, analyzeReply, RAW_TEXT_LIMIT } from './analyze-reply';
export type { ReplyAnalysis } from './analyze-reply';
export { applyReplyRules } from './apply-reply-rules';
export { listReplySources, readReplySource, readReplySources, scanMboxFile, splitMbox } from './mbox';
export type { MboxSpan, ReplySource, ReplySourceRef } from './mbox';
export { parseEmail } from './parse-email';
export { createReplyAnalyzer } from './reply-analyzer';
export type { ReplyAnalyzer, ReplyAnalyzerOptions, ReplySourceInput } from './reply-analyzer';
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
