import type { ParsedEmail, RuleDecision } from './types';

/**
 * Rules for mail that mail systems write about a delivery: bounces (non-delivery reports),
 * and the look-alikes that are not bounces (delay warnings, delivery and read receipts).
 * The patterns are the fixed texts of the major MTAs and mailbox providers.
 */

/** Senders that only mail systems use. */
const DAEMON_SENDER = /(^|[^a-z])(mailer[-_.]?daemon|mail[-_.]?daemon|post_?master|mail delivery (system|subsystem|service|software)|ndr administrator|delivery[-_ ]?status[-_ ]?notification|mail[-_ ]?administrator|mailadmin)([^a-z]|$)/i;

/** Subjects of non-delivery reports, in the languages MTAs localise them to. */
const BOUNCE_SUBJECT = new RegExp(
  [
    String.raw`undeliver(able|ed)`,
    String.raw`delivery (status notification )?\(?(failure|failed)`,
    String.raw`failure notice`,
    String.raw`returned mail`,
    String.raw`mail delivery (failed|failure|problem)`,
    String.raw`delivery (failure|problem|report)`,
    String.raw`non[- ]?delivery`,
    String.raw`(could|can)( ?no|')t be delivered`,
    String.raw`not (been )?delivered`,
    String.raw`returned to sender`,
    String.raw`mail system error`,
    String.raw`delivery has failed`,
    String.raw`message (not delivered|blocked|rejected)`,
    String.raw`permanent (error|failure)`,
    String.raw`^(bounced?|rejected)( mail| message)?\s*[:(]`,
    String.raw`\b(mail|message|delivery) (bounced|rejected)\b`,
    String.raw`nicht zustellbar|unzustellbar|zustellung fehlgeschlagen`,
    String.raw`non remis|échec de (la )?remise|non distribuable`,
    String.raw`no (se pudo )?entregad|no entregable|error de entrega`,
    String.raw`non recapitabile|mancata consegna`,
    String.raw`onbestelbaar|niet bezorgd`,
    String.raw`não (foi )?entregue|falha na entrega`,
    String.raw`配信不能|不達|配送エラー|送信エラー|メールエラー|エラー通知|返送`,
  ].join('|'),
  'i',
);

/** Body texts that only a non-delivery report contains: each names a failed delivery. */
const BOUNCE_BODY_STRONG = new RegExp(
  [
    // Postfix
    String.raw`I'm sorry to have to inform you that your message could not`,
    String.raw`This is the mail system at host`,
    // Exim and clones
    String.raw`could not be delivered to one or more of its\s+recipients`,
    String.raw`A message that you sent could not be delivered`,
    String.raw`This is a permanent error`,
    // Sendmail
    String.raw`The following addresses had permanent fatal errors`,
    String.raw`Transcript of session follows`,
    String.raw`Message could not be delivered`,
    // qmail, vpopmail
    String.raw`This is the qmail-send program`,
    String.raw`I'm afraid I wasn't able to deliver your message`,
    String.raw`I'm not going to try again`,
    // Exchange, Office 365, Outlook.com
    String.raw`Delivery has failed to these recipients`,
    String.raw`Your message (to .{1,200} )?(couldn't|could not|can't|cannot) be delivered`,
    String.raw`did not reach the following recipient`,
    String.raw`Your message did not reach some or all of the intended recipients`,
    String.raw`The following recipient\(s\) cannot be reached`,
    String.raw`couldn't be delivered to`,
    // Gmail, Google Groups
    String.raw`Delivery to the following recipients? failed`,
    String.raw`Your message wasn't delivered`,
    String.raw`The response from the remote server was`,
    String.raw`Google tried to deliver your message`,
    String.raw`group you tried to contact .{0,80}may not exist`,
    // Yahoo, AOL
    String.raw`(unable|not able) to deliver (your )?(message|mail)`,
    // Lotus Notes / Domino, Courier, misc.
    String.raw`Your message was not delivered`,
    String.raw`was not delivered because`,
    String.raw`Delivery Failure Report`,
    String.raw`Your message to the following recipients cannot be delivered`,
    String.raw`message (was|has been) (rejected|returned|bounced)`,
    String.raw`(delivery|message) to the following (recipient|address)(e?s|\(s\))? (has )?failed`,
    String.raw`undeliverable (mail|message)`,
    String.raw`(message|mail) (is|was) undeliverable`,
    String.raw`could not deliver (the )?(message|mail)`,
    String.raw`permanent(ly)? (fatal )?(error|failure|failed)`,
    String.raw`retry time(out)? (not )?exceeded|retry timeout exceeded|too many (retries|delivery attempts)`,
    // German, French, Spanish, Italian, Dutch, Portuguese, Japanese MTAs
    String.raw`konnte nicht (zugestellt|ausgeliefert)|nicht zugestellt werden`,
    String.raw`n'a pas pu être (remis|distribué|délivré)|impossible de remettre`,
    String.raw`no (se )?(pudo|ha podido) (ser )?entregar`,
    String.raw`non è stato possibile (consegnare|recapitare)|non (può|potuto) essere (consegnato|recapitato)`,
    String.raw`kon niet (worden )?(afgeleverd|bezorgd)`,
    String.raw`não (pôde|foi possível) (ser )?entreg`,
    String.raw`送信できませんでした|配信できませんでした|届きませんでした|送信に失敗`,
  ].join('|'),
  'i',
);

