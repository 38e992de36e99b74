import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One source file, by its path relative to the repo root (forward slashes). */
export interface SourceFile {
  path: string;
  source: string;
}

export const ROOT = join(__dirname, '..', '..');

/** Every source file under `dir` (relative to the repo root). */
export function collectSources(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...collectSources(path));
    else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(name)) out.push({ path: path.split('\\').join('/'), source: readFileSync(join(ROOT, path), 'utf8') });
  }
  return out;
}
