import type { AppErrorData, ErrorCode } from '../../shared/domain/errors';
import type { LLMProviderName } from '../../shared/domain/llm';
import { renderErrorMessage, type ErrorMessage, type ErrorSurface } from './error-fix';
import { redactSecrets } from './log';

export { fixWording, type ErrorFix, type ErrorMessage, type ErrorSurface, type FixWording } from './error-fix';

export interface AppErrorOptions {
  retryable?: boolean;
  provider?: LLMProviderName;
  requestId?: string;
  retryAfterMs?: number;
  field?: string;
  cause?: unknown;
}

/**
 * The one error type of the core. Its message says what happened and what to do;
 * `toData()` is what crosses IPC, the HTTP host and the CLI. A message that names a fix is
 * written once as a function of the wording (see error-fix.ts): `message` is the app's words,
 * `messageFor('cli')` the CLI's.
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly provider?: LLMProviderName;
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  readonly field?: string;
  readonly #message: ErrorMessage;

  constructor(code: ErrorCode, message: ErrorMessage, options: AppErrorOptions = {}) {
    super(renderErrorMessage(message, 'app'), options.cause === undefined ? undefined : { cause: options.cause });
    this.#message = message;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.provider = options.provider;
    this.requestId = options.requestId;
    this.retryAfterMs = options.retryAfterMs;
    this.field = options.field;
  }

  /**
   * The error an envelope carried, as an `AppError` again: what `core.invoke` throws. The data's
   * message was already worded for the core's surface, so it is kept as it is.
   */
  static fromData(data: AppErrorData): AppError {
    return new AppError(data.code, data.message, {
      retryable: data.retryable,
      provider: data.provider,
      requestId: data.requestId,
      retryAfterMs: data.retryAfterMs,
      field: data.field,
    });
  }

  /** The message as a surface shows it: the app names screens, the CLI names commands. */
  messageFor(surface: ErrorSurface): string {
    return surface === 'app' ? this.message : renderErrorMessage(this.#message, surface);
  }

  toData(surface: ErrorSurface = 'app'): AppErrorData {
    const data: AppErrorData = { code: this.code, message: redactSecrets(this.messageFor(surface)), retryable: this.retryable };
    if (this.provider) data.provider = this.provider;
    // A request id is vendor text: it crosses only when the redactor finds nothing in it.
    if (this.requestId && redactSecrets(this.requestId) === this.requestId) data.requestId = this.requestId;
    if (this.retryAfterMs !== undefined) data.retryAfterMs = this.retryAfterMs;
    if (this.field) data.field = this.field;
    return data;
  }
}

/**
 * Turns anything thrown into error data that is safe to show. Unknown errors never
 * forward their message (it may quote a request or a key); they are logged instead.
 */
export function toAppErrorData(error: unknown, surface: ErrorSurface = 'app'): AppErrorData {
  if (error instanceof AppError) return error.toData(surface);
  return {
    code: 'internal',
    message: 'Something went wrong inside Outreach Desk. The details are in the log; please report it.',
    retryable: false,
  };
}