/** Texts common in non-delivery reports but also possible elsewhere; they need another machine signal. */
const BOUNCE_BODY_WEAK = new RegExp(
  [
    String.raw`\b[45]\d\d[ -][45]\.\d{1,3}\.\d{1,3}\b`,
    String.raw`\b[45]\.\d\.\d{1,3}\b`,
    String.raw`\b(550|551|552|553|554)\b`,
    String.raw`user unknown|unknown user|no such (user|mailbox|recipient|address)|invalid (recipient|address|mailbox)`,
    String.raw`mailbox (is )?(full|unavailable|not found|disabled|inactive|does not exist)|over (quota|the limit)|quota exceeded|exceeded (the )?(storage|quota)`,
    String.raw`(address|recipient|user|account|mailbox|domain) (does not|doesn't) exist|(address|user|account) (not found|is disabled|has been disabled|is inactive|suspended)`,
    String.raw`recipient address rejected|relay(ing)? (access )?denied|host (or domain name )?not found|domain not found|name service error|null mx`,
    String.raw`(message|mail) (was )?(rejected|blocked|refused)|blocked (by|for)|spam|blacklist|blocklist|virus`,
    String.raw`not delivered|undeliverable|undelivered|delivery (failed|failure)|returned mail|failure notice|(failed|unable) to deliver|(gave|giving|given) up|delivery (to|of) .{1,120} (has )?failed`,
    String.raw`Diagnostic-Code:|Final-Recipient:|Action:\s*failed|Remote-MTA:|Reporting-MTA:`,
    String.raw`mail delivery (software|subsystem|system)|this message was created automatically`,
    String.raw`original message (follows|headers)|--- ?(below this line|the original message)`,
  ].join('|'),
  'i',
);

/** A transient-failure warning: the MTA is still trying, nothing has bounced yet. */
const DELAY_TEXT = /has not (yet )?been delivered|not been delivered yet|delivery attempts will continue|will (continue to )?(retry|try)|still (trying|being retried)|message (is |has been )?delayed|delivery (is |has been )?delayed|delivery delay|\bdelayed mail\b|this is a warning message only|you do not need to resend|no action is required on your part|Delivery Status Notification \(Delay\)|Warning: message .{1,80} delayed/i;
/** Overrides a delay text: the MTA has given up. */
const FINAL_FAILURE_TEXT = /could not be delivered|couldn't be delivered|permanent(ly)? (fatal )?(error|failure|failed)|gave up|giving up|retry time(out)? (not )?exceeded|retry timeout exceeded|too many (retries|delivery attempts)|will not be delivered|has been returned|undeliverable|Action:\s*failed/i;

/** Positive delivery notifications (DSN success, Sendmail "Return receipt", Amazon SES delivery). */
const RECEIPT_TEXT = /successful delivery notifications|delivery to the following recipients? (was|were|has been|have been) (successful|completed)|(was|has been) (successfully )?delivered to (the )?(following|recipient|destination)|Enclosed is the mail delivery report that you requested/i;
const RECEIPT_SUBJECT = /^(return receipt|delivered:|delivery (status )?notification \((success|relayed)\)|successful mail delivery report|zugestellt:|remis :|entregado:)/i;
/** Read receipts (MDN, RFC 8098) and their client-written equivalents. */
const READ_RECEIPT_SUBJECT = /^(read|gelesen|lu|leído|letto|gelezen|lido|read receipt|disposition notification)\s*:/i;

