import { describe, expect, it } from 'vitest';
import { decodeCsvBytes, parseLeadCsv, previewLeadCsv } from '../../electron/core/csv';
import { AppError } from '../../electron/core/errors';
import {
  APOLLO_PEOPLE,
  EXCEL_CSV_WINDOWS_1252,
  EXCEL_UNICODE_TEXT,
  EXCEL_WORKBOOK_XLSX,
  GOOGLE_CONTACTS,
  HUBSPOT_CONTACTS,
  LINKEDIN_CONNECTIONS,
  OUTLOOK_CONTACTS,
  PIPEDRIVE_PEOPLE,
  SALESFORCE_REPORT,
  SEP_LINE_CSV,
  utf16be,
  utf16le,
  utf8,
  windows1252,
} from './lead-files';
import { expectDefined } from '../helpers/expect-defined';

/** Previews the bytes, then parses them with the suggested mapping, as the app does by default. */
async function importWithSuggestion(bytes: Uint8Array) {
  const preview = await previewLeadCsv(bytes);
  const parsed = await parseLeadCsv(bytes, preview.suggestedMapping);
  return { preview, parsed, leads: parsed.rows.map((r) => r.lead) };
}

const noGarbage = (value: unknown) => {
  const text = JSON.stringify(value);
  expect(text).not.toContain('\uFFFD');
  expect(text).not.toMatch(/\\u0000/);
};

describe('encodings: the bytes decide, never a silent U+FFFD', () => {
  it('reads Excel "Unicode text" (UTF-16 LE, BOM, tabs) with its accents, not as NUL-laced text', async () => {
    const { preview, parsed, leads } = await importWithSuggestion(EXCEL_UNICODE_TEXT);
    expect(preview).toMatchObject({ encoding: 'utf-16le', delimiter: '\t', rowCount: 2, warnings: [] });
    expect(preview.headers).toEqual(['First Name', 'Last Name', 'Email', 'Company Name', 'Job Title', 'Notes']);
    expect(parsed.errors).toEqual([]);
    expect(leads[0]).toEqual({
      firstName: 'Zoë',
      lastName: 'Çelik',
      email: 'zoe@example.com',
      company: 'Süd, Nord & Co',
      jobTitle: 'CTO',
      customFields: { Notes: 'prefers “email”' },
    });
    noGarbage(leads);
  });

  it('reads UTF-16 BE with a BOM, and UTF-16 LE without one (told by its NUL bytes, with a warning)', async () => {
    const text = 'First Name,Email\r\nÅsa,asa@example.se\r\n';
    const be = await importWithSuggestion(utf16be(text));
    expect(be.preview.encoding).toBe('utf-16be');
    expect(be.leads).toEqual([{ firstName: 'Åsa', email: 'asa@example.se' }]);
    const noBom = await importWithSuggestion(utf16le(text, false));
    expect(noBom.preview.encoding).toBe('utf-16le');
    expect(noBom.preview.warnings.join(' ')).toMatch(/no byte-order mark/);
    expect(noBom.leads).toEqual([{ firstName: 'Åsa', email: 'asa@example.se' }]);
  });

  it('reads UTF-8 with and without a BOM, without warnings', async () => {
    for (const bom of [true, false]) {
      const { preview, leads } = await importWithSuggestion(utf8('First name,Email\nNiño,nino@example.es\n', bom));
      expect(preview).toMatchObject({ encoding: 'utf-8', warnings: [] });
      expect(preview.headers[0]).toBe('First name');
      expect(leads).toEqual([{ firstName: 'Niño', email: 'nino@example.es' }]);
    }
  });

  it('reads Excel "CSV" in Windows-1252 (é, ü, ñ, €, curly quotes) and says so', async () => {
    const { preview, parsed, leads } = await importWithSuggestion(EXCEL_CSV_WINDOWS_1252);
    expect(preview.encoding).toBe('windows-1252');
    expect(preview.delimiter).toBe(';');
    expect(preview.warnings).toEqual([expect.stringMatching(/not UTF-8, so it was read as Windows-1252/)]);
    expect(parsed.warnings).toEqual(preview.warnings);
    expect(leads).toEqual([
      { firstName: 'Renée', lastName: 'Müller', email: 'renee@example.fr', company: 'Peñarol S.A.', customFields: { Notiz: 'Budget 5.000 €' } },
      { firstName: 'José', lastName: 'Muñoz', email: 'jose@example.es', company: 'Señor Café', customFields: { Notiz: '“VIP” – call' } },
    ]);
    noGarbage(leads);
  });

  it('honours a forced encoding, and refuses one the bytes do not fit instead of inventing U+FFFD', async () => {
    const latin = await previewLeadCsv(EXCEL_CSV_WINDOWS_1252, { encoding: 'windows-1252' });
    expect(latin.warnings).toEqual([]);
    expect(expectDefined(latin.sample[0])[0]).toBe('Renée');
    const error = await previewLeadCsv(EXCEL_CSV_WINDOWS_1252, { encoding: 'utf-8' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation');
    expect((error as AppError).message).toMatch(/not valid UTF-8.*"auto"/);
    const odd = await previewLeadCsv(Buffer.from('abc'), { encoding: 'utf-16le' }).catch((e: unknown) => e);
    expect((odd as AppError).message).toMatch(/not valid UTF-16 LE/);
  });

  it('reports replacement characters already in a file (damaged by an earlier conversion)', () => {
    const decoded = decodeCsvBytes(utf8('First name\nRen\uFFFDe\n'));
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.warnings).toEqual([expect.stringMatching(/already contains 1 replacement character/)]);
  });

  it('decodes the five Windows-1252 bytes that have no character as their C1 controls, not U+FFFD', () => {
    const decoded = decodeCsvBytes(Buffer.from([0x41, 0x81, 0x8d, 0x8f, 0x90, 0x9d, 0xe9]));
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.text).toBe('A\u0081\u008d\u008f\u0090\u009dé');
  });
});

