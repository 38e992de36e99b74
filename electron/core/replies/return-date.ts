/**
 * Finds the date an out-of-office sender returns, in the languages the auto-reply rules know.
 * Only dates that follow a "back / until / return" keyword count, so a date elsewhere in the
 * text (the date of the quoted mail, a phone number) is not taken for it.
 */

const MONTHS: Record<string, number> = {};
const MONTH_NAMES: Array<[number, string[]]> = [
  [1, ['january', 'jan', 'januar', 'jänner', 'janvier', 'enero', 'gennaio', 'januari', 'janeiro']],
  [2, ['february', 'feb', 'februar', 'février', 'fevrier', 'febrero', 'febbraio', 'februari', 'fevereiro']],
  [3, ['march', 'mar', 'märz', 'maerz', 'mars', 'marzo', 'maart', 'março', 'marco']],
  [4, ['april', 'apr', 'avril', 'abril', 'aprile']],
  [5, ['may', 'mai', 'mayo', 'maggio', 'mei', 'maio']],
  [6, ['june', 'jun', 'juni', 'juin', 'junio', 'giugno', 'junho']],
  [7, ['july', 'jul', 'juli', 'juillet', 'julio', 'luglio', 'julho']],
  [8, ['august', 'aug', 'août', 'aout', 'agosto', 'augustus']],
  [9, ['september', 'sep', 'sept', 'septembre', 'septiembre', 'settembre', 'setembro']],
  [10, ['october', 'oct', 'oktober', 'octobre', 'octubre', 'ottobre', 'outubro', 'okt']],
  [11, ['november', 'nov', 'novembre', 'noviembre', 'novembro']],
  [12, ['december', 'dec', 'dezember', 'décembre', 'decembre', 'diciembre', 'dicembre', 'dezembro', 'dez']],
];
for (const [month, names] of MONTH_NAMES) for (const name of names) MONTHS[name] = month;
const MONTH_ALT = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');

/** Words after which the return date follows, most telling first. */
const RETURN_KEYWORDS = `back|return(?:ing)?|returns|again|resume|zurück|wieder|retour|de retour|regreso|regresaré|rientro|rientrerò|terug|weer|volto|retorno|retornarei`;
const UNTIL_KEYWORDS = `until|till|through|bis|jusqu'au|jusqu’au|jusqu'à|hasta|fino al|fino a|tot|até`;

const STALE_GRACE_MS = 14 * 24 * 60 * 60 * 1000;

const DAY = String.raw`(\d{1,2})(?:st|nd|rd|th|er|\.|º)?`;
const DATE_PATTERNS: Array<{ regex: RegExp; read: (m: RegExpExecArray) => { y?: number; mo: number; d: number; slash?: boolean } | null }> = [
  { regex: /^(\d{4})-(\d{2})-(\d{2})/, read: (m) => ({ y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]) }) },
  { regex: /^(\d{1,2})\.(\d{1,2})\.(\d{2,4})?/, read: (m) => ({ y: m[3] ? Number(m[3]) : undefined, mo: Number(m[2]), d: Number(m[1]) }) },
  {
    regex: /^(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?/,
    read: (m) => ({ y: m[3] ? Number(m[3]) : undefined, mo: Number(m[1]), d: Number(m[2]), slash: true }),
  },
  {
    regex: new RegExp(String.raw`^${DAY}\s*(?:de\s+|of\s+)?(${MONTH_ALT})\b\.?(?:\s*(?:de\s+)?,?\s*(\d{4}))?`, 'i'),
    read: (m) => ({ y: m[3] ? Number(m[3]) : undefined, mo: MONTHS[(m[2] ?? '').toLowerCase()] ?? 0, d: Number(m[1]) }),
  },
  {
    regex: new RegExp(String.raw`^(${MONTH_ALT})\b\.?\s+${DAY}(?:,?\s*(\d{4}))?`, 'i'),
    read: (m) => ({ y: m[3] ? Number(m[3]) : undefined, mo: MONTHS[(m[1] ?? '').toLowerCase()] ?? 0, d: Number(m[2]) }),
  },
];

/** Weekday names and filler words that may sit between the keyword and the date. */
const FILLER =
  /^(?:\s|,|:|the|on|in|at|office|the office|to the office|to work|le|el|il|am|op|em|dem|den|der|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|segunda(?:-feira)?|terça(?:-feira)?|quarta(?:-feira)?|quinta(?:-feira)?|sexta(?:-feira)?|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)+/i;

function toIso(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null;
  return date.toISOString().slice(0, 10);
}

function readDateAt(text: string, reference: Date): string | null {
  const rest = text.replace(FILLER, '');
  for (const { regex, read } of DATE_PATTERNS) {
    const match = regex.exec(rest);
    if (!match) continue;
    const parts = read(match);
    if (!parts) continue;
    let { mo, d } = parts;
    // A slashed date is month-first unless the first number cannot be a month.
    if (parts.slash && mo > 12 && d <= 12) [mo, d] = [d, mo];
    let year = parts.y;
    if (year !== undefined && year < 100) year += 2000;
    if (year === undefined) {
      // A date without a year is the next such date after the mail was sent; a stale auto-reply
      // may name a day just past, so two weeks back still count as this year.
      year = reference.getUTCFullYear();
      if (Date.UTC(year, mo - 1, d) < reference.getTime() - STALE_GRACE_MS) year += 1;
    }
    const iso = toIso(year, mo, d);
    if (iso) return iso;
  }
  return null;
}

function findAfter(text: string, keywords: string, reference: Date): string | null {
  const regex = new RegExp(String.raw`(?:^|[^\p{L}])(?:${keywords})(?![\p{L}])`, 'giu');
  for (let match = regex.exec(text); match; match = regex.exec(text)) {
    const window = text.slice(match.index + match[0].length, match.index + match[0].length + 60);
    const iso = readDateAt(window, reference);
    if (iso) return iso;
  }
  return null;
}

/**
 * Returns the return date (ISO `YYYY-MM-DD`) an out-of-office text names, or undefined.
 * Dates without a year resolve against `sentAt` (the mail's Date header), or today.
 */
export function extractReturnDate(text: string, sentAt: string | null): string | undefined {
  const reference = sentAt ? new Date(sentAt) : new Date();
  const flat = text.replace(/\s+/g, ' ');
  return findAfter(flat, RETURN_KEYWORDS, reference) ?? findAfter(flat, UNTIL_KEYWORDS, reference) ?? undefined;
}
