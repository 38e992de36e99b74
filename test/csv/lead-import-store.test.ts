import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLeadCsv, previewLeadCsv } from '../../electron/core/csv';
import { openStore } from '../../electron/core/storage';
import { expectDefined } from '../helpers/expect-defined';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('lead CSV into the store', () => {
  it('imports every good row in one importMany transaction, with custom fields, and reports the rest', async () => {
    const lines = ['Vorname;Nachname;E-Mail;Firma;Branche;Notiz'];
    for (let i = 0; i < 5000; i++) {
      const email = i % 500 === 7 ? 'kaputt@' : `person${i}@beispiel.de`;
      lines.push(`Jörg ${i};"Müller; ""${i}""";${email};"Firma ${i}\nGmbH";Handel;=SUM(A1)`);
    }
    const csv = `\uFEFF${lines.join('\r\n')}`;
    const preview = await previewLeadCsv(csv);
    expect(preview.rowCount).toBe(5000);
    const parsed = await parseLeadCsv(csv, preview.suggestedMapping);
    expect(parsed.errors).toHaveLength(10);
    const dir = mkdtempSync(join(tmpdir(), 'outreach-csv-'));
    dirs.push(dir);
    const store = openStore({ dataDir: dir });
    try {
      const { org } = store.orgs.ensureFirstRun();
      const leads = store.forOrg(org.id).leads;
      const ids = leads.importMany(parsed.rows.map((r) => r.lead));
      expect(ids).toHaveLength(4990);
      const first = expectDefined(leads.get(expectDefined(ids[0])));
      expect(first).toMatchObject({
        firstName: 'Jörg 0',
        lastName: 'Müller; "0"',
        email: 'person0@beispiel.de',
        company: 'Firma 0\nGmbH',
        industry: 'Handel',
        customFields: { Notiz: '=SUM(A1)' },
      });
    } finally {
      store.close();
    }
  });
});
