import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openStore } from '../../electron/core/storage';
import { usageEventSchema } from '../../shared/domain/usage';
import { buildNodeEntry } from '../helpers/build-node-entry';
import { tempDir } from './temp-dir';
import { expectDefined } from '../helpers/expect-defined';

/** How many committed rows to see before the kill: enough that the writer is deep in its loop. */
const KILL_AFTER = 400;

describe('crash safety', () => {
  it('keeps every committed usage row exactly once after SIGKILL mid-write', async () => {
    const child = await buildNodeEntry(join(__dirname, 'fixtures', 'usage-writer.ts'));
    onTestFinished(child.cleanup);
    const dataDir = tempDir();
    const writer = spawn(process.execPath, [child.file, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    writer.stderr.on('data', (chunk) => (stderr += chunk));
    const printed: string[] = [];
    const exited = new Promise<NodeJS.Signals | null>((resolve) => writer.on('exit', (_code, signal) => resolve(signal)));
    const lines = createInterface({ input: writer.stdout });
    const drained = new Promise<void>((resolve) => lines.on('close', resolve));
    lines.on('line', (line) => {
      if (line === 'ready') return;
      printed.push(line);
      if (printed.length === KILL_AFTER) writer.kill('SIGKILL');
    });
    const signal = await exited;
    await drained;
    expect(stderr).toBe('');
    expect(signal).toBe('SIGKILL');
    expect(printed.length).toBeGreaterThanOrEqual(KILL_AFTER);

    const store = openStore({ dataDir });
    expect(store.integrityCheck()).toEqual(['ok']);
    const org = expectDefined(store.orgs.getDefault());
    const rows = store.forOrg(org.id).usage.rows();
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const stored = new Set(ids);
    expect(printed.filter((id) => !stored.has(id))).toEqual([]);
    // At most the one row whose commit finished as the kill landed, before its id was printed.
    expect(rows.length - printed.length).toBeGreaterThanOrEqual(0);
    expect(rows.length - printed.length).toBeLessThanOrEqual(1);
    for (const row of rows) {
      const i = Number(row.id.slice('evt-'.length));
      expect(usageEventSchema.parse(row)).toMatchObject({ inputTokens: i, outputTokens: 2 * i, requestId: `req-${i}` });
    }
    store.close();
  }, 120_000);
});
