import type { HubMigration } from '../types';
import { hubMigration0001 } from './0001-hub';

/** Every shipped hub schema step, in order. A shipped step is never edited: add a new file instead. */
export const HUB_MIGRATIONS: readonly HubMigration[] = [hubMigration0001];

export const HUB_SCHEMA_VERSION = HUB_MIGRATIONS.length;
