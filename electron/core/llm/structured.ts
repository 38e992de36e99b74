import { z } from 'zod';
import { replyClassSchema, suggestedActionSchema, type ReplyClassification } from '../../../shared/domain/reply';
import { CHANNEL_SPECS, channelSchema, resolveDelay, type Channel, type SequenceOptions, type SequenceStep } from '../../../shared/domain/sequence';

/** A JSON answer format as each vendor's native JSON mode takes it. */
export interface JsonFormat {
  name: string;
  /** A JSON Schema that also passes OpenAI's strict mode: every property required, no extras. */
  schema: Record<string, unknown>;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: string[] };

/** At most this many `{` are tried as the start of an object: a bound on hostile answers. */
const MAX_OBJECT_STARTS = 200;

/**
 * The balanced top-level `{…}` spans of a text, in order. Strings inside an object are skipped
 * (a `}` in `"body": "…}…"` closes nothing). A `{` that never closes is taken as prose and the
 * scan goes on after it; no span is ever cut short or closed for the model, so a truncated answer
 * yields no object of its own.
 */
function findObjectSpans(text: string): string[] {
  const spans: string[] = [];
  let starts = 0;
  let from = text.indexOf('{');
  while (from !== -1 && starts++ < MAX_OBJECT_STARTS) {
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let i = from; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') {
        inString = true;
      } else if (c === '{') {
        depth++;
      } else if (c === '}' && --depth === 0) {
        end = i;
        break;
      }
    }
    if (end === -1) {
      from = text.indexOf('{', from + 1);
      continue;
    }
    spans.push(text.slice(from, end + 1));
    from = text.indexOf('{', end + 1);
  }
  return spans;
}

/**
 * Every JSON object a model's text holds, in order: the whole text when it is one, else each
 * balanced top-level `{…}` that parses (fences and prose around them are skipped). Never
 * evaluates anything. With none, says in words what was wrong, for the repair prompt.
 */
function findJsonObjects(text: string): { objects: Record<string, unknown>[]; issue: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { objects: [], issue: 'the answer was empty' };
  const objects: Record<string, unknown>[] = [];
  let issue = 'the answer was not a JSON object';
  const take = (candidate: string) => {
    try {
      const value: unknown = JSON.parse(candidate);
      if (value && typeof value === 'object' && !Array.isArray(value)) objects.push(value as Record<string, unknown>);
      else if (objects.length === 0) issue = 'the answer was JSON but not an object';
    } catch (error) {
      if (objects.length === 0) issue = `the answer was not valid JSON (${error instanceof Error ? error.message : 'parse error'})`;
    }
  };
  take(trimmed);
  if (objects.length === 0) for (const span of findObjectSpans(trimmed)) take(span);
  return { objects, issue };
}

/** The first JSON object in a model's text: the whole text, or the first balanced `{…}` that parses. */
export function extractJson(text: string): ParseResult<unknown> {
  const { objects, issue } = findJsonObjects(text);
  return objects.length > 0 ? { ok: true, value: objects[0] } : { ok: false, issues: [issue] };
}

/**
 * Parses a structured answer: tries each JSON object of the text in order and takes the first
 * that passes `validate`, so JSON wrapped in chat that mentions `{casual}` or `{formal}` (local
 * models served without a JSON mode answer like that) is not lost. When none passes, the issues
 * are those of the first object, the one the model most likely meant.
 */
export function parseStructured<T>(text: string, validate: (value: unknown) => ParseResult<T>): ParseResult<T> {
  const { objects, issue } = findJsonObjects(text);
  let first: ParseResult<T> | undefined;
  for (const object of objects) {
    const checked = validate(object);
    if (checked.ok) return checked;
    first ??= checked;
  }
  return first ?? { ok: false, issues: [issue] };
}

/** `{{ firstName }}` → `{{firstName}}`; the app fills these tokens later, so their shape matters. */
function normalizePlaceholders(text: string): string {
  return text.replace(/\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g, '{{$1}}');
}

