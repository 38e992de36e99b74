import { describe, expect, it } from 'vitest';
import { parsePartialJson, readStreamingSteps } from '../../shared/streaming';

const FULL = JSON.stringify({
  steps: [
    { step: 1, delay_days: 0, channel: 'email', subject: 'Forecasts for {{company}}', body: 'Hi {{firstName}},\n"quoted" \\ done \u00e9' },
    { step: 2, delay_days: 3, channel: 'whatsapp', body: 'Quick nudge ✓' },
  ],
});

describe('parsePartialJson', () => {
  it('reads complete JSON exactly as JSON.parse does', () => {
    expect(parsePartialJson(FULL)).toEqual(JSON.parse(FULL));
    expect(parsePartialJson('[1, -2.5e3, true, false, null, "x", {}, []]')).toEqual([1, -2500, true, false, null, 'x', {}, []]);
  });

  it('agrees with JSON.parse on every complete prefix value and never throws on any prefix', () => {
    for (let i = 0; i <= FULL.length; i++) {
      const value = parsePartialJson(FULL.slice(0, i));
      if (i === 0) expect(value).toBeUndefined();
      else expect(typeof value).toBe('object');
    }
  });

  it('grows an open string, and keeps what is complete around it', () => {
    expect(parsePartialJson('{"steps":[{"step":1,"body":"Hi Da')).toEqual({ steps: [{ step: 1, body: 'Hi Da' }] });
    expect(parsePartialJson('{"steps":[{"step":1,"body":"Hi Dana"},{"st')).toEqual({ steps: [{ step: 1, body: 'Hi Dana' }, {}] });
  });

  it('leaves out a key without its value and a half-written literal or escape', () => {
    expect(parsePartialJson('{"a":1,"b"')).toEqual({ a: 1 });
    expect(parsePartialJson('{"a":1,"b":')).toEqual({ a: 1 });
    expect(parsePartialJson('{"a":tr')).toEqual({});
    expect(parsePartialJson('{"a":"line\\')).toEqual({ a: 'line' });
    expect(parsePartialJson('{"a":"caf\\u00')).toEqual({ a: 'caf' });
    expect(parsePartialJson('{"a":-')).toEqual({});
    expect(parsePartialJson('{"a":"x\\n')).toEqual({ a: 'x\n' });
  });

  it('skips a preamble or a Markdown fence before the JSON', () => {
    expect(parsePartialJson('Here you go:\n```json\n{"steps":[{"step":2')).toEqual({ steps: [{ step: 2 }] });
    expect(parsePartialJson('No JSON yet')).toBeUndefined();
  });

  it('stops where the text stops being JSON, keeping what came before', () => {
    expect(parsePartialJson('{"a":1,"b":2}\n```')).toEqual({ a: 1, b: 2 });
    expect(parsePartialJson('{"a":1, oops "b":2}')).toEqual({ a: 1 });
    expect(parsePartialJson('{"a":"bad \\q escape"}')).toEqual({ a: 'bad ' });
  });
});

describe('readStreamingSteps', () => {
  it('shows the steps forming, field by field', () => {
    const cut = FULL.indexOf('Hi {{firstName}}') + 5;
    expect(readStreamingSteps(FULL.slice(0, cut))).toEqual([{ step: 1, delayDays: 0, channel: 'email', subject: 'Forecasts for {{company}}', body: 'Hi {{' }]);
    expect(readStreamingSteps(FULL)).toHaveLength(2);
    expect(readStreamingSteps(FULL)[1]).toEqual({ step: 2, delayDays: 3, channel: 'whatsapp', body: 'Quick nudge ✓' });
  });

  it('shows a channel only once it is a whole known name', () => {
    expect(readStreamingSteps('{"steps":[{"channel":"whats')).toEqual([{}]);
    expect(readStreamingSteps('{"steps":[{"channel":"fax"}]}')).toEqual([{}]);
  });

  it('reads a bare array of steps and ignores anything else', () => {
    expect(readStreamingSteps('[{"step":1,"body":"Hi"}]')).toEqual([{ step: 1, body: 'Hi' }]);
    expect(readStreamingSteps('{"sequence":"nope"}')).toEqual([]);
    expect(readStreamingSteps('')).toEqual([]);
    expect(readStreamingSteps('{"steps":[1,"x",null,{"step":"one"}]}')).toEqual([{}]);
  });
});
