import { describe, expect, it } from 'vitest';
import { extractJson, validateClassification, validateRegeneratedStep, validateSequence } from '../../electron/core/llm';
import type { SequenceOptions } from '../../shared/domain/sequence';

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
    expect(spaced.ok && spaced.value[0]!.body).toBe('Hi {{firstName}} at {{company}}');
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
