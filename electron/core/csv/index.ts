export { LEAD_CSV_DELIMITERS, detectDelimiter, stripBom } from './csv-reader';
export { escapeCsvCell, formatCsv, neutralizeFormula } from './csv-writer';
export { exportRowErrorsCsv, parseLeadCsv, previewLeadCsv, suggestLeadMapping } from './lead-import';
export type {
  LeadColumnMapping,
  LeadCsvOptions,
  LeadCsvParseResult,
  LeadCsvPreview,
  LeadField,
  LeadRowError,
  ParsedLeadRow,
} from './lead-import';
export { fillPlaceholders } from './placeholders';
export { exportSequencesCsv, exportSequencesJson } from './sequence-export';
export type { ExportItemOutcome, SequenceCsvOptions, SequenceExportItem, SequenceExportOptions } from './sequence-export';
