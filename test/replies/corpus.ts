import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { replyClassSchema, type ReplyClass } from '../../shared/domain/reply';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared reply corpus, a sibling of the repository (CI puts a copy of shared/ beside the clone). */
export const corpusPath = path.resolve(repoRoot, '..', 'shared', 'corpus', 'replies');

/** One row of the corpus' labels.csv. */
export interface CorpusLabel {
  file: string;
  expectedClass: ReplyClass;
  notes: string;
}

export async function readLabels(): Promise<CorpusLabel[]> {
  const csv = await readFile(path.join(corpusPath, 'labels.csv'), 'utf8');
  const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`labels.csv: ${parsed.errors[0]?.message}`);
  return parsed.data.map((row) => ({
    file: row.file ?? '',
    expectedClass: replyClassSchema.parse(row.expected_class),
    notes: row.notes ?? '',
  }));
}
