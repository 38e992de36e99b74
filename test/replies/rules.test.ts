import { describe, expect, it } from 'vitest';
import { applyReplyRules, extractReturnDate, parseEmail, type RuleDecision } from '../../electron/core/replies';
import { buildEmail, replyHeaders } from './build-email';

async function decide(headers: Array<[string, string]>, body: string): Promise<RuleDecision | null> {
  return applyReplyRules(await parseEmail(buildEmail(headers, body)));
}

function dsnReport(action: string, status: string, text: string, extra: Array<[string, string]> = []): [Array<[string, string]>, string] {
  return [
    [
      ['From', 'Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>'],
      ['To', 'rep@seller.example'],
      ['Subject', 'Delivery Status Notification'],
      ['Auto-Submitted', 'auto-replied'],
      ['Content-Type', 'multipart/report; report-type=delivery-status; boundary="r"'],
      ...extra,
    ],
    [
      '--r',
      'Content-Type: text/plain',
      '',
      text,
      '--r',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.net',
      '',
      'Final-Recipient: rfc822; dana@prospect.example',
      `Action: ${action}`,
      `Status: ${status}`,
      '--r--',
      '',
    ].join('\n'),
  ];
}

describe('bounce rules', () => {
  it('calls a DSN with Action: failed a bounce even though it carries Auto-Submitted', async () => {
    const decision = await decide(...dsnReport('failed', '5.1.1', 'Delivery to the following recipient failed permanently.'));
    expect(decision).toMatchObject({ classification: 'bounce', rule: 'bounce.dsn-failed', suggestedAction: 'stop_sequence' });
    expect(decision?.reason).toContain('dana@prospect.example');
  });

  const mtaTexts: Array<[string, Array<[string, string]>, string]> = [
    [
      'Postfix',
      [
        ['From', 'MAILER-DAEMON@mx.example.net (Mail Delivery System)'],
        ['Subject', 'Undelivered Mail Returned to Sender'],
      ],
      "This is the mail system at host mx.example.net.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n<dana@prospect.example>: host mx.prospect.example said: 550 5.1.1 User unknown",
    ],
    [
      'Exim',
      [
        ['From', 'Mail Delivery System <Mailer-Daemon@mail.example.org>'],
        ['Subject', 'Mail delivery failed: returning message to sender'],
        ['Auto-Submitted', 'auto-replied'],
      ],
      'This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  dana@prospect.example',
    ],
    [
      'qmail',
      [
        ['From', 'MAILER-DAEMON@qmail.example.com'],
        ['Subject', 'failure notice'],
      ],
      "Hi. This is the qmail-send program at qmail.example.com.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.",
    ],
    [
      'Exchange NDR',
      [
        ['From', 'Microsoft Outlook <postmaster@prospect.example>'],
        ['Subject', 'Undeliverable: Quick question'],
      ],
      "Delivery has failed to these recipients or groups:\n\ndana@prospect.example\nThe e-mail address you entered couldn't be found.",
    ],
    [
      'Office 365',
      [
        ['From', 'Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@prospect.example>'],
        ['Subject', 'Undeliverable: Quick question'],
        ['Return-Path', '<>'],
      ],
      "Your message to dana@prospect.example couldn't be delivered.\ndana wasn't found at prospect.example.",
    ],
    [
      'Gmail',
      [
        ['From', 'Mail Delivery Subsystem <mailer-daemon@googlemail.com>'],
        ['Subject', 'Delivery Status Notification (Failure)'],
      ],
      "Address not found\n\nYour message wasn't delivered to dana@prospect.example because the address couldn't be found.",
    ],
    [
      'Yahoo',
      [
        ['From', 'MAILER-DAEMON@yahoo.com'],
        ['Subject', 'Failure Notice'],
      ],
      "Sorry, we were unable to deliver your message to the following address.\n\n<dana@prospect.example>:\n554: delivery error: dd This user doesn't have a yahoo.com account",
    ],
    [
      'Lotus Domino',
      [
        ['From', 'Postmaster@prospect.example'],
        ['Subject', 'DELIVERY FAILURE: User dana not listed in Domino Directory'],
      ],
      'Your message\n\n  Subject: Quick question\n\nwas not delivered to:\n\n  dana@prospect.example\n\nbecause:\n\n  User dana not listed in Domino Directory',
    ],
    [
      'Courier',
      [
        ['From', 'Courier mail server at mx.example.org <@>'],
        ['Subject', 'NOTICE: mail delivery status.'],
        ['Return-Path', '<>'],
      ],
      'This is a delivery status notification from mx.example.org,\nrunning the Courier mail server.\n\nYour message to the following recipients cannot be delivered:\n\n<dana@prospect.example>:\n    550 5.1.1 User unknown',
    ],
    [
      'German MTA',
      [
        ['From', 'MAILER-DAEMON@mail.example.de'],
        ['Subject', 'Unzustellbar: Kurze Frage'],
      ],
      'Ihre Nachricht konnte nicht zugestellt werden.\n\n<dana@prospect.example>: 550 5.1.1 Benutzer unbekannt',
    ],
  ];
  for (const [mta, headers, body] of mtaTexts) {
    it(`recognises a ${mta} bounce by its text`, async () => {
      expect(await decide([['To', 'rep@seller.example'], ...headers], body)).toMatchObject({ classification: 'bounce', suggestedAction: 'stop_sequence' });
    });
  }

  it('calls a plain mailbox-full notice from the mail system a bounce, not an auto-reply', async () => {
    const decision = await decide(
      [
        ['From', '<>'],
        ['Return-Path', '<>'],
        ['Auto-Submitted', 'auto-replied'],
        ['Subject', 'Returned mail: see transcript for details'],
      ],
      'The mailbox of dana@prospect.example is full.',
    );
    expect(decision?.classification).toBe('bounce');
  });
});

