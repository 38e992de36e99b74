import { exportRowErrorsCsv, parseLeadCsv, previewLeadCsv, type LeadColumnMapping } from '../csv';
import type { ServiceDeps } from './context';
import type { SessionService } from './session';

/** CSV lead import: a preview with a proposed mapping, then every good row in one transaction. */
export function createLeadImportService(deps: ServiceDeps, session: SessionService) {
  return {
    preview: (csv: string) => previewLeadCsv(csv),
    async import(csv: string, mapping: LeadColumnMapping) {
      const { org } = session.current();
      const parsed = await parseLeadCsv(csv, mapping);
      const leadIds = parsed.rows.length > 0 ? deps.store.leads.importMany(org.id, parsed.rows.map((r) => r.lead)) : [];
      const errorsCsv = parsed.errors.length > 0 ? exportRowErrorsCsv(parsed.errors) : null;
      return { imported: leadIds.length, leadIds, errors: parsed.errors, errorsCsv };
    },
  };
}

export type LeadImportService = ReturnType<typeof createLeadImportService>;
