import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../electron/core';
import { AppError } from '../../electron/core/errors';
import { startCoreFixture, type CoreFixture } from '../helpers/core-fixture';
import { uploadBytes } from '../helpers/upload';
import { EXCEL_CSV_WINDOWS_1252, EXCEL_UNICODE_TEXT, HUBSPOT_CONTACTS, LINKEDIN_CONNECTIONS, OUTLOOK_CONTACTS, SEP_LINE_CSV, utf8 } from '../csv/lead-files';
import { expectDefined } from '../helpers/expect-defined';

const ROWS = 100_000;

describe('leads:import through the dispatcher', () => {
  let f: CoreFixture;
  beforeAll(async () => {
    f = await startCoreFixture({ secrets: new MemorySecretStore() });
  });
  afterAll(() => f.close());

  /** Deletes every lead, so each test starts from an empty organization. */
  async function clearLeads() {
    for (;;) {
      const page = await f.call('leads:list', { limit: 500 });
      if (page.items.length === 0) return;
      for (const lead of page.items) await f.call('leads:delete', { id: lead.id });
    }
  }
  beforeEach(clearLeads);

  /** Uploads a lead file, as the app's import step does; an import uses its upload up. */
  const upload = (bytes: Uint8Array | string) => uploadBytes(f.call, 'leads.csv', bytes);

  /** Previews, then imports with the suggested mapping, as the app's import step does by default. */
  async function importFile(bytes: Uint8Array, extra: { onDuplicate?: 'skip' | 'update' | 'keep' } = {}) {
    const uploadId = await upload(bytes);
    const preview = await f.call('leads:import-preview', { uploadId });
    const result = await f.call('leads:import', { uploadId, mapping: preview.suggestedMapping, ...extra });
    return { preview, result };
  }

  it('returns the refused rows as CSV from the core, and none when every row imported', async () => {
    const csv = 'First name,Email\nAda,ada@example.com\n=HYPERLINK("http://x"),=1+1\n';
    const result = await f.call('leads:import', { uploadId: await upload(csv), mapping: { 'First name': 'firstName', Email: 'email' } });
    expect(result.imported).toBe(1);
    expect(result.errors.map((e) => e.row)).toEqual([3]);
    const lines = expectDefined(result.errorsCsv).trim().split(/\r?\n/);
    expect(lines[0]).toBe('row,message');
    expect(lines[1]).toMatch(/^3,/);
    const clean = await f.call('leads:import', { uploadId: await upload('First name\nGrace\n'), mapping: { 'First name': 'firstName' } });
    expect(clean.errorsCsv).toBeNull();
  });

  it.each([
    ['Excel "Unicode text" (UTF-16 LE, tabs)', EXCEL_UNICODE_TEXT, 'utf-16le', '\t', 2, 'Zoë'],
    ['Excel "CSV" in Windows-1252', EXCEL_CSV_WINDOWS_1252, 'windows-1252', ';', 2, 'Renée'],
    ['a sep=; line', SEP_LINE_CSV, 'utf-8', ';', 2, 'Ana'],
    ['a LinkedIn export with its Notes: preamble', LINKEDIN_CONNECTIONS, 'utf-8', ',', 2, 'Maya'],
    ['a HubSpot export', HUBSPOT_CONTACTS, 'utf-8', ',', 2, 'Dana'],
    ['an Outlook export', OUTLOOK_CONTACTS, 'utf-8', ',', 2, 'Sara'],
  ])('imports %s right, and twice without doubling', async (_name, bytes, encoding, delimiter, count, firstName) => {
    const { preview, result } = await importFile(bytes);
    expect(preview).toMatchObject({ encoding, delimiter });
    expect(result).toMatchObject({ encoding, delimiter, imported: count, updated: 0, skipped: 0, errors: [] });
    const listed = (await f.call('leads:list', {})).items;
    expect(listed.map((l) => l.firstName)).toContain(firstName);
    expect(JSON.stringify(listed)).not.toMatch(/\uFFFD|\\u0000/);

    const again = await importFile(bytes);
    // LinkedIn's second row has no email: it cannot be told from a new lead, so only rows with an email are skipped.
    const withEmail = listed.filter((l) => l.email).length;
    expect(again.result).toMatchObject({ imported: count - withEmail, skipped: withEmail });
    expect((await f.call('leads:list', {})).total).toBe(count + (count - withEmail));
  });

  it('skips duplicates by email within the file and against existing leads by default, case-insensitively', async () => {
    await f.call('leads:save', { firstName: 'Old', email: 'dana@contoso.example', company: 'Old Co' });
    const csv = utf8('Name,Email,Company\nDana,DANA@Contoso.Example,Contoso\nLee,lee@x.example,X\nLee again, lee@X.EXAMPLE ,X2\nMo,mo@y.example,Y\n');
    const result = await f.call('leads:import', { uploadId: await upload(csv), mapping: { Name: 'firstName', Email: 'email', Company: 'company' } });
    expect(result).toMatchObject({ imported: 2, updated: 0, skipped: 2 });
    expect(result.warnings.join(' ')).toMatch(/Skipped 2 rows whose email is already a lead \(rows 2, 4\)/);
    expect(result.leadIds).toHaveLength(3);
    const dana = (await f.call('leads:list', { query: 'dana@' })).items;
    expect(dana).toHaveLength(1);
    expect(dana[0]).toMatchObject({ firstName: 'Old', company: 'Old Co' });
    expect(result.leadIds[0]).toBe(expectDefined(dana[0]).id);
  });

  it('updates duplicates with --on-duplicate update, and imports them again with keep', async () => {
    const first = utf8('Name,Email,Company,Segment\nDana,dana@contoso.example,Contoso,SMB\n');
    const mapping = { Name: 'firstName', Email: 'email', Company: 'company', Segment: 'custom' } as const;
    const created = await f.call('leads:import', { uploadId: await upload(first), mapping });
    const second = utf8('Name,Email,Company,Segment,Owner\nDana,dana@contoso.example,Contoso Retail,Enterprise,kim\n');
    const updated = await f.call('leads:import', { uploadId: await upload(second), mapping: { ...mapping, Owner: 'custom' }, onDuplicate: 'update' });
    expect(updated).toMatchObject({ imported: 0, updated: 1, skipped: 0 });
    expect(updated.leadIds).toEqual(created.leadIds);
    const page = await f.call('leads:list', {});
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({ company: 'Contoso Retail', customFields: { Segment: 'Enterprise', Owner: 'kim' } });

    const kept = await f.call('leads:import', { uploadId: await upload(second), mapping, onDuplicate: 'keep' });
    expect(kept).toMatchObject({ imported: 1, updated: 0, skipped: 0 });
    expect((await f.call('leads:list', {})).total).toBe(2);
  });

  it('caps custom fields at import and reports the capped rows (issue 10, point 12)', async () => {
    // A 10,000-column CSV: before the fix every lead kept all 10,000 columns (220 KB in every prompt).
    const headers = ['Email', ...Array.from({ length: 9_999 }, (_, i) => `Col${i + 1}`)];
    const row = (n: number) => [`lead${n}@example.com`, ...Array.from({ length: 9_999 }, (_, i) => `v${i}`)].join(',');
    const csv = utf8(`${[headers.join(','), row(1), row(2)].join('\n')}\n`);
    const uploadId = await upload(csv);
    const preview = await f.call('leads:import-preview', { uploadId });
    const result = await f.call('leads:import', { uploadId, mapping: preview.suggestedMapping });
    expect(result.imported).toBe(2);
    expect(result.capped.map((c) => c.row)).toEqual([2, 3]);
    expect(expectDefined(result.capped[0]).message).toMatch(/^Row 2: kept 50 of 9,999 custom fields .*left out "Col51", "Col52", "Col53" and 9,946 more/);
    expect(result.warnings.join(' ')).toMatch(/2 rows had more custom data than a lead keeps/);
    const lead = expectDefined((await f.call('leads:list', { query: 'lead1@' })).items[0]);
    expect(Object.keys(expectDefined(lead.customFields))).toHaveLength(50);
    expect(expectDefined(lead.customFields).Col50).toBe('v49');
  });

  it('keeps nothing of an import when what must commit with it fails, and commits both when it succeeds (issue 10, point 13)', async () => {
    const csv = utf8('Name,Email\nAna,ana@example.com\nBo,bo@example.com\n');
    const failing = f.core.services.leadImport.import(csv, { Name: 'firstName', Email: 'email' }, {}, () => {
      throw new AppError('validation', 'The job could not be made.');
    });
    await expect(failing).rejects.toThrow('The job could not be made.');
    expect((await f.call('leads:list', {})).total).toBe(0);

    const profile = await f.call('profiles:save', { companyName: 'Acme', valueProposition: 'We book meetings.', senderName: 'Sam' });
    const done = await f.core.services.leadImport.import(csv, { Name: 'firstName', Email: 'email' }, {}, (leadIds) =>
      f.core.services.jobs.createGenerate({ leadIds, businessProfileId: profile.id, options: { numberOfSteps: 1, channels: ['email'] } }),
    );
    expect(done.outcome.total).toBe(2);
    await f.core.services.jobs.cancel(done.outcome.id);
    expect((await f.call('leads:list', {})).total).toBe(2);
  });

  it('refuses a file of more leads than one batch takes before importing anything (issue 10, point 13)', async () => {
    const lines = ['Email'];
    for (let i = 0; i <= ROWS; i++) lines.push(`lead${i}@example.com`);
    const uploadId = await upload(`${lines.join('\n')}\n`);
    const refused = await f.raw('leads:import', { uploadId, mapping: { Email: 'email' }, forBatch: true });
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatchObject({ code: 'validation' });
    expect(expectDefined(refused.error).message).toMatch(/names 100,001 leads, but one batch drafts at most 100,000\. Nothing was imported/);
    expect((await f.call('leads:list', {})).total).toBe(0);
    const tooBig = await f.raw('jobs:create-generate', {
      leadIds: Array.from({ length: ROWS + 1 }, (_, i) => `id-${i}`),
      businessProfileId: 'x',
      options: { numberOfSteps: 1, channels: ['email'] },
    });
    expect(expectDefined(tooBig.error).message).toMatch(/A batch drafts at most 100,000 leads: split them into several batches/);
  }, 120_000);
});

