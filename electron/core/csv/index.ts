export { LEAD_CSV_DELIMITERS, detectDelimiter, stripBom } from './csv-reader';
export { escapeCsvCell, formatCsv, neutralizeFormula } from './csv-writer';
export { suggestLeadMapping } from './lead-headers';
export type { LeadColumnMapping, LeadField } from './lead-headers';
export { capCustomFields, describeCap, toEmailKey, exportRowErrorsCsv, normalizeEmail, parseLeadCsv, previewLeadCsv } from './lead-import';
export type {
  LeadCsvOptions,
  LeadCsvParseOptions,
  LeadCsvParseResult,
  LeadCsvPreview,
  LeadCsvReading,
  LeadCsvSource,
  LeadRowError,
  ParsedLeadRow,
} from './lead-import';
export { fillPlaceholders } from './placeholders';
export { exportSequencesCsv, exportSequencesJson } from './sequence-export';
export type { ExportItemOutcome, SequenceCsvOptions, SequenceExportItem, SequenceExportOptions } from './sequence-export';
export { decodeCsvBytes } from './text-decoding';
export type { CsvEncoding, CsvEncodingChoice, DecodedCsv } from './text-decoding';
