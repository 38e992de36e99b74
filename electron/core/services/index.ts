import type { ServiceDeps } from './context';
import { createExportService } from './exports';
import { createJobService, type JobRunnerTuning } from './jobs';
import { createKeyService } from './keys';
import { createLeadImportService } from './leads';
import { createLLMAccess } from './llm-access';
import { createRecordService } from './records';
import { createReplyService } from './replies';
import { createSequenceService } from './sequences';
import { createSessionService } from './session';
import { createSettingsService } from './settings';
import { createTeamService, type TeamServiceOptions } from '../team';
import { createUploadService } from './uploads';
import { createUsageService } from './usage';
import { createUserService } from './users';

/**
 * Every service of the core, wired once. The handlers, the CLI and the job runner use these; none
 * of them reaches the store: an organization's rows are the services' business, through its
 * scoped store.
 */
export function createServices(deps: ServiceDeps, options: { team?: TeamServiceOptions; jobs?: JobRunnerTuning } = {}) {
  const session = createSessionService(deps);
  const keys = createKeyService(deps);
  const team = createTeamService(deps, session, keys, options.team);
  const llm = createLLMAccess(deps, session, keys);
  const replies = createReplyService(deps, session, llm);
  const exports = createExportService(deps, session);
  const uploads = createUploadService(deps, session);
  // Uploads a closed program left behind, and those of jobs that are done with them, go at start-up.
  uploads.sweep();
  return {
    session,
    keys,
    llm,
    users: createUserService(deps, session),
    settings: createSettingsService(deps, session, keys, llm),
    sequences: createSequenceService(deps, session, llm),
    records: createRecordService(deps, session),
    replies,
    usage: createUsageService(deps, session, team),
    exports,
    uploads,
    jobs: createJobService(deps, session, llm, replies, exports, uploads, options.jobs),
    leadImport: createLeadImportService(deps, session, uploads),
    team,
  };
}

export type Services = ReturnType<typeof createServices>;
export type { ServiceDeps, ServiceStore } from './context';
export type { CreateJobOptions, JobRunnerTuning } from './jobs';
export type { ClassifyRequest, ReplyDecision } from './replies';
export type { Session } from './session';
export type { UploadedFile, UploadService } from './uploads';
export { toLeadContext } from './sequences';