describe('leads:import of 100,000 rows through the dispatcher', () => {
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
    const csv = `${lines.join('\r\n')}\r\n`;
    const uploadId = await uploadBytes(f.call, 'leads.csv', csv);
    const preview = await f.call('leads:import-preview', { uploadId });
    expect(preview.delimiter).toBe(';');
    expect(preview.encoding).toBe('utf-8');
    // Rows 10 and 99,999 hold only delimiters: blank lines, not data.
    expect(preview.rowCount).toBe(ROWS - 2);
    expect(preview.suggestedMapping).toMatchObject({ Vorname: 'firstName', Nachname: 'lastName', 'E-Mail': 'email', Firma: 'company' });

    const result = await f.call('leads:import', { uploadId, mapping: preview.suggestedMapping });
    expect(result.imported + result.errors.length).toBe(ROWS - 2);
    expect(result.errors.map((e) => e.row)).toEqual([5_001]);
    expect(expectDefined(result.errors[0]).message).toMatch(/not-an-email/);
    expect(result.imported).toBe(ROWS - 3);
    expect(result.leadIds).toHaveLength(ROWS - 3);

    const page = await f.call('leads:list', { query: 'ana77777@', limit: 5 });
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({
      firstName: 'Ana77777',
      lastName: 'Lee; Jr.',
      company: `Firma "${77777 % 97}"`,
      customFields: { Notes: 'line one\nline two' },
    });
    expect((await f.call('leads:list', {})).total).toBe(ROWS - 3);

    // The same 100,000 rows again: every one is a duplicate by email, and nothing is added.
    const again = await f.call('leads:import', { uploadId: await uploadBytes(f.call, 'leads.csv', csv), mapping: preview.suggestedMapping });
    expect(again).toMatchObject({ imported: 0, updated: 0, skipped: ROWS - 3 });
    expect(again.leadIds).toEqual(result.leadIds);
    expect((await f.call('leads:list', {})).total).toBe(ROWS - 3);
  }, 240_000);
});

