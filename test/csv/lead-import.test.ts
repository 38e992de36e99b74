import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { leadContextSchema } from '../../shared/domain/lead';
import { exportRowErrorsCsv, parseLeadCsv, previewLeadCsv, suggestLeadMapping, type LeadColumnMapping } from '../../electron/core/csv';
import { AppError } from '../../electron/core/errors';
import { expectDefined } from '../helpers/expect-defined';

const BASIC_MAPPING: LeadColumnMapping = {
  'First name': 'firstName',
  'Last name': 'lastName',
  Email: 'email',
  Company: 'company',
};

describe('previewLeadCsv', () => {
  it('reads a UTF-8 file with a BOM and suggests a mapping from common header spellings', async () => {
    const csv =
      '\uFEFFFirst Name,Surname,E-mail Address,Company Name,Job Title,LinkedIn,Favourite colour\r\n' +
      'Zoë,Müller,zoe@example.com,Acme GmbH,CTO,https://linkedin.com/in/zoe,blue\r\n';
    const preview = await previewLeadCsv(csv);
    expect(preview.headers).toEqual(['First Name', 'Surname', 'E-mail Address', 'Company Name', 'Job Title', 'LinkedIn', 'Favourite colour']);
    expect(preview.delimiter).toBe(',');
    expect(preview.rowCount).toBe(1);
    expect(preview.sample).toEqual([['Zoë', 'Müller', 'zoe@example.com', 'Acme GmbH', 'CTO', 'https://linkedin.com/in/zoe', 'blue']]);
    expect(preview.suggestedMapping).toEqual({
      'First Name': 'firstName',
      Surname: 'lastName',
      'E-mail Address': 'email',
      'Company Name': 'company',
      'Job Title': 'jobTitle',
      LinkedIn: 'linkedinUrl',
      'Favourite colour': 'custom',
    });
  });

  it('detects a semicolon delimiter even when commas appear inside fields', async () => {
    const csv = 'Vorname;Nachname;E-Mail;Firma\nJörg;Schmidt;j@example.de;"Schmidt, Söhne & Co"\nAnna;Berg;a@example.de;Berg AG\n';
    const preview = await previewLeadCsv(csv);
    expect(preview.delimiter).toBe(';');
    expect(preview.rowCount).toBe(2);
    expect(preview.suggestedMapping).toEqual({ Vorname: 'firstName', Nachname: 'lastName', 'E-Mail': 'email', Firma: 'company' });
    expect(preview.sample[0]).toEqual(['Jörg', 'Schmidt', 'j@example.de', 'Schmidt, Söhne & Co']);
  });

  it('names blank and repeated headers so no column is lost, and proposes each field once', () => {
    expect(suggestLeadMapping(['Email', 'email', 'Notes'])).toEqual({ Email: 'email', email: 'custom', Notes: 'custom' });
  });

  it('refuses a file with no header row', async () => {
    const error = await previewLeadCsv('\n\n  \n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation');
    expect((error as AppError).message).toMatch(/no header row/);
  });
});

