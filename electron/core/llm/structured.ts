import { z } from 'zod';
import { replyClassSchema, suggestedActionSchema, type ReplyClassification } from '../../../shared/domain/reply';
import {
  channelSchema,
  resolveDelays,
  type Channel,
  type SequenceOptions,
  type SequenceStep,
} from '../../../shared/domain/sequence';

/** A JSON answer format as each vendor's native JSON mode takes it. */
export interface JsonFormat {
  name: string;
  /** A JSON Schema that also passes OpenAI's strict mode: every property required, no extras. */
  schema: Record<string, unknown>;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: string[] };

const FENCE = /^```[a-zA-Z0-9_-]*\s*\n?([\s\S]*?)\n?\s*```$/;

/**
 * Finds the JSON object in a model's text: tolerates one code fence and prose around the
 * object. Never evaluates anything; returns the parse error in words for the repair prompt.
 */
export function extractJson(text: string): ParseResult<unknown> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, issues: ['the answer was empty'] };
  const candidates: string[] = [trimmed];
  const fenced = FENCE.exec(trimmed);
  if (fenced?.[1] !== undefined) candidates.push(fenced[1].trim());
  const inner = /```[a-zA-Z0-9_-]*\s*\n([\s\S]*?)\n\s*```/.exec(trimmed);
  if (inner?.[1] !== undefined) candidates.push(inner[1].trim());
  const first = trimmed.indexOf('{');
  const last = trimmed.lastIndexOf('}');
  if (first !== -1 && last > first) candidates.push(trimmed.slice(first, last + 1));
  let lastError = 'the answer was not a JSON object';
  for (const candidate of candidates) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (value && typeof value === 'object' && !Array.isArray(value)) return { ok: true, value };
      lastError = 'the answer was JSON but not an object';
    } catch (error) {
      lastError = `the answer was not valid JSON (${error instanceof Error ? error.message : 'parse error'})`;
    }
  }
  return { ok: false, issues: [lastError] };
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
  const isEmail = channel.success && channel.data === 'email';
  if (isEmail && expected.includeSubjects && subject === '') issues.push(`${label} is an email and needs a subject`);
  if (subject.length > 300) issues.push(`${label} subject is longer than 300 characters`);
  for (const bad of findBrokenPlaceholders(`${subject}\n${body}`)) {
    issues.push(`${label} has a malformed placeholder "${bad}"; use tokens like {{firstName}}`);
  }
  if (issues.length > before || !channel.success) return undefined;
  const step: SequenceStep = { step: s.step, delay_days: s.delay_days, channel: channel.data, body };
  if (isEmail && subject !== '') step.subject = subject;
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
  const delays = resolveDelays(options);
  const out: SequenceStep[] = [];
  steps.slice(0, options.numberOfSteps).forEach((raw, i) => {
    const step = checkStep(
      raw,
      { step: i + 1, delay: delays[i]!, channels: options.channels, includeSubjects: options.includeSubjects ?? false },
      issues,
    );
    if (step) out.push(step);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: out };
}

/** Validates the answer to a one-step regeneration: `{ "step": {…} }` for step `stepIndex + 1`. */
export function validateRegeneratedStep(
  value: unknown,
  options: SequenceOptions,
  stepIndex: number,
): ParseResult<SequenceStep> {
  const raw = (value as { step?: unknown } | null)?.step;
  const issues: string[] = [];
  const step = checkStep(
    raw,
    {
      step: stepIndex + 1,
      delay: resolveDelays(options)[stepIndex]!,
      channels: options.channels,
      includeSubjects: options.includeSubjects ?? false,
    },
    issues,
  );
  return step && issues.length === 0 ? { ok: true, value: step } : { ok: false, issues: issues.length ? issues : ['"step" is missing'] };
}

function normalizeEnum(value: unknown): unknown {
  return typeof value === 'string' ? value.trim().toLowerCase().replace(/[\s-]+/g, '_') : value;
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
