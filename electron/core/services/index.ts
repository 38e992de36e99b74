import type { ServiceDeps } from './context';
import { createExportService } from './exports';
import { createJobService } from './jobs';
import { createKeyService } from './keys';
import { createLeadImportService } from './leads';
import { createLLMAccess } from './llm-access';
import { createReplyService } from './replies';
import { createSequenceService } from './sequences';
import { createSessionService } from './session';
import { createSettingsService } from './settings';
import { createTeamService, type TeamServiceOptions } from '../team';
import { createUsageService } from './usage';
import { createUserService } from './users';

/** Every service of the core, wired once. The handlers, the CLI and the job runner use these. */
export function createServices(deps: ServiceDeps, options: { team?: TeamServiceOptions } = {}) {
  const session = createSessionService(deps);
  const keys = createKeyService(deps);
  const team = createTeamService(deps, session, keys, options.team);
  const llm = createLLMAccess(deps, session, keys);
  const replies = createReplyService(deps, session, llm);
  const exports = createExportService(deps, session);
  return {
    store: deps.store,
    session,
    keys,
    llm,
    users: createUserService(deps, session),
    settings: createSettingsService(deps, session, keys, llm),
    sequences: createSequenceService(deps, session, llm),
    replies,
    usage: createUsageService(deps, session, team),
    exports,
    jobs: createJobService(deps, session, llm, replies, exports),
    leadImport: createLeadImportService(deps, session),
    team,
  };
}

export type Services = ReturnType<typeof createServices>;
export type { ServiceDeps } from './context';
export type { ClassifyRequest, ReplyDecision } from './replies';
export type { Session } from './session';
export { toLeadContext } from './sequences';
