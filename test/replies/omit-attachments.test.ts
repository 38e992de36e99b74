import { describe, expect, it } from 'vitest';
import { applyReplyRules, parseEmail } from '../../electron/core/replies';
import { omitAttachmentBodies } from '../../electron/core/replies/omit-attachments';
import { expectDefined } from '../helpers/expect-defined';

/** Base64 of `bytes` bytes in 76-character lines. */
function base64(bytes: number, fill: number): string {
  return Buffer.alloc(bytes, fill).toString('base64').replace(/.{76}/g, '$&\n').trimEnd();
}

function bounceWithAttachments(newline: '\n' | '\r\n' = '\n'): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
    'To: rep@seller.example',
    'Subject: Undelivered Mail Returned to Sender',
    'Message-ID: <big-bounce@mx.example.net>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    'preamble',
    '--outer',
    'Content-Type: multipart/report; report-type=delivery-status;',
    '\tboundary="inner"',
    '',
    '--inner',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.example.net.',
    '',
    '--inner',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    'Final-Recipient: rfc822; dana@prospect.example',
    'Action: failed',
    'Status: 5.1.1',
    '',
    '--inner--',
    '--outer',
    'Content-Type: application/pdf; name="deck.pdf"',
    'Content-Disposition: attachment; filename="deck.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    base64(300_000, 1),
    '--outer',
    'Content-Type: image/png; name="logo.png"',
    'Content-Disposition: attachment; filename="logo.png"',
    'Content-Transfer-Encoding: base64',
    '',
    base64(1_000, 2),
    '--outer',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64(200_000, 0x41),
    '--outer--',
    'epilogue',
    '',
  ].join(newline);
}

describe('large attachments are left out before the MIME parser runs', () => {
  for (const newline of ['\n', '\r\n'] as const) {
    it(`keeps every part listed, the text and the report, and the attachment's size (${JSON.stringify(newline)} line ends)`, async () => {
      const source = Buffer.from(bounceWithAttachments(newline));
      const lean = omitAttachmentBodies(source);
      // Only the PDF's body goes: the HTML is text (the parser reads it), the PNG is small.
      expect(lean.length).toBeLessThan(source.length - 390_000);
      expect(lean.length).toBeGreaterThan(source.length - 410_000);
      const email = await parseEmail(source);
      expect(email.text).toContain('This is the mail system at host mx.example.net.');
      expect(email.dsn?.recipients[0]).toMatchObject({ action: 'failed', status: '5.1.1' });
      expect(email.parts.map((part) => [part.contentType, part.filename])).toEqual([
        ['message/delivery-status', null],
        ['application/pdf', 'deck.pdf'],
        ['image/png', 'logo.png'],
      ]);
      const pdf = expectDefined(email.parts[1]);
      expect(Math.abs(pdf.size - 300_000) / 300_000).toBeLessThan(0.02);
      expect(email.parts[2]?.size).toBe(1_000);
      expect(email.warnings).toEqual([]);
      expect(applyReplyRules(email)).toMatchObject({ classification: 'bounce', rule: 'bounce.dsn-failed' });
    });
  }

  it('leaves small messages, text parts and a message without attachments byte for byte alone', () => {
    const small = Buffer.from('From: a@example.com\nSubject: hi\n\nHello\n');
    expect(omitAttachmentBodies(small)).toBe(small);
    const textOnly = Buffer.from(`From: a@example.com\nContent-Type: text/plain\n\n${'word '.repeat(100_000)}\n`);
    expect(omitAttachmentBodies(textOnly)).toBe(textOnly);
  });

  it('still reports a message cut off inside a large attachment as truncated', async () => {
    const cut = expectDefined(bounceWithAttachments().split('--outer\nContent-Type: image/png')[0]).slice(0, -50_000);
    const email = await parseEmail(cut);
    expect(email.warnings.join(' ')).toMatch(/truncated/);
    expect(email.dsn?.recipients[0]?.action).toBe('failed');
  });
});
