/**
 * The one logger of the core. Every line passes through `redactSecrets`, so a key that
 * reaches an error message or a vendor's echo never reaches the log.
 */

const SECRET_PATTERNS: RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{8,}/g,
  /sk-(proj-)?[A-Za-z0-9_-]{8,}/g,
  /gsk_[A-Za-z0-9]{8,}/g,
  /AIza[0-9A-Za-z_-]{20,}/g,
  /(authorization|x-api-key|x-goog-api-key|api-key)(["']?\s*[:=]\s*["']?)(Bearer\s+)?[^\s"',}]+/gi,
];

const registered = new Set<string>();

/** Tells the redactor about a live key, so it is masked even when it matches no known pattern. */
export function registerSecret(secret: string): void {
  if (secret.length >= 6) registered.add(secret);
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of registered) out = out.split(secret).join('[redacted]');
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (_match, ...groups) =>
      typeof groups[0] === 'string' && typeof groups[1] === 'string' && /^(authorization|x-api-key|x-goog-api-key|api-key)$/i.test(groups[0])
        ? `${groups[0]}${groups[1]}[redacted]`
        : '[redacted]',
    );
  }
  return out;
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
  const sink = options.sink ?? ((line: string) => process.stderr.write(line + '\n'));
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
