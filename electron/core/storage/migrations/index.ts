import type { Migration } from '../types';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-jobs';
import { migration0003 } from './0003-job-leases';
import { migration0004 } from './0004-team';
import { migration0005 } from './0005-usage-pending';
import { migration0006 } from './0006-foreign-key-indexes';

/** Every shipped schema step, in order. A shipped step is never edited: add a new file instead. */
export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
