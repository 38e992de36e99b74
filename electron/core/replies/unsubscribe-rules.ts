import type { ParsedEmail, RuleDecision } from './types';

/**
 * Rules for opt-out requests: spam complaints that mailbox providers forward (ARF, RFC 5965,
 * and Microsoft's older JMRP format), and short human messages that ask to be removed.
 */

/** First-person opt-out requests, in the languages the auto-reply rules also cover. */
const OPT_OUT = new RegExp(
  [
    String.raw`\bunsubscribe\b`,
    String.raw`\bremove (me|us|my (e-?mail|address|name))\b`,
    String.raw`\btake (me|us|my (e-?mail|address|name)) off\b`,
    String.raw`\b(stop|quit|cease) (e-?mailing|mailing|sending|contacting|messaging|writing( to)?|spamming) (me|us)\b`,
    String.raw`\b(don't|do not|never) (e-?mail|contact|message|write to|send( me| us)?( any)?( more)?( e-?mails?)?)\b.{0,20}\b(again|anymore|any more|in the future|further)\b`,
    String.raw`\b(don't|do not) (e-?mail|contact) (me|us)\b`,
    String.raw`\bopt(ed)?[- ]?(me |us )?out\b`,
    String.raw`\bno (more|further) (e-?mails|emails|messages|contact)\b`,
    String.raw`\bdelete (me|my (e-?mail|address|data))\b`,
    String.raw`\bnot (interested|wish) .{0,40}\b(remove|unsubscribe|stop)\b`,
    String.raw`\b(abmelden|austragen|abbestellen)\b|(entfernen|löschen) sie (mich|meine (e-?mail|adresse|daten))|keine (weiteren )?(e-?mails|nachrichten|werbung) mehr|schreiben sie mir nicht mehr`,
    String.raw`désabonne|désinscri|desinscri|retirez[- ]moi|supprimez[- ](moi|mon adresse)|ne (plus|pas) (me )?(contacter|recevoir|écrire)|ne m'écrivez plus|ne me contactez plus`,
    String.raw`dar(me)? de baja|darse de baja|bórr?enme|elimin(ad|en|e)me|no me (envíe|envíen|escriba|escriban|contacte|contacten) más|quiero dejar de recibir`,
    String.raw`cancellami|cancellatemi|disiscriv|rimuove(te)?mi|non (voglio più|desidero più) ricevere|non scrivetemi più|non contattatemi più`,
    String.raw`afmelden|uitschrijven|verwijder (mij|me|mijn (e-?mail|adres|gegevens))|geen (e-?mails|mails|berichten) meer|mail me niet meer`,
    String.raw`descadastr|cancelar (a )?(minha )?inscrição|remova[- ]me|me remova|me retire|não (quero|desejo) (mais )?receber|parem de (me )?enviar`,
  ].join('|'),
  'i',
);

/** "Please do not unsubscribe me", "how not to unsubscribe": a negated request is not one. */
const NEGATED = /\b(don't|do not|not|never|no need to)\s+(unsubscribe|remove|opt[- ]?out|take me off)\b/i;

/** Longer texts are real conversations; the model reads them. */
const MAX_OPT_OUT_TEXT = 600;

function unsubscribe(rule: string, confidence: number, reason: string): RuleDecision {
  return { classification: 'unsubscribe', confidence, reason, suggestedAction: 'stop_sequence', rule };
}

/** ARF/FBL complaint reports and Microsoft JMRP complaints: the recipient marked our mail as spam. */
export function detectComplaint(email: ParsedEmail): RuleDecision | null {
  if (email.reportType === 'feedback-report' || email.parts.some((part) => part.contentType === 'message/feedback-report')) {
    const type = email.feedbackReport?.['feedback-type'];
    return unsubscribe('unsubscribe.arf-complaint', 0.97, `Spam complaint forwarded by the mailbox provider (ARF${type ? `, Feedback-Type: ${type}` : ''}).`);
  }
  // Outlook.com/Hotmail JMRP reports: a fixed subject and the complained-about mail attached.
  if (/^complaint about message from\b/i.test(email.subject ?? '') && email.parts.some((part) => part.contentType === 'message/rfc822')) {
    return unsubscribe('unsubscribe.jmrp-complaint', 0.95, 'Spam complaint forwarded by Outlook.com (JMRP).');
  }
  if (/"notificationType"\s*:\s*"Complaint"/.test(email.text.slice(0, 2_000))) {
    return unsubscribe('unsubscribe.ses-complaint', 0.95, 'Spam complaint notification from Amazon SES.');
  }
  return null;
}

/** Short human messages asking to be removed. */
export function detectOptOut(email: ParsedEmail): RuleDecision | null {
  const reply = email.replyText.trim();
  if (reply.length > MAX_OPT_OUT_TEXT) return null;
  const subject = (email.subject ?? '').replace(/^((re|aw|sv|vs|antw|r|rif|res|fw|fwd|wg)\s*:\s*)+/i, '').trim();
  if (OPT_OUT.test(reply) && !NEGATED.test(reply)) {
    return unsubscribe('unsubscribe.request', 0.92, 'The reply asks to be removed from the mailing.');
  }
  // A subject that is only the request ("Unsubscribe", "Remove me") with little or no text.
  if (/^[\s\p{P}]*(please\s+)?(unsubscribe|remove me|opt[- ]?out|stop|abmelden|désabonner|baja|cancellami|afmelden|descadastrar)[\s\p{P}]*(me)?[\s\p{P}]*$/iu.test(subject) && reply.length <= 300) {
    return unsubscribe('unsubscribe.subject', 0.9, `The subject asks to be removed: "${subject.slice(0, 60)}".`);
  }
  return null;
}
