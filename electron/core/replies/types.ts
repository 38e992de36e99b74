import type { ReplyClass, SuggestedAction } from '../../../shared/domain/reply';

/** One per-recipient block of a `message/delivery-status` part (RFC 3464). */
export interface DeliveryStatusRecipient {
  /** `Final-Recipient` without its address type (`rfc822;`). */
  finalRecipient: string | null;
  /** `Action`, lower-cased: `failed`, `delayed`, `delivered`, `relayed`, `expanded` (some MTAs write others). */
  action: string | null;
  /** `Status`, the enhanced status code, e.g. `5.1.1`. */
  status: string | null;
  /** `Diagnostic-Code` without its type (`smtp;`), unfolded. */
  diagnosticCode: string | null;
  /** `Remote-MTA` without its type. */
  remoteMta: string | null;
}

/** The fields of every `message/delivery-status` part of a message. */
export interface DeliveryStatus {
  /** `Reporting-MTA` without its type (`dns;`). */
  reportingMta: string | null;
  recipients: DeliveryStatusRecipient[];
}

/** What one MIME part of a message was, for the rules and for display. */
export interface EmailPartSummary {
  /** Lower-cased MIME type, e.g. `message/delivery-status`, `text/rfc822-headers`. */
  contentType: string;
  filename: string | null;
  /** Decoded size in bytes; for a large base64 attachment (whose body the parser skips), estimated from its encoded length. */
  size: number;
}

/**
 * A parsed email, reduced to what the reply pipeline needs. Built by `parseEmail` from raw
 * RFC 5322 source; nothing in it is trusted (it is third-party mail).
 */
export interface ParsedEmail {
  /** The sender's address (`From`), lower-cased, or null when absent or unreadable. */
  from: string | null;
  /** The sender's display name, or null. */
  fromName: string | null;
  /** Every `To` address, lower-cased. */
  to: string[];
  subject: string | null;
  /** The `Date` header as an ISO timestamp, or null when absent or unparseable. */
  date: string | null;
  messageId: string | null;
  /**
   * Top-level header values keyed by lower-cased name: unfolded, first occurrence wins
   * (for `Return-Path` that is the one the final MTA added).
   */
  headers: Record<string, string>;
  /** Top-level MIME type, lower-cased, e.g. `multipart/report`; null when the message has no Content-Type. */
  contentType: string | null;
  /** The `report-type` parameter of a `multipart/report`, lower-cased. */
  reportType: string | null;
  /** The message's own plain text; HTML is converted when there is no text part. Embedded messages are left out. */
  text: string;
  /** The new part of a reply: `text` with quoted history, forwarded blocks and signatures cut. */
  replyText: string;
  /** Every non-body part (attachments, delivery-status, feedback-report, embedded messages). */
  parts: EmailPartSummary[];
  /** The delivery-status fields when the message carries a `message/delivery-status` part. */
  dsn: DeliveryStatus | null;
  /** The fields of a `message/feedback-report` part (ARF, RFC 5965), keyed by lower-cased name. */
  feedbackReport: Record<string, string> | null;
  /** What the parser had to work around (e.g. a truncated multipart); empty for a clean message. */
  warnings: string[];
}

/** The classes the rules can decide. */
export type RuleClassification = Extract<ReplyClass, 'bounce' | 'out_of_office' | 'unsubscribe' | 'other'>;

/**
 * The deterministic pre-filter's verdict on a message. `other` is used for machine-made mail
 * that is neither a bounce nor an auto-reply (delay warnings, delivery and read receipts).
 */
export interface RuleDecision {
  classification: RuleClassification;
  confidence: number;
  /** A short, plain-text reason for display. */
  reason: string;
  suggestedAction: SuggestedAction;
  /** The id of the rule that fired, e.g. `bounce.dsn-failed`. */
  rule: string;
  /** For out-of-office replies: the return date found in the text, ISO `YYYY-MM-DD`. */
  returnDate?: string;
}
