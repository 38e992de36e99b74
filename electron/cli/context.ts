import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Core } from '../core';
import { messageOf, UsageError, type Output } from './io';

export interface CliContext {
  core: Core;
  io: Output;
}

/** A command; it may return an exit code (1 for an operation that ran but did not succeed), else 0. */
// biome-ignore lint/suspicious/noConfusingVoidType: commands end with `return io.out(…)`, a void call; runCli reads anything but a number as exit code 0.
export type Command = (ctx: CliContext, args: string[]) => Promise<void | number>;

/** node:util parseArgs, with its complaints turned into usage errors (exit code 2). */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, command: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${messageOf(error).replace(/\. To specify.*$/, '')}. See "outreach-desk --help".`);
  }
}
