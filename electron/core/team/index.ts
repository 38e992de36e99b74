export { createTeamService } from './team-service';
export type { TeamService, TeamServiceOptions } from './team-service';
export { orgMonthSpend } from './budget';
export { parseHubUrl, isLoopbackHost } from './hub-url';
export type { HubUrl } from './hub-url';
export type { TeamUsageSummary } from './team-usage';