describe('files that are not CSV are refused with how to get one', () => {
  /** An Excel 97–2003 .xls: an OLE2 compound file, 512-byte header first. */
  const XLS = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
  const PDF = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1');
  /** Bytes with no structure (compressed or encrypted data), from a seeded generator. */
  const NOISE = (() => {
    let state = 20261204;
    return Buffer.from(
      Array.from({ length: 4096 }, () => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return state >>> 24;
      }),
    );
  })();

  it.each([
    ['an .xlsx workbook', EXCEL_WORKBOOK_XLSX, /zip archive, as an Excel workbook \(\.xlsx\).*save or export it as "CSV UTF-8"/],
    ['an .xls workbook', XLS, /Excel 97–2003 workbook \(\.xls\).*save it as "CSV UTF-8"/],
    ['a PDF', PDF, /This is a PDF, not a CSV file/],
    ['binary data', NOISE, /binary data, not text/],
    ['binary data, even read in a forced encoding', NOISE, /binary data, not text/],
  ])('%s', async (name, bytes, message) => {
    const encoding = name.includes('forced') ? 'windows-1252' : 'auto';
    for (const attempt of [previewLeadCsv(bytes, { encoding }), parseLeadCsv(bytes, { Email: 'email' }, { encoding })]) {
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('validation');
      expect((error as AppError).message).toMatch(message);
    }
  });

  it('still reads text with a few control characters: a FileMaker line break (vertical tab) inside a field', async () => {
    const { leads } = await importWithSuggestion(utf8('First name,Email,Notes\nAda,ada@example.com,line one\u000bline two\nBo,bo@example.com,\u0007bell\n'));
    expect(leads.map((l) => l.firstName)).toEqual(['Ada', 'Bo']);
  });
});

