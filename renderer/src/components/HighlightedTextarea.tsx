import type { ChangeEvent } from 'react';

const PLACEHOLDER = /\{\{\s*[\w.-]+\s*\}\}/g;

/** A piece of text, marked when it is a `{{placeholder}}`; `start` is its offset in the whole text. */
export interface TextPart {
  text: string;
  placeholder: boolean;
  start: number;
}

/** Splits text into plain runs and `{{placeholder}}` runs, in order. */
export function splitPlaceholders(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const start = match.index;
    if (start > last) parts.push({ text: text.slice(last, start), placeholder: false, start: last });
    parts.push({ text: match[0], placeholder: true, start });
    last = start + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), placeholder: false, start: last });
  return parts;
}

/** The distinct placeholders in a text, in order of first use. */
export function listPlaceholders(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(PLACEHOLDER), (m) => m[0]))];
}

/**
 * A textarea whose `{{placeholders}}` are highlighted. A backdrop with the same text and metrics
 * sits in the same grid cell behind a transparent textarea, so the browser's own editing,
 * selection and undo stay intact; the backdrop also sizes the box to its content.
 */
export function HighlightedTextarea(props: {
  id: string;
  value: string;
  onChange(value: string): void;
  readOnly?: boolean;
  describedBy?: string;
  label?: string;
}) {
  const parts = splitPlaceholders(props.value);
  return (
    <div className="hl">
      <div className="hl-backdrop" aria-hidden="true">
        {parts.map((part) => (part.placeholder ? <mark key={part.start}>{part.text}</mark> : <span key={part.start}>{part.text}</span>))}
        {/* A trailing newline would collapse; the extra space keeps the last line's height. */}
        {'\n '}
      </div>
      <textarea
        id={props.id}
        className="hl-input"
        value={props.value}
        readOnly={props.readOnly}
        spellCheck
        aria-label={props.label}
        aria-describedby={props.describedBy}
        onChange={(e: ChangeEvent<HTMLTextAreaElement>) => props.onChange(e.target.value)}
      />
    </div>
  );
}
