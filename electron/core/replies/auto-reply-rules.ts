import { extractReturnDate } from './return-date';
import type { ParsedEmail, RuleDecision } from './types';
import { joinPatterns } from './join-patterns';

/**
 * Rules for out-of-office and other automatic replies. A wrong label here pauses a live
 * conversation, so every rule needs a sign that only an auto-responder gives: an RFC 3834
 * `Auto-Submitted: auto-replied`, a responder's own header, a subject that only responders
 * write, or an away text with the parts a responder adds (return date, "limited access",
 * "for urgent matters"). Headers that list mail and newsletters carry too (`Precedence: bulk`,
 * `X-Auto-Response-Suppress`, `Auto-Submitted: auto-generated`) count only with such a text.
 * Anything less goes to the model.
 */

/** Subjects only auto-responders write, in the languages they are localised to. */
const AUTO_REPLY_SUBJECT = joinPatterns(
  [
    /\bauto(matic|matische?|matisk|matiske)?[- ]?(reply|response|respons|responder|answer|antwort|svar|risposta|resposta|respuesta|réponse|antwoord)\b/,
    /\bautoreply\b|\bautoresponse\b|\bauto[- ]?respond(er)?\b|\bautomated (reply|response|answer)\b/,
    /\baway from (my|the) (mail|e-?mail|desk|office)\b/,
    /^\W*(auto|automatic|autom\.)\s*:/,
    /^\W*(out of (the )?office|ooo|oof)\b/,
    /\bout of (the )?office\s*(reply|response|notice|message|notification|auto|alert)\b|\bout of (the )?office\s*[:(\-–]|\bis out of the office\b/,
    /^\W*(vacation|holiday|absence) (reply|response|notice|message|notification|auto-?reply)\b|^\W*(on vacation|on holiday|away|absent|abwesend|afwezig|ausente|assente)\s*[:\-–]|\b(i'm|i am) (away|on vacation|on holiday|out of (the )?office|on leave)\b/,
    /abwesenheitsnotiz|abwesenheitsmeldung|automatische antwort|nicht im büro|außer haus\s*:/,
    /réponse automatique|message d'absence|absent(e)? du bureau|absence du bureau/,
    /respuesta automática|respuesta de ausencia|fuera de la oficina/,
    /risposta automatica|risposta di assenza|fuori (ufficio|sede)/,
    /automatisch antwoord|afwezigheidsbericht|niet op kantoor/,
    /resposta automática|resposta de ausência|fora do escritório|resposta automàtica/,
    /autosvar|automatisk svar|frånvaromeddelande|fraværsmelding|fraværsbesked|automaattinen vastaus|poissaoloviesti|lomavastaaja/,
    /automatyczna odpowiedź|odpowiedź automatyczna|automatická odpověď|automatická odpoveď|automatikus válasz|răspuns automat|otomatik (yanıt|cevap)|automatski odgovor|samodejni odgovor|automatinis atsakymas|automātiskā atbilde|automaatvastus|trả lời tự động|balasan otomatis/,
    /автоответ|автоматический ответ|автовідповідь|автоматична відповідь|αυτόματη απάντηση|מענה אוטומטי|رد تلقائي/,
    /自動応答|自動返信|不在通知|不在のお知らせ|自动回复|自動回覆|自動回复|자동 ?응답|부재중/,
  ],
  'i',
);

/** Subject words a person's own mail may hold too ("Re: holiday plans"): they need an away text. */
const AWAY_SUBJECT =
  /\b(vacation|holidays?|annual leave|parental leave|leave of absence|absence|away|travell?ing)\b|abwesen|urlaub|congés?|vacaciones|ausente|ferie|assente|vakantie|afwezig|férias|ausência|frånvar|fravær|poissa|nieobecn|不在|休假|外出/i;

/** Statements that the person is away now or will be. */
const AWAY_TEXT = joinPatterns(
  [
    /\b(i am|i'm|i will be|i'll be|i shall be|we are|we're|currently)\b.{0,40}\b(out of (the )?office|away( from)?|on (vacation|holidays?|leave|annual leave|parental leave|maternity leave|paternity leave|sick leave|sabbatical|a business trip|business travel|pto)|travell?ing|out of town|off work|not in the office|unavailable|absent|off until|out until)/,
    /\b(is|are) (currently )?(out of (the )?office|on (vacation|holidays?|leave|annual leave|parental leave|maternity leave|sabbatical)|away (from|until|till))\b/,
    /\bout of (the )?office (until|till|from|on|and|through|returning|with)\b/,
    /ich bin (derzeit |momentan |zurzeit |bis .{1,30})?(nicht im büro|abwesend|im urlaub|außer haus|nicht erreichbar)|\b(bin|sind) ich (wieder|ab .{1,30}) (erreichbar|im büro|zurück)|abwesenheitsnotiz/,
    /je suis (actuellement )?(absent|absente|en congés?|en vacances|hors du bureau|en déplacement)|je serai (absent|absente|de retour)/,
    /(estoy|estaré) (fuera de la oficina|de vacaciones|ausente)|regresaré el/,
    /(sono|sarò) (fuori (ufficio|sede)|in ferie|assente)|rientrerò (il|in ufficio)/,
    /ik ben (momenteel |tot .{1,30})?(afwezig|niet op kantoor|met vakantie)|ben ik (weer|terug) (aanwezig|op kantoor|bereikbaar)/,
    /(estou|estarei) (fora do escritório|de férias|ausente)|retornarei (no dia|em|a partir)/,
  ],
  'i',
);

/** "Limited access to email": responders say it, people answering a mail rarely do. */
const LIMITED_ACCESS =
  /\b(limited|no|intermittent|restricted|sporadic|little) access to (my )?(e-?mails?|mails?|phone|the internet)|keinen zugriff auf (meine )?e-?mails|eingeschränkte[mn]? zugriff|accès limité (à|aux) (mes )?(e-?mails|courriels)|acceso limitado al correo|accesso limitato (alla|all')? ?e-?mail|beperkte toegang tot (mijn )?e-?mail|acesso limitado (ao|aos) (meu )?e-?mail/i;

/** The responder's hand-over: who to write to meanwhile. */
const URGENT_CONTACT =
  /\b(for|in case of) (urgent|immediate|pressing) (matters|requests|issues|enquiries|inquiries|questions|assistance|support|help|needs|business)|\bif (this|it|your (matter|request|message|enquiry|inquiry)) is urgent\b|\bin (my|the) absence\b|\bduring my absence\b|\balternatively,? (please )?contact\b|\b(please|kindly) contact .{0,80}@|in dringenden (fällen|angelegenheiten)|wenden sie sich (bitte )?an|en cas d'urgence|pendant mon absence|en mi ausencia|para (asuntos )?urgentes|per (urgenze|questioni urgenti)|in mijn afwezigheid|voor dringende|em caso de urgência|na minha ausência/i;

/** "I will reply when I am back." */
const ON_RETURN =
  /\b(respond|reply|get back to you|answer|attend to|read|deal with|follow up).{0,50}\b(upon|on|after) my return\b|\bwhen i (return|am back|get back)\b|\bas soon as (possible )?(after )?i('m| am) back\b|nach meiner rückkehr|à mon retour|a mi regreso|al mio rientro|na mijn terugkeer|no meu retorno|quando (eu )?retornar/i;

/** A responder's opening line, before it says the person is away. */
const THANKS_OPENING =
  /^\s*(thank you|thanks|many thanks) for (your|the) (e-?mail|message|mail|note|enquiry|inquiry)\b|^\s*(vielen )?dank für ihre (nachricht|e-?mail)|^\s*merci (pour|de) votre (message|e-?mail|courriel)|^\s*gracias por su (mensaje|correo)|^\s*grazie per (il suo|la sua) (messaggio|e-?mail)|^\s*bedankt voor uw (bericht|e-?mail)|^\s*obrigad[oa] pel[oa] (sua )?(mensagem|e-?mail)/i;

/** A message that says it was sent automatically. */
const AUTOMATIC_TEXT =
  /\bthis is an? (automated|automatic|auto-generated|automatically generated) (response|reply|message|notification|e-?mail)\b|\bautomatic(ally generated)? reply\b|\bonly notification you will receive while\b|dies ist eine automatische (antwort|nachricht)|ceci est une réponse automatique|este es un mensaje automático|questa è una risposta automatica|dit is een automatisch (antwoord|bericht)|esta é uma resposta automática/i;

/** A helpdesk's receipt ("we have received your message and will reply within 2 days"). */
const RECEIPT_TEXT =
  /\b(thank you|thanks) for (your|contacting|reaching out).{0,120}\b(we have received|we've received|we will (respond|reply|get back)|will be contacting you|(within|in) \d+ (hours|business days|days))/i;

/** Auto-replies that say the address is dead: the sequence should stop, not wait. */
const LEFT_COMPANY =
  /\b(no longer (with|at|employed|working)|has left (the company|the organi[sz]ation|[A-Z])|no longer (in use|monitored|active))|nicht mehr (im unternehmen|bei uns|für .{1,40} tätig)|ne fait plus partie|ya no (trabaja|forma parte)|non (lavora|fa) più|niet meer (werkzaam|in dienst)|não (trabalha|faz parte) mais/i;

/** Reply and forward prefixes a person's client puts before a subject. */
const REPLY_PREFIX = /^\s*(re|aw|sv|vs|antw|r|rif|res|réf|ref|odp|odg|ynt|бтв|回复|答复|fwd?|wg|tr|rv|enc|doorst)\s*(\[\d+\])?\s*:/i;

/** Mailboxes that programs send from: their "auto-generated" mail is a notification, not an auto-reply. */
const SYSTEM_SENDER =
  /^(no-?reply|do-?not-?reply|notifications?|notify|alerts?|jira|gitlab|github|bugzilla|confluence|jenkins|admin|system|bot|robot|mailer|daemon|support|helpdesk|service|info|news(letter)?|updates?|reports?|dmarc|calendar|billing|accounts?)([-+._@]|$)/i;

/** Responder headers that predate RFC 3834. */
const RESPONDER_HEADERS = ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-mail-autoreply', 'x-amazon-auto-reply'];

function autoSubmittedValue(email: ParsedEmail): string | null {
  const value = email.headers['auto-submitted']?.trim().toLowerCase();
  if (!value || /^no\b/.test(value)) return null;
  return value;
}

function responderHeader(email: ParsedEmail): string | null {
  for (const name of RESPONDER_HEADERS) {
    const value = email.headers[name];
    if (value !== undefined && !/^\s*(no|false|0|off)\s*$/i.test(value)) return name;
  }
  if (/^\s*reply\b/i.test(email.headers['x-autogenerated'] ?? '')) return 'x-autogenerated';
  return null;
}

/** Mail a list manager distributed: a newsletter or a list post, whatever its Precedence says. */
export function isListMail(email: ParsedEmail): boolean {
  const headers = email.headers;
  return (
    ['list-id', 'list-unsubscribe', 'list-post', 'list-help', 'list-archive', 'mailing-list', 'x-mailing-list', 'x-beenthere'].some(
      (name) => headers[name] !== undefined,
    ) || /^\s*list\b/i.test(headers.precedence ?? '')
  );
}

/** Whether the message answers another: an In-Reply-To or References header, or a "Re:" subject. */
function isReply(email: ParsedEmail): boolean {
  return email.headers['in-reply-to'] !== undefined || email.headers.references !== undefined || /^\s*(re|aw|sv|antw)\s*:/i.test(email.subject ?? '');
}

/** "Re: Automatic reply: …": a reply prefix right before a responder's marker. */
function answersAnAutoReply(subject: string): boolean {
  if (!REPLY_PREFIX.test(subject)) return false;
  let rest = subject;
  while (REPLY_PREFIX.test(rest)) rest = rest.replace(REPLY_PREFIX, '');
  const marker = AUTO_REPLY_SUBJECT.exec(rest);
  return marker !== null && rest.slice(0, marker.index).trim() === '';
}

interface AwaySignals {
  /** Any sign of a responder in the text. */
  any: boolean;
  /** A statement of absence together with a responder's typical addition. */
  strong: boolean;
}

function readAwaySignals(text: string): AwaySignals {
  const away = AWAY_TEXT.test(text);
  const addition = LIMITED_ACCESS.test(text) || URGENT_CONTACT.test(text) || ON_RETURN.test(text) || AUTOMATIC_TEXT.test(text) || THANKS_OPENING.test(text);
  return {
    any: away || addition || LEFT_COMPANY.test(text) || RECEIPT_TEXT.test(text),
    strong: away && addition,
  };
}

function outOfOffice(email: ParsedEmail, rule: string, rawConfidence: number, reason: string): RuleDecision {
  const confidence = Math.round(rawConfidence * 100) / 100;
  const text = `${email.subject ?? ''}\n${email.replyText || email.text}`;
  if (LEFT_COMPANY.test(text)) {
    return {
      classification: 'out_of_office',
      confidence,
      reason: `${reason} The sender has left or the address is no longer used.`,
      suggestedAction: 'stop_sequence',
      rule,
    };
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
  // Typographic apostrophes ("I’m away") read as plain ones.
  const body = (email.replyText || email.text).slice(0, 8_000).replace(/[\u2018\u2019\u02bc]/g, "'");
  const signals = readAwaySignals(body);
  const autoSubmitted = autoSubmittedValue(email);
  const responder = responderHeader(email);
  const precedence = email.headers.precedence?.trim().toLowerCase() ?? '';
  const suppress = email.headers['x-auto-response-suppress'];
  const autoSubject = AUTO_REPLY_SUBJECT.test(subject);
  const boost = signals.any || autoSubject ? 0.05 : 0;

  // RFC 3834: "auto-replied" marks a response a program sent to a message.
  if (autoSubmitted?.startsWith('auto-replied')) {
    return outOfOffice(email, 'auto-reply.auto-submitted', 0.92 + boost, `Automatic reply (Auto-Submitted: ${autoSubmitted.slice(0, 40)}).`);
  }
  if (responder !== null || precedence === 'auto_reply' || precedence === 'auto-reply') {
    const header = responder ?? `precedence: ${precedence}`;
    return outOfOffice(email, 'auto-reply.header', 0.9 + boost, `Automatic reply (the auto-responder header ${header} is set).`);
  }
  // "auto-generated" is any program's mail (notifications, reports, digests): it takes a responder's
  // subject or text, or else a reply from a person's own mailbox (that mailbox's responder).
  if (autoSubmitted !== null) {
    if (autoSubject || signals.any) {
      return outOfOffice(
        email,
        'auto-reply.auto-submitted',
        0.9 + boost,
        `Automatic reply (Auto-Submitted: ${autoSubmitted.slice(0, 40)}, with a responder's subject or text).`,
      );
    }
    if (isReply(email) && !isListMail(email) && email.from !== null && !SYSTEM_SENDER.test(email.from)) {
      return outOfOffice(
        email,
        'auto-reply.auto-generated-reply',
        0.75,
        `Automatic answer from the recipient's own mailbox (Auto-Submitted: ${autoSubmitted.slice(0, 40)}).`,
      );
    }
    return null;
  }
  if (autoSubject) {
    // "Re: Automatic reply: …" is a person answering a responder's mail: it needs the text too.
    // A responder that keeps the "Re:" puts its marker after the subject ("Re: … (Auto-Reply)").
    if (!answersAnAutoReply(subject) || signals.strong) {
      return outOfOffice(email, 'auto-reply.subject', signals.any ? 0.95 : 0.88, `Automatic reply: the subject says "${subject.slice(0, 80)}".`);
    }
    return null;
  }
  if (AWAY_SUBJECT.test(subject) && !REPLY_PREFIX.test(subject) && signals.strong && !body.includes('?')) {
    return outOfOffice(
      email,
      'auto-reply.subject-and-text',
      0.88,
      `Out-of-office reply: the subject says "${subject.slice(0, 80)}" and the text says the sender is away.`,
    );
  }
  if (suppress !== undefined && /\b(all|oof|autoreply)\b/i.test(suppress) && signals.any && AWAY_TEXT.test(body)) {
    return outOfOffice(email, 'auto-reply.exchange', 0.93, 'Out-of-office reply from Exchange (X-Auto-Response-Suppress set, away text).');
  }
  if ((precedence === 'bulk' || precedence === 'junk') && !isListMail(email) && AWAY_TEXT.test(body) && !body.includes('?')) {
    return outOfOffice(email, 'auto-reply.precedence', 0.88, `Out-of-office reply (Precedence: ${precedence}, away text).`);
  }
  // Without any header or subject sign, only a short statement with a responder's additions
  // counts: a person who writes "I'm travelling, can we talk next week?" is answering.
  if (signals.strong && body.length <= 1_500 && !body.includes('?') && !isListMail(email)) {
    return outOfOffice(email, 'auto-reply.body', 0.8, "Out-of-office text (away, with a responder's additions) without an auto-reply header.");
  }
  return null;
}
