import type { ParsedEmail, RuleDecision } from './types';

/**
 * DMARC aggregate reports (RFC 7489 "rua") and SMTP TLS reports (RFC 8460) that a domain's
 * receivers mail to its report address. They are machine mail about authentication, never a
 * reply, a bounce or a complaint. (DMARC failure reports in ARF are decided with the
 * feedback reports, by their Feedback-Type.)
 */

/** RFC 7489 section 7.2.1.1 and RFC 8460 section 5.3 fix this subject. */
const REPORT_SUBJECT = /^\s*report[ _-]?domain\s*:\s*\S+.{0,200}\bsubmitter\s*:/i;
/** Report attachments: `receiver!policy-domain!begin!end[!id].xml(.gz|.zip)` and the TLS-RPT media types. */
const REPORT_FILENAME = /^[^!\s]+![^!\s]+!\d+!\d+(![^.]+)?\.(xml|json)(\.gz|\.zip)?$|^[^!\s]+![^!\s]+!\d+!\d+(![^.]+)?\.(zip|gz)$/i;
const REPORT_MEDIA = /^application\/(tlsrpt\+(gzip|json))$/i;
const REPORT_TEXT = /\bdmarc (aggregate|failure|forensic) report\b|\bthis is an? (dmarc )?aggregate report\b|\bsmtp tls report(ing)?\b/i;

function notAReply(rule: string, reason: string): RuleDecision {
  return { classification: 'other', confidence: 0.95, reason, suggestedAction: 'none', rule };
}

/** Decides DMARC and TLS reports; null for anything else. */
export function detectAuthReport(email: ParsedEmail): RuleDecision | null {
  const subject = email.subject ?? '';
  const reportFile = email.parts.some((part) => (part.filename !== null && REPORT_FILENAME.test(part.filename)) || REPORT_MEDIA.test(part.contentType));
  if (reportFile || REPORT_SUBJECT.test(subject)) {
    return notAReply('report.dmarc-aggregate', 'DMARC or TLS aggregate report from a receiving mail system; not a reply.');
  }
  if (REPORT_TEXT.test(subject) || (REPORT_TEXT.test(email.text.slice(0, 2_000)) && /dmarc|tls-?rpt/i.test(email.from ?? ''))) {
    return notAReply('report.dmarc-aggregate', 'DMARC report from a receiving mail system; not a reply.');
  }
  return null;
}
