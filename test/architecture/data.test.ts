import { describe, expect, it } from 'vitest';
import { checkDataAccess, DATA_RULES } from './data-rules';
import { collectSources, type SourceFile } from './source-files';

describe('architecture: how the core reaches its data', () => {
  const files = collectSources('electron');

  it('reads every handler and service', () => {
    const paths = files.map((f) => f.path);
    for (const path of [
      'electron/core/handlers/sequences.ts',
      'electron/core/handlers/replies.ts',
      'electron/core/services/records.ts',
      'electron/core/team/team-service.ts',
    ]) {
      expect(paths).toContain(path);
    }
    expect(paths.filter((p) => p.startsWith('electron/core/handlers/')).length).toBeGreaterThanOrEqual(8);
  });

  it('holds for every source file', () => {
    expect(checkDataAccess(files)).toEqual([]);
  });

  // Each rule must be able to fail: planted violations, one or more per rule.
  const planted: Array<[string, SourceFile, string]> = [
    [
      'a handler reads the store through the services',
      { path: 'electron/core/handlers/bad.ts', source: "export const h = (services) => ({ 'replies:list': (q) => services.store.replies.list(q) });" },
      DATA_RULES.handlersGoThroughServices,
    ],
    [
      'a handler takes an organization’s scoped store',
      { path: 'electron/core/handlers/bad.ts', source: "export const h = (core) => ({ 'leads:list': (q) => core.forOrg(id).leads.list(q) });" },
      DATA_RULES.handlersGoThroughServices,
    ],
    [
      'a handler imports storage',
      { path: 'electron/core/handlers/bad.ts', source: "import { openStore } from '../storage';" },
      DATA_RULES.handlersGoThroughServices,
    ],
    [
      'a service reads a repository of the store itself',
      { path: 'electron/core/services/bad.ts', source: 'export const get = (deps, id) => deps.store.leads.get(id);' },
      DATA_RULES.orgRowsThroughScopedStore,
    ],
    [
      'a cast around the types',
      { path: 'electron/core/team/bad.ts', source: 'export const rows = (store) => (store as any).usage.rows(orgId);' },
      DATA_RULES.orgRowsThroughScopedStore,
    ],
    [
      'the CLI builds a repository',
      { path: 'electron/cli/bad.ts', source: "import { createLeadRepository } from '../core/storage/repositories';" },
      DATA_RULES.repositoriesOnlyInStorage,
    ],
    [
      'a service takes jobs by id',
      { path: 'electron/core/services/replies.ts', source: 'export const job = (deps, id) => deps.runnerStore.jobs.get(id);' },
      DATA_RULES.runnerStoreOnlyForTheRunner,
    ],
  ];
  it.each(planted)('fails on a planted violation: %s', (_name, file, rule) => {
    expect(checkDataAccess([file]).map((v) => v.rule)).toContain(rule);
  });

  it('allows what each rule allows: services through forOrg, storage with its repositories, the job service with the runner store', () => {
    const allowed: SourceFile[] = [
      {
        path: 'electron/core/handlers/ok.ts',
        source:
          "import type { Services } from '../services';\nexport const h = (services: Services) => ({ 'leads:list': (q) => services.records.leads.list(q) });",
      },
      {
        path: 'electron/core/services/ok.ts',
        source: '// store.leads.get would be wrong here\nexport const get = (deps, orgId, id) => deps.store.forOrg(orgId).leads.get(id);',
      },
      {
        path: 'electron/core/storage/open-store.ts',
        source: "import { createLeadRepository } from './repositories';\nexport const x = (store) => store.leads;",
      },
      { path: 'electron/core/services/jobs.ts', source: 'createJobRunner({ store: deps.runnerStore });' },
    ];
    expect(checkDataAccess(allowed)).toEqual([]);
  });
});
