import type { ParsedEmail, RuleDecision } from './types';
import { joinPatterns } from './join-patterns';

/**
 * Rules for mail that mail systems write about a delivery: bounces (non-delivery reports),
 * and the look-alikes that are not bounces (delay warnings, delivery and read receipts).
 * The patterns are the fixed texts of the major MTAs and mailbox providers.
 */

/** Senders that only mail systems use. */
const DAEMON_SENDER =
  /(^|[^a-z])(mailer[-_.]?daemon|mail[-_.]?daemon|post_?master|mail delivery (system|subsystem|service|software)|ndr administrator|delivery[-_ ]?status[-_ ]?notification|mail[-_ ]?administrator|mailadmin)([^a-z]|$)/i;

/** Subjects of non-delivery reports, in the languages MTAs localise them to. */
const BOUNCE_SUBJECT = joinPatterns(
  [
    /undeliver(able|ed)/,
    /delivery (status notification )?\(?(failure|failed)/,
    /failure notice/,
    /returned mail/,
    /mail delivery (failed|failure|problem)/,
    /delivery (failure|problem|report)/,
    /non[- ]?delivery/,
    /(could|can)( ?no|')t be delivered/,
    /not (been )?delivered/,
    /returned to sender/,
    /mail system error/,
    /delivery has failed/,
    /message (not delivered|blocked|rejected)/,
    /permanent (error|failure)/,
    /^(bounced?|rejected)( mail| message)?\s*[:(]/,
    /\b(mail|message|delivery) (bounced|rejected)\b/,
    /nicht zustellbar|unzustellbar|zustellung fehlgeschlagen/,
    /non remis|échec de (la )?remise|non distribuable/,
    /no (se pudo )?entregad|no entregable|error de entrega/,
    /non recapitabile|mancata consegna/,
    /onbestelbaar|niet bezorgd/,
    /não (foi )?entregue|falha na entrega/,
    /配信不能|配信できません|不達|配送エラー|送信エラー|メールエラー|エラー通知|返送/,
  ],
  'i',
);

/**
 * The fixed texts that MTAs and mailbox providers write into a non-delivery report, one entry
 * per text. Each one names a failed delivery, so it counts as an MTA body pattern: with a
 * machine sender or a bounce subject it decides a bounce. Exported for the fixture test, which
 * holds one hand-written report for every entry.
 */
export const MTA_BOUNCE_TEXTS: ReadonlyArray<{ mta: string; pattern: RegExp }> = [
  { mta: 'Postfix', pattern: /I'm sorry to have to inform you that your message could not/i },
  { mta: 'Postfix', pattern: /This is the mail system at host/i },
  { mta: 'Exim', pattern: /could not be delivered to one or more of its\s+recipients/i },
  { mta: 'Exim', pattern: /A message that you sent could not be delivered/i },
  { mta: 'Exim', pattern: /This is a permanent error/i },
  { mta: 'Exim', pattern: /recipient addresses that were\s+incorrectly constructed/i },
  { mta: 'Sendmail', pattern: /The following addresses had (permanent )?(fatal |delivery )?(errors|problems)/i },
  { mta: 'Sendmail', pattern: /Transcript of session follows/i },
  { mta: 'Sendmail', pattern: /Message could not be delivered/i },
  { mta: 'qmail', pattern: /This is the qmail-send program/i },
  { mta: 'qmail', pattern: /I'm afraid I wasn't able to deliver your message/i },
  { mta: 'qmail', pattern: /I'm not going to try again/i },
  { mta: 'Exchange', pattern: /Delivery has failed to these recipients/i },
  { mta: 'Exchange', pattern: /Your message (to .{1,200} )?(couldn't|could not|can't|cannot) be delivered/i },
  { mta: 'Exchange', pattern: /did not reach the following recipient/i },
  { mta: 'Exchange', pattern: /Your message did not reach some or all of the intended recipients/i },
  { mta: 'Exchange', pattern: /The following recipient\(s\) cannot be reached/i },
  { mta: 'Office 365', pattern: /couldn't be delivered to/i },
  { mta: 'Gmail', pattern: /Delivery to the following recipients? failed/i },
  { mta: 'Gmail', pattern: /Your message wasn't delivered/i },
  { mta: 'Gmail', pattern: /The response from the remote server was/i },
  { mta: 'Gmail', pattern: /Google tried to deliver your message/i },
  { mta: 'Google Groups', pattern: /group you tried to contact .{0,80}may not exist/i },
  { mta: 'Yahoo', pattern: /(unable|not able) to deliver (your )?(message|mail)/i },
  { mta: 'Lotus Domino', pattern: /Your message was not delivered/i },
  { mta: 'Lotus Domino', pattern: /was not delivered because/i },
  { mta: 'Lotus Domino', pattern: /Delivery Failure Report/i },
  { mta: 'Apache James', pattern: /Error message below:[\s\S]{0,400}Message details:/i },
  { mta: 'Biglobe', pattern: /-{3,}\s*Non-delivered information\s*-{3,}/i },
  { mta: 'EZweb', pattern: /Each of the following recipients was rejected by/i },
  { mta: 'Lotus Notes', pattern: /-{3,}\s*Failure Reasons\s*-{3,}/i },
  { mta: 'Trend Micro InterScan', pattern: /Received >>> [45]\d\d\b/ },
  { mta: 'McAfee', pattern: /(Delivery|Delevery) to the following recipients was aborted/i },
  { mta: 'Courier', pattern: /Your message to the following recipients cannot be delivered/i },
  { mta: 'generic', pattern: /message (was|has been) (rejected|returned|bounced)/i },
  { mta: 'generic', pattern: /(delivery|message) to the following (recipient|address)(e?s|\(s\))? (has )?failed/i },
  { mta: 'generic', pattern: /undeliverable (mail|message)/i },
  { mta: 'generic', pattern: /(message|mail) (is|was) undeliverable/i },
  { mta: 'generic', pattern: /could not deliver (the )?(message|mail)/i },
  { mta: 'generic', pattern: /permanent(ly)? (fatal )?(error|failure|failed)/i },
  { mta: 'generic', pattern: /retry time(out)? (not )?exceeded|retry timeout exceeded|too many (retries|delivery attempts)/i },
  { mta: 'German', pattern: /konnte nicht (zugestellt|ausgeliefert)|nicht zugestellt werden/i },
  { mta: 'French', pattern: /n'a pas pu être (remis|distribué|délivré)|impossible de remettre/i },
  { mta: 'Spanish', pattern: /no (se )?(pudo|ha podido) (ser )?entregar/i },
  { mta: 'Italian', pattern: /non è stato possibile (consegnare|recapitare)|non (può|potuto) essere (consegnato|recapitato)/i },
  { mta: 'Dutch', pattern: /kon niet (worden )?(afgeleverd|bezorgd)/i },
  { mta: 'Portuguese', pattern: /não (pôde|foi possível) (ser )?entreg/i },
  { mta: 'Japanese', pattern: /送信できませんでした|配信できませんでした|届きませんでした|送信に失敗/ },
];

function hasMtaBounceText(text: string): boolean {
  return MTA_BOUNCE_TEXTS.some(({ pattern }) => pattern.test(text));
}

/**
 * What else a report's text holds besides its fixed sentence: SMTP replies with their codes,
 * RFC 3464 field names flattened into text, and the mailbox errors MTAs quote. None of these is
 * enough alone (a person may quote one); with a machine sender and a bounce subject they are.
 */
const MTA_EVIDENCE = joinPatterns(
  [
    /\b[45]\d\d[ -][45]\.\d{1,3}\.\d{1,3}\b/,
    /\b[45]\.\d\.\d{1,3}\b/,
    /(^|[\s:(<])55[0-4]([ -]|$)/,
    /user unknown|unknown user|no such (user|mailbox|recipient|address)|invalid (recipient|address|mailbox)/,
    /mailbox (is )?(full|unavailable|not found|disabled|inactive|does not exist)|over (quota|the limit)|quota exceeded|exceeded (the )?(storage|quota)/,
    /(address|recipient|user|account|mailbox|domain) (does not|doesn't) exist|(address|user|account) (not found|is disabled|has been disabled|is inactive|suspended)/,
    /recipient address rejected|relay(ing)? (access )?denied|host (or domain name )?not found|domain not found|name service error|null mx/,
    /(message|mail) (was )?(rejected|blocked|refused) (by|for|because)/,
    /not delivered|undeliverable|undelivered|delivery (failed|failure)|returned mail|failure notice|(failed|unable) to deliver|(gave|giving|given) up|delivery (to|of) .{1,120} (has )?failed/,
    /^(Diagnostic-Code|Final-Recipient|Remote-MTA|Reporting-MTA):|^Action:\s*failed|^Status:\s*5\./,
    /mail delivery (software|subsystem|system)|this message was created automatically/,
    /original message (follows|headers)|--- ?(below this line|the original message)/,
  ],
  'im',
);

/** The failure words an automatic message must hold before its text alone counts as a bounce. */
const FAILURE_WORDS =
  /not delivered|undeliver|delivery (failed|failure)|returned|rejected|user unknown|no such (user|mailbox)|mailbox (is )?(full|unavailable)|quota|does not exist|\b5\.\d\.\d{1,3}\b/i;

/**
 * Challenge-response systems (Boxbe, Bluebottle, SpamArrest and the like) hold a message until
 * the sender proves to be a person. Some format the challenge as a DSN with `Action: failed`
 * and a 4.x.x status; the message is not lost, so it is no bounce.
 */
const CHALLENGE_TEXT = joinPatterns(
  [
    /verify (that )?you('re| are) (a )?(human|real person|person|not a (robot|spammer|bot))/,
    /(prove|confirm) (that )?you('re| are) (a )?(human|real person|person|not a (robot|spammer|bot))/,
    /please verify you are human/,
    /(approved|allowed|trusted) senders? list/,
    /(add|added) (you |yourself )?to (my|the|his|her|their) (whitelist|guest ?list|approved|allowed|contact list)/,
    /challenge[- ]response|sender verification (request|required|needed)/,
    /\b(boxbe|bluebottle|spam ?arrest|mailblocks|choicemail|sanebox)\b/,
    /(message|e-?mail) (is|has been|will be) (being )?held (pending|until)|(awaiting|pending) your (verification|confirmation)/,
  ],
  'i',
);

/** Subjects a person gives a mail they forward: "Fwd:", "WG:", "TR:" and the like. */
const FORWARD_SUBJECT = /^\s*(fwd?|wg|tr|rv|i|enc|doorst|vs)\s*:/i;

/** A transient-failure warning: the MTA is still trying, nothing has bounced yet. */
const DELAY_TEXT =
  /has not (yet )?been delivered|(has ?n't|has not|not) been delivered yet|delivery attempts will continue|will (continue to )?(retry|try|be retried)|still (trying|being retried)|message (is |has been )?delayed|delivery (is |has been )?delayed|delivery delay|delivery incomplete|\bdelayed mail\b|this is a warning (message )?only|you do not need to resend|no action is required on your part|could not be delivered for more than \d+|Delivery Status Notification \(Delay\)|Warning: message .{1,80} delayed/i;
/** Overrides a delay text: the MTA has given up. */
const FINAL_FAILURE_TEXT =
  /could not be delivered(?! for more than)|couldn't be delivered|permanent(ly)? (fatal )?(error|failure|failed)|gave up|giving up|retry time(out)? (not )?exceeded|retry timeout exceeded|too many (retries|delivery attempts)|will not be delivered|has been returned|undeliverable|Action:\s*failed/i;

/** Positive delivery notifications (DSN success, Sendmail "Return receipt", Amazon SES delivery). */
const RECEIPT_TEXT =
  /successful delivery notifications|delivery to the following recipients? (was|were|has been|have been) (successful|completed)|(was|has been) (successfully )?delivered to (the )?(following|recipient|destination)|Enclosed is the mail delivery report that you requested/i;
const RECEIPT_SUBJECT =
  /^(return receipt|delivered:|delivery (status )?notification \((success|relayed)\)|successful mail delivery report|zugestellt:|remis :|entregado:)/i;
/** Read receipts (MDN, RFC 8098) and their client-written equivalents. */
const READ_RECEIPT_SUBJECT = /^(read|gelesen|lu|leído|letto|gelezen|lido|read receipt|disposition notification)\s*:/i;

/** Mailing-list managers (fml, Mailman, ezmlm, Majordomo) that return a post they would not deliver. */
const LIST_MANAGER_SENDER = /(^|[^a-z])(owner-[^@\s]+|[^@\s]+-(admin|owner|request|bounces?))@/i;
const LIST_REJECTION_TEXT =
  /\b(you are|you're|is) not (a )?member\b|\bare not member\b|not allowed to post|post(ing|s)? .{0,40}(restricted|limited) to (list )?members|(message|post(ing)?) .{0,60}(was|has been) (automatically )?rejected|original mail as follows|duplicated message-id|loop alert/i;

const FAILED_ACTION = /^(failed|failure|undeliverable|not delivered)/;
const DELAYED_ACTION = /^delayed/;
const SUCCESS_ACTION = /^(delivered|relayed|expanded|deliverable)/;

function bounce(rule: string, confidence: number, reason: string): RuleDecision {
  return { classification: 'bounce', confidence, reason, suggestedAction: 'stop_sequence', rule };
}

function notABounce(rule: string, confidence: number, reason: string): RuleDecision {
  return { classification: 'other', confidence, reason, suggestedAction: 'none', rule };
}

function describeRecipient(email: ParsedEmail): string {
  const failed = email.dsn?.recipients.find((recipient) => recipient.action !== null && FAILED_ACTION.test(recipient.action));
  const parts = [failed?.finalRecipient, failed?.status ? `status ${failed.status}` : null].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** Only the head of a long body is read: a report's own text comes first, the returned mail after it. */
function headOf(email: ParsedEmail): string {
  return email.text.slice(0, 12_000);
}

function isDaemonSender(email: ParsedEmail): boolean {
  return DAEMON_SENDER.test(`${email.from ?? ''} ${email.fromName ?? ''}`);
}

/** The null sender `<>` (RFC 5321 makes reports use it) or the MAILER-DAEMON some MTAs write in its place. */
function hasNullReturnPath(email: ParsedEmail): boolean {
  const value = email.headers['return-path'];
  return value !== undefined && /^<?\s*(mailer-daemon(@[^\s>]*)?)?\s*>?$/i.test(value.trim());
}

/** A DSN status or an SMTP reply in the text that says the failure is permanent (5.x.x). */
function hasPermanentStatus(email: ParsedEmail, text: string): boolean {
  return (email.dsn?.recipients ?? []).some((recipient) => recipient.status?.startsWith('5')) || /\b5\d\d[ -]5\.\d{1,3}\.\d{1,3}\b/.test(text);
}

/**
 * Decides delivery reports. Returns a bounce, an `other` decision for delay warnings, receipts
 * and challenge-response mails (machine mail that must never count as a bounce), or null when
 * the message is not a delivery report.
 *
 * A bounce needs a DSN part or an MTA's own text: a postmaster or MAILER-DAEMON address alone
 * is not enough, since people write from those addresses too.
 */
export function detectDeliveryReport(email: ParsedEmail): RuleDecision | null {
  const subject = email.subject ?? '';
  const head = headOf(email);
  const recipients = email.dsn?.recipients ?? [];
  const actions = recipients.map((recipient) => recipient.action ?? '');

  const daemon = isDaemonSender(email);
  const nullReturnPath = hasNullReturnPath(email);
  const autoSubmitted = /^auto-/i.test(email.headers['auto-submitted'] ?? '');
  const noReplySender = /^(no-?reply|do-?not-?reply)[@+.-]/i.test(email.from ?? '');
  const report = email.reportType === 'delivery-status' || email.dsn !== null;
  /** Signs in the envelope and headers that a program wrote the message (the From address aside). */
  const machineEnvelope = nullReturnPath || autoSubmitted || report;
  const machine = machineEnvelope || daemon || noReplySender;

  if (CHALLENGE_TEXT.test(`${subject}\n${head}`) && !hasPermanentStatus(email, head)) {
    if (machine)
      return notABounce(
        'delivery.challenge',
        0.9,
        "Challenge-response: the recipient's filter holds the message until the sender proves to be a person; not a bounce.",
      );
    return null;
  }
  if (actions.some((action) => FAILED_ACTION.test(action))) {
    return bounce('bounce.dsn-failed', 0.99, `Delivery status report: delivery failed${describeRecipient(email)}.`);
  }
  if (actions.some((action) => DELAYED_ACTION.test(action))) {
    return notABounce('delivery.delayed', 0.95, 'Delivery status report: delivery is delayed and still being retried; not a bounce.');
  }
  if (actions.some((action) => SUCCESS_ACTION.test(action))) {
    return notABounce('delivery.receipt', 0.95, 'Delivery status report: the message was delivered; not a bounce.');
  }
  // A DSN without an Action field still says what happened through its status class.
  if (recipients.some((recipient) => recipient.status?.startsWith('5'))) {
    return bounce('bounce.dsn-status', 0.97, `Delivery status report with a permanent failure status${describeRecipient(email)}.`);
  }
  if (recipients.some((recipient) => recipient.status?.startsWith('4'))) {
    return notABounce('delivery.delayed', 0.9, 'Delivery status report with a temporary (4.x.x) status: still being retried; not a bounce.');
  }
  if (email.reportType === 'disposition-notification' || email.parts.some((part) => part.contentType === 'message/disposition-notification')) {
    return notABounce('delivery.read-receipt', 0.95, 'Read receipt (message disposition notification); not a reply.');
  }

  const text = `${subject}\n${head}`;
  if (DELAY_TEXT.test(text) && !FINAL_FAILURE_TEXT.test(text)) {
    if (machine) return notABounce('delivery.delay-warning', 0.9, 'Delay warning from a mail server: delivery is still being retried; not a bounce.');
    return null;
  }
  const sesType = /^\s*\{\s*"notificationType"\s*:\s*"(\w+)"/.exec(head)?.[1];
  if (sesType === 'Bounce') return bounce('bounce.ses-notification', 0.97, 'Amazon SES bounce notification.');
  if (sesType === 'Delivery') return notABounce('delivery.receipt', 0.95, 'Amazon SES delivery notification: the message was delivered; not a bounce.');
  if (machine && (RECEIPT_SUBJECT.test(subject) || (RECEIPT_TEXT.test(text) && !FINAL_FAILURE_TEXT.test(text)))) {
    return notABounce('delivery.receipt', 0.9, 'Delivery notification: the message was delivered; not a bounce.');
  }
  if (READ_RECEIPT_SUBJECT.test(subject) && /\b(was|has been) read\b|gelesen|a été lu|fue leído|è stato letto|is gelezen|foi lida/i.test(head)) {
    return notABounce('delivery.read-receipt', 0.9, 'Read receipt; not a reply.');
  }

  // A person who forwards a bounce ("Fwd: Undeliverable…") is writing to us: the model reads it.
  if (!machine && FORWARD_SUBJECT.test(subject)) return null;
  // In a person's mail only the new text counts; quoted history may hold anything.
  const body = machine ? head : email.replyText;
  const mtaText = hasMtaBounceText(body);
  const bounceSubject = BOUNCE_SUBJECT.test(subject);
  const evidence = MTA_EVIDENCE.test(`${subject}\n${body}`);

  if (email.reportType === 'delivery-status' && (mtaText || bounceSubject || evidence)) {
    return bounce('bounce.report-text', 0.95, 'Delivery status report whose text says delivery failed.');
  }
  if (mtaText && (machine || bounceSubject)) {
    const sender = daemon ? ` from the mail system (${email.from ?? email.fromName ?? 'mailer-daemon'})` : '';
    return bounce('bounce.mta-text', 0.95, `Non-delivery report${sender}: the text says the message could not be delivered.`);
  }
  // A bounce subject from a program: either the text quotes the mail server, or the null
  // sender and a mail-system address both say a report is what this is.
  if (bounceSubject && ((evidence && machine) || (machineEnvelope && daemon))) {
    return bounce('bounce.subject', 0.9, `Non-delivery report: the subject says "${subject.slice(0, 80)}" and the text quotes the mail server.`);
  }
  const listManager =
    email.headers['x-mlserver'] !== undefined || email.headers['x-list-administrivia'] !== undefined || LIST_MANAGER_SENDER.test(email.from ?? '');
  if (listManager && LIST_REJECTION_TEXT.test(text)) {
    return bounce('bounce.list-manager', 0.85, 'The mailing-list manager returned the message undelivered.');
  }
  // The sender's address alone is no proof; the envelope or headers must say a program wrote it.
  if (machineEnvelope && evidence && FAILURE_WORDS.test(body)) {
    return bounce('bounce.machine-text', 0.85, 'Automatic message whose text reports a failed delivery.');
  }
  return null;
}
