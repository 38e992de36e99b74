import type { Services } from '../services';
import type { Handlers } from './types';

export interface AppFacts {
  version: string;
  dataDir: string;
  platform: string;
  keychain: 'available' | 'unavailable';
  recoveredFrom: string | null;
}

export function createAppHandlers(
  services: Services,
  facts: AppFacts,
): Pick<Handlers, 'app:info' | 'session:get' | 'session:switch-user' | 'org:update' | 'users:list' | 'users:save' | 'users:delete'> {
  return {
    'app:info': () => facts,
    'session:get': () => {
      const { org, user, mode } = services.session.current();
      return { org, user, users: services.users.list(), mode: mode ?? 'solo' };
    },
    'session:switch-user': ({ userId }) => services.session.switchUser(userId),
    'org:update': (input) => services.users.updateOrg(input),
    'users:list': () => services.users.list(),
    'users:save': (input) => services.users.save(input),
    'users:delete': ({ id }) => ({ deleted: services.users.delete(id) }),
  };
}
