import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { LeadContext } from '../../shared/domain/lead';
import type { Sequence } from '../../shared/domain/records';
import type { SequenceStep } from '../../shared/domain/sequence';
import { escapeCsvCell, exportSequencesCsv, exportSequencesJson, fillPlaceholders, neutralizeFormula } from '../../electron/core/csv';
import { expectDefined } from '../helpers/expect-defined';

function makeSequence(id: string, steps: SequenceStep[]): Sequence {
  return {
    id,
    orgId: 'org-1',
    leadId: `lead-${id}`,
    businessProfileId: null,
    title: `Sequence ${id}`,
    status: 'draft',
    provider: 'openai',
    model: 'gpt-test',
    usage: null,
    costUsd: null,
    options: null,
    steps,
    edited: false,
    createdBy: null,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
  };
}

const ann: LeadContext = {
  firstName: 'Ann',
  lastName: 'Lee',
  email: 'ann@example.com',
  company: 'Acme, Inc.',
  customFields: { 'Pain point': 'slow "manual" reporting', email: 'shadow' },
};
const bob: LeadContext = { firstName: 'Bob', company: '=HYPERLINK("http://evil.example","click")', customFields: { Segment: 'SMB' } };

const annSteps: SequenceStep[] = [
  {
    step: 1,
    delay_days: 0,
    channel: 'email',
    subject: 'Hi {{firstName}} at {{company}}',
    body: 'Hello {{ firstName }},\nabout {{Pain point}} and {{unknownThing}}.',
  },
  { step: 2, delay_days: 3, channel: 'sms', body: '+1 quick nudge for {{first_name}} ({{jobTitle}})' },
];
const bobSteps: SequenceStep[] = [{ step: 1, delay_days: 0, channel: 'email', subject: '@{{firstName}}', body: '-{{Segment}} deal' }];

const items = [
  { sequence: makeSequence('s1', annSteps), lead: ann },
  { sequence: makeSequence('s2', bobSteps), lead: bob },
];

function parseCsv(text: string): string[][] {
  const result = Papa.parse<string[]>(text, { skipEmptyLines: true });
  expect(result.errors).toEqual([]);
  return result.data;
}

describe('fillPlaceholders', () => {
  it('fills lead fields and custom fields in any spelling, and leaves unknown or empty ones as they are', () => {
    expect(fillPlaceholders('Hi {{firstName}} / {{ first_name }} / {{FullName}} / {{pain point}} / {{custom.Pain point}} / {{jobTitle}} / {{nope}}', ann)).toBe(
      'Hi Ann / Ann / Ann Lee / slow "manual" reporting / slow "manual" reporting / {{jobTitle}} / {{nope}}',
    );
  });

  it('prefers the lead field over a custom field with the same name', () => {
    expect(fillPlaceholders('{{email}}', ann)).toBe('ann@example.com');
  });
});

describe('formula neutralization and escaping', () => {
  it('prefixes cells that a spreadsheet would run as a formula', () => {
    for (const cell of ['=1+1', '+1 555', '-2', '@SUM(A1)', '\tx', '\rx']) expect(neutralizeFormula(cell)).toBe(`'${cell}`);
    for (const cell of ['Ann', "'quoted", '1+1', 'a=b']) expect(neutralizeFormula(cell)).toBe(cell);
  });

  it('quotes delimiters, quotes and line breaks', () => {
    expect(escapeCsvCell('a,b')).toBe('"a,b"');
    expect(escapeCsvCell('say "hi"')).toBe('"say ""hi"""');
    expect(escapeCsvCell('two\nlines')).toBe('"two\nlines"');
    expect(escapeCsvCell('=cmd|"/c calc"!A1')).toBe(`"'=cmd|""/c calc""!A1"`);
    expect(escapeCsvCell(null)).toBe('');
    expect(escapeCsvCell(3)).toBe('3');
  });
});

