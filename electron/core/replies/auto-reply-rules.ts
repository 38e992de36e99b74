import { extractReturnDate } from './return-date';
import type { ParsedEmail, RuleDecision } from './types';

/**
 * Rules for out-of-office and other automatic replies. Headers first (RFC 3834 and the
 * vendor headers that predate it), then subject and body phrases, because about a third of
 * real auto-replies carry no automatic-message header at all.
 */

/** Subjects that auto-responders write, in the languages they are localised to. */
const AUTO_SUBJECT = new RegExp(
  [
    String.raw`^(auto|automatic|autom\.)\s*:`,
    String.raw`\bauto[- ]?(reply|response|respons|responder|antwort|risposta|resposta|respuesta|réponse)\b`,
    String.raw`\bautomatic (reply|response)\b`,
    String.raw`\bout of (the )?office\b|\bOOO\b|\bOOF\b`,
    String.raw`\b(on )?(vacation|holiday|annual leave|parental leave|leave of absence)\b`,
    String.raw`\b(away|absent) (until|till|from|on)\b|\bi'?m away\b|\baway from (my|the) (mail|email|e-mail|desk|office)\b`,
    String.raw`abwesenheit|automatische antwort|nicht im büro|außer haus|urlaub`,
    String.raw`réponse automatique|absence|absent(e)? du bureau|en congés?`,
    String.raw`respuesta automática|fuera de la oficina|ausente|de vacaciones`,
    String.raw`risposta automatica|fuori (ufficio|sede)|assente|in ferie`,
    String.raw`automatisch antwoord|afwezig|niet op kantoor|met vakantie`,
    String.raw`resposta automática|fora do escritório|de férias`,
    String.raw`自動応答|自動返信|不在`,
  ].join('|'),
  'i',
);

/** Body phrases of out-of-office notices: each says the person is away now or will be. */
const OOO_BODY = new RegExp(
  [
    String.raw`\b(i am|i'm|i will be|i'll be|i shall be|we are|currently)\b.{0,40}\b(out of (the )?office|away|on (vacation|holiday|leave|annual leave|parental leave|maternity leave|paternity leave|sick leave|a business trip)|travell?ing|out of town|off work|not in the office|unavailable|off until)`,
    String.raw`\bout of (the )?office (until|till|from|on|and|through|returning)\b`,
    String.raw`\b(limited|no|intermittent|restricted) access to (my )?(e-?mail|email|mails|phone)`,
    String.raw`\b(respond|reply|get back to you|answer your (e-?mail|message)).{0,50}\b(upon|on|after) my return\b|\bwhen i (return|am back|get back)\b`,
    String.raw`\b(returning|back in the office|back in office|back at (my desk|work))\b.{0,30}\b(on|by|monday|tuesday|wednesday|thursday|friday|\d)`,
    String.raw`\bthis is an? (automated|automatic|auto-generated) (response|reply|message)\b|\bautomatic(ally generated)? reply\b`,
    String.raw`\bonly notification you will receive while\b`,
    String.raw`\b(no longer (with|at|employed|working)|has left (the company|the organi[sz]ation|[A-Z]))|\bno longer (in use|monitored|active)\b`,
    String.raw`\b(thank you|thanks) for (your|contacting|reaching out).{0,120}\b(we have received|we've received|we will (respond|reply|get back)|will be contacting you|(within|in) \d+ (hours|business days|days))`,
    String.raw`ich bin (derzeit |momentan |zurzeit |bis .{1,30})?(nicht im büro|abwesend|im urlaub|außer haus|nicht erreichbar)|\b(bin|sind) ich (wieder|ab .{1,30}) (erreichbar|im büro|zurück)|keinen zugriff auf (meine )?e-?mails|abwesenheitsnotiz`,
    String.raw`je suis (actuellement )?(absent|absente|en congés?|en vacances|hors du bureau|en déplacement)|je serai (absent|absente|de retour)|accès limité (à|aux) (mes )?(e-?mails|courriels)`,
    String.raw`(estoy|estaré) (fuera de la oficina|de vacaciones|ausente)|regresaré el|acceso limitado al correo`,
    String.raw`(sono|sarò) (fuori (ufficio|sede)|in ferie|assente)|rientrerò (il|in ufficio)|accesso limitato (alla|all')? ?e-?mail`,
    String.raw`ik ben (momenteel |tot .{1,30})?(afwezig|niet op kantoor|met vakantie)|ben ik (weer|terug) (aanwezig|op kantoor|bereikbaar)`,
    String.raw`(estou|estarei) (fora do escritório|de férias|ausente)|retornarei (no dia|em|a partir)`,
  ].join('|'),
  'i',
);

