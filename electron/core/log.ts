/**
 * The one logger of the core. Every line passes through `redactSecrets`, so a key that
 * reaches an error message or a vendor's echo never reaches the log.
 */

/**
 * Key shapes in the vendors' published formats. Each is anchored so it never starts or ends
 * inside a word: `helpdesk-archive2026` or `outreach-desk-v3-….db` hold `sk-`, and are no key.
 * The lengths are the formats' own, so a folder name that merely starts with `sk-` is left alone.
 */
const KEY_SHAPES = [
  'sk-ant-[A-Za-z0-9_-]{20,}', // Anthropic: sk-ant-api03-…, sk-ant-admin01-…
  'sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}', // OpenAI project, service-account and admin keys
  'sk-[A-Za-z0-9]{32,}', // OpenAI legacy (48 characters), DeepSeek (32 hex)
  'gsk_[A-Za-z0-9]{20,}', // Groq
  'AIza[0-9A-Za-z_-]{35}', // Google AI (Gemini)
];
const WORD = 'A-Za-z0-9_-';
const KEY_PATTERN = new RegExp(`(?<![${WORD}])(?:${KEY_SHAPES.join('|')})(?![${WORD}])`, 'g');
/** A key header or parameter and its value, in any spelling: `Authorization: Bearer …`, `"x-api-key":"…"`. */
const KEY_FIELD_PATTERN = /(?<![A-Za-z0-9_-])(authorization|x-api-key|x-goog-api-key|api-key)(["']?\s*[:=]\s*["']?)(?:Bearer\s+)?[^\s"',}]+/gi;

const registered = new Set<string>();

/** Tells the redactor about a live key, so it is masked even when it matches no known pattern. */
export function registerSecret(secret: string): void {
  if (secret.length >= 6) registered.add(secret);
}

const KEY_TEST = new RegExp(KEY_PATTERN.source);
const KEY_FIELD_TEST = new RegExp(KEY_FIELD_PATTERN.source, 'i');

/** True when `redactSecrets` would change the text; cheaper, for checks on every call's ids. */
export function containsSecret(text: string): boolean {
  for (const secret of registered) if (text.includes(secret)) return true;
  return KEY_TEST.test(text) || KEY_FIELD_TEST.test(text);
}

/**
 * Masks every registered key wherever it stands, then anything shaped like a vendor key or sent
 * as a key header. Paths and words that merely contain `sk-` pass unchanged.
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of registered) out = out.split(secret).join('[redacted]');
  out = out.replace(KEY_PATTERN, '[redacted]');
  return out.replace(KEY_FIELD_PATTERN, (_match, name: string, separator: string) => `${name}${separator}[redacted]`);
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogSink = (line: string) => void;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function describe(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/** A JSON-lines logger. `sink` defaults to stderr; the app points it at a file in the data directory. */
export function createLogger(options: { level?: LogLevel; sink?: LogSink } = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const entry: Record<string, unknown> = { t: new Date().toISOString(), level, message };
    for (const [k, v] of Object.entries(fields ?? {})) entry[k] = describe(v);
    sink(redactSecrets(JSON.stringify(entry)));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** A logger that drops everything; for tests that do not read logs. */
export const silentLogger: Logger = createLogger({ level: 'error', sink: () => {} });
