import { describe, expect, it } from 'vitest';
import { checkImports, findImports, IMPORT_RULES, type SourceFile } from './import-rules';
import { collectSources as collect } from './source-files';

describe('architecture: the allowed-imports table', () => {
  const files = [...collect('electron'), ...collect('renderer'), ...collect('shared')];

  it('reads the whole tree', () => {
    const paths = files.map((f) => f.path);
    expect(paths).toContain('electron/core/llm/providers/anthropic.ts');
    expect(paths).toContain('electron/core/storage/open-store.ts');
    expect(paths.some((p) => p.startsWith('renderer/src/'))).toBe(true);
    expect(files.length).toBeGreaterThan(50);
  });

  it('holds for every source file', () => {
    expect(checkImports(files)).toEqual([]);
  });

  it('finds static, re-exported, dynamic, type-only and require imports', () => {
    const source = [
      "import { a } from 'one';",
      "import type { B } from 'two';",
      "export { c } from 'three';",
      "const d = await import('four');",
      "const e = require('five');",
      "import 'six';",
    ].join('\n');
    expect(findImports(source).sort()).toEqual(['five', 'four', 'one', 'six', 'three', 'two']);
  });

  // Each row of the table must be able to fail: one planted violation per rule.
  const planted: Array<[string, SourceFile, string]> = [
    ['renderer → node built-in', { path: 'renderer/src/pages/Bad.tsx', source: "import { readFileSync } from 'node:fs';" }, IMPORT_RULES.rendererIsDomOnly],
    [
      'renderer → electron/',
      { path: 'renderer/src/lib/bad.ts', source: "import { createCore } from '../../../electron/core';" },
      IMPORT_RULES.rendererIsDomOnly,
    ],
    ['renderer → electron', { path: 'renderer/src/lib/bad.ts', source: "import { ipcRenderer } from 'electron';" }, IMPORT_RULES.rendererIsDomOnly],
    ['core → electron', { path: 'electron/core/services/bad.ts', source: "import { app } from 'electron';" }, IMPORT_RULES.coreNeverImportsElectron],
    ['cli → electron', { path: 'electron/cli/bad.ts', source: "const { app } = require('electron');" }, IMPORT_RULES.coreNeverImportsElectron],
    ['shared → node', { path: 'shared/domain/bad.ts', source: "import { randomUUID } from 'crypto';" }, IMPORT_RULES.sharedIsPure],
    ['services → SDK', { path: 'electron/core/services/bad.ts', source: "import OpenAI from 'openai';" }, IMPORT_RULES.sdkOnlyInItsProvider],
    [
      'wrong provider → SDK',
      { path: 'electron/core/llm/providers/groq.ts', source: "import Anthropic from '@anthropic-ai/sdk';" },
      IMPORT_RULES.sdkOnlyInItsProvider,
    ],
    [
      'legacy Gemini SDK elsewhere',
      { path: 'electron/core/llm/retry.ts', source: "import { GoogleGenerativeAI } from '@google/generative-ai';" },
      IMPORT_RULES.sdkOnlyInItsProvider,
    ],
    [
      'services → better-sqlite3',
      { path: 'electron/core/services/bad.ts', source: "import Database from 'better-sqlite3';" },
      IMPORT_RULES.sqliteOnlyInStorage,
    ],
    ['storage → keychain', { path: 'electron/core/storage/bad.ts', source: "import { Entry } from '@napi-rs/keyring';" }, IMPORT_RULES.keychainOnlyInSecrets],
    ['storage → pg', { path: 'electron/core/storage/hub/bad.ts', source: "import pg from 'pg';" }, IMPORT_RULES.postgresOnlyInTeam],
    ['services → pg (dynamic)', { path: 'electron/core/services/bad.ts', source: "const pg = await import('pg');" }, IMPORT_RULES.postgresOnlyInTeam],
    ['renderer → pg', { path: 'renderer/src/lib/bad.ts', source: "import type { Client } from 'pg';" }, IMPORT_RULES.postgresOnlyInTeam],
    ['secrets → sealed boxes', { path: 'electron/core/secrets/bad.ts', source: "import sodium from 'libsodium-wrappers';" }, IMPORT_RULES.cryptoOnlyInTeam],
    ['services → noble', { path: 'electron/core/services/bad.ts', source: "import { x25519 } from '@noble/curves/ed25519';" }, IMPORT_RULES.cryptoOnlyInTeam],
  ];
  it.each(planted)('fails on a planted violation: %s', (_name, file, rule) => {
    const violations = checkImports([file]);
    expect(violations.map((v) => v.rule)).toContain(rule);
  });

  it('allows each library in its own place', () => {
    const allowed: SourceFile[] = [
      { path: 'electron/core/llm/providers/anthropic.ts', source: "import Anthropic from '@anthropic-ai/sdk';" },
      { path: 'electron/core/storage/db.ts', source: "import Database from 'better-sqlite3';" },
      { path: 'electron/core/secrets/keyring.ts', source: "import { Entry } from '@napi-rs/keyring';" },
      { path: 'electron/core/team/hub-client.ts', source: "const pg = await import('pg');" },
      { path: 'electron/core/team/sealed-box.ts', source: "type S = typeof import('libsodium-wrappers');" },
      { path: 'electron/main/index.ts', source: "import { app } from 'electron';" },
    ];
    expect(checkImports(allowed)).toEqual([]);
  });
});
