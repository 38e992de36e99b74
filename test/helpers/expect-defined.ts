/**
 * The value a test counts on being there (an array item, a `find`, an optional field), or a
 * failure that says it was missing. Used instead of a non-null assertion, which only silences the
 * compiler and lets the test fail later with a TypeError, or not at all.
 */
export function expectDefined<T>(value: T, what = 'a value'): NonNullable<T> {
  if (value === undefined || value === null) throw new Error(`Expected ${what}, got ${String(value)}.`);
  return value;
}