/** Auto-replies that say the address is dead: the sequence should stop, not wait. */
const LEFT_COMPANY = /\b(no longer (with|at|employed|working)|has left (the company|the organi[sz]ation|[A-Z])|no longer (in use|monitored|active))|nicht mehr (im unternehmen|bei uns|für .{1,40} tätig)|ne fait plus partie|ya no (trabaja|forma parte)|non (lavora|fa) più|niet meer (werkzaam|in dienst)|não (trabalha|faz parte) mais/i;

function autoSubmittedValue(email: ParsedEmail): string | null {
  const value = email.headers['auto-submitted']?.trim().toLowerCase();
  if (!value || /^no\b/.test(value)) return null;
  return value;
}

function outOfOffice(email: ParsedEmail, rule: string, rawConfidence: number, reason: string): RuleDecision {
  const confidence = Math.round(rawConfidence * 100) / 100;
  const text = `${email.subject ?? ''}\n${email.replyText || email.text}`;
  if (LEFT_COMPANY.test(text)) {
    return { classification: 'out_of_office', confidence, reason: `${reason} The sender has left or the address is no longer used.`, suggestedAction: 'stop_sequence', rule };
  }
  const returnDate = extractReturnDate(text, email.date);
  const decision: RuleDecision = { classification: 'out_of_office', confidence, reason, suggestedAction: 'follow_up', rule };
  if (returnDate) {
    decision.returnDate = returnDate;
    decision.reason = `${reason} Back on ${returnDate}.`;
  }
  return decision;
}

/** Decides automatic replies. Run after the delivery-report rules: many bounces carry Auto-Submitted too. */
export function detectAutoReply(email: ParsedEmail): RuleDecision | null {
  const subject = email.subject ?? '';
  const body = (email.replyText || email.text).slice(0, 8_000);
  const oooBody = OOO_BODY.test(body);
  const oooSubject = AUTO_SUBJECT.test(subject);
  const autoSubmitted = autoSubmittedValue(email);
  const precedence = email.headers.precedence?.trim().toLowerCase() ?? '';
  const xAutoReply = email.headers['x-autoreply'] ?? email.headers['x-autorespond'] ?? email.headers['x-autoresponder'];
  const suppress = email.headers['x-auto-response-suppress'];
  const phrase = oooBody || oooSubject;
  const boost = phrase ? 0.05 : 0;

  if (autoSubmitted) {
    return outOfOffice(email, 'auto-reply.auto-submitted', 0.92 + boost, `Automatic reply (Auto-Submitted: ${autoSubmitted.slice(0, 40)}).`);
  }
  if (xAutoReply !== undefined || precedence === 'auto_reply' || precedence === 'auto-reply') {
    return outOfOffice(email, 'auto-reply.header', 0.9 + boost, 'Automatic reply (the auto-responder header is set).');
  }
  if (oooSubject) {
    return outOfOffice(email, 'auto-reply.subject', oooBody ? 0.95 : 0.88, `Automatic reply: the subject says "${subject.slice(0, 80)}".`);
  }
  if (suppress !== undefined && /\b(all|oof|autoreply)\b/i.test(suppress) && oooBody) {
    return outOfOffice(email, 'auto-reply.exchange', 0.93, 'Out-of-office reply from Exchange (X-Auto-Response-Suppress set, away text).');
  }
  if ((precedence === 'bulk' || precedence === 'junk') && oooBody) {
    return outOfOffice(email, 'auto-reply.precedence', 0.9, `Out-of-office reply (Precedence: ${precedence}, away text).`);
  }
  // Without any header or subject sign, only a short statement-only text counts: a person who
  // writes "I'm travelling, can we talk next week?" is answering, and the model should read it.
  if (oooBody && body.length <= 1_500 && !body.includes('?')) {
    return outOfOffice(email, 'auto-reply.body', 0.8, 'Out-of-office text without an auto-reply header.');
  }
  if (suppress !== undefined || precedence === 'bulk' || precedence === 'junk') {
    const header = suppress !== undefined ? 'X-Auto-Response-Suppress' : `Precedence: ${precedence}`;
    return outOfOffice(email, 'auto-reply.weak-header', 0.65, `Probably an automatic reply (${header}), with no away text.`);
  }
  return null;
}