describe('a lead too big for a prompt is refused at generate, with no call (issue 10, point 12)', () => {
  let f: CoreFixture;
  beforeAll(async () => {
    f = await startCoreFixture({ secrets: new MemorySecretStore() });
    await f.call('settings:update-llm', { provider: 'openai', apiKeys: { openai: 'sk-lead-limits-000000000001' } });
  });
  afterAll(() => f.close());

  const business = { companyName: 'Acme', valueProposition: 'Faster invoicing', senderName: 'Bo' };
  const options = { numberOfSteps: 1, channels: ['email' as const] };

  it('a typed-in lead of 1 MB of custom fields', async () => {
    const customFields = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`Field ${i}`, 'x'.repeat(5000)]));
    const result = await f.raw('sequences:generate', { requestId: 'lead-limit-0001', lead: { firstName: 'Ana', customFields }, business, options });
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: 'validation' });
    expect(expectDefined(result.error).message).toMatch(/at most 50 custom fields/);
    expect(f.fakes.openai.calls).toHaveLength(0);
  });

  it('a lead stored before the limits, drafted by id', async () => {
    const saved = await f.call('leads:save', { firstName: 'Legacy', email: 'legacy@example.com' });
    // Written as an older version could: 10,000 custom fields, straight into the file.
    const db = new Database(join(f.dataDir, 'outreach-desk.db'));
    const customFields = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`Column ${i}`, `value ${i}`]));
    db.prepare('UPDATE leads SET custom_fields = ? WHERE id = ?').run(JSON.stringify(customFields), saved.id);
    db.close();
    const result = await f.raw('sequences:generate', { requestId: 'lead-limit-0002', leadId: saved.id, business, options });
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: 'validation' });
    expect(expectDefined(result.error).message).toMatch(/This lead holds [\d,]+ characters of data, more than the 30,000 a prompt takes/);
    expect(f.fakes.openai.calls).toHaveLength(0);
    // The lead still lists, all its fields intact.
    const listed = expectDefined((await f.call('leads:list', { query: 'legacy@' })).items[0]);
    expect(Object.keys(expectDefined(listed.customFields))).toHaveLength(10_000);
  });
});