describe('delimiters and preambles', () => {
  it('honours a sep=; first line even when commas in the data would fool a guess', async () => {
    const { preview, leads } = await importWithSuggestion(SEP_LINE_CSV);
    expect(preview).toMatchObject({ delimiter: ';', headerRow: 1, rowCount: 2, warnings: [] });
    expect(preview.headers).toEqual(['First Name', 'Last Name', 'Email', 'Company']);
    expect(leads[0]).toEqual({ firstName: 'Ana', lastName: 'Lee, Jr.', email: 'ana@example.com', company: 'Acme, Inc.' });
  });

  it('lets a forced delimiter win over the sep= line and the guess, with a warning for the sep= line', async () => {
    const forced = await previewLeadCsv(SEP_LINE_CSV, { delimiter: ',' });
    expect(forced.delimiter).toBe(',');
    expect(forced.warnings).toEqual([expect.stringMatching(/sep=;.*comma you chose/)]);
    const tab = await previewLeadCsv(utf8('a;b\tc;d\n1;2\t3;4\n'), { delimiter: '\t' });
    expect(tab.headers).toEqual(['a;b', 'c;d']);
  });

  it('skips the "Notes:" preamble of a LinkedIn export, with a warning, and numbers rows as the spreadsheet does', async () => {
    const { preview, parsed, leads } = await importWithSuggestion(LINKEDIN_CONNECTIONS);
    expect(preview.delimiter).toBe(',');
    expect(preview.headerRow).toBe(4);
    expect(preview.headers).toEqual(['First Name', 'Last Name', 'URL', 'Email Address', 'Company', 'Position', 'Connected On']);
    expect(preview.warnings).toEqual([expect.stringMatching(/^Skipped 2 lines above the header row \(row 4\), starting "Notes:"/)]);
    expect(preview.suggestedMapping).toEqual({
      'First Name': 'firstName',
      'Last Name': 'lastName',
      URL: 'linkedinUrl',
      'Email Address': 'email',
      Company: 'company',
      Position: 'jobTitle',
      'Connected On': 'custom',
    });
    expect(parsed.rows.map((r) => r.row)).toEqual([5, 6]);
    expect(leads[1]).toEqual({
      firstName: 'Omar',
      lastName: 'Haddad',
      linkedinUrl: 'https://www.linkedin.com/in/omarhaddad',
      company: 'Wingtip Toys',
      jobTitle: 'Finance Director',
      customFields: { 'Connected On': '02 Jan 2023' },
    });
  });

  it('keeps a one-column file and a header-only file working (no preamble guessed)', async () => {
    expect((await previewLeadCsv(utf8('Email\na@example.com\nb@example.com\n'))).headerRow).toBe(1);
    const headerOnly = await previewLeadCsv(utf8('First name,Email\n'));
    expect(headerOnly).toMatchObject({ headerRow: 1, rowCount: 0, headers: ['First name', 'Email'] });
  });
});

