import type { Migration } from '../types';

/**
 * One run per job across processes: the desktop app, the CLI and the browser host share the data
 * folder, so the process running a job holds a lease on it. The row names the holder (pid, program,
 * host, start) for the message a second runner shows, and its heartbeat lets a successor take over
 * from a holder that died without releasing it.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'job-leases',
  up(db) {
    db.exec(`
      CREATE TABLE job_leases (
        job_id TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
        owner TEXT NOT NULL,
        pid INTEGER NOT NULL,
        program TEXT NOT NULL CHECK (program IN ('app', 'cli', 'host')),
        host TEXT NOT NULL,
        started_at TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
