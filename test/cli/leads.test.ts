import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli';
import { EXCEL_CSV_WINDOWS_1252, EXCEL_UNICODE_TEXT, GOOGLE_CONTACTS, LINKEDIN_CONNECTIONS, OUTLOOK_CONTACTS, SEP_LINE_CSV, utf8 } from '../csv/lead-files';
import { expectDefined } from '../helpers/expect-defined';

interface ImportJson {
  imported: number;
  updated: number;
  skipped: number;
  errors: Array<{ row: number; message: string }>;
  encoding: string;
  delimiter: string;
  warnings: string[];
  mapping: Record<string, string>;
}
interface ListedLead {
  id: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  company?: string;
  jobTitle?: string;
  customFields?: Record<string, string>;
}

describe('outreach-desk leads import / leads list', () => {
  let dir: string;
  let run = 0;
  /** A fresh data directory per test: each starts with no leads. */
  let dataDir: string;
  const cli = (args: string[]) => runCli(['--data-dir', dataDir, ...args]);
  const file = (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const importJson = async (args: string[]) => {
    const result = await cli(['--json', 'leads', 'import', ...args]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as ImportJson;
  };
  const listJson = async () => {
    const result = await cli(['leads', 'list', '--json']);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { leads: ListedLead[] }).leads;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'outreach-cli-leads-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const freshData = () => {
    dataDir = join(dir, `data-${++run}`);
  };

  it('imports Excel "Unicode text" (UTF-16 LE, tabs) byte for byte, and twice without doubling', async () => {
    freshData();
    const path = file('unicode.txt', EXCEL_UNICODE_TEXT);
    const first = await importJson([path]);
    expect(first).toMatchObject({ imported: 2, updated: 0, skipped: 0, errors: [], encoding: 'utf-16le', delimiter: '\t', warnings: [] });
    const leads = await listJson();
    expect(leads.map((l) => [l.firstName, l.lastName, l.email, l.company, l.jobTitle])).toEqual([
      ['Jürgen', 'Özdemir', 'juergen@example.de', 'Öko GmbH', 'CFO'],
      ['Zoë', 'Çelik', 'zoe@example.com', 'Süd, Nord & Co', 'CTO'],
    ]);
    expect(JSON.stringify(leads)).not.toMatch(/\\u0000|\uFFFD/);
    const again = await importJson([path]);
    expect(again).toMatchObject({ imported: 0, skipped: 2 });
    expect(await listJson()).toHaveLength(2);
  });

  it('reads Windows-1252 with a warning, and says which column fed which field in text mode', async () => {
    freshData();
    const result = await cli(['leads', 'import', file('excel-1252.csv', EXCEL_CSV_WINDOWS_1252)]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('windows-1252, semicolon-separated, header on row 1');
    expect(result.stdout).toContain('"Vorname" → firstName, "Nachname" → lastName, "E-Mail" → email, "Firma" → company; 1 kept as custom fields');
    expect(result.stdout).toContain('Imported 2, updated 0, skipped 0 duplicates, 0 rows with errors.');
    expect(result.stderr).toMatch(/warning: The file is not UTF-8, so it was read as Windows-1252/);
    const leads = await listJson();
    expect(leads.map((l) => l.firstName).sort()).toEqual(['José', 'Renée']);
    expect(expectDefined(leads.find((l) => l.firstName === 'Renée')).customFields).toEqual({ Notiz: 'Budget 5.000 €' });
  });

  it('honours sep=;, skips a LinkedIn preamble, and maps Google and Outlook headers', async () => {
    freshData();
    expect(await importJson([file('sep.csv', SEP_LINE_CSV)])).toMatchObject({ imported: 2, delimiter: ';' });
    const linkedin = await importJson([file('Connections.csv', LINKEDIN_CONNECTIONS)]);
    expect(linkedin).toMatchObject({ imported: 2, errors: [] });
    expect(linkedin.warnings).toEqual([expect.stringMatching(/Skipped 2 lines above the header row \(row 4\)/)]);
    expect(await importJson([file('google.csv', GOOGLE_CONTACTS)])).toMatchObject({ imported: 1, mapping: { 'E-mail 1 - Value': 'email' } });
    const outlook = await importJson([file('outlook.csv', OUTLOOK_CONTACTS)]);
    expect(outlook.mapping).toMatchObject({ Title: 'custom', 'Job Title': 'jobTitle', 'E-mail Address': 'email' });
    const leads = await listJson();
    expect(leads).toHaveLength(7);
    expect(leads.find((l) => l.firstName === 'Sara')).toMatchObject({ jobTitle: 'Sales Director', email: 'sara@fourthcoffee.example' });
    expect(leads.find((l) => l.firstName === 'Maya')).toMatchObject({ company: 'Northwind', jobTitle: 'Head of Sales' });
  });

  it('takes --encoding, --delimiter, --map and --on-duplicate', async () => {
    freshData();
    // Forced Windows-1252 on a Latin-1-only file, and a forced tab.
    const forced = await importJson([
      file('tabs.txt', Buffer.from('Who\tMail\tOrg\r\nRené\tr@x.example\tCafé\r\n', 'latin1')),
      '--encoding',
      'windows-1252',
      '--delimiter',
      'tab',
      '--map',
      'Who=firstName',
      '--map',
      'Mail=email',
      '--map',
      'Org=company',
    ]);
    expect(forced).toMatchObject({ imported: 1, encoding: 'windows-1252', delimiter: '\t', warnings: [] });
    // --map overrides the suggestion; the suggested field moves to the user's column.
    const csv = file('two-emails.csv', utf8('Name,Email,Work email\nDana,dana@home.example,dana@contoso.example\n'));
    const mapped = await importJson([csv, '--map', 'Work email=email']);
    expect(mapped.mapping).toEqual({ Name: 'custom', Email: 'custom', 'Work email': 'email' });
    const updated = await importJson([file('update.csv', utf8('Work email,Company\ndana@contoso.example,Contoso\n')), '--on-duplicate', 'update']);
    expect(updated).toMatchObject({ imported: 0, updated: 1 });
    const kept = await importJson([file('keep.csv', utf8('Email\ndana@contoso.example\n')), '--on-duplicate', 'keep']);
    expect(kept).toMatchObject({ imported: 1 });
    const leads = await listJson();
    expect(leads.filter((l) => l.email === 'dana@contoso.example')).toHaveLength(2);
    expect(leads.find((l) => l.company === 'Contoso')).toMatchObject({ customFields: { Name: 'Dana', Email: 'dana@home.example' } });

    const wrongEncoding = await cli(['leads', 'import', file('cp.csv', EXCEL_CSV_WINDOWS_1252), '--encoding', 'utf-8']);
    expect(wrongEncoding.code).toBe(1);
    expect(wrongEncoding.stderr).toMatch(/^error\[validation\]: The file is not valid UTF-8/);
    const typo = await cli(['leads', 'import', csv, '--map', 'Wrok email=email']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/no column "Wrok email"\. Its columns are: "Name", "Email", "Work email"\. Nothing was imported/);
    for (const args of [
      ['--on-duplicate', 'merge'],
      ['--encoding', 'latin9'],
      ['--delimiter', '|'],
      ['--map', 'Email'],
    ]) {
      const bad = await cli(['leads', 'import', csv, ...args]);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toMatch(/^error\[usage\]/);
    }
    const missing = await cli(['leads', 'import', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Cannot read the lead file .*nope\.csv.*ENOENT/);
  });

  it('reports invalid emails as row errors, and lists leads as a table', async () => {
    freshData();
    const json = await importJson([file('bad.csv', utf8('Name,Email\nAna, MAILTO:Ana@Example.COM \nBo,bo@@x\n'))]);
    expect(json.imported).toBe(1);
    expect(json.errors).toEqual([{ row: 3, message: 'Row 3: "bo@@x" is not a valid email address.' }]);
    const table = await cli(['leads', 'list']);
    expect(table.stdout).toMatch(/ID\s+NAME\s+EMAIL\s+COMPANY\s+JOB TITLE/);
    expect(table.stdout).toContain('Ana@example.com');
  });
});

describe('batch generate: the import and its job succeed or fail together (issue 10, point 13)', () => {
  let dir: string;
  let dataDir: string;
  let business: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'outreach-cli-batch-'));
    dataDir = join(dir, 'data');
    business = join(dir, 'business.json');
    writeFileSync(business, JSON.stringify({ companyName: 'Acme', valueProposition: 'We book meetings.', senderName: 'Sam' }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (args: string[]) => runCli(['--data-dir', dataDir, ...args]);
  /** Counts rows in the CLI's database file itself, read-only, so nothing but the file is trusted. */
  const countRows = (table: 'leads' | 'jobs') => {
    const path = join(dataDir, 'outreach-desk.db');
    if (!existsSync(path)) return 0;
    const db = new Database(path, { readonly: true });
    try {
      return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const leadCount = async () => countRows('leads');
  const jobCount = async () => countRows('jobs');

  it('refuses 100,001 leads with a clear message before importing any; a rerun still adds none', async () => {
    const lines = ['First name,Email'];
    for (let i = 0; i <= 100_000; i++) lines.push(`Lead${i},lead${i}@example.com`);
    const leads = join(dir, 'big.csv');
    writeFileSync(leads, `${lines.join('\n')}\n`);
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await cli(['batch', 'generate', '--leads', leads, '--business', business, '--out', join(dir, 'out.csv'), '--provider', 'openai']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/error\[validation\]: The file names 100,001 leads, but one batch drafts at most 100,000\. Nothing was imported/);
      expect(result.stderr).not.toMatch(/Too big/);
      expect(await leadCount()).toBe(0);
      expect(await jobCount()).toBe(0);
    }
  });

  it('imports nothing when the job cannot be made (a business file or a channel that is refused)', async () => {
    const leads = join(dir, 'small.csv');
    writeFileSync(leads, 'First name,Email\nAna,ana@example.com\n');
    const badBusiness = join(dir, 'bad-business.json');
    writeFileSync(badBusiness, JSON.stringify({ companyName: 'Acme' }));
    const result = await cli(['batch', 'generate', '--leads', leads, '--business', badBusiness, '--out', join(dir, 'out.csv')]);
    // The business file is checked before anything is imported (before the fix, the leads were committed first).
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error\[usage\]: The business file .*bad-business\.json/);
    expect(await leadCount()).toBe(0);
    expect(await jobCount()).toBe(0);
    const badChannel = await cli(['batch', 'generate', '--leads', leads, '--business', business, '--out', join(dir, 'out.csv'), '--channels', 'fax']);
    expect(badChannel.code).toBe(2);
    expect(await leadCount()).toBe(0);
  });
});
