import { describe, expect, it } from 'vitest';
import { parseEmail } from '../../electron/core/replies';
import { AppError } from '../../electron/core/errors';
import { buildEmail, replyHeaders } from './build-email';

describe('parseEmail', () => {
  it('reads the envelope fields and lower-cased headers', async () => {
    const email = await parseEmail(
      buildEmail(
        replyHeaders([
          ['Auto-Submitted', 'auto-replied (vacation)'],
          ['Return-Path', '<>'],
          ['X-Auto-Response-Suppress', 'All'],
          ['Content-Type', 'text/plain; charset=utf-8'],
        ]),
        'Hello there',
      ),
    );
    expect(email.from).toBe('dana@prospect.example');
    expect(email.fromName).toBe('Dana Prospect');
    expect(email.to).toEqual(['rep@seller.example']);
    expect(email.subject).toBe('Re: Quick question about your fleet');
    expect(email.date).toBe('2025-03-04T08:15:00.000Z');
    expect(email.messageId).toBe('<reply-1@prospect.example>');
    expect(email.headers['auto-submitted']).toBe('auto-replied (vacation)');
    expect(email.headers['return-path']).toBe('<>');
    expect(email.headers['x-auto-response-suppress']).toBe('All');
    expect(email.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(email.contentType).toBe('text/plain');
    expect(email.text.trim()).toBe('Hello there');
    expect(email.warnings).toEqual([]);
  });

  it('decodes quoted-printable and base64 parts of a multipart/alternative with CRLF line ends', async () => {
    const source = buildEmail(
      replyHeaders([
        ['MIME-Version', '1.0'],
        ['Content-Type', 'multipart/alternative; boundary="b1"'],
      ]),
      [
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Caf=C3=A9 tomorrow works =E2=80=94 see you=',
        ' then.',
        '--b1',
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('<p>Café tomorrow works</p>').toString('base64'),
        '--b1--',
        '',
      ].join('\n'),
      '\r\n',
    );
    const email = await parseEmail(source);
    expect(email.text).toContain('Café tomorrow works — see you then.');
    expect(email.text).not.toContain('\r');
  });

  it('decodes a base64 text part', async () => {
    const source = buildEmail(
      replyHeaders([
        ['Content-Type', 'text/plain; charset=utf-8'],
        ['Content-Transfer-Encoding', 'base64'],
      ]),
      Buffer.from('Yes, send me the pricing.').toString('base64'),
    );
    expect((await parseEmail(source)).text.trim()).toBe('Yes, send me the pricing.');
  });

  it('decodes ISO-8859-1, windows-1252 and ISO-2022-JP bodies and encoded-word subjects', async () => {
    const latin1 = Buffer.concat([
      Buffer.from(
        buildEmail(
          replyHeaders([
            ['Content-Type', 'text/plain; charset=ISO-8859-1'],
            ['Content-Transfer-Encoding', '8bit'],
          ]),
          '',
        ),
      ),
      Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x20, 0x61, 0x75, 0x73, 0x20, 0x4d, 0xfc, 0x6e, 0x63, 0x68, 0x65, 0x6e]),
    ]);
    expect((await parseEmail(latin1)).text.trim()).toBe('Grüße aus München');

    const cp1252 = Buffer.concat([
      Buffer.from(buildEmail(replyHeaders([['Content-Type', 'text/plain; charset=windows-1252']]), '')),
      Buffer.from([0x93, 0x4f, 0x4b, 0x94, 0x20, 0x80, 0x35]),
    ]);
    expect((await parseEmail(cp1252)).text.trim()).toBe('“OK” €5');

    // "こんにちは" in ISO-2022-JP (JIS X 0208 between ESC $ B and ESC ( B).
    const jis = Buffer.concat([
      Buffer.from(
        buildEmail(
          [
            ['From', 'a@example.jp'],
            ['Subject', '=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?='],
            ['Content-Type', 'text/plain; charset=ISO-2022-JP'],
          ],
          '',
        ),
      ),
      Buffer.from([0x1b, 0x24, 0x42, 0x24, 0x33, 0x24, 0x73, 0x24, 0x4b, 0x24, 0x41, 0x24, 0x4f, 0x1b, 0x28, 0x42]),
    ]);
    const japanese = await parseEmail(jis);
    expect(japanese.subject).toBe('こんにちは');
    expect(japanese.text.trim()).toBe('こんにちは');
  });

  it('converts an HTML-only mail to text', async () => {
    const email = await parseEmail(
      buildEmail(
        replyHeaders([['Content-Type', 'text/html; charset=utf-8']]),
        '<html><body><p>Sounds <b>great</b>.</p><p>Call me Friday.</p><!-- hidden --></body></html>',
      ),
    );
    expect(email.text).toContain('Sounds great.');
    expect(email.text).toContain('Call me Friday.');
    expect(email.text).not.toContain('<');
    expect(email.replyText).toContain('Call me Friday.');
  });

  it('cuts quoted history and the signature off replyText', async () => {
    const email = await parseEmail(
      buildEmail(
        replyHeaders(),
        [
          'Thanks, Thursday at 10 works.',
          '',
          '-- ',
          'Dana',
          '',
          'On Mon, Mar 3, 2025 at 9:00 AM Rep <rep@seller.example> wrote:',
          '> Would Thursday work?',
        ].join('\n'),
      ),
    );
    expect(email.replyText).toBe('Thanks, Thursday at 10 works.');
    expect(email.text).toContain('Would Thursday work?');
  });

  it('summarises report parts and reads the delivery-status fields', async () => {
    const source = buildEmail(
      [
        ['From', 'Mail Delivery System <MAILER-DAEMON@mx.example.net>'],
        ['To', 'rep@seller.example'],
        ['Subject', 'Undelivered Mail Returned to Sender'],
        ['Content-Type', 'multipart/report; report-type=delivery-status; boundary="r"'],
      ],
      [
        '--r',
        'Content-Type: text/plain',
        '',
        "I'm sorry to have to inform you that your message could not be delivered.",
        '--r',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.net',
        '',
        'Final-Recipient: rfc822; gone@prospect.example',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 <gone@prospect.example>:',
        '    Recipient address rejected: User unknown',
        '--r',
        'Content-Type: text/rfc822-headers',
        '',
        'Subject: Quick question',
        '--r--',
        '',
      ].join('\n'),
    );
    const email = await parseEmail(source);
    expect(email.contentType).toBe('multipart/report');
    expect(email.reportType).toBe('delivery-status');
    expect(email.parts.map((part) => part.contentType)).toEqual(['message/delivery-status', 'text/rfc822-headers']);
    expect(email.dsn).toEqual({
      reportingMta: 'mx.example.net',
      recipients: [
        {
          finalRecipient: 'gone@prospect.example',
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: '550 5.1.1 <gone@prospect.example>: Recipient address rejected: User unknown',
          remoteMta: null,
        },
      ],
    });
    expect(email.text).toContain('could not be delivered');
  });

  it('reads the fields of a feedback report', async () => {
    const email = await parseEmail(
      buildEmail(
        [
          ['From', 'feedback@fbl.example.com'],
          ['Subject', 'Abuse report'],
          ['Content-Type', 'multipart/report; report-type=feedback-report; boundary="f"'],
        ],
        [
          '--f',
          'Content-Type: text/plain',
          '',
          'This is an email abuse report.',
          '--f',
          'Content-Type: message/feedback-report',
          '',
          'Feedback-Type: abuse',
          'User-Agent: FBL/1.0',
          'Version: 1',
          '--f--',
          '',
        ].join('\n'),
      ),
    );
    expect(email.parts.map((part) => part.contentType)).toContain('message/feedback-report');
    expect(email.feedbackReport).toMatchObject({ 'feedback-type': 'abuse', 'user-agent': 'FBL/1.0' });
  });

  it('reads bare-CR line ends, leading blank lines and an mbox envelope line', async () => {
    const cr = await parseEmail(buildEmail(replyHeaders(), 'Line one\nLine two').replace(/\n/g, '\r'));
    expect(cr.subject).toBe('Re: Quick question about your fleet');
    expect(cr.text).toContain('Line two');
    const padded = await parseEmail(`\n   \n${buildEmail(replyHeaders(), 'Body')}`);
    expect(padded.from).toBe('dana@prospect.example');
    const envelope = await parseEmail(`From dana@prospect.example Tue Mar  4 09:15:00 2025\n${buildEmail(replyHeaders(), 'Body')}`);
    expect(envelope.from).toBe('dana@prospect.example');
  });

  it('restores a Content-Type parameter that was broken onto an unindented line', async () => {
    const email = await parseEmail(
      buildEmail(
        [
          ['From', 'post_master@sms.example.com'],
          ['Subject', 'Re: Test'],
          ['Content-Type', 'multipart/mixed; boundary="outer"'],
        ],
        [
          '--outer',
          'Content-Type: multipart/alternative;',
          'boundary="inner"',
          '',
          '--inner',
          'Content-Type: text/plain',
          '',
          'Error: Invalid user address',
          '--inner--',
          '--outer--',
          '',
        ].join('\n'),
      ),
    );
    expect(email.text).toContain('Invalid user address');
  });

  it('reads a body-only export as text, with a warning', async () => {
    const email = await parseEmail('Sounds good, send it over.\n\nOn Tue, Mar 4, 2025 at 9:00 AM Rep <rep@seller.example> wrote:\n> Shall I send the deck?\n');
    expect(email.from).toBeNull();
    expect(email.replyText).toBe('Sounds good, send it over.');
    expect(email.warnings).toHaveLength(1);
  });

  it('refuses empty and binary input with a validation error that names the fix', async () => {
    await expect(parseEmail('')).rejects.toMatchObject({ code: 'validation' });
    await expect(parseEmail(Buffer.from('   \n\n'))).rejects.toBeInstanceOf(AppError);
    const garbage = Buffer.from(Array.from({ length: 2048 }, (_, index) => (index * 7919) % 256));
    const error = await parseEmail(garbage).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation');
    expect((error as AppError).message).toMatch(/not an email.*\.eml/);
  });

  it('parses a truncated multipart as far as it goes and says so', async () => {
    const email = await parseEmail(
      buildEmail(
        replyHeaders([['Content-Type', 'multipart/mixed; boundary="cut"']]),
        ['--cut', 'Content-Type: text/plain', '', 'Interested, tell me m'].join('\n'),
      ),
    );
    expect(email.text).toContain('Interested, tell me m');
    expect(email.warnings.join(' ')).toMatch(/truncated/);
  });
});
