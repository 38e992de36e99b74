import { AppError } from '../../electron/core/errors';

/** Runs `fn` and returns the AppError it throws; fails if it throws nothing or something else. */
export function caught(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}
