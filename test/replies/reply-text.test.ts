import { describe, expect, it } from 'vitest';
import { extractReplyText } from '../../electron/core/replies';

describe('extractReplyText', () => {
  const cases: Array<[string, string]> = [
    ['Gmail, wrapped attribution', 'Sounds good.\n\nOn Tue, Mar 4, 2025 at 9:00 AM Rep Name <\nrep@seller.example> wrote:\n> Hi Dana'],
    ['German', 'Klingt gut.\n\nAm Di., 4. März 2025 um 09:00 Uhr schrieb Rep <rep@seller.example>:\n> Hallo'],
    ['French', 'Ça marche.\n\nLe mar. 4 mars 2025 à 09:00, Rep <rep@seller.example> a écrit :\n> Bonjour'],
    ['Spanish', 'Me parece bien.\n\nEl mar, 4 mar 2025 a las 9:00, Rep (<rep@seller.example>) escribió:\n> Hola'],
    ['Italian', 'Va bene.\n\nIl giorno mar 4 mar 2025 alle ore 09:00 Rep <rep@seller.example> ha scritto:\n> Ciao'],
    ['Dutch', 'Prima.\n\nOp di 4 mrt 2025 om 09:00 schreef Rep <rep@seller.example>:\n> Hallo'],
    ['Portuguese', 'Combinado.\n\nEm ter., 4 de mar. de 2025 às 09:00, Rep <rep@seller.example> escreveu:\n> Olá'],
    ['Outlook separator', 'Fine by me.\n\n-----Original Message-----\nFrom: Rep\nSent: Tuesday\n\nHi'],
    ['German Outlook separator', 'Passt.\n\n-----Ursprüngliche Nachricht-----\nVon: Rep\nGesendet: Dienstag\n\nHallo'],
    ['Outlook header block', 'Fine by me.\n\nFrom: Rep <rep@seller.example>\nSent: Tuesday, March 4, 2025 9:00 AM\nTo: Dana\nSubject: Quick question\n\nHi'],
    ['French Outlook header block', 'Ok.\n\nDe : Rep <rep@seller.example>\nEnvoyé : mardi 4 mars 2025 09:00\nÀ : Dana\nObjet : Question\n\nBonjour'],
    ['underscore line', 'Noted.\n________________________________\nFrom: Rep\nSent: Tuesday'],
    ['forwarded', 'See below.\n\n---------- Forwarded message ---------\nFrom: Rep'],
    ['mobile footer', 'On my way.\n\nSent from my iPhone\n\n> earlier text'],
    ['signature delimiter', 'Yes please.\n-- \nDana Prospect\nVP Operations'],
  ];
  for (const [name, text] of cases) {
    it(`keeps only the new text (${name})`, () => {
      const reply = extractReplyText(text);
      expect(reply.split('\n')).toHaveLength(1);
      expect(reply).not.toMatch(/rep@seller|Hallo|Bonjour|Hola|Ciao|Olá|From:|Sent from|earlier text|Dana Prospect/);
      expect(reply.length).toBeGreaterThan(2);
    });
  }

  it('drops interleaved ">" lines but keeps the answers between them', () => {
    expect(extractReplyText('> Is Thursday OK?\nYes.\n> And the budget?\nAbout 10k.')).toBe('Yes.\nAbout 10k.');
  });

  it('keeps a line that merely mentions writing', () => {
    expect(extractReplyText('Here is what my boss wrote:\nWe will buy it.')).toBe('Here is what my boss wrote:\nWe will buy it.');
  });

  it('keeps a plain message whole and handles CRLF', () => {
    expect(extractReplyText('Hello,\r\n\r\nplease call me.\r\n')).toBe('Hello,\n\nplease call me.');
  });
});
