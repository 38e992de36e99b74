import { randomUUID } from 'node:crypto';
import { LLM_PROVIDER_NAMES, llmProviderNameSchema, type LLMProviderName } from '../../../shared/domain/llm';
import type { Role } from '../../../shared/domain/org';
import type { AssignableRole, TeamConflictView, TeamMember, TeamStatus } from '../../../shared/ipc/team';
import { AppError } from '../errors';
import { registerSecret } from '../log';
import { sharedKeyAccount, teamSecretAccount } from '../secrets';
import type { ServiceDeps } from '../services/context';
import type { KeyService } from '../services/keys';
import type { SessionService } from '../services/session';
import type { TeamConflict, TeamState } from '../storage';
import {
  assertHubSchemaKnown,
  createHubOrganization,
  HUB_SCHEMA_VERSION,
  inviteHubMember,
  listHubMemberKeys,
  listHubMembers,
  listHubKeyShares,
  migrateHub,
  publishMyPublicKey,
  readHubSchemaVersion,
  readMyMembership,
  readServerVersion,
  removeHubMember,
  setHubMemberRole,
  upsertHubKeyShares,
} from '../storage/hub';
import { createScramVerifier, generatePassword, loginForEmail } from './credentials';
import { openHubSession, type HubSession } from './hub-client';
import { parseHubUrl, type HubUrl } from './hub-url';
import { createBoxKeyPair, openSealed, publicKeyOf, sealTo } from './sealed-box';
import { startAutoSync } from './auto-sync';
import { pullChanges, pushOutbox, type PushOptions } from './sync';
import { createTeamUsage } from './team-usage';

const MIN_SERVER_VERSION = 150000;

export interface TeamServiceOptions {
  /** Test and bench hook: see `PushOptions.onUsageBatch`. */
  push?: PushOptions;
}

/**
 * Team mode: connecting this desktop to an organization's PostgreSQL hub, syncing it, members,
 * and the organization's keys, end to end. Every hub call runs through `exclusive`, one at a time
 * on one connection, which is reopened when it breaks.
 */
