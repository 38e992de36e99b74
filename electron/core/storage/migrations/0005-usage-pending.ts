import type { Migration } from '../types';

/**
 * A model call is written down before it is made. The pending row is replaced by its usage row
 * when the call ends (in one transaction), so a call whose result could not be saved (the disk
 * filled up, the process died mid-call) is still in the billing ledger: at the next start it
 * becomes a usage row with outcome `error` and code `storage`, tokens unknown (0). And when even
 * the pending row cannot be written, no call is made.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'usage-pending',
  up(db) {
    db.exec(`
      CREATE TABLE usage_pending (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        user_id TEXT,
        operation TEXT NOT NULL CHECK (operation IN ('chat', 'test', 'sequence', 'classify')),
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
