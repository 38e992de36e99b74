import { detectAutoReply } from './auto-reply-rules';
import { detectDeliveryReport } from './delivery-rules';
import { detectAuthReport } from './report-rules';
import type { ParsedEmail, RuleDecision } from './types';
import { detectComplaint, detectOneClickUnsubscribe, detectOptOut } from './unsubscribe-rules';

/**
 * The deterministic pre-filter, run before any model call so machine-made mail costs no tokens.
 * A wrong rule stops or pauses a live conversation and cannot be undone, while the model can
 * still decide what the rules leave alone: each rule fires only on signs a person's mail lacks.
 * The order matters:
 * 1. ARF feedback reports (complaints, or DMARC failure reports by their Feedback-Type), then
 *    DMARC and TLS aggregate reports: report wrappers like a DSN's, but no bounces;
 * 2. delivery reports before auto-replies, since many bounces carry `Auto-Submitted` and a bounce
 *    relayed by a mailing list carries `Precedence: bulk`; delay warnings, receipts and
 *    challenge-response mails are decided here too, so they never reach the bounce patterns;
 * 3. a mail client's one-click unsubscribe, which may be marked as automatic;
 * 4. auto-replies before opt-out phrases, since an auto-reply may quote "unsubscribe";
 * 5. short human opt-out requests.
 * Returns null when no rule is sure: the message goes to the model.
 */
export function applyReplyRules(email: ParsedEmail): RuleDecision | null {
  return (
    detectComplaint(email) ??
    detectAuthReport(email) ??
    detectDeliveryReport(email) ??
    detectOneClickUnsubscribe(email) ??
    detectAutoReply(email) ??
    detectOptOut(email)
  );
}