describe('delivery look-alikes are not bounces', () => {
  it('a DSN with Action: delayed', async () => {
    expect(await decide(...dsnReport('delayed', '4.4.7', 'THIS IS A WARNING MESSAGE ONLY. YOU DO NOT NEED TO RESEND YOUR MESSAGE.'))).toMatchObject({
      classification: 'other',
      rule: 'delivery.delayed',
      suggestedAction: 'none',
    });
  });

  it('an Exim delay warning without a DSN part, which mentions giving up later', async () => {
    const decision = await decide(
      [
        ['From', 'Mail Delivery System <Mailer-Daemon@mx.example.net>'],
        ['Subject', 'Warning: message 1GdV3O-0002RD-H2 delayed 24 hours'],
        ['Auto-Submitted', 'auto-replied'],
        ['Return-Path', '<>'],
      ],
      'This message was created automatically by mail delivery software.\nA message that you sent has not yet been delivered to one or more of its\nrecipients after more than 24 hours on the queue.\n\nNo action is required on your part. Delivery attempts will continue for\nsome time, and this warning may be repeated at intervals if the message\nremains undelivered. Eventually the mail delivery software will give up,\nand when that happens, the message will be returned to you.',
    );
    expect(decision).toMatchObject({ classification: 'other', rule: 'delivery.delay-warning' });
  });

  it('a DSN with Action: delivered or relayed, and a Sendmail return receipt', async () => {
    expect((await decide(...dsnReport('delivered', '2.0.0', 'Your message was delivered.')))?.classification).toBe('other');
    expect((await decide(...dsnReport('relayed', '2.1.5', 'Return receipt')))?.rule).toBe('delivery.receipt');
  });

  it('a read receipt (MDN)', async () => {
    const decision = await decide(
      [
        ['From', 'dana@prospect.example'],
        ['Subject', 'Read: Quick question'],
        ['Content-Type', 'multipart/report; report-type=disposition-notification; boundary="m"'],
      ],
      '--m\nContent-Type: text/plain\n\nYour message was read on Tuesday.\n--m\nContent-Type: message/disposition-notification\n\nFinal-Recipient: rfc822; dana@prospect.example\nDisposition: manual-action/MDN-sent-manually; displayed\n--m--\n',
    );
    expect(decision).toMatchObject({ classification: 'other', rule: 'delivery.read-receipt' });
  });

  it('a human who mentions a bounced mail is left to the model', async () => {
    expect(
      await decide(
        replyHeaders(),
        'My colleague said your first email could not be delivered to her. Can you resend the deck to both of us? We are unable to deliver on the Q2 timeline anyway.',
      ),
    ).toBeNull();
  });
});

