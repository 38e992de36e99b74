import { builtinModules } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import type { SourceFile } from './source-files';
import { expectDefined } from '../helpers/expect-defined';

export type { SourceFile };

export interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

/**
 * The allowed-imports table. Each rule names the files it applies to, and the imports those
 * files may not make; `only` rules name the one place a package may be imported from.
 */
export const IMPORT_RULES = {
  rendererIsDomOnly: 'the renderer imports no Node built-ins and nothing from electron/',
  coreNeverImportsElectron: 'the core (and the CLI and browser host built on it) never imports electron',
  sharedIsPure: 'shared/ imports no Node built-ins, no electron, nothing from electron/ or renderer/',
  sdkOnlyInItsProvider: "only a provider's own file imports its SDK",
  sqliteOnlyInStorage: 'only storage imports better-sqlite3',
  keychainOnlyInSecrets: 'only the secret store imports the keychain library',
  postgresOnlyInTeam: 'only the team hub client (electron/core/team/) imports pg',
  cryptoOnlyInTeam: 'only the team module (electron/core/team/) imports the sealed-box library',
} as const;

/** Which file may import each SDK or native library. */
const ONLY_FROM: Array<{ pkg: RegExp; allowed: RegExp; rule: keyof typeof IMPORT_RULES }> = [
  { pkg: /^@anthropic-ai\/sdk(\/|$)/, allowed: /^electron\/core\/llm\/providers\/anthropic\.ts$/, rule: 'sdkOnlyInItsProvider' },
  { pkg: /^openai(\/|$)/, allowed: /^electron\/core\/llm\/providers\/openai\.ts$/, rule: 'sdkOnlyInItsProvider' },
  { pkg: /^groq-sdk(\/|$)/, allowed: /^electron\/core\/llm\/providers\/groq\.ts$/, rule: 'sdkOnlyInItsProvider' },
  { pkg: /^@google\/(genai|generative-ai)(\/|$)/, allowed: /^electron\/core\/llm\/providers\/gemini\.ts$/, rule: 'sdkOnlyInItsProvider' },
  { pkg: /^better-sqlite3(\/|$)/, allowed: /^electron\/core\/storage\//, rule: 'sqliteOnlyInStorage' },
  { pkg: /^(@napi-rs\/keyring|keytar)(\/|$)/, allowed: /^electron\/core\/secrets\//, rule: 'keychainOnlyInSecrets' },
  { pkg: /^(pg|pg-[a-z-]+)(\/|$)/, allowed: /^electron\/core\/team\//, rule: 'postgresOnlyInTeam' },
  { pkg: /^(libsodium(-wrappers)?(-sumo)?|tweetnacl.*|@noble\/(curves|ciphers|hashes))(\/|$)/, allowed: /^electron\/core\/team\//, rule: 'cryptoOnlyInTeam' },
];

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

const IMPORT_PATTERNS = [
  /\bimport\s+(?:type\s+)?(?:[\w*{}\s,]+\s+from\s+)?['"]([^'"]+)['"]/g,
  /\bexport\s+(?:type\s+)?[\w*{}\s,]*\s+from\s+['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** Every module specifier a file imports, type-only imports included. */
export function findImports(source: string): string[] {
  const found = new Set<string>();
  for (const pattern of IMPORT_PATTERNS) for (const match of source.matchAll(pattern)) found.add(expectDefined(match[1]));
  return [...found];
}

export function resolveRelative(from: string, specifier: string): string {
  return normalize(join(dirname(from), specifier))
    .split('\\')
    .join('/');
}

/** Checks files against the table; returns every violation (none means the layering holds). */
export function checkImports(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const add = (specifier: string, rule: keyof typeof IMPORT_RULES) => violations.push({ file: file.path, specifier, rule: IMPORT_RULES[rule] });
    for (const specifier of findImports(file.source)) {
      const relative = specifier.startsWith('.');
      const target = relative ? resolveRelative(file.path, specifier) : specifier;
      const isBuiltin = !relative && BUILTINS.has(specifier);
      const isElectron = !relative && (specifier === 'electron' || specifier.startsWith('electron/'));

      if (file.path.startsWith('renderer/')) {
        if (isBuiltin || isElectron || (relative && target.startsWith('electron/'))) add(specifier, 'rendererIsDomOnly');
      }
      if (/^electron\/(core|cli|host)\//.test(file.path) && isElectron) add(specifier, 'coreNeverImportsElectron');
      if (file.path.startsWith('shared/')) {
        if (isBuiltin || isElectron || (relative && (target.startsWith('electron/') || target.startsWith('renderer/')))) add(specifier, 'sharedIsPure');
      }
      if (!relative) {
        for (const only of ONLY_FROM) if (only.pkg.test(specifier) && !only.allowed.test(file.path)) add(specifier, only.rule);
      }
    }
  }
  return violations;
}