/** Mailing-list managers (fml, Mailman, ezmlm, Majordomo) that return a post they would not deliver. */
const LIST_MANAGER_SENDER = /(^|[^a-z])(owner-[^@\s]+|[^@\s]+-(admin|owner|request|bounces?))@/i;
const LIST_REJECTION_TEXT = /\b(you are|you're|is) not (a )?member\b|\bare not member\b|not allowed to post|post(ing|s)? .{0,40}(restricted|limited) to (list )?members|(message|post(ing)?) .{0,60}(was|has been) (automatically )?rejected|original mail as follows|duplicated message-id|loop alert/i;

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

function hasNullReturnPath(email: ParsedEmail): boolean {
  const value = email.headers['return-path'];
  return value !== undefined && /^<?\s*>?$/.test(value.trim());
}

/**
 * Decides delivery reports. Returns a bounce, an `other` decision for delay warnings and
 * receipts (machine mail that must never count as a bounce), or null when the message is not
 * a delivery report.
 */
export function detectDeliveryReport(email: ParsedEmail): RuleDecision | null {
  const subject = email.subject ?? '';
  const body = headOf(email);
  const recipients = email.dsn?.recipients ?? [];
  const actions = recipients.map((recipient) => recipient.action ?? '');

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
  if (email.reportType === 'disposition-notification' || email.parts.some((part) => part.contentType === 'message/disposition-notification')) {
    return notABounce('delivery.read-receipt', 0.95, 'Read receipt (message disposition notification); not a reply.');
  }

  const daemon = isDaemonSender(email);
  const nullReturnPath = hasNullReturnPath(email);
  const autoSubmitted = /^auto-/i.test(email.headers['auto-submitted'] ?? '');
  const noReplySender = /^(no-?reply|do-?not-?reply)[@+.-]/i.test(email.from ?? '');
  const machine = daemon || nullReturnPath || autoSubmitted || noReplySender || email.reportType === 'delivery-status';
  const text = `${subject}\n${body}`;

  if (DELAY_TEXT.test(text) && !FINAL_FAILURE_TEXT.test(text)) {
    if (machine) return notABounce('delivery.delay-warning', 0.9, 'Delay warning from a mail server: delivery is still being retried; not a bounce.');
    return null;
  }
  const sesType = /^\s*\{\s*"notificationType"\s*:\s*"(\w+)"/.exec(body)?.[1];
  if (sesType === 'Bounce') return bounce('bounce.ses-notification', 0.97, 'Amazon SES bounce notification.');
  if (sesType === 'Delivery') return notABounce('delivery.receipt', 0.95, 'Amazon SES delivery notification: the message was delivered; not a bounce.');
  if (RECEIPT_SUBJECT.test(subject) || (machine && RECEIPT_TEXT.test(text) && !FINAL_FAILURE_TEXT.test(text))) {
    return notABounce('delivery.receipt', 0.9, 'Delivery notification: the message was delivered; not a bounce.');
  }
  if (READ_RECEIPT_SUBJECT.test(subject) && /\b(was|has been) read\b|gelesen|a été lu|fue leído|è stato letto|is gelezen|foi lida/i.test(body)) {
    return notABounce('delivery.read-receipt', 0.9, 'Read receipt; not a reply.');
  }

  const strongBody = BOUNCE_BODY_STRONG.test(body);
  const bounceSubject = BOUNCE_SUBJECT.test(subject);
  const weakBody = BOUNCE_BODY_WEAK.test(body);

  if (email.reportType === 'delivery-status' && (strongBody || bounceSubject || weakBody)) {
    return bounce('bounce.report-text', 0.95, 'Delivery status report whose text says delivery failed.');
  }
  if (daemon && (strongBody || bounceSubject || weakBody)) {
    return bounce('bounce.daemon-sender', 0.97, `Non-delivery report from the mail system (${email.from ?? email.fromName ?? 'mailer-daemon'}).`);
  }
  if (strongBody && (machine || bounceSubject)) {
    return bounce('bounce.mta-text', 0.95, 'Non-delivery report: the text says the message could not be delivered.');
  }
  if (bounceSubject && (machine || weakBody)) {
    return bounce('bounce.subject', 0.9, `Non-delivery report: the subject says "${subject.slice(0, 80)}".`);
  }
  const listManager = email.headers['x-mlserver'] !== undefined || email.headers['x-list-administrivia'] !== undefined || LIST_MANAGER_SENDER.test(email.from ?? '');
  if (listManager && LIST_REJECTION_TEXT.test(text)) {
    return bounce('bounce.list-manager', 0.85, 'The mailing-list manager returned the message undelivered.');
  }
  if (machine && weakBody && /not delivered|undeliver|delivery (failed|failure)|returned|rejected|user unknown|no such (user|mailbox)|mailbox (is )?(full|unavailable)|quota|does not exist|\b5\.\d\.\d{1,3}\b/i.test(body)) {
    return bounce('bounce.machine-text', 0.85, 'Automatic message whose text reports a failed delivery.');
  }
  if (daemon) {
    return bounce('bounce.daemon-sender', 0.8, `Message from the mail system (${email.from ?? email.fromName ?? 'mailer-daemon'}) that is not a delay warning or receipt.`);
  }
  return null;
}