export function createTeamService(deps: ServiceDeps, session: SessionService, keys: KeyService, options: TeamServiceOptions = {}) {
  const { store, logger } = deps;
  let hub: HubSession | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let syncing = false;
  let stopAuto: (() => void) | null = null;

  /** Runs hub work one call at a time. */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  function requireKeychain(): void {
    if (!deps.keychainAvailable) {
      throw new AppError(
        'keychain_unavailable',
        "Team mode keeps the hub password and this desktop's private key in the OS keychain, and none is available. Install and start gnome-keyring (or KWallet), then try again.",
      );
    }
  }

  function requireTeam(): TeamState {
    const team = session.team();
    if (!team)
      throw new AppError(
        'validation',
        'This desktop is not connected to a team hub. Connect in Settings → Team, or run "outreach-desk team connect --url postgres://LOGIN@HOST:5432/DB".',
      );
    return team;
  }

  async function closeHub(): Promise<void> {
    const open = hub;
    hub = null;
    await open?.close();
  }

  /** The open hub connection, opened (or reopened) with the password from the keychain. */
  async function connection(team: TeamState): Promise<HubSession> {
    if (hub && !hub.broken && hub.url.display === team.hubUrl) return hub;
    await closeHub();
    requireKeychain();
    const password = await deps.secrets.get(teamSecretAccount(team.orgId, 'hub-password'));
    if (!password) {
      throw new AppError('auth', 'The hub password is not in this desktop\'s keychain any more. Connect again in Settings → Team (or "team connect").');
    }
    hub = await openHubSession(parseHubUrl(team.hubUrl), password, { logger });
    return hub;
  }

  /** This desktop's X25519 key pair for the organization: made once, the secret half kept in the keychain. */
  async function boxKeys(orgId: string): Promise<{ publicKey: string; secretKey: string }> {
    const account = teamSecretAccount(orgId, 'box-key');
    const stored = await deps.secrets.get(account);
    if (stored) return { secretKey: stored, publicKey: await publicKeyOf(stored) };
    const pair = await createBoxKeyPair();
    await deps.secrets.set(account, pair.secretKey);
    return pair;
  }

  /** Keeps opened key copies in the keychain, and forgets the ones taken away. */
  async function storeShares(team: TeamState, shares: Array<{ provider: string; sealed: string | null }>): Promise<void> {
    if (shares.length === 0) return;
    const pair = await boxKeys(team.orgId);
    for (const share of shares) {
      const provider = llmProviderNameSchema.safeParse(share.provider);
      if (!provider.success) continue;
      const account = sharedKeyAccount(team.orgId, provider.data);
      if (share.sealed === null) {
        await deps.secrets.delete(account);
        continue;
      }
      const key = await openSealed(share.sealed, pair);
      registerSecret(key);
      await deps.secrets.set(account, key);
    }
  }

  /** Removes every shared key copy from this desktop (removed from the organization, or disconnecting). */
  async function forgetShares(orgId: string): Promise<void> {
    if (!deps.keychainAvailable) return;
    for (const provider of LLM_PROVIDER_NAMES) await deps.secrets.delete(sharedKeyAccount(orgId, provider));
  }

  function conflictLabel(c: TeamConflict): string {
    const value = (c.theirs ?? c.mine ?? {}) as Record<string, unknown>;
    if (c.kind === 'org') return `Organization settings (${String(value.name ?? '')})`;
    if (c.kind === 'profile') return `Business profile ${String((value.context as { companyName?: string } | undefined)?.companyName ?? c.id)}`;
    return `Template ${String(value.name ?? c.id)}`;
  }

  function status(): TeamStatus {
    const { org } = session.current();
    const team = session.team();
    if (!team) {
      return {
        mode: 'solo',
        hub: null,
        login: null,
        email: null,
        role: null,
        orgName: org.name,
        lastSyncAt: null,
        pending: 0,
        error: null,
        syncing: false,
        conflicts: [],
      };
    }
    const conflicts: TeamConflictView[] = store.team.conflicts().map((c) => ({ ...c, label: conflictLabel(c) }));
    return {
      mode: 'team',
      hub: team.hubUrl,
      login: team.login,
      email: team.email,
      role: team.role,
      orgName: org.name,
      lastSyncAt: team.lastSyncAt,
      pending: store.team.pendingCount(),
      error: team.lastError,
      syncing,
      conflicts,
    };
  }

  function announce(): void {
    try {
      deps.broadcast('team:status', status());
    } catch (error) {
      logger.warn('team status broadcast failed', { error });
    }
  }

  /** Seals the organization's shared keys to members who have a public key but no copy yet (owners and admins, after members changed). */
  async function shareWithNewcomers(h: HubSession, team: TeamState): Promise<void> {
    const held: Array<{ provider: LLMProviderName; key: string }> = [];
    for (const provider of LLM_PROVIDER_NAMES) {
      const key = await deps.secrets.get(sharedKeyAccount(team.orgId, provider));
      if (key) held.push({ provider, key });
    }
    if (held.length === 0) return;
    const members = await listHubMemberKeys(h, team.hubOrgId);
    const existing = new Set((await listHubKeyShares(h, team.hubOrgId)).map((s) => `${s.provider}/${s.memberId}`));
    for (const { provider, key } of held) {
      const missing = members.flatMap(({ memberId, publicKey }) => (publicKey && !existing.has(`${provider}/${memberId}`) ? [{ memberId, publicKey }] : []));
      if (missing.length === 0) continue;
      const shares = await Promise.all(missing.map(async (m) => ({ memberId: m.memberId, sealed: await sealTo(m.publicKey, key) })));
      await upsertHubKeyShares(h, team.hubOrgId, provider, team.memberId, shares);
      logger.info('shared an organization key with new members', { provider, members: shares.length });
    }
  }

  /** One sync: push, then pull. Records the outcome in the status either way. */
  async function syncNow(): Promise<TeamStatus> {
    return exclusive(async () => {
      const team = requireTeam();
      syncing = true;
      let refused: AppError | null = null;
      try {
        const h = await connection(team);
        const pushed = await pushOutbox(h, store, team, logger, options.push);
        refused = pushed.refused;
        const month = deps.now().toISOString().slice(0, 7);
        const pulled = await pullChanges(h, store, requireTeam(), month, (shares) => storeShares(team, shares), logger);
        const now = requireTeam();
        if (pulled.membersChanged && (now.role === 'owner' || now.role === 'admin')) await shareWithNewcomers(h, now);
        store.team.recordSync({ lastSyncAt: deps.now().toISOString(), lastError: refused ? refused.toData() : null });
      } catch (error) {
        const appError =
          error instanceof AppError
            ? error
            : new AppError('internal', 'Team sync failed inside Outreach Desk. The details are in the log; please report it.', { cause: error });
        if (!(error instanceof AppError)) logger.error('team sync failed', { error });
        if (appError.code === 'auth') {
          // Removed, or the password changed: the organization's keys leave this desktop; a later
          // successful connection pulls everything again.
          await forgetShares(team.orgId).catch(() => undefined);
          store.team.recordSync({ resetCursor: true });
          await closeHub();
        }
        store.team.recordSync({ lastError: appError.toData() });
        throw appError;
      } finally {
        syncing = false;
        announce();
      }
      if (refused) throw refused;
      return status();
    });
  }

  /** Opens a first connection for init or connect: checks the URL, the server and the hub schema. */
  async function openFirst(input: { url: string; password: string }): Promise<{ url: HubUrl; session: HubSession }> {
    if (store.team.state())
      throw new AppError('conflict', 'This desktop is already connected to a team hub. Disconnect first (Settings → Team, or "team disconnect").');
    requireKeychain();
    const url = parseHubUrl(input.url);
    if (!input.password) throw new AppError('validation', 'The hub password is empty.', { field: 'password' });
    const h = await openHubSession(url, input.password, { logger });
    try {
      const server = await readServerVersion(h);
      if (server < MIN_SERVER_VERSION) {
        throw new AppError('validation', `The hub runs PostgreSQL ${Math.floor(server / 10000)}; Outreach Desk needs PostgreSQL 15 or newer.`, {
          field: 'url',
        });
      }
      return { url, session: h };
    } catch (error) {
      await h.close();
      throw error;
    }
  }

  /** After init or connect: the session becomes the cached one and the first sync runs (its failure is in the status). */
  async function finishConnect(h: HubSession): Promise<TeamStatus> {
    await closeHub();
    hub = h;
    try {
      return await syncNow();
    } catch (error) {
      logger.warn('first team sync failed', { code: error instanceof AppError ? error.code : 'internal' });
      return status();
    }
  }

  async function withHub<T>(fn: (h: HubSession, team: TeamState) => Promise<T>): Promise<T> {
    return exclusive(async () => {
      const team = requireTeam();
      return fn(await connection(team), team);
    });
  }

  function toMember(m: {
    id: string;
    email: string;
    role: Role;
    login?: string | null;
    publicKey?: string | null;
    sharedProviders?: string[];
    createdAt?: string;
  }): TeamMember {
    return {
      id: m.id,
      email: m.email,
      login: m.login ?? null,
      role: m.role,
      hasPublicKey: m.publicKey === undefined ? null : m.publicKey !== null,
      sharedProviders: (m.sharedProviders ?? []).filter((p): p is LLMProviderName => llmProviderNameSchema.safeParse(p).success),
      createdAt: m.createdAt ?? '',
    };
  }

  async function findMember(h: HubSession, team: TeamState, memberId: string) {
    const member = (await listHubMembers(h, team.hubOrgId)).find((m) => m.id === memberId);
    if (!member) throw new AppError('not_found', 'There is no such member in this organization. Run "team members" to see who is.', { field: 'memberId' });
    return member;
  }

  return {
    status,

    /** Puts this desktop's organization on a hub, creating or updating the hub's schema; you become its owner. */
    async init(input: { url: string; password: string; email?: string }): Promise<TeamStatus> {
      const { org, user } = session.requireOwner('set up a team hub');
      const { url, session: h } = await openFirst(input);
      try {
        await migrateHub(h);
        const email = (input.email ?? url.login).toLowerCase();
        const memberId = await createHubOrganization(h, {
          id: org.id,
          name: org.name,
          provider: org.provider,
          settings: org.settings,
          memberId: randomUUID(),
          email,
        });
        const pair = await boxKeys(org.id);
        await publishMyPublicKey(h, org.id, pair.publicKey);
        await deps.secrets.set(teamSecretAccount(org.id, 'hub-password'), input.password);
        store.transaction(() => {
          store.team.connect({ orgId: org.id, hubOrgId: org.id, hubUrl: url.display, login: url.login, memberId, email, role: 'owner' });
          store.forOrg(org.id).team.enqueueContents();
        });
        logger.info('team hub set up', { hub: url.display, profile: user.id });
      } catch (error) {
        await h.close();
        throw error;
      }
      return finishConnect(h);
    },

    /** Joins the organization this login belongs to and pulls it into this desktop. */
    async connect(input: { url: string; password: string }): Promise<TeamStatus> {
      const { org } = session.current();
      const { url, session: h } = await openFirst(input);
      try {
        const schema = await readHubSchemaVersion(h);
        if (schema === 0)
          throw new AppError('not_found', 'There is no team hub in this database yet: the owner sets it up first ("team init").', { field: 'url' });
        assertHubSchemaKnown(schema);
        if (schema < HUB_SCHEMA_VERSION) {
          throw new AppError(
            'conflict',
            `The hub's schema (version ${schema}) is older than this version of Outreach Desk needs (${HUB_SCHEMA_VERSION}). The owner updates it by running "team init" with this version.`,
          );
        }
        const membership = await readMyMembership(h);
        if (!membership)
          throw new AppError('forbidden', `The login "${url.login}" is not a member of any organization on this hub. Ask an admin to invite you.`);
        const pair = await boxKeys(org.id);
        await publishMyPublicKey(h, membership.orgId, pair.publicKey);
        await deps.secrets.set(teamSecretAccount(org.id, 'hub-password'), input.password);
        store.team.connect({
          orgId: org.id,
          hubOrgId: membership.orgId,
          hubUrl: url.display,
          login: url.login,
          memberId: membership.memberId,
          email: membership.email,
          role: membership.role,
        });
        logger.info('connected to a team hub', { hub: url.display, role: membership.role });
      } catch (error) {
        await h.close();
        throw error;
      }
      return finishConnect(h);
    },

    sync: syncNow,

    /** Back to solo mode. The hub keeps everything; this desktop forgets the password, its key pair and the shared keys. */
    async disconnect(input: { force: boolean }): Promise<TeamStatus> {
      return exclusive(async () => {
        const team = requireTeam();
        const pending = store.team.pendingCount();
        if (pending > 0 && !input.force) {
          throw new AppError(
            'conflict',
            `${pending} change${pending === 1 ? ' has' : 's have'} not reached the hub yet. Sync first, or disconnect with --force (Disconnect anyway) to drop them.`,
          );
        }
        await closeHub();
        await forgetShares(team.orgId);
        if (deps.keychainAvailable) {
          await deps.secrets.delete(teamSecretAccount(team.orgId, 'hub-password'));
          await deps.secrets.delete(teamSecretAccount(team.orgId, 'box-key'));
        }
        store.team.disconnect();
        logger.info('disconnected from the team hub', { hub: team.hubUrl });
        announce();
        return status();
      });
    },

    /** The members, live from the hub (with public keys and key copies) or, offline, as of the last sync. */
    async members(): Promise<{ members: TeamMember[]; live: boolean }> {
      requireTeam();
      try {
        return await withHub(async (h, team) => ({ members: (await listHubMembers(h, team.hubOrgId)).map(toMember), live: true }));
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'offline') throw error;
        return { members: store.team.members().map((m) => toMember(m)), live: false };
      }
    },

    /** Creates a login with a one-time password. The hub gets a SCRAM verifier; the password is returned once and kept nowhere. */
    async invite(input: { email: string; role: AssignableRole }) {
      session.requireManager('invite members');
      const result = await withHub(async (h, team) => {
        const login = loginForEmail(input.email);
        const password = generatePassword();
        registerSecret(password);
        await inviteHubMember(h, {
          orgId: team.hubOrgId,
          memberId: randomUUID(),
          email: input.email,
          role: input.role,
          login,
          verifier: createScramVerifier(password),
        });
        const url = parseHubUrl(team.hubUrl);
        const display = new URL(url.display);
        display.username = encodeURIComponent(login);
        return { email: input.email.toLowerCase(), role: input.role, login, password, url: display.toString() };
      });
      await syncNow().catch(() => undefined);
      return result;
    },

    async setRole(input: { memberId: string; role: AssignableRole }): Promise<TeamMember> {
      session.requireManager('change roles');
      const member = await withHub(async (h, team) => {
        await setHubMemberRole(h, team.hubOrgId, input.memberId, input.role);
        return findMember(h, team, input.memberId);
      });
      await syncNow().catch(() => undefined);
      return toMember(member);
    },

    /** Removes a member, their login and their sealed key copies; says which keys to rotate at the vendor. */
    async remove(input: { memberId: string }) {
      session.requireManager('remove members');
      const { email, rotate } = await withHub(async (h, team) => {
        const member = await findMember(h, team, input.memberId);
        const providers = await removeHubMember(h, team.hubOrgId, input.memberId);
        return { email: member.email, rotate: providers.filter((p): p is LLMProviderName => llmProviderNameSchema.safeParse(p).success) };
      });
      await syncNow().catch(() => undefined);
      const message = rotate.length
        ? `Removed ${email}: their login and their copies of the organization's keys are gone from the hub. They held the ${rotate.join(', ')} key${rotate.length === 1 ? '' : 's'} and may have kept a copy, so rotate ${rotate.length === 1 ? 'it' : 'them'} at the vendor and share the new key.`
        : `Removed ${email}: their login is gone from the hub.`;
      return { email, rotate, message };
    },

    /** Seals the organization's key for a provider to every member's public key. */
    async shareKey(input: { provider: LLMProviderName }) {
      const { org } = session.requireManager("share the organization's keys");
      const key = await keys.shareable(org.id, input.provider);
      if (!key) {
        throw new AppError(
          'no_key',
          `There is no ${input.provider} key on this desktop to share. Set it in Settings → Providers (or "keys set ${input.provider}") first.`,
          {
            provider: input.provider,
          },
        );
      }
      const result = await withHub(async (h, team) => {
        const members = await listHubMemberKeys(h, team.hubOrgId);
        const ready = members.flatMap((m) => (m.publicKey ? [{ ...m, publicKey: m.publicKey }] : []));
        const shares = await Promise.all(ready.map(async (m) => ({ memberId: m.memberId, sealed: await sealTo(m.publicKey, key) })));
        await upsertHubKeyShares(h, team.hubOrgId, input.provider, team.memberId, shares);
        await deps.secrets.set(sharedKeyAccount(team.orgId, input.provider), key);
        return { provider: input.provider, sharedWith: ready.map((m) => m.email), waiting: members.filter((m) => !m.publicKey).map((m) => m.email) };
      });
      logger.info('shared an organization key', { provider: input.provider, members: result.sharedWith.length, waiting: result.waiting.length });
      return result;
    },

    /** Keep the hub's value (drop the conflict), or send mine again on top of the hub's current version. */
    async resolveConflict(input: { kind: TeamConflict['kind']; id: string; keep: 'hub' | 'mine' }): Promise<TeamStatus> {
      session.requireManager('settle conflicts');
      const conflict = store.team.conflicts().find((c) => c.kind === input.kind && c.id === input.id);
      if (!conflict) throw new AppError('not_found', 'That conflict is already settled.');
      if (input.keep === 'mine' && conflict.mine) applyMine(conflict, conflict.mine);
      store.team.removeConflict(input.kind, input.id);
      if (input.keep === 'mine') await syncNow().catch(() => undefined);
      return status();
    },

    /** The organization's usage in team mode (the Usage screen and `usage`). */
    usage: createTeamUsage(store, session, withHub),

    /** Syncs in the background while connected (the desktop app and the browser host; not the one-shot CLI). */
    startAutoSync(timing: { intervalMs?: number; tickMs?: number } = {}): () => void {
      stopAuto?.();
      const stop = startAutoSync(
        { connected: () => store.team.state() !== null, pending: () => store.team.pendingCount(), sync: syncNow },
        { ...timing, logger },
      );
      stopAuto = stop;
      return stop;
    },

    /** Stops background sync and closes the hub connection (the app is quitting). */
    async close(): Promise<void> {
      stopAuto?.();
      stopAuto = null;
      await closeHub();
    },
  };

  /** Writes my side of a conflict back into the working copy; the triggers queue it on the hub's current version. */
  function applyMine(conflict: TeamConflict, mine: NonNullable<TeamConflict['mine']>): void {
    const data = store.forOrg(requireTeam().orgId);
    if (conflict.kind === 'org') {
      data.org.update({ name: mine.name as string, provider: mine.provider as LLMProviderName, settings: mine.settings as never });
    } else if (conflict.kind === 'profile') {
      // Deleted on the hub meanwhile: mine comes back as a new profile.
      const id = data.profiles.get(conflict.id) ? conflict.id : undefined;
      data.profiles.save({ ...(mine.context as object), id } as never);
    } else {
      const id = data.templates.get(conflict.id) ? conflict.id : undefined;
      data.templates.save({ id, name: mine.name as string, steps: mine.steps as never, options: (mine.options ?? null) as never });
    }
  }
}

export type TeamService = ReturnType<typeof createTeamService>;
