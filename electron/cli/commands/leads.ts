import type { z } from 'zod';
import type { Lead } from '../../../shared/domain/records';
import { csvEncodingSchema, leadFieldSchema, onDuplicateSchema, type LeadField } from '../../../shared/ipc/jobs';
import type { CoreInvoke } from '../../core';
import { parseCommandArgs, type Command } from '../context';
import { formatTable, UsageError } from '../io';
const DELIMITERS: Record<string, string> = { ',': ',', comma: ',', ';': ';', semicolon: ';', tab: '\t', '\t': '\t', '\\t': '\t' };
const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

function parseDelimiter(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const delimiter = DELIMITERS[value.toLowerCase()];
  if (!delimiter) throw new UsageError(`--delimiter takes ',', ';' or tab, not "${value}".`);
  return delimiter;
}

/** `--map "E-mail 1 - Value=email"`: the last `=` splits, so a column name may hold one. */
function parseMap(values: readonly string[]): Record<string, LeadField> {
  const mapping: Record<string, LeadField> = {};
  for (const value of values) {
    const at = value.lastIndexOf('=');
    const column = value.slice(0, at).trim();
    const field = leadFieldSchema.safeParse(value.slice(at + 1).trim());
    if (at <= 0 || !column || !field.success) {
      throw new UsageError(`--map takes COLUMN=field, where field is one of ${leadFieldSchema.options.join(', ')}; got "${value}".`);
    }
    mapping[column] = field.data;
  }
  return mapping;
}

function choose<T extends string>(schema: z.ZodEnum<{ [K in T]: K }>, value: string | undefined, flag: string): T | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${flag} takes ${schema.options.join('|')}, not "${value}".`);
  return parsed.data;
}

/** Every lead of the organization, newest first, a page at a time. */
async function listAllLeads(invoke: CoreInvoke): Promise<Lead[]> {
  const leads: Lead[] = [];
  for (;;) {
    const page = await invoke('leads:list', { offset: leads.length, limit: 500 });
    leads.push(...page.items);
    if (page.items.length === 0 || leads.length >= page.total) return leads;
  }
}

/**
 * `leads import FILE.csv` and `leads list`. The import is the app's: the core reads the file's
 * bytes (encoding, `sep=` line, preamble), proposes the mapping, and skips duplicates by email.
 */
export const leadsCommand: Command = async ({ core, io }, args) => {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      encoding: { type: 'string' },
      delimiter: { type: 'string' },
      map: { type: 'string', multiple: true },
      'on-duplicate': { type: 'string' },
    },
    'leads',
  );
  const [action, file, ...extra] = positionals;
  if (action === 'list') {
    if (file) throw new UsageError('leads list takes no file; see "outreach-desk --help".');
    const leads = await listAllLeads(core.invoke);
    if (io.json) return io.out(JSON.stringify({ leads }, null, 2));
    if (leads.length === 0) return io.out('No leads yet. Import some with: outreach-desk leads import FILE.csv');
    const name = (l: Lead) => [l.firstName, l.lastName].filter(Boolean).join(' ');
    io.out(
      formatTable(
        ['ID', 'NAME', 'EMAIL', 'COMPANY', 'JOB TITLE'],
        leads.map((l) => [l.id, name(l), l.email ?? '', l.company ?? '', l.jobTitle ?? '']),
      ),
    );
    return;
  }
  if (action !== 'import') throw new UsageError('Use "leads import FILE.csv" or "leads list". See "outreach-desk --help".');
  if (!file || extra.length > 0) throw new UsageError('leads import takes one file: outreach-desk leads import FILE.csv');

  const result = await core.services.leadImport.import({ path: file }, parseMap(values.map ?? []), {
    encoding: choose(csvEncodingSchema, values.encoding, '--encoding'),
    delimiter: parseDelimiter(values.delimiter),
    onDuplicate: choose(onDuplicateSchema, values['on-duplicate'], '--on-duplicate'),
    suggestUnmapped: true,
    mappingMustMatch: true,
  });
  const { imported, updated, skipped, errors, capped, encoding, delimiter, headerRow, warnings, mapping } = result;
  if (io.json) {
    io.out(JSON.stringify({ imported, updated, skipped, errors, encoding, delimiter, warnings, capped, headerRow, mapping }, null, 2));
    return;
  }
  const fed = Object.entries(mapping).filter(([, field]) => field !== 'custom' && field !== 'ignore');
  const customs = Object.values(mapping).filter((field) => field === 'custom').length;
  io.out(`Read ${file}: ${encoding}, ${DELIMITER_NAMES[delimiter] ?? delimiter}-separated, header on row ${headerRow}.`);
  io.out(
    `Columns: ${fed.map(([column, field]) => `"${column}" → ${field}`).join(', ') || 'none mapped to a lead field'}${customs ? `; ${customs} kept as custom fields` : ''}.`,
  );
  io.out(
    `Imported ${imported}, updated ${updated}, skipped ${skipped} duplicate${skipped === 1 ? '' : 's'}, ${errors.length} row${errors.length === 1 ? '' : 's'} with errors.`,
  );
  for (const warning of warnings) io.err(`warning: ${warning}`);
  for (const error of errors.slice(0, 50)) io.err(`  ${error.message}`);
  if (errors.length > 50) io.err(`  … and ${errors.length - 50} more (use --json for all).`);
  for (const row of capped.slice(0, 5)) io.err(`  ${row.message}`);
};
