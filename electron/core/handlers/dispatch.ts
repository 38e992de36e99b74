import type { z } from 'zod';
import { contract, isChannelName, type ChannelName } from '../../../shared/ipc/contract';
import type { Result } from '../../../shared/ipc/envelope';
import { createInvoke, type Invoke } from '../../../shared/ipc/invoke';
import { AppError, toAppErrorData, type ErrorSurface } from '../errors';
import type { Logger } from '../log';
import type { HandlerContext, Handlers } from './types';

export type Dispatch = (channel: string, input: unknown, ctx: HandlerContext) => Promise<Result<unknown>>;

/**
 * The core's typed door: `invoke(channel, input, ctx?)` returns the channel's output or throws
 * the `AppError` its envelope carried. Without `ctx`, the call's events are dropped (`NO_EVENTS`).
 */
export type CoreInvoke = Invoke<[ctx?: HandlerContext]>;

/** A handler context for a call whose caller listens to none of its events. */
const NO_EVENTS: HandlerContext = { emit: () => {} };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Rejects prototype-pollution keys anywhere in a payload before zod sees it. */
function findForbiddenKey(value: unknown, depth = 0): string | null {
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return key;
    const found = findForbiddenKey((value as Record<string, unknown>)[key], depth + 1);
    if (found) return found;
  }
  return null;
}

/** The first issue of a failed parse, as a field path and a message (a failed parse has at least one). */
function describeFirstIssue(issues: readonly z.core.$ZodIssue[]): { field: string; message: string } {
  const [issue] = issues;
  if (!issue) return { field: '', message: 'the value does not match its schema' };
  // An unknown key is named by its own path (settings.baseUrls.cohere), not its parent's.
  const [unknownKey] = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = unknownKey === undefined ? issue.path : [...issue.path, unknownKey];
  const field = path.map(String).join('.');
  return { field, message: field ? `${field}: ${issue.message}` : issue.message };
}

/**
 * The one dispatcher behind every door into the core (Electron IPC and the loopback host):
 * it checks the channel name, validates the input with the channel's schema, calls the handler,
 * cuts the output to the channel's output schema (so nothing unlisted, such as a key, can leak)
 * and returns the `{ ok, value } | { ok: false, error }` envelope. Errors are worded for `surface`:
 * the app's screens, or the CLI's commands.
 */
export function createDispatch(handlers: Handlers, logger: Logger, surface: ErrorSurface = 'app'): Dispatch {
  return async (channel, rawInput, ctx) => {
    if (!isChannelName(channel)) {
      return { ok: false, error: { code: 'validation', message: `Unknown channel "${String(channel).slice(0, 80)}".`, retryable: false } };
    }
    const name: ChannelName = channel;
    const def = contract[name];
    const forbidden = findForbiddenKey(rawInput);
    if (forbidden) {
      return { ok: false, error: { code: 'validation', message: `The request contains a forbidden key "${forbidden}".`, retryable: false, field: forbidden } };
    }
    const parsed = def.input.safeParse(rawInput);
    if (!parsed.success) {
      const first = describeFirstIssue(parsed.error.issues);
      return {
        ok: false,
        error: { code: 'validation', message: `Invalid request for ${name}: ${first.message}`, retryable: false, field: first.field || undefined },
      };
    }
    try {
      const handler = handlers[name] as (input: unknown, ctx: HandlerContext) => unknown;
      const value = await handler(parsed.data, ctx);
      const out = def.output.safeParse(value);
      if (!out.success) {
        logger.error('handler output failed its schema', { channel: name, issue: describeFirstIssue(out.error.issues).message });
        throw new AppError('internal', `Outreach Desk produced an invalid answer for ${name}; please report it.`);
      }
      return { ok: true, value: out.data };
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'internal') logger.error('handler failed', { channel: name, error });
      return { ok: false, error: toAppErrorData(error, surface) };
    }
  };
}

/** `core.invoke`: the dispatcher, with its envelope unwrapped once, here. */
export function createCoreInvoke(dispatch: Dispatch): CoreInvoke {
  return createInvoke<[ctx?: HandlerContext]>(
    (channel, input, ctx) => dispatch(channel, input, ctx ?? NO_EVENTS),
    (data) => AppError.fromData(data),
  );
}
