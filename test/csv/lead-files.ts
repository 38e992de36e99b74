import { expectDefined } from '../helpers/expect-defined';
/**
 * Lead files as the tools that write them write them, byte for byte: the encodings, delimiters,
 * preambles and headers of real exports. Shared by the core, dispatcher, CLI and e2e tests.
 */

/** UTF-16 LE with its BOM: Excel's "Unicode text" (also what it writes for "UTF-16 CSV"). */
export function utf16le(text: string, bom = true): Buffer {
  return Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, 'utf16le')]);
}

/** UTF-16 BE with its BOM. */
export function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [expectDefined(le[i + 1]), expectDefined(le[i])];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
}

/** UTF-8, with the BOM Excel's "CSV UTF-8" writes, or without. */
export function utf8(text: string, bom = false): Buffer {
  return Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
}

const CP1252_EXTRA: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  '„': 0x84,
  '…': 0x85,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '–': 0x96,
  '—': 0x97,
  œ: 0x9c,
  Š: 0x8a,
  š: 0x9a,
};

/** Windows-1252, as Excel's plain "CSV" writes on Western Windows. Throws on a character it cannot hold. */
export function windows1252(text: string): Buffer {
  return Buffer.from(
    [...text].map((ch) => {
      const code = expectDefined(ch.codePointAt(0));
      if (CP1252_EXTRA[ch] !== undefined) return expectDefined(CP1252_EXTRA[ch]);
      if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) return code;
      throw new Error(`"${ch}" has no Windows-1252 byte`);
    }),
  );
}

const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n`;

/** Excel → Save as "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF. */
export const EXCEL_UNICODE_TEXT = utf16le(
  crlf([
    'First Name\tLast Name\tEmail\tCompany Name\tJob Title\tNotes',
    'Zoë\tÇelik\tzoe@example.com\tSüd, Nord & Co\tCTO\tprefers “email”',
    'Jürgen\tÖzdemir\tjuergen@example.de\tÖko GmbH\tCFO\tmet at DMEXCO',
  ]),
);

/** Excel → Save as "CSV" on a German Windows: Windows-1252, semicolons. */
export const EXCEL_CSV_WINDOWS_1252 = windows1252(
  crlf([
    'Vorname;Nachname;E-Mail;Firma;Notiz',
    'Renée;Müller;renee@example.fr;Peñarol S.A.;Budget 5.000 €',
    'José;Muñoz;jose@example.es;Señor Café;“VIP” – call',
  ]),
);

/** A semicolon file with Excel's `sep=;` first line (and commas in the data that would fool a guess). */
export const SEP_LINE_CSV = utf8(
  crlf(['sep=;', 'First Name;Last Name;Email;Company', 'Ana;Lee, Jr.;ana@example.com;Acme, Inc.', 'Bo;Li, Sr.;bo@example.com;Initech, LLC']),
);

/** LinkedIn → Settings → Get a copy of your data → Connections.csv: a "Notes:" preamble above the header. */
export const LINKEDIN_CONNECTIONS = utf8(
  `${[
    'Notes:',
    '"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261"',
    '',
    'First Name,Last Name,URL,Email Address,Company,Position,Connected On',
    'Maya,Chen,https://www.linkedin.com/in/maya-chen,maya@northwind.example,Northwind,Head of Sales,14 Mar 2024',
    'Omar,Haddad,https://www.linkedin.com/in/omarhaddad,,Wingtip Toys,Finance Director,02 Jan 2023',
  ].join('\n')}\n`,
);

/** HubSpot → Contacts → Export (CSV). */
export const HUBSPOT_CONTACTS = utf8(
  crlf([
    '"Record ID","First Name","Last Name","Email","Phone Number","Company Name","Job Title","Lifecycle Stage","Create Date"',
    '"51","Dana","Okafor","dana@contoso.example","+1 555 0100","Contoso Retail","CFO","lead","2024-05-02 10:11"',
    '"52","Lee","Park","Lee.Park@Fabrikam.EXAMPLE","","Fabrikam","Head of FP&A","customer","2024-05-03 09:00"',
  ]),
);

/** Salesforce → Reports → Contacts & Accounts → Export (Details only, CSV). */
export const SALESFORCE_REPORT = utf8(
  crlf([
    '"First Name","Last Name","Title","Company / Account","Email","Phone","Lead Source","Industry"',
    '"Kim","Lau","VP Finance","Adatum Corporation","kim@adatum.example","(555) 010-2000","Web","Manufacturing"',
  ]),
);

/** Pipedrive → People → Export (CSV). */
export const PIPEDRIVE_PEOPLE = utf8(
  crlf([
    'Person - ID,Person - Name,Person - First name,Person - Last name,Person - Organization,Person - Email - Home,Person - Email - Work,Person - Phone - Work,Person - Job title,Person - Label',
    '7,Ida Berg,Ida,Berg,Proseware,ida.home@mail.example,ida@proseware.example,+46 8 123 45,CFO,Hot lead',
  ]),
);

/** Apollo → People → Export: "Title" is a job title here; "Email Status" and the company's LinkedIn are not the lead's. */
export const APOLLO_PEOPLE = utf8(
  crlf([
    'First Name,Last Name,Title,Company,Company Name for Emails,Email,Email Status,Seniority,Mobile Phone,Person Linkedin Url,Company Linkedin Url,Industry',
    'Raj,Patel,Chief Revenue Officer,Litware Inc,Litware,raj@litware.example,Verified,C suite,+1 555 0199,http://www.linkedin.com/in/rajpatel,http://www.linkedin.com/company/litware,Computer Software',
  ]),
);

/** Google Contacts → Export → Google CSV. */
export const GOOGLE_CONTACTS = utf8(
  crlf([
    'First Name,Middle Name,Last Name,Phonetic First Name,Nickname,Organization Name,Organization Title,Organization Department,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value',
    'Lena,,Vogel,,,Tailspin Toys,Buyer,Purchasing,,* myContacts,* Work,lena@tailspin.example,Home,lena.home@mail.example,Mobile,+49 170 1234567',
  ]),
);

/** Outlook → Export to a file → CSV: "Title" is a salutation (Ms., Dr.); the job title is "Job Title". */
export const OUTLOOK_CONTACTS = utf8(
  crlf([
    '"Title","First Name","Middle Name","Last Name","Suffix","Company","Department","Job Title","Business Phone","Mobile Phone","E-mail Address","E-mail Display Name","E-mail 2 Address"',
    '"Ms.","Sara","","Lindqvist","","Fourth Coffee","Sales","Sales Director","+46 8 555 010","","sara@fourthcoffee.example","Sara Lindqvist (sara@fourthcoffee.example)","sara.private@mail.example"',
    '"Dr.","Tom","","Berg","","Lucerne Publishing","","Editor","","","tom@lucerne.example","Tom Berg",""',
  ]),
);

/**
 * The first bytes of an .xlsx as Excel writes it: a zip whose first entry is [Content_Types].xml.
 * People pick the workbook instead of its CSV export; the import refuses it with the fix.
 */
export const EXCEL_WORKBOOK_XLSX = Buffer.concat([
  Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00]),
  Buffer.alloc(12),
  Buffer.from([0x13, 0x00, 0x00, 0x00]),
  Buffer.from('[Content_Types].xml'),
  Buffer.alloc(64, 0xa5),
]);
