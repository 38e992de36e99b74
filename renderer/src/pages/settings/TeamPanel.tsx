import { useState } from 'react';
import type { LLMProviderName } from '../../../../shared/domain';
import type { TeamConflictView, TeamMember, TeamStatus } from '../../../../shared/ipc/team';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Badge, CardLoadState, Field } from '../../components/States';
import { ApiError, call } from '../../lib/api';
import { useApp } from '../../lib/app-context';
import { formatDateTime } from '../../lib/format';
import { PROVIDER_LABELS, ROLE_LABELS } from '../../lib/labels';
import { useAction } from '../../lib/use-action';
import { useLoad } from '../../lib/use-load';

const URL_HINT =
  'postgres://LOGIN@HOST:5432/DATABASE: no password in the URL. A hub off this machine is reached over TLS with its certificate checked (sslmode=verify-full).';

/** What the hub shares and what never leaves this desktop; the README says the same. */
function WhatIsShared() {
  return (
    <section className="card card-pad stack-tight" aria-labelledby="team-shared-title">
      <h2 id="team-shared-title" className="section-title">
        What the hub shares
      </h2>
      <p>
        <strong>Shared:</strong> the organization’s LLM settings and budget, business profiles, templates, the members and their roles, every member’s usage for
        billing, and the organization’s API keys, sealed to each member’s own key (the hub stores only ciphertexts).
      </p>
      <p>
        <strong>Stays on this desktop:</strong> leads, drafted sequences, replies and batch jobs. They are personal and never reach the hub.
      </p>
    </section>
  );
}