describe('auto-reply rules', () => {
  it('reads RFC 3834 Auto-Submitted, with the return date', async () => {
    const decision = await decide(replyHeaders([['Auto-Submitted', 'auto-replied (vacation)']]), 'I am out of the office and back on 12 March.');
    expect(decision).toMatchObject({
      classification: 'out_of_office',
      rule: 'auto-reply.auto-submitted',
      suggestedAction: 'follow_up',
      returnDate: '2025-03-12',
    });
  });

  it('ignores Auto-Submitted: no', async () => {
    expect(await decide(replyHeaders([['Auto-Submitted', 'no']]), 'Happy to talk. What does it cost?')).toBeNull();
  });

  it('reads X-Autoreply and Precedence: auto_reply', async () => {
    expect((await decide(replyHeaders([['X-Autoreply', 'yes']]), 'Thanks for your note.'))?.rule).toBe('auto-reply.header');
    expect((await decide(replyHeaders([['Precedence', 'auto_reply']]), 'Thanks for your note.'))?.rule).toBe('auto-reply.header');
  });

  it('reads an Exchange auto-reply that only sets X-Auto-Response-Suppress', async () => {
    const decision = await decide(
      [
        ['From', 'dana@prospect.example'],
        ['Subject', 'Re: Quick question'],
        ['Date', 'Tue, 04 Mar 2025 09:15:00 +0100'],
        ['X-Auto-Response-Suppress', 'All'],
      ],
      'I am currently out of the office with limited access to email.',
    );
    expect(decision).toMatchObject({ classification: 'out_of_office', rule: 'auto-reply.exchange' });
  });

  it('reads Precedence: bulk or junk with an away text, but never alone: newsletters and list mail carry it', async () => {
    const withText = await decide(replyHeaders([['Precedence', 'junk']]), 'I am on vacation until 20 March.');
    expect(withText).toMatchObject({ rule: 'auto-reply.precedence', returnDate: '2025-03-20' });
    expect(await decide(replyHeaders([['Precedence', 'bulk']]), 'Our newsletter for March.')).toBeNull();
    expect(
      await decide(
        replyHeaders([
          ['Precedence', 'list'],
          ['List-Id', '<buyers.lists.example>'],
        ]),
        'I am on vacation until 20 March.',
      ),
    ).toBeNull();
  });

  const localised: Array<[string, string, string, string | undefined]> = [
    ['English', 'Automatic reply: Quick question', 'I am out of the office until Monday, 17 March 2025.', '2025-03-17'],
    ['English, no date', 'Out of Office: Quick question', 'I am away from my desk this week.', undefined],
    [
      'German',
      'Abwesenheitsnotiz: Kurze Frage',
      'Ich bin bis 14.03.2025 nicht im Büro und ab dem 17.03.2025 wieder erreichbar. Zurück am 17.03.2025.',
      '2025-03-17',
    ],
    ['French', 'Réponse automatique : Question', 'Je suis absente du bureau, de retour le 18 mars.', '2025-03-18'],
    ['Spanish', 'Respuesta automática: Pregunta', 'Estoy fuera de la oficina. Regreso el 19 de marzo.', '2025-03-19'],
    ['Italian', 'Risposta automatica: Domanda', 'Sono fuori ufficio, rientro il 20 marzo.', '2025-03-20'],
    ['Dutch', 'Automatisch antwoord: Vraag', 'Ik ben afwezig en weer terug op 21 maart.', '2025-03-21'],
    ['Portuguese', 'Resposta automática: Pergunta', 'Estou fora do escritório, volto em 24 de março.', '2025-03-24'],
    ['Lotus Notes', 'AUTO: Dana Prospect is out of the office (returning 03/25/2025)', 'I am out of the office until 03/25/2025.', '2025-03-25'],
  ];
  for (const [language, subject, body, returnDate] of localised) {
    it(`reads a ${language} out-of-office by its subject and text`, async () => {
      const decision = await decide(
        [
          ['From', 'dana@prospect.example'],
          ['Subject', subject],
          ['Date', 'Tue, 04 Mar 2025 09:15:00 +0100'],
        ],
        body,
      );
      expect(decision).toMatchObject({ classification: 'out_of_office', rule: 'auto-reply.subject' });
      expect(decision?.returnDate).toBe(returnDate);
    });
  }

  it('reads an away text without any header when it is a short statement', async () => {
    const decision = await decide(replyHeaders(), 'I am currently on annual leave with no access to email. I will respond upon my return.');
    expect(decision).toMatchObject({ classification: 'out_of_office', rule: 'auto-reply.body' });
  });

  it('leaves a person who mentions travel and asks something to the model', async () => {
    expect(await decide(replyHeaders(), 'I am travelling this week, but could you send the pricing? I may be interested.')).toBeNull();
  });

  it('asks to stop the sequence when the auto-reply says the person has left', async () => {
    const decision = await decide(
      replyHeaders([['Auto-Submitted', 'auto-replied']]),
      'Dana is no longer with the company. Please contact sales@prospect.example.',
    );
    expect(decision).toMatchObject({ classification: 'out_of_office', suggestedAction: 'stop_sequence' });
  });
});

