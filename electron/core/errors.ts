import type { AppErrorData, ErrorCode } from '../../shared/domain/errors';
import type { LLMProviderName } from '../../shared/domain/llm';
import { redactSecrets } from './log';

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
 * `toData()` is what crosses IPC, the HTTP host and the CLI.
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly provider?: LLMProviderName;
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  readonly field?: string;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.provider = options.provider;
    this.requestId = options.requestId;
    this.retryAfterMs = options.retryAfterMs;
    this.field = options.field;
  }

  toData(): AppErrorData {
    const data: AppErrorData = { code: this.code, message: redactSecrets(this.message), retryable: this.retryable };
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
export function toAppErrorData(error: unknown): AppErrorData {
  if (error instanceof AppError) return error.toData();
  return {
    code: 'internal',
    message: 'Something went wrong inside Outreach Desk. The details are in the log; please report it.',
    retryable: false,
  };
}
