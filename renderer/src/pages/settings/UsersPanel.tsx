import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Badge, CardLoadState } from '../../components/States';
import { call } from '../../lib/api';
import { useApp } from '../../lib/app-context';
import { formatDate } from '../../lib/format';
import { ROLE_LABELS } from '../../lib/labels';
import { useAction } from '../../lib/use-action';
import { useLoad } from '../../lib/use-load';

/**
 * Solo: local profiles, names on usage rows for a desktop several people share; not permissions.
 * Team: the organization's members and the roles the hub gave them (managed in Settings → Team).
 */
export function UsersPanel() {
  const app = useApp();
  const users = useLoad(() => call('users:list', undefined), [app.mode]);
  const actions = useAction<'add' | 'remove'>();
  const { busy, error } = actions;
  const [newName, setNewName] = useState('');
  const team = app.mode === 'team';

  const add = (name: string) =>
    actions.run(
      'add',
      async () => {
        await call('users:save', { name, role: 'owner' });
        // Cleared only once it is saved, so a refused name can be corrected.
        setNewName('');
        await Promise.all([users.reload(), app.refreshSession()]);
      },
      `${name} added`,
    );

  const remove = (id: string, name: string) =>
    actions.run(
      'remove',
      async () => {
        await call('users:delete', { id });
        await Promise.all([users.reload(), app.refreshSession()]);
      },
      `${name} removed`,
    );

  return (
    <div className="stack">
      <section className="card card-pad stack-tight" aria-labelledby="current-profile">
        <h2 id="current-profile" className="section-title">
          {team ? 'Signed in' : 'Current profile'}
        </h2>
        <p>
          <strong>{app.user.name}</strong> {team && <Badge tone="info">{ROLE_LABELS[app.user.role]}</Badge>}
        </p>
        <p className="muted">
          {team
            ? 'Who you are comes from your hub login and your role from the hub, which enforces it. Members are invited, changed and removed in Settings → Team.'
            : 'Profiles are names on usage rows, a convenience when several people share this desktop. They are not permissions: on a solo desktop everyone is its owner. For roles that mean something, connect to a team hub.'}{' '}
          <button type="button" className="btn-link" onClick={() => app.navigate({ page: 'settings', tab: 'team' })}>
            Open Settings → Team
          </button>
        </p>
      </section>
      <section className="card" aria-labelledby="users-title">
        <div className="card-head">
          <h2 id="users-title">{team ? 'Members' : 'Profiles on this desktop'}</h2>
        </div>
        {error && (
          <div className="card-section">
            <ErrorMessage error={error} />
          </div>
        )}
        <CardLoadState state={users} />
        {users.data && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  {team && <th scope="col">Role</th>}
                  <th scope="col">Since</th>
                  {!team && (
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {users.data.map((u) => (
                  <tr key={u.id}>
                    <td>
                      {u.name} {u.id === app.user.id && <Badge tone="info">You</Badge>}
                    </td>
                    {team && <td>{ROLE_LABELS[u.role]}</td>}
                    <td>{formatDate(u.createdAt)}</td>
                    {!team && (
                      <td className="num">
                        <button
                          type="button"
                          className="btn btn-small btn-danger-ghost"
                          disabled={busy !== null || u.id === app.user.id}
                          onClick={() => void remove(u.id, u.name)}
                        >
                          Remove
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {!team && (
          <form
            className="card-section row"
            onSubmit={(e) => {
              e.preventDefault();
              const name = newName.trim();
              if (name) void add(name);
            }}
          >
            <label className="sr-only" htmlFor="new-user-name">
              New profile’s name
            </label>
            <input
              id="new-user-name"
              className="grow"
              placeholder="Add a profile by name"
              value={newName}
              maxLength={200}
              onChange={(e) => setNewName(e.target.value)}
            />
            <button type="submit" className="btn btn-small btn-primary" disabled={busy !== null || !newName.trim()}>
              {busy === 'add' ? 'Adding…' : 'Add profile'}
            </button>
          </form>
        )}
      </section>
    </div>
  );
}
