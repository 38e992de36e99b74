import type { Organization, Role, User } from '../../../shared/domain/org';
import { AppError } from '../errors';
import type { ServiceDeps } from './context';
import type { SessionService } from './session';

/** Organization details and its users. Owners and admins manage them; only owners make owners. */
export function createUserService(deps: ServiceDeps, session: SessionService) {
  const { store } = deps;

  function ensureOwnerRemains(orgId: string, user: User, nextRole: Role | null): void {
    if (user.role === 'owner' && nextRole !== 'owner' && store.forOrg(orgId).users.countByRole('owner') <= 1) {
      throw new AppError('conflict', 'An organization needs at least one owner: make someone else owner first.');
    }
  }

  /** In team mode members live on the hub: invite, roles and removal are in Settings → Team. */
  function refuseInTeamMode(): void {
    if (session.current().mode === 'team') {
      throw new AppError(
        'validation',
        'This desktop is connected to a team hub: members are invited, changed and removed in Settings → Team (or "team invite").',
      );
    }
  }

  return {
    list: (): User[] => {
      const { org, mode } = session.current();
      const users = store.forOrg(org.id).users;
      if (mode === 'solo') return users.list();
      return store.team
        .members()
        .map((m) => ({ id: m.id, orgId: org.id, name: m.email, role: m.role, createdAt: users.get(m.id)?.createdAt ?? org.createdAt }));
    },

    save(input: { id?: string; name: string; role: Role }): User {
      refuseInTeamMode();
      const { org, user: me } = session.requireManager('manage users');
      const users = store.forOrg(org.id).users;
      const existing = input.id ? users.get(input.id) : null;
      if (input.id && !existing) throw new AppError('not_found', 'That user does not exist.', { field: 'id' });
      const touchesOwner = input.role === 'owner' || existing?.role === 'owner';
      if (touchesOwner && me.role !== 'owner') throw new AppError('forbidden', 'Only an owner can grant or change the owner role.');
      if (existing) ensureOwnerRemains(org.id, existing, input.role);
      return users.save(input);
    },

    delete(id: string): boolean {
      refuseInTeamMode();
      const { org, user: me } = session.requireManager('remove users');
      const users = store.forOrg(org.id).users;
      const target = users.get(id);
      if (!target) return false;
      if (target.id === me.id) throw new AppError('conflict', 'You cannot remove your own profile: switch to another owner or admin first.');
      if (target.role === 'owner' && me.role !== 'owner') throw new AppError('forbidden', 'Only an owner can remove an owner.');
      ensureOwnerRemains(org.id, target, null);
      return users.delete(id);
    },

    updateOrg(patch: { name?: string; monthlyBudgetUsd?: number | null }): Organization {
      const { org } = session.requireManager('change the organization');
      const settings = patch.monthlyBudgetUsd === undefined ? undefined : { ...org.settings, monthlyBudgetUsd: patch.monthlyBudgetUsd };
      return store.forOrg(org.id).org.update({ name: patch.name, settings });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