/** Finds placeholder-looking text the app could not fill: `{firstName}`, `{{first name}}`, `[FirstName]`. */
function findBrokenPlaceholders(text: string): string[] {
  const withoutGood = text.replace(/\{\{[A-Za-z][A-Za-z0-9_]*\}\}/g, '');
  const broken = withoutGood.match(/\{\{[^{}]*\}\}|\{\{|\}\}|\{[A-Za-z][A-Za-z0-9_ ]*\}|\[(?:first|last)\s?name\]|\[company\]/gi);
  return broken ?? [];
}

const wireStepSchema = z.object({
  step: z.number().int(),
  delay_days: z.number().int(),
  channel: z.string(),
  subject: z.string().nullable().optional(),
  body: z.string(),
});

/** Checks one step against the request; returns the cleaned step or what was wrong. */
function checkStep(
  raw: unknown,
  expected: { step: number; delay: number; channels: readonly Channel[]; includeSubjects: boolean },
  issues: string[],
): SequenceStep | undefined {
  const parsed = wireStepSchema.safeParse(raw);
  const label = `step ${expected.step}`;
  if (!parsed.success) {
    issues.push(`${label} must be an object with step, delay_days, channel, subject and body`);
    return undefined;
  }
  const s = parsed.data;
  const before = issues.length;
  if (s.step !== expected.step) issues.push(`${label} has "step": ${s.step}; steps must be numbered 1..N in order`);
  if (s.delay_days !== expected.delay) issues.push(`${label} must have "delay_days": ${expected.delay}`);
  const channel = channelSchema.safeParse(s.channel.trim().toLowerCase());
  if (!channel.success || !expected.channels.includes(channel.data)) {
    issues.push(`${label} uses channel "${s.channel}"; allowed: ${expected.channels.join(', ')}`);
  }
  const body = normalizePlaceholders(s.body.trim());
  if (body === '') issues.push(`${label} has an empty body`);
  if (body.length > 10_000) issues.push(`${label} body is longer than 10000 characters`);
  const subject = s.subject == null ? '' : normalizePlaceholders(s.subject.trim());
  const hasSubject = channel.success && CHANNEL_SPECS[channel.data].hasSubject;
  if (hasSubject && expected.includeSubjects && subject === '') issues.push(`${label} (${channel.data}) needs a subject`);
  if (subject.length > 300) issues.push(`${label} subject is longer than 300 characters`);
  for (const bad of findBrokenPlaceholders(`${subject}\n${body}`)) {
    issues.push(`${label} has a malformed placeholder "${bad}"; use tokens like {{firstName}}`);
  }
  if (issues.length > before || !channel.success) return undefined;
  const step: SequenceStep = { step: s.step, delay_days: s.delay_days, channel: channel.data, body };
  if (hasSubject && subject !== '') step.subject = subject;
  return step;
}

/**
 * Validates a parsed sequence against what was asked: exactly `numberOfSteps` steps numbered
 * 1..N, channels only from those asked, `delay_days` equal to the resolved delays, subjects on
 * email steps when asked, placeholders as `{{token}}`.
 */
