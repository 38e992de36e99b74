import { useState } from 'react';
import type { Role } from '../../../../shared/domain';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Badge, CardLoadState } from '../../components/States';
import { type ApiError, call, toApiError } from '../../lib/api';
import { useApp } from '../../lib/app-context';
import { formatDate } from '../../lib/format';
import { ROLES, ROLE_LABELS } from '../../lib/labels';
import { useToast } from '../../lib/toast';
import { useLoad } from '../../lib/use-load';

/** Everyone in the organization, their roles, and who is using the app now. */
export function UsersPanel() {
  const app = useApp();
  const notify = useToast();
  const users = useLoad(() => call('users:list', undefined), []);
  const [error, setError] = useState<ApiError | null>(null);
  const [newName, setNewName] = useState('');
  const [newRole, setNewRole] = useState<Role>('member');
  const readOnly = !app.canManage;

  const act = async (action: () => Promise<unknown>, done: string) => {
    setError(null);
    try {
      await action();
      await Promise.all([users.reload(), app.refreshSession()]);
      notify(done);
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <div className="stack">
      <section className="card card-pad" aria-labelledby="current-profile">
        <h2 id="current-profile" className="section-title">
          Current profile
        </h2>
        <p>
          <strong>{app.user.name}</strong> <Badge tone="info">{ROLE_LABELS[app.user.role]}</Badge>{' '}
          <span className="muted">
            {app.canManage ? 'can change settings, keys and users.' : 'can draft and classify; settings are read-only.'} Switch profiles in the header.
          </span>
        </p>
      </section>
      <section className="card" aria-labelledby="users-title">
        <div className="card-head">
          <h2 id="users-title">Users and roles</h2>
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
                  <th scope="col">Role</th>
                  <th scope="col">Since</th>
                  {!readOnly && (
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
                    <td>
                      <label className="sr-only" htmlFor={`role-${u.id}`}>
                        Role of {u.name}
                      </label>
                      <select
                        id={`role-${u.id}`}
                        value={u.role}
                        disabled={readOnly}
                        onChange={(e) => void act(() => call('users:save', { id: u.id, name: u.name, role: e.target.value as Role }), `${u.name} is now ${ROLE_LABELS[e.target.value as Role]}`)}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {ROLE_LABELS[r]}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>{formatDate(u.createdAt)}</td>
                    {!readOnly && (
                      <td className="num">
                        <button
                          type="button"
                          className="btn btn-small btn-danger-ghost"
                          disabled={u.id === app.user.id}
                          onClick={() => void act(() => call('users:delete', { id: u.id }), `${u.name} removed`)}
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
        {!readOnly && (
          <form
            className="card-section row"
            onSubmit={(e) => {
              e.preventDefault();
              const name = newName.trim();
              if (!name) return;
              void act(() => call('users:save', { name, role: newRole }), `${name} added`).then(() => setNewName(''));
            }}
          >
            <label className="sr-only" htmlFor="new-user-name">
              New user’s name
            </label>
            <input id="new-user-name" className="grow" placeholder="Add a user by name" value={newName} maxLength={200} onChange={(e) => setNewName(e.target.value)} />
            <label className="sr-only" htmlFor="new-user-role">
              New user’s role
            </label>
            <select id="new-user-role" value={newRole} onChange={(e) => setNewRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
            <button type="submit" className="btn btn-small btn-primary" disabled={!newName.trim()}>
              Add user
            </button>
          </form>
        )}
      </section>
    </div>
  );
}
