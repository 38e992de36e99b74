import { MANAGER_ROLES, type Organization, type Role, type User } from '../../../shared/domain/org';
import { AppError } from '../errors';
import type { ServiceDeps } from './context';

const CURRENT_USER_KEY = 'currentUserId';

export interface Session {
  org: Organization;
  user: User;
}

/** The current organization and profile, and the role checks every service uses. */
export function createSessionService(deps: ServiceDeps) {
  const { store } = deps;

  function current(): Session {
    const first = store.orgs.ensureFirstRun();
    const org = deps.orgId ? store.orgs.get(deps.orgId) : (store.orgs.getDefault() ?? first.org);
    if (!org) throw new AppError('not_found', `There is no organization "${deps.orgId}". Run "outreach-desk settings get" without --org to see yours.`, { field: 'org' });
    const remembered = store.meta.get(CURRENT_USER_KEY);
    const user = remembered ? store.users.get(remembered) : null;
    if (user && user.orgId === org.id) return { org, user };
    const owner = store.users.list(org.id).find((u) => u.role === 'owner') ?? store.users.list(org.id)[0];
    if (!owner) throw new AppError('not_found', 'This organization has no users. Create one in Settings → Users.');
    return { org, user: owner };
  }

  function requireRole(roles: readonly Role[], action: string): Session {
    const session = current();
    if (!roles.includes(session.user.role)) {
      throw new AppError('forbidden', `Only an owner or admin can ${action}. You are signed in as ${session.user.name} (${session.user.role}); switch profile or ask an admin.`);
    }
    return session;
  }

  return {
    current,
    /** Throws `forbidden` unless the current profile is an owner or admin. */
    requireManager: (action: string) => requireRole(MANAGER_ROLES, action),
    requireOwner: (action: string) => requireRole(['owner'], action),
    canManage: () => MANAGER_ROLES.includes(current().user.role),
    switchUser(userId: string): User {
      const { org } = current();
      const user = store.users.get(userId);
      if (!user || user.orgId !== org.id) throw new AppError('not_found', 'That profile does not exist in this organization.', { field: 'userId' });
      store.meta.set(CURRENT_USER_KEY, user.id);
      return user;
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
