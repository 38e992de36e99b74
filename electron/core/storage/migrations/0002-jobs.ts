import type { Migration } from '../types';

/** Batch jobs: one row per job, one per lead or reply it works on. */
export const migration0002: Migration = {
  version: 2,
  name: 'jobs',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('generate', 'classify')),
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'completed', 'cancelled', 'failed')),
        pause_reason TEXT CHECK (pause_reason IS NULL OR json_valid(pause_reason)),
        provider TEXT,
        params TEXT NOT NULL CHECK (json_valid(params)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX jobs_org ON jobs(org_id, created_at);

      CREATE TABLE job_items (
        id TEXT PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'waiting')),
        input TEXT NOT NULL CHECK (json_valid(input)),
        result_id TEXT,
        error TEXT CHECK (error IS NULL OR json_valid(error)),
        attempts INTEGER NOT NULL DEFAULT 0,
        provider TEXT,
        updated_at TEXT NOT NULL,
        UNIQUE (job_id, seq)
      ) STRICT;
      CREATE INDEX job_items_status ON job_items(job_id, status, seq);
    `);
  },
};
