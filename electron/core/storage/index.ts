export { openStore, DEFAULT_DB_FILE } from './open-store';
export { CorruptDatabaseError } from './errors';
export { MIGRATIONS, LATEST_SCHEMA_VERSION } from './migrations';
export { CURRENT_USER_KEY } from './repositories';
export type {
  BusinessProfileInput,
  JobCreateInput,
  JobItemCounts,
  JobRepository,
  LeadInput,
  LeadRepository,
  MetaRepository,
  Migration,
  OpenStoreOptions,
  OrgPatch,
  OrgRepository,
  Page,
  PageQuery,
  ProfileRepository,
  ReplyInput,
  ReplyRepository,
  SequenceInput,
  SequenceRepository,
  SqliteDatabase,
  Store,
  TemplateInput,
  TemplateRepository,
  UsageRepository,
  UsageTimeseries,
  UsageWindow,
  UserInput,
  UserRepository,
} from './types';
