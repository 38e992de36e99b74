import type { LeadContext } from '../../../shared/domain/lead';
import type { OnDuplicate } from '../../../shared/ipc/jobs';
import {
  capCustomFields,
  describeCap,
  toEmailKey,
  exportRowErrorsCsv,
  parseLeadCsv,
  previewLeadCsv,
  type LeadColumnMapping,
  type LeadCsvOptions,
  type LeadCsvSource,
  type LeadRowError,
} from '../csv';
import { AppError } from '../errors';
import type { ServiceDeps } from './context';
import type { SessionService } from './session';
import type { UploadService } from './uploads';

export interface LeadImportOptions extends LeadCsvOptions {
  /** `skip` (the default): count the row and leave the lead as it is. `update`: fill the lead from the row. `keep`: import it again. */
  onDuplicate?: OnDuplicate;
  /** Columns the mapping does not name get the suggested field (the CLI's `--map` overrides). */
  suggestUnmapped?: boolean;
  /** Refuses, before writing anything, a file that names more leads than this. */
  maxLeads?: number;
  /** Refuses a mapping that names a column the file does not have (a typo in the CLI's `--map`). */
  mappingMustMatch?: boolean;
}

/** A lead an import will write: a new one (an index into the inserts) or one already stored. */
type Target = { kind: 'new'; index: number } | { kind: 'stored'; id: string };

