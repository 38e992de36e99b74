import type { Sequence } from '../../../shared/domain/records';
import type { ExportFormat } from '../../../shared/ipc/sequences';
import { exportSequencesCsv, exportSequencesJson, type ExportItemOutcome, type SequenceExportItem } from '../csv';
import { AppError } from '../errors';
import type { ServiceDeps } from './context';
import type { SessionService } from './session';
import { toLeadContext } from './sequences';

/** Renders saved sequences as a file: CSV one row per lead or per step, or JSON. */
export function createExportService(deps: ServiceDeps, session: SessionService) {
  const { store } = deps;

  /**
   * An organization's sequences or batch items: each with its sequence (null when it failed), its
   * lead and how it ended. A lead is read from the organization's own leads only.
   */
  function renderItems(
    orgId: string,
    entries: ReadonlyArray<{ sequence: Sequence | null; leadId: string | null; outcome?: ExportItemOutcome }>,
    format: ExportFormat,
    fillPlaceholders: boolean,
    name: string,
  ) {
    const leadIds = [...new Set(entries.flatMap((e) => (e.leadId ? [e.leadId] : [])))];
    const leads = new Map(
      store
        .forOrg(orgId)
        .leads.getMany(leadIds)
        .map((lead) => [lead.id, lead]),
    );
    const items: SequenceExportItem[] = entries.map(({ sequence, leadId, outcome }) => {
      const lead = leadId ? leads.get(leadId) : undefined;
      return { sequence, lead: lead ? toLeadContext(lead) : null, outcome };
    });
    const stamp = deps.now().toISOString().slice(0, 10);
    if (format === 'json') {
      return { filename: `${name}-${stamp}.json`, mimeType: 'application/json', content: exportSequencesJson(items, { fillPlaceholders }) };
    }
    const shape = format === 'csv-per-lead' ? 'per-lead' : 'per-step';
    return { filename: `${name}-${stamp}-${shape}.csv`, mimeType: 'text/csv', content: exportSequencesCsv(items, { shape, fillPlaceholders }) };
  }

  return {
    renderItems,
    sequences(ids: string[], format: ExportFormat, fillPlaceholders: boolean) {
      const { org } = session.current();
      const sequences = store.forOrg(org.id).sequences.getMany(ids);
      if (sequences.length === 0) throw new AppError('not_found', 'None of those sequences exist any more.', { field: 'ids' });
      const entries = sequences.map((sequence) => ({ sequence, leadId: sequence.leadId ?? null }));
      return renderItems(org.id, entries, format, fillPlaceholders, 'outreach-sequences');
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
