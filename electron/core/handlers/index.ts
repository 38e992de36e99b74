import type { Services } from '../services';
import { createAppHandlers, type AppFacts } from './app';
import { createJobHandlers } from './jobs';
import { createReplyHandlers } from './replies';
import { createSequenceHandlers } from './sequences';
import { createSettingsHandlers } from './settings';
import { createTeamHandlers } from './team';
import type { Handlers } from './types';
import { createUploadHandlers } from './uploads';
import { createUsageHandlers } from './usage';

/** The handler of every channel. A channel missing here is a compile error. */
export function createAllHandlers(services: Services, facts: AppFacts): Handlers {
  return {
    ...createAppHandlers(services, facts),
    ...createSettingsHandlers(services),
    ...createSequenceHandlers(services),
    ...createReplyHandlers(services),
    ...createUsageHandlers(services),
    ...createJobHandlers(services),
    ...createTeamHandlers(services),
    ...createUploadHandlers(services),
  };
}

export type { Handlers, HandlerContext } from './types';
export type { AppFacts } from './app';
