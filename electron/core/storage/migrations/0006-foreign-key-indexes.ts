import type { Migration } from '../types';

/**
 * Every foreign key gets an index that leads with its column. SQLite enforces ON DELETE SET NULL
 * and CASCADE by looking up the rows that point at the deleted one; without such an index each
 * delete of a lead, sequence, business profile or user scanned the whole child table (all replies,
 * all sequences). `test/storage/migrations.test.ts` checks the rule for every table.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'foreign-key-indexes',
  up(db) {
    db.exec(`
      CREATE INDEX sequences_created_by ON sequences(created_by);
      CREATE INDEX sequences_business_profile ON sequences(business_profile_id);
      CREATE INDEX replies_lead ON replies(lead_id);
      CREATE INDEX replies_sequence ON replies(sequence_id);
      CREATE INDEX team_state_org ON team_state(org_id);
      CREATE INDEX usage_pending_org ON usage_pending(org_id);
    `);
  },
};
