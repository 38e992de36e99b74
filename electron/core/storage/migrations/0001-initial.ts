import type { Migration } from '../types';

/**
 * The first schema. Every table is STRICT, so a wrong type is an error rather than a silent
 * conversion. Timestamps are ISO-8601 UTC text, so they sort as text. Ledger costs are integer
 * nano-dollars, so sums are exact.
 */
export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE organizations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        provider TEXT NOT NULL,
        settings TEXT NOT NULL CHECK (json_valid(settings)),
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX users_org ON users(org_id, created_at);

      CREATE TABLE business_profiles (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        context TEXT NOT NULL CHECK (json_valid(context)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX business_profiles_org ON business_profiles(org_id, updated_at);

      CREATE TABLE leads (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        first_name TEXT,
        last_name TEXT,
        email TEXT,
        phone TEXT,
        company TEXT,
        job_title TEXT,
        industry TEXT,
        linkedin_url TEXT,
        custom_fields TEXT CHECK (custom_fields IS NULL OR json_valid(custom_fields)),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX leads_org ON leads(org_id, created_at);

      CREATE TABLE templates (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        steps TEXT NOT NULL CHECK (json_valid(steps)),
        options TEXT CHECK (options IS NULL OR json_valid(options)),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX templates_org ON templates(org_id, created_at);

      CREATE TABLE sequences (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        lead_id TEXT REFERENCES leads(id) ON DELETE SET NULL,
        business_profile_id TEXT REFERENCES business_profiles(id) ON DELETE SET NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'archived')),
        provider TEXT,
        model TEXT,
        input_tokens INTEGER,
        output_tokens INTEGER,
        cached_input_tokens INTEGER,
        cost_usd REAL,
        options TEXT CHECK (options IS NULL OR json_valid(options)),
        edited INTEGER NOT NULL DEFAULT 0 CHECK (edited IN (0, 1)),
        created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX sequences_org ON sequences(org_id, updated_at);
      CREATE INDEX sequences_org_status ON sequences(org_id, status, updated_at);
      CREATE INDEX sequences_lead ON sequences(lead_id);

      CREATE TABLE sequence_steps (
        sequence_id TEXT NOT NULL REFERENCES sequences(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        delay_days INTEGER NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('email', 'whatsapp', 'sms')),
        subject TEXT,
        body TEXT NOT NULL,
        PRIMARY KEY (sequence_id, step)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE replies (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        lead_id TEXT REFERENCES leads(id) ON DELETE SET NULL,
        sequence_id TEXT REFERENCES sequences(id) ON DELETE SET NULL,
        from_address TEXT,
        subject TEXT,
        raw_text TEXT NOT NULL,
        parsed_text TEXT NOT NULL,
        classification TEXT,
        confidence REAL CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),
        reason TEXT,
        suggested_action TEXT,
        decided_by TEXT NOT NULL CHECK (decided_by IN ('rules', 'model', 'undecided')),
        return_date TEXT,
        provider TEXT,
        model TEXT,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX replies_org ON replies(org_id, created_at);
      CREATE INDEX replies_org_class ON replies(org_id, classification, created_at);

      CREATE TABLE usage_events (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        user_id TEXT,
        operation TEXT NOT NULL CHECK (operation IN ('chat', 'test', 'sequence', 'classify')),
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        input_tokens INTEGER NOT NULL CHECK (input_tokens >= 0),
        output_tokens INTEGER NOT NULL CHECK (output_tokens >= 0),
        cached_input_tokens INTEGER NOT NULL CHECK (cached_input_tokens >= 0),
        cost_nano_usd INTEGER NOT NULL CHECK (cost_nano_usd >= 0),
        price_table TEXT,
        latency_ms REAL NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'error')),
        error_code TEXT,
        request_id TEXT,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX usage_events_org_time ON usage_events(org_id, created_at);
    `);
  },
};
