import type { z } from 'zod';
import { businessContextSchema, leadContextSchema, type BusinessContext, type LeadContext } from '../../shared/domain/lead';
import { suggestLeadMapping } from '../core/csv';
import { readJsonFile, UsageError, type Output } from './io';

/**
 * Reading the lead and business files that `generate` and `batch generate` take. A newcomer's
 * file should work on the first try, or fail once with everything that is wrong: every missing or
 * invalid field is named in one error, and a field the schema does not know is named in a warning
 * (it would otherwise be dropped without a word, and the prompt would say "Name: there").
 */

type Kind = 'lead' | 'business';

/** Field names people write for business fields; lead fields also take the CSV import's header synonyms. */
const ALIASES: Record<Kind, Record<string, string>> = {
  lead: { name: 'firstName', fullname: 'firstName', contactname: 'firstName' },
  business: {
    name: 'companyName',
    company: 'companyName',
    business: 'companyName',
    value: 'valueProposition',
    valueprop: 'valueProposition',
    pitch: 'valueProposition',
    audience: 'targetAudience',
    benefits: 'keyBenefits',
    painpoints: 'painPointsSolved',
    problems: 'painPointsSolved',
    casestudy: 'caseStudies',
    sender: 'senderName',
    from: 'senderName',
    title: 'senderTitle',
    calltoaction: 'cta',
  },
};

function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Edit distance, for typos such as "fristName" or "compnay". */
function distance(a: string, b: string): number {
  // The table one row at a time: previous[j] is the distance from a's first i - 1 characters to b's first j.
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let result = b.length;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = i - 1;
    let left = i;
    const row = [left];
    for (const [k, above] of previous.slice(1).entries()) {
      left = Math.min(above + 1, left + 1, diagonal + (a[i - 1] === b[k] ? 0 : 1));
      row.push(left);
      diagonal = above;
    }
    previous = row;
    result = left;
  }
  return result;
}

/** The known field an unknown one most likely means, if any. */
export function suggestField(kind: Kind, unknown: string, known: readonly string[]): string | undefined {
  const key = normalize(unknown);
  const exact = known.find((field) => normalize(field) === key);
  if (exact) return exact;
  const alias = ALIASES[kind][key] ?? (kind === 'lead' ? suggestLeadMapping([unknown])[unknown] : undefined);
  if (alias && known.includes(alias)) return alias;
  const prefixed = key.length >= 4 ? known.find((field) => normalize(field).startsWith(key)) : undefined;
  if (prefixed) return prefixed;
  const closest = known.map((field) => ({ field, d: distance(key, normalize(field)) })).sort((a, b) => a.d - b.d)[0];
  return closest && closest.d <= (key.length >= 5 ? 2 : 1) ? closest.field : undefined;
}

function listOf(names: string[]): string {
  const quoted = names.map((n) => `"${n}"`);
  const last = quoted.at(-1) ?? '';
  return quoted.length <= 1 ? last : `${quoted.slice(0, -1).join(', ')} and ${last}`;
}

/** Names every problem at once: missing fields first, then invalid ones. */
function describeProblems(value: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]): string {
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const issue of issues) {
    const field = issue.path.map(String).join('.');
    const top = String(issue.path[0] ?? '');
    if (issue.path.length === 1 && value[top] === undefined) missing.push(field);
    else if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1) invalid.push(`"${field}" is empty`);
    else invalid.push(`"${field}": ${issue.message}`);
  }
  const parts: string[] = [];
  if (missing.length) parts.push(`is missing ${listOf([...new Set(missing)])}`);
  if (invalid.length) parts.push(`has ${invalid.length === 1 ? 'a problem' : `${invalid.length} problems`}: ${invalid.join('; ')}`);
  return parts.join(', and ');
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

async function readContextFile<S extends z.ZodObject>(kind: Kind, path: string, schema: S, io: Output): Promise<z.infer<S>> {
  const value = await readJsonFile(path, kind);
  const example = `examples/${kind}.json in the Outreach Desk folder shows every field`;
  if (!isJsonObject(value)) throw new UsageError(`The ${kind} file "${path}" must hold one JSON object of fields: ${example}.`);
  const known = Object.keys(schema.shape);
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const suggestion = suggestField(kind, key, known);
    io.err(`warning: ${path}: ignored field "${key}"${suggestion ? `: did you mean "${suggestion}"?` : ` (known fields: ${known.join(', ')})`}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new UsageError(`The ${kind} file "${path}" ${describeProblems(value, parsed.error.issues)}. Fix the file and try again (${example}).`);
  return parsed.data;
}

/** A lead file (`--lead`), checked against the lead schema. */
export function readLeadFile(path: string, io: Output): Promise<LeadContext> {
  return readContextFile('lead', path, leadContextSchema, io);
}

/** A business file (`--business`), checked against the business schema. */
export function readBusinessFile(path: string, io: Output): Promise<BusinessContext> {
  return readContextFile('business', path, businessContextSchema, io);
}