describe('exportSequencesCsv', () => {
  it('writes one row per lead with step_N columns, keeping placeholders', () => {
    const rows = parseCsv(exportSequencesCsv(items, { shape: 'per-lead', fillPlaceholders: false }));
    expect(rows[0]).toEqual([
      'first_name',
      'last_name',
      'email',
      'phone',
      'company',
      'job_title',
      'industry',
      'linkedin_url',
      'Pain point',
      'custom_email',
      'Segment',
      'step_1_channel',
      'step_1_delay_days',
      'step_1_subject',
      'step_1_body',
      'step_2_channel',
      'step_2_delay_days',
      'step_2_subject',
      'step_2_body',
    ]);
    expect(rows[1]).toEqual([
      'Ann',
      'Lee',
      'ann@example.com',
      '',
      'Acme, Inc.',
      '',
      '',
      '',
      'slow "manual" reporting',
      'shadow',
      '',
      'email',
      '0',
      'Hi {{firstName}} at {{company}}',
      'Hello {{ firstName }},\nabout {{Pain point}} and {{unknownThing}}.',
      'sms',
      '3',
      '',
      "'+1 quick nudge for {{first_name}} ({{jobTitle}})",
    ]);
    expect(rows[2]).toEqual([
      'Bob',
      '',
      '',
      '',
      `'=HYPERLINK("http://evil.example","click")`,
      '',
      '',
      '',
      '',
      '',
      'SMB',
      'email',
      '0',
      "'@{{firstName}}",
      "'-{{Segment}} deal",
      '',
      '',
      '',
      '',
    ]);
    expect(rows).toHaveLength(3);
  });

  it('fills placeholders from each lead when asked', () => {
    const rows = parseCsv(exportSequencesCsv(items, { shape: 'per-lead', fillPlaceholders: true }));
    expect(expectDefined(rows[1]).slice(13, 15)).toEqual(['Hi Ann at Acme, Inc.', 'Hello Ann,\nabout slow "manual" reporting and {{unknownThing}}.']);
    expect(expectDefined(rows[1])[18]).toBe("'+1 quick nudge for Ann ({{jobTitle}})");
    expect(expectDefined(rows[2]).slice(13, 15)).toEqual(["'@Bob", "'-SMB deal"]);
  });

  it('writes one row per step', () => {
    const rows = parseCsv(exportSequencesCsv(items, { shape: 'per-step', fillPlaceholders: true }));
    expect(rows[0]).toEqual([
      'sequence_id',
      'sequence_title',
      'first_name',
      'last_name',
      'email',
      'phone',
      'company',
      'job_title',
      'industry',
      'linkedin_url',
      'Pain point',
      'custom_email',
      'Segment',
      'step',
      'channel',
      'delay_days',
      'subject',
      'body',
    ]);
    expect(rows.slice(1).map((r) => [r[0], r[13], r[14], r[15], r[16]])).toEqual([
      ['s1', '1', 'email', '0', 'Hi Ann at Acme, Inc.'],
      ['s1', '2', 'sms', '3', ''],
      ['s2', '1', 'email', '0', "'@Bob"],
    ]);
  });

  it('exports a sequence without a lead with empty lead columns and placeholders kept', () => {
    const rows = parseCsv(exportSequencesCsv([{ sequence: makeSequence('s3', bobSteps), lead: null }], { shape: 'per-lead', fillPlaceholders: true }));
    expect(rows[1]).toEqual(['', '', '', '', '', '', '', '', 'email', '0', "'@{{firstName}}", "'-{{Segment}} deal"]);
  });
});

describe('exportSequencesJson', () => {
  it('writes every sequence with its lead and steps, filled on request', () => {
    const kept = JSON.parse(exportSequencesJson(items, { fillPlaceholders: false })) as Array<{ id: string; steps: SequenceStep[]; lead: LeadContext }>;
    expect(kept.map((s) => s.id)).toEqual(['s1', 's2']);
    expect(expectDefined(kept[0]).steps).toEqual(annSteps);
    expect(expectDefined(kept[0]).lead).toEqual(ann);
    const filled = JSON.parse(exportSequencesJson(items, { fillPlaceholders: true })) as Array<{ steps: SequenceStep[] }>;
    expect(expectDefined(filled[0]).steps[0]).toEqual({
      ...annSteps[0],
      subject: 'Hi Ann at Acme, Inc.',
      body: 'Hello Ann,\nabout slow "manual" reporting and {{unknownThing}}.',
    });
    // JSON is not opened by spreadsheets: no apostrophes added.
    expect(expectDefined(expectDefined(filled[1]).steps[0]).body).toBe('-SMB deal');
  });
});
