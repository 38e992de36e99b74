import { MANAGER_ROLES, type Organization, type Role, type User } from '../../../shared/domain/org';
import { AppError } from '../errors';
import type { TeamState } from '../storage';
import type { ServiceDeps } from './context';

const CURRENT_USER_KEY = 'currentUserId';

/**
 * Who is using the app. In solo mode (no hub) that is the one person at this desktop, the owner:
 * local profiles are names for usage, not permissions. In team mode it is the hub login, with
 * the role the hub gave at the last sync; the hub enforces it, this only mirrors it for the UI.
 */
export interface Session {
  org: Organization;
  user: User;
  /** `current()` always sets it; a session built elsewhere (a batch job's) counts as solo's. */
  mode?: 'solo' | 'team';
}

/** The current organization and person, and the one place roles are checked. */
export function createSessionService(deps: ServiceDeps) {
  const { store } = deps;

  /** The team connection when it covers the organization this process works on. */
  function teamFor(orgId: string): TeamState | null {
    return store.forOrg(orgId).team.connection();
  }

  function current(): Session {
    const first = store.orgs.ensureFirstRun();
    const teamOrg = deps.orgId ? null : store.team.state()?.orgId;
    const orgId = deps.orgId ?? teamOrg;
    const org = orgId ? store.orgs.get(orgId) : (store.orgs.getDefault() ?? first.org);
    if (!org)
      throw new AppError('not_found', `There is no organization "${deps.orgId}". Run "outreach-desk settings get" without --org to see yours.`, {
        field: 'org',
      });
    const team = teamFor(org.id);
    const users = store.forOrg(org.id).users;
    if (team) {
      const mirrored = users.get(team.memberId);
      const user: User = { id: team.memberId, orgId: org.id, name: team.email, createdAt: mirrored?.createdAt ?? team.connectedAt, role: team.role };
      return { org, user, mode: 'team' };
    }
    // The remembered profile counts only in its own organization (`--org` may pin another one).
    const remembered = store.meta.get(CURRENT_USER_KEY);
    const profile = remembered ? users.get(remembered) : null;
    const user = profile ?? users.list().find((u) => u.role === 'owner') ?? users.list()[0];
    if (!user) throw new AppError('not_found', 'This organization has no users. Create one in Settings → Users.');
    // Solo: whoever sits at this desktop owns it. A profile is a name on usage rows, not a role.
    return { org, user: { ...user, role: 'owner' }, mode: 'solo' };
  }

  function requireRole(roles: readonly Role[], action: string): Session {
    const session = current();
    if (!roles.includes(session.user.role)) {
      const allowed = roles.length === 1 ? `an ${roles[0]}` : 'an owner or admin';
      throw new AppError(
        'forbidden',
        `Only ${allowed} can ${action}. You are signed in to the team hub as ${session.user.name} (${session.user.role}); ask an owner or admin.`,
      );
    }
    return session;
  }

  return {
    current,
    /** The team connection of the current organization, or null in solo mode. */
    team: () => teamFor(current().org.id),
    /** Throws `forbidden` unless the current person is an owner or admin (always true in solo mode). */
    requireManager: (action: string) => requireRole(MANAGER_ROLES, action),
    requireOwner: (action: string) => requireRole(['owner'], action),
    canManage: () => MANAGER_ROLES.includes(current().user.role),
    /** Solo mode only: picks whose name goes on usage rows. It grants nothing. */
    switchUser(userId: string): User {
      const { org, mode, user: me } = current();
      if (mode === 'team') {
        throw new AppError(
          'forbidden',
          `This desktop is signed in to the team hub as ${me.name}; who you are comes from your hub login. To switch, disconnect in Settings → Team.`,
        );
      }
      const user = store.forOrg(org.id).users.get(userId);
      if (!user) throw new AppError('not_found', 'That profile does not exist in this organization.', { field: 'userId' });
      store.meta.set(CURRENT_USER_KEY, user.id);
      return { ...user, role: 'owner' };
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
