/** A JSON value, as far as a partial reader can tell. */
export type PartialJson = null | boolean | number | string | PartialJson[] | { [key: string]: PartialJson };

/**
 * Reads the JSON a model is still writing: everything complete so far, with open strings,
 * arrays and objects taken as they stand. A key without its value yet, a half-written literal
 * (`tru`) or a half-written escape is left out rather than guessed. Text before the first `{`
 * or `[` (a model's preamble, a Markdown fence) is skipped; anything that stops being JSON ends
 * the reading there. Returns undefined when no JSON has started.
 */
export function parsePartialJson(text: string): PartialJson | undefined {
  const start = text.search(/[{[]/);
  if (start < 0) return undefined;
  return new PartialReader(text, start).value();
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?\d+(?:\.\d*)?(?:[eE][+-]?\d*)?/y;
const LITERALS: [string, PartialJson][] = [
  ['true', true],
  ['false', false],
  ['null', null],
];

class PartialReader {
  /** Set at the end of the text, or where the text stops being JSON: nothing more is read. */
  private stopped = false;

  constructor(
    private readonly text: string,
    private pos: number,
  ) {}

  value(): PartialJson | undefined {
    this.skipSpace();
    if (this.atEnd()) return undefined;
    const c = this.text.charAt(this.pos);
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string().text;
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    return this.literal();
  }

  private object(): { [key: string]: PartialJson } {
    const result: { [key: string]: PartialJson } = {};
    this.pos++;
    while (!this.stopped) {
      this.skipSpace();
      if (this.atEnd()) break;
      const c = this.text[this.pos];
      if (c === '}') {
        this.pos++;
        break;
      }
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c !== '"') {
        this.stopped = true;
        break;
      }
      const key = this.string();
      if (!key.closed) break;
      this.skipSpace();
      if (this.atEnd()) break;
      if (this.text[this.pos] !== ':') {
        this.stopped = true;
        break;
      }
      this.pos++;
      const value = this.value();
      if (value !== undefined) result[key.text] = value;
    }
    return result;
  }

  private array(): PartialJson[] {
    const result: PartialJson[] = [];
    this.pos++;
    while (!this.stopped) {
      this.skipSpace();
      if (this.atEnd()) break;
      const c = this.text[this.pos];
      if (c === ']') {
        this.pos++;
        break;
      }
      if (c === ',') {
        this.pos++;
        continue;
      }
      const value = this.value();
      if (value !== undefined) result.push(value);
    }
    return result;
  }

  /** A string up to its closing quote, or up to the end of the text if it is still open. */
  private string(): { text: string; closed: boolean } {
    this.pos++;
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text.charAt(this.pos);
      if (c === '"') {
        this.pos++;
        return { text: out, closed: true };
      }
      if (c !== '\\') {
        out += c;
        this.pos++;
        continue;
      }
      const e = this.text[this.pos + 1];
      if (e === undefined) break;
      if (e === 'u') {
        const hex = this.text.slice(this.pos + 2, this.pos + 6);
        if (hex.length < 4) break;
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          this.stopped = true;
          return { text: out, closed: false };
        }
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 6;
        continue;
      }
      const escaped = ESCAPES[e];
      if (escaped === undefined) {
        this.stopped = true;
        return { text: out, closed: false };
      }
      out += escaped;
      this.pos += 2;
    }
    this.stopped = true;
    return { text: out, closed: false };
  }

  private number(): number | undefined {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) {
      // A lone "-" at the end is a number not yet written.
      this.stopped = true;
      return undefined;
    }
    this.pos += match[0].length;
    return parseFloat(match[0]);
  }

  private literal(): PartialJson | undefined {
    const rest = this.text.slice(this.pos, this.pos + 5);
    for (const [word, value] of LITERALS) {
      if (rest.startsWith(word)) {
        this.pos += word.length;
        return value;
      }
    }
    // "tru" at the end is still being written; anything else is not JSON.
    this.stopped = true;
    return undefined;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text.charAt(this.pos))) this.pos++;
  }

  private atEnd(): boolean {
    if (this.pos >= this.text.length) this.stopped = true;
    return this.stopped;
  }
}