describe('headers of real exports map without help', () => {
  it('HubSpot: "First Name", "Company Name", "Phone Number"; the email domain is lower-cased', async () => {
    const { preview, leads } = await importWithSuggestion(HUBSPOT_CONTACTS);
    expect(preview.suggestedMapping).toMatchObject({
      'Record ID': 'custom',
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Email: 'email',
      'Phone Number': 'phone',
      'Company Name': 'company',
      'Job Title': 'jobTitle',
      'Lifecycle Stage': 'custom',
    });
    expect(leads[1]).toMatchObject({ firstName: 'Lee', email: 'Lee.Park@fabrikam.example', company: 'Fabrikam', jobTitle: 'Head of FP&A' });
  });

  it('Salesforce: "Company / Account", and "Title" as the job title', async () => {
    const { preview, leads } = await importWithSuggestion(SALESFORCE_REPORT);
    expect(preview.suggestedMapping).toMatchObject({ 'Company / Account': 'company', Title: 'jobTitle', Industry: 'industry', Phone: 'phone' });
    expect(leads[0]).toMatchObject({ company: 'Adatum Corporation', jobTitle: 'VP Finance', industry: 'Manufacturing', email: 'kim@adatum.example' });
  });

  it('Pipedrive: "Person - …" headers, the work email over the home one', async () => {
    const { preview, leads } = await importWithSuggestion(PIPEDRIVE_PEOPLE);
    expect(preview.suggestedMapping).toMatchObject({
      'Person - First name': 'firstName',
      'Person - Last name': 'lastName',
      'Person - Organization': 'company',
      'Person - Email - Work': 'email',
      'Person - Email - Home': 'custom',
      'Person - Phone - Work': 'phone',
      'Person - Job title': 'jobTitle',
      'Person - Name': 'custom',
    });
    expect(leads[0]).toMatchObject({ firstName: 'Ida', email: 'ida@proseware.example', company: 'Proseware', jobTitle: 'CFO' });
    expect(expectDefined(leads[0]).customFields).toMatchObject({ 'Person - Email - Home': 'ida.home@mail.example' });
  });

  it('Apollo: "Title" is the job title; "Email Status" and the company LinkedIn are not the lead\'s', async () => {
    const { preview, leads } = await importWithSuggestion(APOLLO_PEOPLE);
    expect(preview.suggestedMapping).toMatchObject({
      Title: 'jobTitle',
      Company: 'company',
      'Company Name for Emails': 'custom',
      Email: 'email',
      'Email Status': 'custom',
      'Mobile Phone': 'phone',
      'Person Linkedin Url': 'linkedinUrl',
      'Company Linkedin Url': 'custom',
      Industry: 'industry',
    });
    expect(leads[0]).toMatchObject({ jobTitle: 'Chief Revenue Officer', linkedinUrl: 'http://www.linkedin.com/in/rajpatel', email: 'raj@litware.example' });
  });

  it('Google Contacts: "E-mail 1 - Value", "Organization Name", "Organization Title"; labels stay custom', async () => {
    const { preview, leads } = await importWithSuggestion(GOOGLE_CONTACTS);
    expect(preview.suggestedMapping).toMatchObject({
      'First Name': 'firstName',
      'Last Name': 'lastName',
      'Organization Name': 'company',
      'Organization Title': 'jobTitle',
      'E-mail 1 - Label': 'custom',
      'E-mail 1 - Value': 'email',
      'E-mail 2 - Value': 'custom',
      'Phone 1 - Value': 'phone',
    });
    expect(leads[0]).toMatchObject({
      firstName: 'Lena',
      email: 'lena@tailspin.example',
      company: 'Tailspin Toys',
      jobTitle: 'Buyer',
      phone: '+49 170 1234567',
    });
  });

  it('Outlook: "E-mail Address"; its "Title" is a salutation and never the job title', async () => {
    const { preview, leads } = await importWithSuggestion(OUTLOOK_CONTACTS);
    expect(preview.suggestedMapping).toMatchObject({
      Title: 'custom',
      'Job Title': 'jobTitle',
      'E-mail Address': 'email',
      'E-mail 2 Address': 'custom',
      'E-mail Display Name': 'custom',
      Company: 'company',
      'Business Phone': 'phone',
    });
    expect(leads.map((l) => l.jobTitle)).toEqual(['Sales Director', 'Editor']);
    expect(expectDefined(leads[0]).customFields).toMatchObject({ Title: 'Ms.' });
    // Without a "Job Title" column, salutation values still keep "Title" off the job title.
    const bare = await previewLeadCsv(utf8('Title,First Name,E-mail Address\nMs.,Sara,s@example.com\nDr.,Tom,t@example.com\n'));
    expect(bare.suggestedMapping.Title).toBe('custom');
  });
});

describe('emails', () => {
  it('trims, strips mailto:, lower-cases the domain, and refuses an invalid address as a row error', async () => {
    const csv = utf8('Name,Email\nA, ana@Example.COM \nB,mailto:Bo@Initech.Example\nC,MAILTO:cy@x.io?subject=Hi\nD,not an email\nE,dee@\u0000x.io\n');
    const parsed = await parseLeadCsv(csv, { Name: 'firstName', Email: 'email' });
    expect(parsed.rows.map((r) => r.lead.email)).toEqual(['ana@example.com', 'Bo@initech.example', 'cy@x.io']);
    expect(parsed.errors.map((e) => e.row)).toEqual([5, 6]);
    expect(expectDefined(parsed.errors[0]).message).toMatch(/"not an email" is not a valid email address/);
  });
});

describe('Windows-1252 bytes written the way Excel does are not UTF-8', () => {
  it('the fixture helper writes single bytes', () => {
    expect([...windows1252('é€')]).toEqual([0xe9, 0x80]);
  });
});
