import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../electron/core';
import { startCoreFixture, type CoreFixture } from '../helpers/core-fixture';

const ROWS = 100_000;

describe('leads:import at scale through the dispatcher', () => {
  let f: CoreFixture;
  beforeAll(async () => {
    f = await startCoreFixture({ secrets: new MemorySecretStore() });
  });
  afterAll(() => f.close());

  it('imports 100,000 rows, reports each broken row by number, skips only empty lines', async () => {
    const lines = ['\ufeffVorname;Nachname;E-Mail;Firma;Branche;Notes'];
    const broken = new Set([10, 5_000, 99_999]);
    for (let i = 1; i <= ROWS; i++) {
      if (broken.has(i)) lines.push(i === 5_000 ? `Bad;Row;not-an-email;Co;X;n` : `;;;;;`);
      else lines.push(`Ana${i};"Lee; Jr.";ana${i}@example.com;"Firma ""${i % 97}""";Retail;"line one\nline two"`);
    }
    const csv = lines.join('\r\n') + '\r\n';
    const preview = await f.call('leads:import-preview', { csv });
    expect(preview.delimiter).toBe(';');
    // Rows 10 and 99,999 hold only delimiters: blank lines, not data.
    expect(preview.rowCount).toBe(ROWS - 2);
    expect(preview.suggestedMapping).toMatchObject({ Vorname: 'firstName', Nachname: 'lastName', 'E-Mail': 'email', Firma: 'company' });

    const result = await f.call('leads:import', { csv, mapping: preview.suggestedMapping });
    expect(result.imported + result.errors.length).toBe(ROWS - 2);
    expect(result.errors.map((e) => e.row)).toEqual([5_001]);
    expect(result.errors[0]!.message).toMatch(/not-an-email/);
    expect(result.imported).toBe(ROWS - 3);

    const page = await f.call('leads:list', { query: 'ana77777@', limit: 5 });
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({ firstName: 'Ana77777', lastName: 'Lee; Jr.', company: `Firma "${77777 % 97}"`, customFields: { Notes: 'line one\nline two' } });
    expect((await f.call('leads:list', {})).total).toBe(ROWS - 3);
  }, 120_000);

  it('returns the refused rows as CSV from the core, and none when every row imported', async () => {
    const csv = 'First name,Email\nAda,ada@example.com\n=HYPERLINK("http://x"),=1+1\n';
    const result = await f.call('leads:import', { csv, mapping: { 'First name': 'firstName', Email: 'email' } });
    expect(result.imported).toBe(1);
    expect(result.errors.map((e) => e.row)).toEqual([3]);
    const lines = result.errorsCsv!.trim().split(/\r?\n/);
    expect(lines[0]).toBe('row,message');
    expect(lines[1]).toMatch(/^3,/);
    const clean = await f.call('leads:import', { csv: 'First name\nGrace\n', mapping: { 'First name': 'firstName' } });
    expect(clean.errorsCsv).toBeNull();
  });
});
