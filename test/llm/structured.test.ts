import { describe, expect, it } from 'vitest';
import { extractJson, parseStructured, validateClassification, validateRegeneratedStep, validateSequence } from '../../electron/core/llm';
import type { SequenceOptions } from '../../shared/domain/sequence';
import { expectDefined } from '../helpers/expect-defined';

const options: SequenceOptions = { numberOfSteps: 3, channels: ['email', 'sms'], delayDays: [0, 2], includeSubjects: true };

function step(n: number, over: Record<string, unknown> = {}) {
  const delays = [0, 2, 5];
  return { step: n, delay_days: delays[n - 1], channel: 'email', subject: `S${n}`, body: `Hi {{firstName}} ${n}`, ...over };
}

describe('extractJson', () => {
  it('parses plain, fenced and prose-wrapped objects', () => {
    expect(extractJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(extractJson('```json\n{"a":1}\n```')).toEqual({ ok: true, value: { a: 1 } });
    expect(extractJson('```\n{"a":2}\n```')).toEqual({ ok: true, value: { a: 2 } });
    expect(extractJson('Here is the JSON:\n```json\n{"a":3}\n```\nHope it helps')).toEqual({ ok: true, value: { a: 3 } });
    expect(extractJson('Sure! {"a":4} done')).toEqual({ ok: true, value: { a: 4 } });
  });

  it('rejects empty, whitespace-only, truncated and non-object answers', () => {
    expect(extractJson('')).toMatchObject({ ok: false });
    expect(extractJson('     ')).toMatchObject({ ok: false, issues: ['the answer was empty'] });
    expect(extractJson('{"steps":[{"step":1,"body":"Hi')).toMatchObject({ ok: false });
    expect(extractJson('[1,2]')).toMatchObject({ ok: false });
  });
});

describe('validateSequence', () => {
  it('accepts a sequence that matches the request, with default delays after the requested ones', () => {
    const result = validateSequence({ steps: [step(1), step(2, { channel: 'sms', subject: null }), step(3)] }, options);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.map((s) => s.delay_days)).toEqual([0, 2, 5]);
      expect(result.value[1]).not.toHaveProperty('subject');
    }
  });

  it('requires exactly numberOfSteps steps in order', () => {
    expect(validateSequence({ steps: [step(1), step(2)] }, options)).toMatchObject({ ok: false });
    const swapped = validateSequence({ steps: [step(2, { delay_days: 0 }), step(1, { delay_days: 2 }), step(3)] }, options);
    expect(swapped.ok).toBe(false);
    expect(validateSequence({ steps: [] }, options)).toMatchObject({ ok: false });
    expect(validateSequence({}, options)).toMatchObject({ ok: false });
  });

  it('rejects channels not asked for and delays that differ from the request', () => {
    const whatsapp = validateSequence({ steps: [step(1), step(2, { channel: 'whatsapp' }), step(3)] }, options);
    expect(whatsapp.ok).toBe(false);
    if (!whatsapp.ok) expect(whatsapp.issues.join()).toContain('whatsapp');
    const delay = validateSequence({ steps: [step(1), step(2, { delay_days: 3 }), step(3)] }, options);
    expect(delay.ok).toBe(false);
    if (!delay.ok) expect(delay.issues.join()).toContain('"delay_days": 2');
  });

  it('requires subjects on email steps only when asked', () => {
    const missing = validateSequence({ steps: [step(1, { subject: '' }), step(2), step(3)] }, options);
    expect(missing.ok).toBe(false);
    const notAsked = validateSequence({ steps: [step(1, { subject: null }), step(2), step(3)] }, { ...options, includeSubjects: false });
    expect(notAsked.ok).toBe(true);
  });

  it('keeps placeholders as {{token}} and rejects malformed ones', () => {
    const spaced = validateSequence({ steps: [step(1, { body: 'Hi {{ firstName }} at {{company}}' }), step(2), step(3)] }, options);
    expect(spaced.ok && expectDefined(spaced.value[0]).body).toBe('Hi {{firstName}} at {{company}}');
    const single = validateSequence({ steps: [step(1, { body: 'Hi {firstName}' }), step(2), step(3)] }, options);
    expect(single.ok).toBe(false);
    const broken = validateSequence({ steps: [step(1, { body: 'Hi {{first name}}' }), step(2), step(3)] }, options);
    expect(broken.ok).toBe(false);
  });

  it('rejects empty bodies', () => {
    expect(validateSequence({ steps: [step(1, { body: '  ' }), step(2), step(3)] }, options).ok).toBe(false);
  });
});

