import type { Sequence } from '../../../shared/domain/records';
import { exportSequencesCsv, exportSequencesJson, type SequenceExportItem } from '../csv';
import { AppError } from '../errors';
import type { ServiceDeps } from './context';
import type { SessionService } from './session';
import { toLeadContext } from './sequences';

export type ExportFormat = 'csv-per-lead' | 'csv-per-step' | 'json';

/** Renders saved sequences as a file: CSV one row per lead or per step, or JSON. */
export function createExportService(deps: ServiceDeps, session: SessionService) {
  const { store } = deps;

  function render(sequences: Sequence[], format: ExportFormat, fillPlaceholders: boolean, name: string) {
    const items: SequenceExportItem[] = sequences.map((sequence) => {
      const lead = sequence.leadId ? store.leads.get(sequence.leadId) : null;
      return { sequence, lead: lead ? toLeadContext(lead) : null };
    });
    const stamp = deps.now().toISOString().slice(0, 10);
    if (format === 'json') {
      return { filename: `${name}-${stamp}.json`, mimeType: 'application/json', content: exportSequencesJson(items, { fillPlaceholders }) };
    }
    const shape = format === 'csv-per-lead' ? 'per-lead' : 'per-step';
    return { filename: `${name}-${stamp}-${shape}.csv`, mimeType: 'text/csv', content: exportSequencesCsv(items, { shape, fillPlaceholders }) };
  }

  return {
    render,
    sequences(ids: string[], format: ExportFormat, fillPlaceholders: boolean) {
      const { org } = session.current();
      const sequences = store.sequences.getMany(ids).filter((s) => s.orgId === org.id);
      if (sequences.length === 0) throw new AppError('not_found', 'None of those sequences exist any more.', { field: 'ids' });
      return render(sequences, format, fillPlaceholders, 'outreach-sequences');
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
