import type { z } from 'zod';
import type { AppErrorData } from '../domain/errors';

/** What every channel returns across a process boundary: a value, or an error as data. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };

/** A channel: the schema its input must pass and the schema its output is cut to. */
export interface ChannelDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}

export function defineChannel<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): ChannelDef<I, O> {
  return { input, output };
}