describe('validateRegeneratedStep', () => {
  it('checks the step number, delay and channel of the rewritten step', () => {
    expect(validateRegeneratedStep({ step: step(2) }, options, 1).ok).toBe(true);
    expect(validateRegeneratedStep({ step: step(3, { delay_days: 2 }) }, options, 1).ok).toBe(false);
    expect(validateRegeneratedStep({}, options, 1).ok).toBe(false);
  });
});

describe('validateClassification', () => {
  const good = { classification: 'interested', confidence: 0.8, reason: 'Wants a call', suggestedAction: 'follow_up' };

  it('accepts the seven classes and forgives case and spacing', () => {
    expect(validateClassification(good)).toEqual({ ok: true, value: good });
    const shouty = validateClassification({ ...good, classification: 'Not Interested', suggestedAction: 'STOP_SEQUENCE' });
    expect(shouty).toMatchObject({ ok: true, value: { classification: 'not_interested', suggestedAction: 'stop_sequence' } });
  });

  it('rejects invalid enums and out-of-range confidence, and never defaults to other', () => {
    for (const bad of [
      { ...good, classification: 'maybe' },
      { ...good, classification: null },
      { ...good, confidence: 1.5 },
      { ...good, confidence: '0.5' },
      { ...good, suggestedAction: 'call_them' },
      { ...good, reason: '' },
    ]) {
      expect(validateClassification(bad).ok).toBe(false);
    }
  });

  it('cuts an over-long reason instead of failing', () => {
    const result = validateClassification({ ...good, reason: 'x'.repeat(1000) });
    expect(result.ok && result.value.reason.length).toBe(300);
  });
});

describe('parseStructured: JSON in chatty prose (local models without a JSON mode)', () => {
  const good = { classification: 'interested', confidence: 0.9, reason: 'Asks for a call', suggestedAction: 'follow_up' };
  const json = JSON.stringify(good);

  it('takes the JSON when the prose after it mentions {casual} or {formal}', () => {
    const text = `Sure! Here is the classification:\n${json}\nI can also rewrite the reason in a {casual} or {formal} tone if you like.`;
    expect(parseStructured(text, validateClassification)).toEqual({ ok: true, value: good });
  });

  it('skips braces in the prose before the JSON, and a fenced answer among them', () => {
    expect(parseStructured(`Do you want it {casual} or {formal}? Either way:\n${json}`, validateClassification)).toEqual({ ok: true, value: good });
    expect(parseStructured(`Tone: {formal}.\n\`\`\`json\n${JSON.stringify(good, null, 2)}\n\`\`\`\nUse {casual} next time?`, validateClassification)).toEqual({
      ok: true,
      value: good,
    });
  });

  it('takes the first balanced object that passes the schema, not merely the first that parses', () => {
    const text = `Notes: {"tone":"formal"} and the answer: ${json} and an alternative: ${JSON.stringify({ ...good, classification: 'not_interested' })}`;
    expect(parseStructured(text, validateClassification)).toEqual({ ok: true, value: good });
  });

  it('is not fooled by braces inside JSON strings', () => {
    const tricky = { ...good, reason: 'Said "}{" and {casual} things' };
    expect(parseStructured(`Result: ${JSON.stringify(tricky)} {formal}`, validateClassification)).toEqual({ ok: true, value: tricky });
  });

  it('keeps truncation an error, even when a complete inner object precedes the cut', () => {
    const cut = `Here you go: {"classification":"interested","confidence":0.9,"reason":"Asks {casual}`;
    expect(parseStructured(cut, validateClassification).ok).toBe(false);
    const steps = JSON.stringify({ steps: [step(1), step(2), step(3)] });
    const cutSequence = steps.slice(0, steps.indexOf('"step":3') + 20);
    expect(parseStructured(cutSequence, (v) => validateSequence(v, options)).ok).toBe(false);
    expect(parseStructured(`{"step": ${JSON.stringify(step(2))}`, (v) => validateRegeneratedStep(v, options, 1)).ok).toBe(false);
  });

  it('reports what was wrong with the first JSON object when none passes', () => {
    const result = parseStructured(`Here: ${JSON.stringify({ ...good, classification: 'maybe' })} in a {casual} tone`, validateClassification);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.join(' ')).toContain('"classification" must be one of');
    expect(parseStructured('no json at all {casual}', validateClassification)).toMatchObject({ ok: false });
    expect(parseStructured('   ', validateClassification)).toEqual({ ok: false, issues: ['the answer was empty'] });
  });
});
