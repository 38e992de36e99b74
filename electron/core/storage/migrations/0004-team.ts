import type { Migration } from '../types';

/**
 * Team mode: the connection to a team hub (one row; none means solo), the outbox of local
 * changes waiting to be pushed, the hub's values as of the last pull, and the conflicts shown to
 * an admin.
 *
 * Triggers fill the outbox in the same transaction as the change itself, so a usage row or an
 * admin's edit can never be saved without its outbox entry (or the reverse), whatever code path
 * wrote it. They fire only for the connected organization, and not while a pull applies the
 * hub's values (`team_state.applying`). Edits of one row coalesce into one entry that keeps the
 * version the first edit was based on.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'team',
  up(db) {
    db.exec(`
      CREATE TABLE team_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        hub_org_id TEXT NOT NULL,
        hub_url TEXT NOT NULL,
        login TEXT NOT NULL,
        member_id TEXT NOT NULL,
        email TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
        cursor INTEGER NOT NULL DEFAULT 0,
        last_sync_at TEXT,
        last_error TEXT CHECK (last_error IS NULL OR json_valid(last_error)),
        spend_month TEXT,
        spend_nano_usd INTEGER NOT NULL DEFAULT 0,
        applying INTEGER NOT NULL DEFAULT 0 CHECK (applying IN (0, 1)),
        connected_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE team_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('usage', 'org', 'profile', 'template')),
        row_id TEXT NOT NULL,
        base_version INTEGER,
        edit_id TEXT NOT NULL,
        prior_edit_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(prior_edit_ids)),
        deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX team_outbox_edits ON team_outbox(kind, row_id) WHERE kind <> 'usage';

      CREATE TABLE team_rows (
        kind TEXT NOT NULL CHECK (kind IN ('org', 'profile', 'template', 'member')),
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        data TEXT NOT NULL CHECK (json_valid(data)),
        PRIMARY KEY (kind, id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE team_conflicts (
        kind TEXT NOT NULL CHECK (kind IN ('org', 'profile', 'template')),
        id TEXT NOT NULL,
        mine TEXT CHECK (mine IS NULL OR json_valid(mine)),
        theirs TEXT CHECK (theirs IS NULL OR json_valid(theirs)),
        hub_version INTEGER,
        at TEXT NOT NULL,
        PRIMARY KEY (kind, id)
      ) STRICT;

      CREATE TRIGGER team_outbox_usage AFTER INSERT ON usage_events
      WHEN EXISTS (SELECT 1 FROM team_state WHERE org_id = NEW.org_id)
      BEGIN
        INSERT INTO team_outbox (kind, row_id, base_version, edit_id, created_at) VALUES ('usage', NEW.id, NULL, NEW.id, NEW.created_at);
      END;

      CREATE TRIGGER team_outbox_org AFTER UPDATE ON organizations
      WHEN EXISTS (SELECT 1 FROM team_state WHERE org_id = NEW.id AND applying = 0)
      BEGIN
        INSERT INTO team_outbox (kind, row_id, base_version, edit_id, created_at)
        VALUES ('org', NEW.id, (SELECT version FROM team_rows WHERE kind = 'org' AND id = NEW.id), lower(hex(randomblob(16))),
          strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT (kind, row_id) WHERE kind <> 'usage'
        DO UPDATE SET prior_edit_ids = json_insert(prior_edit_ids, '$[#]', edit_id), edit_id = excluded.edit_id;
      END;
    `);
    // The same three triggers for each shared table.
    for (const [table, kind] of [
      ['business_profiles', 'profile'],
      ['templates', 'template'],
    ] as const) {
      for (const [event, row, deleted] of [
        ['INSERT', 'NEW', 0],
        ['UPDATE', 'NEW', 0],
        ['DELETE', 'OLD', 1],
      ] as const) {
        db.exec(`
          CREATE TRIGGER team_outbox_${kind}_${event.toLowerCase()} AFTER ${event} ON ${table}
          WHEN EXISTS (SELECT 1 FROM team_state WHERE org_id = ${row}.org_id AND applying = 0)
          BEGIN
            INSERT INTO team_outbox (kind, row_id, base_version, edit_id, deleted, created_at)
            VALUES ('${kind}', ${row}.id, (SELECT version FROM team_rows WHERE kind = '${kind}' AND id = ${row}.id), lower(hex(randomblob(16))), ${deleted},
              strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            ON CONFLICT (kind, row_id) WHERE kind <> 'usage'
            DO UPDATE SET prior_edit_ids = json_insert(prior_edit_ids, '$[#]', edit_id), edit_id = excluded.edit_id, deleted = excluded.deleted;
          END;
        `);
      }
    }
  },
};