/** Fills a lead from a later row: the row's values win where it has them; custom fields merge. */
function mergeLead(base: LeadContext, row: LeadContext): LeadContext {
  const merged: LeadContext = { ...base };
  for (const [key, value] of Object.entries(row) as Array<[keyof LeadContext, unknown]>) {
    if (key !== 'customFields' && value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  if (row.customFields) merged.customFields = { ...base.customFields, ...row.customFields };
  return merged;
}

function listRows(rows: readonly number[]): string {
  return rows.slice(0, 5).join(', ') + (rows.length > 5 ? ', …' : '');
}

/**
 * CSV lead import, the same for the app, the browser host and the CLI: a preview with a proposed
 * mapping, then every good row in one transaction, with duplicates by email (within the file and
 * against the organization's leads) skipped, updated or kept.
 */
export function createLeadImportService(deps: ServiceDeps, session: SessionService, uploads: UploadService) {
  const { store } = deps;

  const service = {
    preview: (source: LeadCsvSource, options: LeadCsvOptions = {}) => previewLeadCsv(source, options),

    /** Previews an uploaded lead file; the upload stays for the import. */
    previewUpload: (uploadId: string, options: LeadCsvOptions = {}) => previewLeadCsv({ path: uploads.fileOf(uploadId).path }, options),

    /** Imports an uploaded lead file, then deletes the upload; a refused import keeps it, to try again with other choices. */
    async importUpload(uploadId: string, mapping: LeadColumnMapping, options: LeadImportOptions = {}) {
      const result = await service.import({ path: uploads.fileOf(uploadId).path }, mapping, options);
      uploads.removeUsed(uploadId);
      return result;
    },

    /**
     * Imports a lead file. `andThen`, given, runs inside the import's transaction with every lead
     * id the file names: what it writes (a job) commits with the leads, and if it throws, nothing
     * of the import is kept.
     */
    async import<T = undefined>(source: LeadCsvSource, mapping: LeadColumnMapping, options: LeadImportOptions = {}, andThen?: (leadIds: string[]) => T) {
      const { org } = session.current();
      const leads = store.forOrg(org.id).leads;
      const onDuplicate = options.onDuplicate ?? 'skip';
      const parsed = await parseLeadCsv(source, mapping, options);
      const unknown = options.mappingMustMatch ? Object.keys(mapping).filter((column) => !parsed.headers.includes(column)) : [];
      if (unknown.length > 0) {
        throw new AppError(
          'validation',
          `The file has no column "${unknown[0]}". Its columns are: ${parsed.headers.map((h) => `"${h}"`).join(', ')}. Nothing was imported.`,
          { field: 'mapping' },
        );
      }
      const capped: LeadRowError[] = [...parsed.capped];

      const stored = new Map<string, string>();
      if (onDuplicate !== 'keep') {
        for (const { id, email } of leads.listEmails()) {
          const key = toEmailKey(email);
          if (!stored.has(key)) stored.set(key, id);
        }
      }
      const inserts: LeadContext[] = [];
      const updates = new Map<string, LeadContext>();
      const inFile = new Map<string, Target>();
      const order: Target[] = [];
      const seen = new Set<string>();
      const skippedRows: number[] = [];
      const updatedRows: Array<{ row: number; target: Target; lead: LeadContext }> = [];
      const remember = (target: Target) => {
        const key = target.kind === 'new' ? `new:${target.index}` : target.id;
        if (!seen.has(key)) {
          seen.add(key);
          order.push(target);
        }
      };

      for (const { row, lead } of parsed.rows) {
        const key = lead.email !== undefined && onDuplicate !== 'keep' ? toEmailKey(lead.email) : null;
        const existingId = key ? stored.get(key) : undefined;
        const match = key ? (inFile.get(key) ?? (existingId ? ({ kind: 'stored', id: existingId } as const) : undefined)) : undefined;
        if (!match) {
          const target: Target = { kind: 'new', index: inserts.push(lead) - 1 };
          if (key) inFile.set(key, target);
          remember(target);
          continue;
        }
        if (key) inFile.set(key, match);
        remember(match);
        if (onDuplicate === 'skip') skippedRows.push(row);
        else updatedRows.push({ row, target: match, lead });
      }

      if (options.maxLeads !== undefined && order.length > options.maxLeads) {
        const max = options.maxLeads.toLocaleString('en-US');
        throw new AppError(
          'validation',
          `The file names ${order.length.toLocaleString('en-US')} leads, but one batch drafts at most ${max}. ` +
            `Nothing was imported: split the file into parts of ${max} leads or fewer and run a batch for each.`,
          { field: 'csv' },
        );
      }

      if (updatedRows.length > 0) {
        const storedIds = [...new Set(updatedRows.flatMap((u) => (u.target.kind === 'stored' ? [u.target.id] : [])))];
        const current = new Map(leads.getMany(storedIds).map(({ id: _id, orgId: _org, createdAt: _c, ...lead }) => [_id, lead as LeadContext]));
        for (const { row, target, lead } of updatedRows) {
          const earlier = target.kind === 'new' ? inserts[target.index] : (updates.get(target.id) ?? current.get(target.id));
          const merged = mergeLead(earlier ?? {}, lead);
          if (target.kind === 'new') inserts[target.index] = merged;
          else updates.set(target.id, merged);
          // A merge can take a lead past the limits: it is capped like a row, keeping the earlier fields.
          if (merged.customFields) {
            const { kept, left } = capCustomFields(merged.customFields);
            if (left.length > 0) capped.push({ row, message: describeCap(row, Object.keys(merged.customFields).length, left) });
            merged.customFields = kept;
          }
        }
      }

      const result = store.transaction(() => {
        const newIds = inserts.length > 0 ? leads.importMany(inserts) : [];
        if (updates.size > 0) leads.updateMany([...updates].map(([id, lead]) => ({ ...lead, id })));
        const leadIds = order.map((t) => {
          if (t.kind !== 'new') return t.id;
          const id = newIds[t.index];
          if (id === undefined) throw new AppError('internal', 'The lead import lost track of a new lead, so nothing was imported; please report it.');
          return id;
        });
        return { leadIds, outcome: andThen?.(leadIds) as T };
      });

      const warnings = [...parsed.warnings];
      if (skippedRows.length > 0) {
        warnings.push(
          `Skipped ${skippedRows.length.toLocaleString('en-US')} row${skippedRows.length === 1 ? '' : 's'} whose email is already a lead (rows ${listRows(skippedRows)}). ` +
            'To update those leads from the file, or import them again, change "Duplicates" (on the command line: --on-duplicate update or keep).',
        );
      }
      return {
        encoding: parsed.encoding,
        delimiter: parsed.delimiter,
        headerRow: parsed.headerRow,
        warnings,
        mapping: parsed.mapping,
        imported: inserts.length,
        updated: updatedRows.length,
        skipped: skippedRows.length,
        leadIds: result.leadIds,
        errors: parsed.errors,
        capped,
        errorsCsv: parsed.errors.length > 0 ? exportRowErrorsCsv(parsed.errors) : null,
        /** What `andThen` returned (undefined without one). */
        outcome: result.outcome,
      };
    },
  };
  return service;
}

export type LeadImportService = ReturnType<typeof createLeadImportService>;
