import type { Services } from '../services';
import type { Handlers } from './types';

type TeamChannels =
  | 'team:status'
  | 'team:init'
  | 'team:connect'
  | 'team:sync'
  | 'team:disconnect'
  | 'team:members'
  | 'team:invite'
  | 'team:set-role'
  | 'team:remove'
  | 'team:share-key'
  | 'team:resolve-conflict';

export function createTeamHandlers(services: Services): Pick<Handlers, TeamChannels> {
  const { team } = services;
  return {
    'team:status': () => team.status(),
    'team:init': (input) => team.init(input),
    'team:connect': (input) => team.connect(input),
    'team:sync': () => team.sync(),
    'team:disconnect': (input) => team.disconnect(input),
    'team:members': () => team.members(),
    'team:invite': (input) => team.invite(input),
    'team:set-role': (input) => team.setRole(input),
    'team:remove': (input) => team.remove(input),
    'team:share-key': (input) => team.shareKey(input),
    'team:resolve-conflict': (input) => team.resolveConflict(input),
  };
}
