import { findImports, resolveRelative } from './import-rules';
import type { SourceFile } from './source-files';

/**
 * How the core reaches its data. The types enforce most of it (a service gets no raw
 * repositories, only `store.forOrg(orgId)`); these rules catch what a cast or a new import could
 * slip past them, and each can fail (see the planted violations in data.test.ts).
 */
export const DATA_RULES = {
  handlersGoThroughServices: 'a handler calls a service: it imports nothing from storage and touches no store',
  orgRowsThroughScopedStore: "an organization's rows are reached through store.forOrg(orgId), never a store's own repositories",
  repositoriesOnlyInStorage: 'only storage builds repositories and scoped stores (storage/repositories, storage/org-store)',
  runnerStoreOnlyForTheRunner: 'the runner store (jobs by id) goes only to the job runner, through the job service',
} as const;

export interface DataViolation {
  file: string;
  rule: string;
  /** The offending text, as found. */
  found: string;
}

/** Repositories of an organization's rows; a store reaches them only through `forOrg`. */
const ORG_REPOSITORIES = 'users|profiles|templates|leads|sequences|replies|usage';
const STORE_ACCESS = /(?:\bstore\b|\.store\b|\bforOrg\s*\(|\brunnerStore\b)/g;
/** `store.leads`, `deps.store?.usage`, and through a cast: `(store as any).leads`. */
const RAW_ORG_ACCESS = new RegExp(`\\bstore\\b\\s*(?:as\\s+[\\w<>[\\]]+\\s*\\)\\s*)?\\??\\.\\s*(?:${ORG_REPOSITORIES})\\b`, 'g');
const RUNNER_STORE = /\brunnerStore\b/g;
/** Where the runner store may be named: declared for the services, handed over by the core, given to the runner. */
const RUNNER_STORE_ALLOWED = new Set(['electron/core/services/context.ts', 'electron/core/services/jobs.ts', 'electron/core/index.ts']);

/** The source without comments, so a rule reads code, not prose about it. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

export function checkDataAccess(files: readonly SourceFile[]): DataViolation[] {
  const violations: DataViolation[] = [];
  for (const file of files) {
    if (!file.path.startsWith('electron/')) continue;
    const code = stripComments(file.source);
    const add = (rule: keyof typeof DATA_RULES, found: string) => violations.push({ file: file.path, rule: DATA_RULES[rule], found });
    const inStorage = file.path.startsWith('electron/core/storage/');

    if (file.path.startsWith('electron/core/handlers/')) {
      for (const specifier of findImports(file.source)) {
        if (specifier.startsWith('.') && resolveRelative(file.path, specifier).startsWith('electron/core/storage')) add('handlersGoThroughServices', specifier);
      }
      for (const match of code.matchAll(STORE_ACCESS)) add('handlersGoThroughServices', match[0]);
    }
    if (!inStorage) {
      for (const match of code.matchAll(RAW_ORG_ACCESS)) add('orgRowsThroughScopedStore', match[0]);
      for (const specifier of findImports(file.source)) {
        if (!specifier.startsWith('.')) continue;
        const target = resolveRelative(file.path, specifier);
        if (/^electron\/core\/storage\/(repositories|org-store)(\/|$)/.test(target)) add('repositoriesOnlyInStorage', specifier);
      }
      if (!RUNNER_STORE_ALLOWED.has(file.path)) {
        for (const match of code.matchAll(RUNNER_STORE)) add('runnerStoreOnlyForTheRunner', match[0]);
      }
    }
  }
  return violations;
}
