import type { LeadField } from '../../../shared/ipc/jobs';

export type { LeadField };
/** Column header → lead field. Columns missing from the mapping are kept as custom fields. */
export type LeadColumnMapping = Record<string, LeadField>;

type StandardField = Exclude<LeadField, 'custom' | 'ignore'>;

/**
 * Header spellings of CRM and spreadsheet exports, normalized to lower-case letters and digits,
 * with how sure each one is. Each field goes to its surest column: Outlook's "E-mail Address"
 * beats its "E-mail 2 Address", Pipedrive's "Email - Work" beats "Email - Home". Look-alikes
 * that are not the field ("Email Status", "E-mail 1 - Type", "Company Linkedin Url") are absent
 * on purpose.
 */
const HEADER_SCORES: Record<StandardField, Record<string, number>> = {
  firstName: {
    firstname: 10,
    givenname: 10,
    first: 8,
    fname: 8,
    forename: 8,
    prenom: 8,
    vorname: 8,
    nombre: 7,
    contactfirstname: 10,
  },
  lastName: {
    lastname: 10,
    familyname: 10,
    surname: 10,
    last: 8,
    lname: 8,
    nom: 7,
    nachname: 8,
    apellido: 8,
    apellidos: 8,
    contactlastname: 10,
  },
  email: {
    email: 10,
    emailaddress: 10,
    workemail: 10,
    businessemail: 10,
    primaryemail: 10,
    contactemail: 10,
    mail: 8,
    emailadresse: 9,
    correo: 8,
    correoelectronico: 9,
    emailwork: 9,
    email1: 8,
    email1value: 8,
    email1address: 8,
    emailhome: 5,
    emailother: 4,
    personalemail: 5,
    email2: 3,
    email2value: 3,
    email2address: 3,
    email3value: 2,
    email3address: 2,
  },
  phone: {
    phone: 10,
    phonenumber: 10,
    telephone: 9,
    tel: 8,
    telefon: 8,
    telefono: 8,
    workphone: 9,
    businessphone: 9,
    directphone: 9,
    workdirectphone: 9,
    phonework: 9,
    mobile: 8,
    mobilephone: 8,
    phonemobile: 8,
    cell: 7,
    cellphone: 7,
    firstphone: 8,
    corporatephone: 7,
    primaryphone: 9,
    phone1value: 8,
    phone1: 8,
    homephone: 3,
    otherphone: 2,
  },
  company: {
    company: 10,
    companyname: 10,
    organization: 9,
    organisation: 9,
    organizationname: 9,
    organization1name: 9,
    account: 8,
    accountname: 9,
    companyaccount: 10,
    employer: 8,
    firma: 8,
    empresa: 8,
    unternehmen: 8,
  },
  jobTitle: {
    jobtitle: 10,
    position: 9,
    organizationtitle: 9,
    organization1title: 9,
    role: 7,
    jobrole: 8,
    designation: 7,
    funktion: 7,
    cargo: 7,
    poste: 7,
    headline: 4,
    // "Title" is a job title in Salesforce and Apollo exports, but a salutation (Ms., Dr.) in Outlook's: see isSalutationColumn.
    title: 6,
  },
  industry: { industry: 10, sector: 8, vertical: 7, branche: 8, industria: 8 },
  linkedinUrl: {
    linkedin: 9,
    linkedinurl: 10,
    linkedinprofile: 10,
    linkedinprofileurl: 10,
    personlinkedinurl: 10,
    profileurl: 7,
    // LinkedIn's own export calls the profile link just "URL": see isLinkedInColumn.
    url: 3,
  },
};

/** Pipedrive writes "Person - Email - Work"; the prefix names the record type, not the field. */
const RECORD_PREFIXES = ['person', 'contact', 'lead'];

const SALUTATION = /^(mr|mrs|ms|miss|mx|dr|prof|sir|madam|herr|frau|mme|mlle|m|sr|sra|srta|sig|sigra)\.?$/i;

export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function scoreHeader(header: string): { field: StandardField; score: number } | null {
  const name = normalizeHeader(header);
  const names = [name, ...RECORD_PREFIXES.filter((p) => name.startsWith(p) && name.length > p.length).map((p) => name.slice(p.length))];
  let best: { field: StandardField; score: number } | null = null;
  for (const candidate of names) {
    for (const field of Object.keys(HEADER_SCORES) as StandardField[]) {
      const score = HEADER_SCORES[field][candidate];
      if (score !== undefined && (!best || score > best.score)) best = { field, score };
    }
  }
  return best;
}

function collectColumnValues(sample: readonly (readonly string[])[], column: number): string[] {
  return sample.map((row) => (row[column] ?? '').trim()).filter(Boolean);
}

/** A "Title" column whose values are Ms., Dr., Herr… is a salutation (Outlook), not a job title. */
function isSalutationColumn(values: readonly string[]): boolean {
  return values.length > 0 && values.filter((v) => SALUTATION.test(v)).length >= values.length / 2;
}

function isLinkedInColumn(values: readonly string[]): boolean {
  return values.length > 0 && values.every((v) => /linkedin\.com\//i.test(v));
}

/**
 * Proposes a field for each header, from the header's name and a few sample rows. Each field
 * goes to its surest column (the first on a tie); every other column is kept as a custom field.
 */
export function suggestLeadMapping(headers: readonly string[], sample: readonly (readonly string[])[] = []): LeadColumnMapping {
  const best = new Map<StandardField, { column: number; score: number }>();
  headers.forEach((header, column) => {
    const match = scoreHeader(header);
    if (!match) return;
    const values = collectColumnValues(sample, column);
    // Outlook has both "Title" (a salutation) and "Job Title": the job-title column outscores it;
    // without one, the values decide.
    if (match.field === 'jobTitle' && normalizeHeader(header) === 'title' && isSalutationColumn(values)) return;
    if (match.field === 'linkedinUrl' && match.score < 5 && !isLinkedInColumn(values)) return;
    const current = best.get(match.field);
    if (!current || match.score > current.score) best.set(match.field, { column, score: match.score });
  });
  const mapping: LeadColumnMapping = {};
  for (const header of headers) mapping[header] = 'custom';
  for (const [field, { column }] of best) {
    const header = headers[column];
    if (header !== undefined) mapping[header] = field;
  }
  return mapping;
}