export function validateSequence(value: unknown, options: SequenceOptions): ParseResult<SequenceStep[]> {
  const steps = (value as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return { ok: false, issues: ['the object must have a "steps" array'] };
  const issues: string[] = [];
  if (steps.length !== options.numberOfSteps) {
    issues.push(`there must be exactly ${options.numberOfSteps} steps, not ${steps.length}`);
  }
  const out: SequenceStep[] = [];
  steps.slice(0, options.numberOfSteps).forEach((raw, i) => {
    const step = checkStep(
      raw,
      { step: i + 1, delay: resolveDelay(options, i), channels: options.channels, includeSubjects: options.includeSubjects ?? false },
      issues,
    );
    if (step) out.push(step);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: out };
}

/** Validates the answer to a one-step regeneration: `{ "step": {…} }` for step `stepIndex + 1`. */
export function validateRegeneratedStep(value: unknown, options: SequenceOptions, stepIndex: number): ParseResult<SequenceStep> {
  const raw = (value as { step?: unknown } | null)?.step;
  const issues: string[] = [];
  const step = checkStep(
    raw,
    {
      step: stepIndex + 1,
      delay: resolveDelay(options, stepIndex),
      channels: options.channels,
      includeSubjects: options.includeSubjects ?? false,
    },
    issues,
  );
  return step && issues.length === 0 ? { ok: true, value: step } : { ok: false, issues: issues.length ? issues : ['"step" is missing'] };
}

function normalizeEnum(value: unknown): unknown {
  return typeof value === 'string'
    ? value
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_')
    : value;
}

/**
 * Validates a classification strictly: the class is one of seven, confidence a number in 0..1,
 * the action one of four. Case and spacing of enum values are forgiven; anything else is not,
 * and nothing is defaulted.
 */
export function validateClassification(value: unknown): ParseResult<ReplyClassification> {
  const v = (value ?? {}) as Record<string, unknown>;
  const issues: string[] = [];
  const classification = replyClassSchema.safeParse(normalizeEnum(v.classification));
  if (!classification.success) {
    issues.push(`"classification" must be one of ${replyClassSchema.options.join(', ')}; got ${JSON.stringify(v.classification ?? null)}`);
  }
  const confidence = v.confidence;
  if (typeof confidence !== 'number' || !Number.isFinite(confidence) || confidence < 0 || confidence > 1) {
    issues.push(`"confidence" must be a number from 0 to 1; got ${JSON.stringify(confidence ?? null)}`);
  }
  const action = suggestedActionSchema.safeParse(normalizeEnum(v.suggestedAction));
  if (!action.success) {
    issues.push(`"suggestedAction" must be one of ${suggestedActionSchema.options.join(', ')}; got ${JSON.stringify(v.suggestedAction ?? null)}`);
  }
  if (typeof v.reason !== 'string' || v.reason.trim() === '') issues.push('"reason" must be a short non-empty string');
  if (issues.length > 0 || !classification.success || !action.success) return { ok: false, issues };
  return {
    ok: true,
    value: {
      classification: classification.data,
      confidence: confidence as number,
      // The reason is display text only; a long one is cut, not rejected.
      reason: (v.reason as string).trim().slice(0, 300),
      suggestedAction: action.data,
    },
  };
}

function stepJsonSchema(channels: readonly Channel[]): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      step: { type: 'integer' },
      delay_days: { type: 'integer' },
      channel: { type: 'string', enum: [...channels] },
      subject: { type: ['string', 'null'] },
      body: { type: 'string' },
    },
    required: ['step', 'delay_days', 'channel', 'subject', 'body'],
    additionalProperties: false,
  };
}

/** The answer format of a sequence, restricted to the channels asked for. */
export function sequenceJsonFormat(options: SequenceOptions): JsonFormat {
  return {
    name: 'outreach_sequence',
    schema: {
      type: 'object',
      properties: { steps: { type: 'array', items: stepJsonSchema(options.channels) } },
      required: ['steps'],
      additionalProperties: false,
    },
  };
}

/** The answer format of a one-step regeneration. */
export function stepJsonFormat(options: SequenceOptions): JsonFormat {
  return {
    name: 'outreach_step',
    schema: {
      type: 'object',
      properties: { step: stepJsonSchema(options.channels) },
      required: ['step'],
      additionalProperties: false,
    },
  };
}

/** The answer format of a classification. */
export const CLASSIFICATION_JSON_FORMAT: JsonFormat = {
  name: 'reply_classification',
  schema: {
    type: 'object',
    properties: {
      classification: { type: 'string', enum: [...replyClassSchema.options] },
      confidence: { type: 'number' },
      reason: { type: 'string' },
      suggestedAction: { type: 'string', enum: [...suggestedActionSchema.options] },
    },
    required: ['classification', 'confidence', 'reason', 'suggestedAction'],
    additionalProperties: false,
  },
};
