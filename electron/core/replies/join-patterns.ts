/**
 * One regex that matches any of `patterns`, with `flags` for the whole (the literals' own flags
 * are not used). The rule lists are written as regex literals rather than strings so that each
 * entry is parsed and checked as a regex, and a `\b` can never turn into a backspace.
 */
export function joinPatterns(patterns: readonly RegExp[], flags: string): RegExp {
  return new RegExp(patterns.map((pattern) => pattern.source).join('|'), flags);
}
