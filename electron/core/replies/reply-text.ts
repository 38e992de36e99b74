import { joinPatterns } from './join-patterns';

/**
 * Cuts quoted history, forwarded blocks and signatures off a reply, keeping the new text on
 * top. Clients write the quote header in the user's language, so the patterns cover the
 * languages our customers' prospects write in most.
 */

/** "On <date>, <name> wrote:" and its translations; may span up to three wrapped lines. */
const ATTRIBUTION_LINE = joinPatterns(
  [
    /^On\b.{0,250}\bwrote:?$/,
    /^Am\b.{0,250}\bschrieb\b.{0,120}:$/,
    /^Le\b.{0,250}\ba écrit\s?:$/,
    /^El\b.{0,250}\bescribió\s?:$/,
    /^Il\b.{0,250}\bha scritto\s?:$/,
    /^Op\b.{0,250}\bschreef\b.{0,120}:$/,
    /^Em\b.{0,250}\bescreveu\s?:$/,
    /^(Den|På)\b.{0,250}\bskrev\b.{0,120}:$/,
    /^W dniu\b.{0,250}\bnapisał(a)?\s?:$/,
    /^(?=.*[\d@]).{0,250}\s(wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|skrev|napisał|пишет|написал)\s?:$/,
  ],
  'i',
);

const ATTRIBUTION_START = /^(On|Am|Le|El|Il|Op|Em|Den|På|W dniu)\s|[\d@]/i;

/** Separator lines of Outlook, Thunderbird, Apple Mail and webmail quote blocks. */
const SEPARATOR_LINE = joinPatterns(
  [
    /^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht|Mensagem original|Originalmeddelande|Oprindelig meddelelse|Opprinnelig melding|Wiadomość oryginalna|Forwarded message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Messaggio inoltrato|Doorgestuurd bericht|Mensagem encaminhada)\s*-{2,}\s*$/,
    /^(Begin forwarded message|Anfang der weitergeleiteten Nachricht|Début du message réexpédié|Inicio del mensaje reenviado)\s*:\s*$/,
    /^_{20,}\s*$/,
  ],
  'i',
);

/** The first line of an Outlook-style header block ("From: …" followed by "Sent: …"). */
const BLOCK_FROM = /^\*?(From|Von|De|Da|Van|Från|Fra|Od|От)\s?:\*?\s+\S/i;
const BLOCK_FOLLOW =
  /^\*?(Sent|Date|Gesendet|Datum|Envoyé|Date d'envoi|Enviado|Fecha|Inviato|Data|Verzonden|Skickat|Sendt|Wysłano|Отправлено|To|An|À|Para|A|Aan|Till|Til|Subject|Betreff|Objet|Asunto|Oggetto|Onderwerp|Assunto|Ämne|Emne)\s?:\*?\s/i;

/** Mobile-client footers and the RFC 3676 signature delimiter. */
const SIGNATURE_LINE = joinPatterns(
  [
    /^-- ?$/,
    /^(Sent from|Sent with|Get Outlook for|Von meinem|Gesendet von|Envoyé de|Envoyé depuis|Enviado desde|Enviado do|Enviado de|Inviato da|Verzonden (vanaf|met)|Skickat från)\b.{0,80}$/,
  ],
  'i',
);

function isAttributionAt(lines: string[], index: number): boolean {
  let joined = '';
  for (let offset = 0; offset < 3 && index + offset < lines.length; offset++) {
    const line = (lines[index + offset] ?? '').trim();
    if (offset > 0 && (line === '' || line.startsWith('>'))) break;
    // A wrapped attribution starts with its keyword, a date or an address, never with plain words.
    if (offset === 1 && !ATTRIBUTION_START.test(joined)) break;
    joined = offset === 0 ? line : `${joined} ${line}`;
    if (joined.length > 400) break;
    if (ATTRIBUTION_LINE.test(joined)) return true;
  }
  return false;
}

function isHeaderBlockAt(lines: string[], index: number): boolean {
  if (!BLOCK_FROM.test((lines[index] ?? '').trim())) return false;
  let follows = 0;
  for (let offset = 1; offset <= 4 && index + offset < lines.length; offset++) {
    if (BLOCK_FOLLOW.test((lines[index + offset] ?? '').trim())) follows++;
  }
  return follows >= 2;
}

/** Returns the new part of a reply: everything above the first quote header, minus `>` lines and signatures. */
export function extractReplyText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const trimmed = line.trim();
    if (SEPARATOR_LINE.test(trimmed) || isAttributionAt(lines, index) || isHeaderBlockAt(lines, index)) break;
    if (SIGNATURE_LINE.test(trimmed)) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line.replace(/\s+$/, ''));
  }
  while (kept.length > 0 && (kept[kept.length - 1] ?? '').trim() === '') kept.pop();
  while (kept.length > 0 && (kept[0] ?? '').trim() === '') kept.shift();
  return kept.join('\n');
}
