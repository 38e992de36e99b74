import { channelSchema, type Channel } from '../domain/sequence';
import { parsePartialJson, type PartialJson } from './partial-json';

/** A sequence step as far as the model has written it; every field may still be missing. */
export interface StreamingStep {
  step?: number;
  channel?: Channel;
  delayDays?: number;
  subject?: string;
  body?: string;
}

function isRecord(value: PartialJson | undefined): value is { [key: string]: PartialJson } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isChannel(value: PartialJson | undefined): value is Channel {
  return typeof value === 'string' && (channelSchema.options as readonly string[]).includes(value);
}

/**
 * The steps of a sequence the model is still writing: `{"steps":[…]}` or a bare array of steps,
 * read with the partial JSON reader. A channel is shown only once it is a whole known name, so
 * "whats" never flashes as a label.
 */
export function readStreamingSteps(text: string): StreamingStep[] {
  const parsed = parsePartialJson(text);
  const list = Array.isArray(parsed) ? parsed : isRecord(parsed) && Array.isArray(parsed.steps) ? parsed.steps : [];
  return list.filter(isRecord).map((raw) => {
    const step: StreamingStep = {};
    if (typeof raw.step === 'number') step.step = raw.step;
    if (isChannel(raw.channel)) step.channel = raw.channel;
    if (typeof raw.delay_days === 'number') step.delayDays = raw.delay_days;
    if (typeof raw.subject === 'string') step.subject = raw.subject;
    if (typeof raw.body === 'string') step.body = raw.body;
    return step;
  });
}