describe('extractReturnDate', () => {
  const sent = '2025-03-04T08:15:00.000Z';
  it.each([
    ['back on 12 March', '2025-03-12'],
    ['zurück am 03.04.2025', '2025-04-03'],
    ['returning Monday, March 17th', '2025-03-17'],
    ['I will be back in the office on 2025-04-01', '2025-04-01'],
    ['de retour le lundi 7 avril', '2025-04-07'],
    ['until 14/03/2025', '2025-03-14'],
    ['back on 15 January', '2026-01-15'],
    ['Call me on 555-0100, back soon', undefined],
  ])('%s → %s', (text, expected) => {
    expect(extractReturnDate(text, sent)).toBe(expected);
  });
});

describe('unsubscribe rules', () => {
  const requests = [
    'Please unsubscribe me.',
    'Remove me from your list.',
    'Take me off your mailing list, thanks',
    'Stop emailing me.',
    'Not interested. Please do not contact me again.',
    'Bitte entfernen Sie mich aus Ihrem Verteiler.',
    'Merci de me désabonner.',
    'Por favor, darme de baja.',
    'Cancellami dalla lista, grazie.',
    'Graag afmelden voor deze mails.',
    'Por favor, me remova da lista.',
  ];
  for (const text of requests) {
    it(`reads "${text}" as an opt-out`, async () => {
      expect(await decide(replyHeaders(), `${text}\n\nOn Mon, Mar 3, 2025 at 9:00 AM Rep <rep@seller.example> wrote:\n> Hi`)).toMatchObject({
        classification: 'unsubscribe',
        suggestedAction: 'stop_sequence',
      });
    });
  }

  it('reads a bare "Unsubscribe" subject with an empty body', async () => {
    expect(
      (
        await decide(
          [
            ['From', 'dana@prospect.example'],
            ['Subject', 'UnSuBScRiBe'],
          ],
          '',
        )
      )?.rule,
    ).toBe('unsubscribe.subject');
  });

  it('ignores the unsubscribe footer of our own quoted mail, and negated or long messages', async () => {
    expect(
      await decide(
        replyHeaders(),
        'Tell me more about pricing.\n\nOn Mon, Mar 3, 2025 at 9:00 AM Rep <rep@seller.example> wrote:\n> Hi\n> To unsubscribe, click here.',
      ),
    ).toBeNull();
    expect(await decide(replyHeaders(), 'Please do not unsubscribe me, I like these.')).toBeNull();
    expect(
      await decide(
        replyHeaders(),
        `${'We have been looking at vendors for a while and your product came up. '.repeat(10)}Remove me from the other list though.`,
      ),
    ).toBeNull();
  });

  it('reads an ARF complaint as an opt-out, not a bounce', async () => {
    const decision = await decide(
      [
        ['From', 'feedback@fbl.example.com'],
        ['Subject', 'Abuse report'],
        ['Content-Type', 'multipart/report; report-type=feedback-report; boundary="f"'],
      ],
      '--f\nContent-Type: text/plain\n\nThis is an email abuse report.\n--f\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nVersion: 1\n--f--\n',
    );
    expect(decision).toMatchObject({ classification: 'unsubscribe', rule: 'unsubscribe.arf-complaint', suggestedAction: 'stop_sequence' });
    expect(decision?.reason).toContain('abuse');
  });
});

describe('undecided mail', () => {
  it('leaves ordinary human replies to the model', async () => {
    for (const body of ['Sounds interesting, can we talk Thursday?', 'We already use a competitor, thanks.', 'Who is your typical customer?']) {
      expect(await decide(replyHeaders(), body)).toBeNull();
    }
  });
});