/** Solo mode: join a team's hub, or set one up on your own PostgreSQL (15 or newer, or a managed one). */
function ConnectForms() {
  const app = useApp();
  const [mode, setMode] = useState<'connect' | 'init'>('connect');
  const [url, setUrl] = useState('');
  const [password, setPassword] = useState('');
  const [email, setEmail] = useState('');
  const actions = useAction<'connect'>();

  const submit = () =>
    actions.run(
      'connect',
      async () => {
        const status =
          mode === 'connect' ? await call('team:connect', { url, password }) : await call('team:init', { url, password, email: email.trim() || undefined });
        setPassword('');
        await app.refreshTeam();
        return status;
      },
      (status) =>
        status.error
          ? `Connected; the first sync failed: ${status.error.message}`
          : `Connected as ${status.email}${status.role ? ` (${ROLE_LABELS[status.role]})` : ''}`,
    );

  return (
    <section className="card" aria-labelledby="team-connect-title">
      <div className="card-head">
        <h2 id="team-connect-title">Team hub</h2>
        <Badge tone="neutral">Solo</Badge>
      </div>
      <div className="card-section stack-tight">
        <p>
          This desktop is the whole organization, and you are its owner: there are no roles to switch. To work as a team, connect to a hub: a PostgreSQL
          database your organization runs (version 15 or newer, on your own server or a managed one). Who you are then comes from your hub login, and the hub
          enforces your role.
        </p>
        <fieldset className="segmented" aria-label="How to connect">
          <button type="button" aria-pressed={mode === 'connect'} onClick={() => setMode('connect')}>
            Join my team’s hub
          </button>
          <button type="button" aria-pressed={mode === 'init'} onClick={() => setMode('init')}>
            Set up a new hub
          </button>
        </fieldset>
        <p className="muted">
          {mode === 'connect'
            ? 'Use the login and one-time password an admin gave you. This desktop’s settings, profiles and templates are replaced by the organization’s.'
            : 'This desktop’s organization becomes the hub’s, and you its owner. The login needs the CREATEROLE attribute to invite members (the admin login of a managed Postgres has it).'}
        </p>
      </div>
      <form
        className="card-section stack-tight"
        aria-label={mode === 'connect' ? 'Join a team hub' : 'Set up a team hub'}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field label="Hub URL" htmlFor="team-url" hint={URL_HINT}>
          <input
            id="team-url"
            value={url}
            autoComplete="off"
            spellCheck={false}
            placeholder="postgres://login@db.example.com:5432/outreach"
            onChange={(e) => setUrl(e.target.value)}
          />
        </Field>
        <div className="grid-2">
          <Field label="Password" htmlFor="team-password" hint="Kept in this desktop’s OS keychain, never in a file or a log.">
            <input id="team-password" type="password" value={password} autoComplete="off" onChange={(e) => setPassword(e.target.value)} />
          </Field>
          {mode === 'init' && (
            <Field label="Your email (optional)" htmlFor="team-email" hint="How members see you; the login name otherwise.">
              <input id="team-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
            </Field>
          )}
        </div>
        {actions.error && <ErrorMessage error={actions.error} />}
        <div>
          <button type="submit" className="btn btn-primary" disabled={actions.busy !== null || !url.trim() || !password}>
            {actions.busy ? 'Connecting…' : mode === 'connect' ? 'Connect' : 'Set up the hub'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Connected: who is signed in, the last sync, what waits, the last error; sync now and disconnect. */
function StatusCard({ team }: { team: TeamStatus }) {
  const app = useApp();
  const actions = useAction<'sync' | 'disconnect'>();
  const { busy, error } = actions;
  // Changes still waiting for the hub: the core refuses, and the user may drop them.
  const confirmForce = actions.failed === 'disconnect' && error?.code === 'conflict';

  // The status is read again whatever happened: a failed sync changes it too.
  const sync = async () => {
    await actions.run('sync', () => call('team:sync', undefined), 'Synced with the hub');
    await app.refreshTeam();
  };
  const disconnect = async (force: boolean) => {
    await actions.run('disconnect', () => call('team:disconnect', { force }), 'Disconnected: this desktop is solo again');
    await app.refreshTeam();
  };

  return (
    <section className="card" aria-labelledby="team-status-title">
      <div className="card-head">
        <h2 id="team-status-title">Team hub</h2>
        <div className="row">
          <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void sync()}>
            {busy === 'sync' ? 'Syncing…' : 'Sync now'}
          </button>
          <button type="button" className="btn btn-small btn-danger-ghost" disabled={busy !== null} onClick={() => void disconnect(false)}>
            Disconnect
          </button>
        </div>
      </div>
      <div className="card-section">
        <dl className="kv">
          <dt>Signed in as</dt>
          <dd>
            <strong>{team.email}</strong> <span className="muted">({team.login})</span> {team.role && <Badge tone="info">{ROLE_LABELS[team.role]}</Badge>}
          </dd>
          <dt>Hub</dt>
          <dd>{team.hub}</dd>
          <dt>Last sync</dt>
          <dd>{team.lastSyncAt ? formatDateTime(team.lastSyncAt) : 'not yet'}</dd>
          <dt>Waiting to push</dt>
          <dd>
            {team.pending === 0 ? 'nothing' : `${team.pending} change${team.pending === 1 ? '' : 's'}`}
            {team.pending > 0 && <span className="muted"> (they go with the next sync; work goes on offline)</span>}
          </dd>
          <dt>Role</dt>
          <dd className="muted">
            {app.canManage
              ? 'You can change settings, profiles and templates, and manage members and keys. The hub checks every change.'
              : 'You can draft and classify with the organization’s settings and keys; only owners and admins change them. The hub refuses anything else.'}
          </dd>
        </dl>
      </div>
      {team.error && (
        <div className="card-section">
          <ErrorMessage error={new ApiError(team.error)} compact />
        </div>
      )}
      {error && (!team.error || error.message !== team.error.message) && (
        <div className="card-section stack-tight">
          <ErrorMessage error={error} />
          {confirmForce && (
            <div>
              <button type="button" className="btn btn-small btn-danger" disabled={busy !== null} onClick={() => void disconnect(true)}>
                Disconnect anyway and drop them
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function summarize(value: Record<string, unknown> | null): string {
  return value === null ? '(deleted on the hub)' : JSON.stringify(value, null, 2);
}

/** Edits the hub refused because someone else changed the row first: both values, and the admin's choice. */
function ConflictsCard({ conflicts }: { conflicts: TeamConflictView[] }) {
  const app = useApp();
  // One conflict at a time, named by its row.
  const actions = useAction<`${TeamConflictView['kind']}/${string}`>();
  const { busy, error } = actions;
  const resolve = (c: TeamConflictView, keep: 'hub' | 'mine') =>
    actions.run(
      `${c.kind}/${c.id}`,
      async () => {
        await call('team:resolve-conflict', { kind: c.kind, id: c.id, keep });
        await app.refreshTeam();
      },
      keep === 'hub' ? 'Kept the hub’s value' : 'Sent your value to the hub',
    );
  return (
    <section className="card" aria-labelledby="team-conflicts-title">
      <div className="card-head">
        <h2 id="team-conflicts-title">Conflicts</h2>
        <Badge tone="warn">{conflicts.length}</Badge>
      </div>
      {error && (
        <div className="card-section">
          <ErrorMessage error={error} />
        </div>
      )}
      {conflicts.map((c) => (
        <div key={`${c.kind}/${c.id}`} className="card-section stack-tight" data-testid="team-conflict">
          <p>
            <strong>{c.label}</strong>: someone changed it on the hub before your edit arrived, so yours was not applied. This desktop shows the hub’s value
            now.
          </p>
          <div className="compare">
            <div>
              <span className="field-label">On the hub</span>
              <pre>{summarize(c.theirs)}</pre>
            </div>
            <div>
              <span className="field-label">Yours</span>
              <pre>{summarize(c.mine)}</pre>
            </div>
          </div>
          <div className="row">
            <button type="button" className="btn btn-small" onClick={() => void resolve(c, 'hub')} disabled={busy !== null}>
              Keep the hub’s
            </button>
            <button
              type="button"
              className="btn btn-small btn-primary"
              onClick={() => void resolve(c, 'mine')}
              disabled={busy !== null || !app.canManage || c.mine === null}
            >
              Apply mine on top
            </button>
          </div>
        </div>
      ))}
    </section>
  );
}

/** Members: everyone reads the list; owners and admins invite, change roles and remove. */
function MembersCard() {
  const app = useApp();
  const members = useLoad(() => call('team:members', undefined), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'admin' | 'member'>('member');
  const [invite, setInvite] = useState<{ email: string; login: string; password: string; url: string } | null>(null);
  const actions = useAction<'invite' | 'role' | 'remove'>();
  const { busy, error } = actions;
  const canManage = app.canManage;

  // The select stays enabled, so a keyboard user changing it keeps focus; a change while another runs is dropped.
  const setMemberRole = async (m: TeamMember, next: 'admin' | 'member') => {
    if (busy) return;
    await actions.run(
      'role',
      async () => {
        await call('team:set-role', { memberId: m.id, role: next });
        await Promise.all([members.reload(), app.refreshTeam()]);
      },
      `${m.email} is now ${ROLE_LABELS[next]}`,
    );
  };

  const sendInvite = () =>
    actions.run('invite', async () => {
      const created = await call('team:invite', { email: email.trim(), role });
      setInvite(created);
      setEmail('');
      await members.reload();
    });

  const remove = (m: TeamMember) =>
    actions.run(
      'remove',
      async () => {
        const result = await call('team:remove', { memberId: m.id });
        await Promise.all([members.reload(), app.refreshTeam()]);
        return result;
      },
      (result) => result.message,
    );

  return (
    <section className="card" aria-labelledby="team-members-title">
      <div className="card-head">
        <h2 id="team-members-title">Members</h2>
        {members.data && !members.data.live && <Badge tone="warn">As of the last sync</Badge>}
      </div>
      {error && (
        <div className="card-section">
          <ErrorMessage error={error} />
        </div>
      )}
      {invite && (
        <div className="card-section stack-tight" role="status">
          <p>
            <strong>{invite.email}</strong> is invited. Hand over the login and password once, privately: they are shown only now and stored nowhere.
          </p>
          <div className="secret-box" data-testid="invite-secret">
            <span>Login: {invite.login}</span>
            <span>Password: {invite.password}</span>
            <span className="muted">Hub URL: {invite.url}</span>
          </div>
          <div>
            <button type="button" className="btn btn-small" onClick={() => setInvite(null)}>
              Done, hide it
            </button>
          </div>
        </div>
      )}
      <CardLoadState state={members} />
      {members.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Desktop connected</th>
                <th scope="col">Shared keys</th>
                {canManage && (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {members.data.members.map((m) => (
                <tr key={m.id}>
                  <td>
                    {m.email} {m.id === app.user.id && <Badge tone="info">You</Badge>}
                    {m.login && <div className="muted">{m.login}</div>}
                  </td>
                  <td>
                    {canManage && m.role !== 'owner' && m.id !== app.user.id ? (
                      <>
                        <label className="sr-only" htmlFor={`team-role-${m.id}`}>
                          Role of {m.email}
                        </label>
                        <select id={`team-role-${m.id}`} value={m.role} onChange={(e) => void setMemberRole(m, e.target.value as 'admin' | 'member')}>
                          <option value="admin">{ROLE_LABELS.admin}</option>
                          <option value="member">{ROLE_LABELS.member}</option>
                        </select>
                      </>
                    ) : (
                      ROLE_LABELS[m.role]
                    )}
                  </td>
                  <td>{m.hasPublicKey === null ? '—' : m.hasPublicKey ? 'Yes' : <span className="muted">Not yet</span>}</td>
                  <td>
                    {/* The hub shows a member only their own copies; owners and admins see everyone's. */}
                    {!canManage && m.id !== app.user.id ? (
                      <span className="muted">—</span>
                    ) : m.sharedProviders.length ? (
                      m.sharedProviders.map((p) => PROVIDER_LABELS[p]).join(', ')
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                  {canManage && (
                    <td className="num">
                      {m.role !== 'owner' && m.id !== app.user.id && (
                        <button type="button" className="btn btn-small btn-danger-ghost" disabled={busy !== null} onClick={() => void remove(m)}>
                          Remove
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canManage && (
        <form
          className="card-section row"
          aria-label="Invite a member"
          onSubmit={(e) => {
            e.preventDefault();
            void sendInvite();
          }}
        >
          <label className="sr-only" htmlFor="team-invite-email">
            Email of the person to invite
          </label>
          <input
            id="team-invite-email"
            className="grow"
            type="email"
            placeholder="Invite by email, e.g. sam@example.com"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <label className="sr-only" htmlFor="team-invite-role">
            Their role
          </label>
          <select id="team-invite-role" value={role} onChange={(e) => setRole(e.target.value as 'admin' | 'member')}>
            <option value="member">{ROLE_LABELS.member}</option>
            <option value="admin">{ROLE_LABELS.admin}</option>
          </select>
          <button type="submit" className="btn btn-small btn-primary" disabled={busy !== null || !email.includes('@')}>
            {busy === 'invite' ? 'Inviting…' : 'Invite'}
          </button>
        </form>
      )}
    </section>
  );
}

/** Owners and admins: seal a provider key from this desktop to every member's public key. */
function ShareKeysCard() {
  const llm = useLoad(() => call('settings:get-llm', undefined), []);
  // Named by the provider whose key is being shared, so its own button says so.
  const actions = useAction<LLMProviderName>();
  const { busy, error } = actions;
  const share = (provider: LLMProviderName) =>
    actions.run(
      provider,
      async () => {
        const result = await call('team:share-key', { provider });
        await llm.reload();
        return result;
      },
      (result) =>
        `Shared the ${PROVIDER_LABELS[provider]} key with ${result.sharedWith.length} member${result.sharedWith.length === 1 ? '' : 's'}` +
        (result.waiting.length ? `; ${result.waiting.length} get it once their desktop connects` : ''),
    );
  const shareable = llm.data?.keys.filter((k) => k.source === 'keychain' || k.source === 'session' || k.source === 'organization') ?? [];
  return (
    <section className="card" aria-labelledby="team-keys-title">
      <div className="card-head">
        <h2 id="team-keys-title">The organization’s API keys</h2>
      </div>
      <div className="card-section stack-tight">
        <p className="muted">
          Sharing seals the key to each member’s own public key (libsodium sealed boxes); the hub stores only the ciphertexts, and each desktop opens its copy
          into its OS keychain. A shared key comes first, then a key set on a desktop, then the environment. Removing a member deletes their copies; rotate the
          key at the vendor then, since they may have kept one.
        </p>
        {error && <ErrorMessage error={error} />}
      </div>
      <CardLoadState state={llm} />
      {llm.data && (
        <div className="card-section">
          {shareable.length === 0 ? (
            <p className="muted">No key on this desktop to share yet: set one in Settings → Providers first.</p>
          ) : (
            <ul className="stack-tight" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {shareable.map((k) => (
                <li key={k.provider} className="row">
                  <span className="grow">
                    <strong>{PROVIDER_LABELS[k.provider]}</strong> <span className="muted">ends in …{k.last4}</span>{' '}
                    {k.source === 'organization' && <Badge tone="good">Shared</Badge>}
                  </span>
                  <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void share(k.provider)}>
                    {busy === k.provider ? 'Sharing…' : k.source === 'organization' ? 'Share again' : 'Share with members'}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

/** Settings → Team: connect, status, and for owners and admins members, invites, roles and shared keys. */
export function TeamPanel() {
  const app = useApp();
  if (!app.team) return null;
  if (app.team.mode === 'solo') {
    return (
      <div className="stack">
        <ConnectForms />
        <WhatIsShared />
      </div>
    );
  }
  return (
    <div className="stack">
      <StatusCard team={app.team} />
      {app.team.conflicts.length > 0 && <ConflictsCard conflicts={app.team.conflicts} />}
      <MembersCard />
      {app.canManage && <ShareKeysCard />}
      <WhatIsShared />
    </div>
  );
}
