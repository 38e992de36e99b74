import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { replyClassSchema, type ReplyClass } from '../../shared/domain/reply';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The shared reply corpus, a sibling of the repository (CI puts a copy of shared/ beside the
 * clone). `REPLY_CORPUS` points elsewhere, as the bench does; a user's clone has neither.
 */
export const corpusPath = process.env.REPLY_CORPUS ? path.resolve(process.env.REPLY_CORPUS) : path.resolve(repoRoot, '..', 'shared', 'corpus', 'replies');

/** What the skip line names: the default place, or the override that was given. */
const corpusLabel = process.env.REPLY_CORPUS ? corpusPath : '../shared/corpus/replies';

/** Whether the corpus is here. Tests that score it use `describe.skipIf(!corpusAvailable)`. */
export const corpusAvailable = existsSync(path.join(corpusPath, 'labels.csv'));

/** Prints the line that says why the corpus tests were skipped (vitest counts them as skipped). */
export function reportCorpusSkipped(): void {
  if (!corpusAvailable) console.log(`skipped: ${corpusLabel} not found`);
}

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
