import { detectAutoReply } from './auto-reply-rules';
import { detectDeliveryReport } from './delivery-rules';
import type { ParsedEmail, RuleDecision } from './types';
import { detectComplaint, detectOptOut } from './unsubscribe-rules';

/**
 * The deterministic pre-filter, run before any model call so machine-made mail costs no tokens.
 * The order matters:
 * 1. spam complaints (ARF/JMRP) are wrapped like delivery reports but are not bounces;
 * 2. delivery reports before auto-replies, since many bounces carry `Auto-Submitted`;
 *    delay warnings and receipts are decided here too, so they never reach the bounce patterns;
 * 3. auto-replies before opt-out phrases, since an auto-reply may quote "unsubscribe";
 * 4. short human opt-out requests.
 * Returns null when no rule is sure: the message goes to the model.
 */
export function applyReplyRules(email: ParsedEmail): RuleDecision | null {
  return detectComplaint(email) ?? detectDeliveryReport(email) ?? detectAutoReply(email) ?? detectOptOut(email);
}