describe('parseLeadCsv', () => {
  it('keeps quoted fields with embedded delimiters, quotes and newlines intact', async () => {
    const csv =
      'First name,Last name,Email,Company,Notes\r\n' + '"Ann","O\'Neil","ann@example.com","Acme, Inc.","Met at ""SaaStr""\r\nwants a demo; call Tue"\r\n';
    const result = await parseLeadCsv(csv, BASIC_MAPPING);
    expect(result.errors).toEqual([]);
    expect(result.rows).toEqual([
      {
        row: 2,
        lead: {
          firstName: 'Ann',
          lastName: "O'Neil",
          email: 'ann@example.com',
          company: 'Acme, Inc.',
          customFields: { Notes: 'Met at "SaaStr"\r\nwants a demo; call Tue' },
        },
      },
    ]);
  });

  it('maps columns, keeps unmapped and custom columns as custom fields, and drops ignored ones', async () => {
    const csv = 'Given,Family,Mail,Org,Title,Secret score,Segment,Owner\nBo,Li,bo@example.com,Initech,VP Sales,99,Enterprise,kim\n';
    const result = await parseLeadCsv(csv, {
      Given: 'firstName',
      Family: 'lastName',
      Mail: 'email',
      Org: 'company',
      Title: 'jobTitle',
      'Secret score': 'ignore',
      Segment: 'custom',
    });
    expect(expectDefined(result.rows[0]).lead).toEqual({
      firstName: 'Bo',
      lastName: 'Li',
      email: 'bo@example.com',
      company: 'Initech',
      jobTitle: 'VP Sales',
      customFields: { Segment: 'Enterprise', Owner: 'kim' },
    });
    expect(leadContextSchema.parse(expectDefined(result.rows[0]).lead)).toEqual(expectDefined(result.rows[0]).lead);
  });

  it('keeps a second column mapped to an already filled field as a custom field', async () => {
    const csv = 'Email,Personal email,Company\nwork@example.com,home@example.com,Acme\n';
    const result = await parseLeadCsv(csv, { Email: 'email', 'Personal email': 'email', Company: 'company' });
    expect(expectDefined(result.rows[0]).lead).toEqual({ email: 'work@example.com', company: 'Acme', customFields: { 'Personal email': 'home@example.com' } });
  });

  it('reports every broken row with its spreadsheet row number and drops none silently', async () => {
    const long = 'x'.repeat(501);
    const lines = [
      'First name,Last name,Email,Company',
      'Ann,Lee,ann@example.com,Acme', // row 2: fine
      'Bob,Stone,not-an-email,Acme', // row 3: bad email
      ',,,', // row 4: blank cells only: a blank line, counted, not an error
      'Cy,Young,cy@example.com', // row 5: too few columns
      'Di,Prince,di@example.com,Acme,extra', // row 6: too many columns
      'Ed,Norton,ed@example.com,Acme,,', // row 7: trailing empty cells are harmless
      `${long},Smith,f@example.com,Acme`, // row 8: over-long value
      ',,,', // row 9: blank
      'Gus,Grand,,', // row 10: a name is enough
      ' , ,  ,', // row 11: whitespace only: blank
      '"Hal",Ho,hal@example.com,"Unclosed', // row 12: unclosed quote swallows the rest of the file
    ];
    const result = await parseLeadCsv(`${lines.join('\n')}\n`, BASIC_MAPPING);
    expect(result.rows.map((r) => r.row)).toEqual([2, 7, 10]);
    expect(result.blankRows).toBe(3);
    expect(result.errors.map((e) => e.row)).toEqual([3, 5, 6, 8, 12]);
    const byRow = new Map(result.errors.map((e) => [e.row, e.message]));
    expect(byRow.get(3)).toMatch(/"not-an-email" is not a valid email address/);
    expect(byRow.get(5)).toMatch(/has 3 columns but the header has 4/);
    expect(byRow.get(6)).toMatch(/has 5 columns but the header has 4/);
    expect(byRow.get(8)).toMatch(/"First name" is longer than 500 characters/);
    expect(byRow.get(12)).toMatch(/quote/i);
    expect(result.rows.length + result.errors.length + result.blankRows).toBe(lines.length - 1);
  });

  it('reports a row with no name, email or company', async () => {
    const csv = 'First name,Email,Company,Phone\n,,,+1 555 0100\n';
    const result = await parseLeadCsv(csv, { 'First name': 'firstName', Email: 'email', Company: 'company', Phone: 'phone' });
    expect(result.rows).toEqual([]);
    expect(result.errors).toEqual([{ row: 2, message: expect.stringMatching(/^Row 2: the row has no name, email or company/) }]);
  });

  it('exports the refused rows as CSV', async () => {
    const result = await parseLeadCsv('Email,Company\nbad,Acme\n', { Email: 'email', Company: 'company' });
    const parsed = Papa.parse<string[]>(exportRowErrorsCsv(result.errors), { skipEmptyLines: true }).data;
    expect(parsed).toEqual([
      ['row', 'message'],
      ['2', 'Row 2: "bad" is not a valid email address.'],
    ]);
  });

  it('parses 100,000 rows in slices, yielding to the event loop, with every row accounted for', async () => {
    const lines = ['First name;Last name;Email;Company;Notes'];
    for (let i = 0; i < 100_000; i++) {
      const email = i % 1000 === 999 ? 'broken' : `lead${i}@example.com`;
      lines.push(`Lead${i};"Name; ""${i}""";${email};Company ${i % 50};"line one\nline two"`);
    }
    const csv = `\uFEFF${lines.join('\r\n')}\r\n`;
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const result = await parseLeadCsv(csv, BASIC_MAPPING).finally(() => clearInterval(ticker));
    expect(result.delimiter).toBe(';');
    expect(result.rows).toHaveLength(99_900);
    expect(result.errors).toHaveLength(100);
    expect(result.errors[0]).toEqual({ row: 1001, message: 'Row 1001: "broken" is not a valid email address.' });
    expect(expectDefined(result.errors.at(-1)).row).toBe(100_001);
    expect(result.rows.every((r) => r.lead.firstName === `Lead${r.row - 2}`)).toBe(true);
    const last = expectDefined(result.rows.at(-1));
    expect(last.row).toBe(100_000);
    expect(last.lead).toEqual({
      firstName: 'Lead99998',
      lastName: 'Name; "99998"',
      email: 'lead99998@example.com',
      company: 'Company 48',
      customFields: { Notes: 'line one\nline two' },
    });
    // Timers ran while the file parsed: the parse gave the event loop many turns.
    expect(turns).toBeGreaterThan(5);
  });
});
