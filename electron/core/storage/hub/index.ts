export {
  applyHubEdit,
  assertHubSchemaKnown,
  createHubOrganization,
  HUB_SQLSTATES,
  hubUsageTimeseries,
  inviteHubMember,
  listHubKeyShares,
  listHubMemberKeys,
  listHubMemberNames,
  listHubMembers,
  listHubUsageRows,
  migrateHub,
  publishMyPublicKey,
  pullHubChanges,
  pushHubUsage,
  readHubRow,
  readHubSchemaVersion,
  readMyMembership,
  readServerVersion,
  removeHubMember,
  setHubMemberRole,
  summarizeHubUsage,
  upsertHubKeyShares,
} from './hub-store';
export type { HubChange, HubEdit, HubInvite, HubMemberKey, HubMemberRow, HubMembership, HubOrgInput, HubPull, HubUsageGroup, HubUsageRow } from './hub-store';
export { HUB_MIGRATIONS, HUB_SCHEMA_VERSION } from './migrations';
export type { HubConnection, HubMigration } from './types';
