import { userSchema, type User } from '../../../../shared/domain/org';
import { newId, notFound, nowIso, parseInput, requireRow } from '../internal/values';
import type { SqliteDatabase, UserRepository } from '../types';

interface UserRow {
  id: string;
  org_id: string;
  name: string;
  role: string;
  created_at: string;
}

function toUser(row: UserRow): User {
  return userSchema.parse({ id: row.id, orgId: row.org_id, name: row.name, role: row.role, createdAt: row.created_at });
}

const userInputSchema = userSchema.pick({ name: true, role: true });

/** The users of one organization; statements are prepared once, for every organization. */
export function createUserRepository(db: SqliteDatabase): (orgId: string) => UserRepository {
  const cols = 'id, org_id, name, role, created_at';
  const getStmt = db.prepare<[string, string], UserRow>(`SELECT ${cols} FROM users WHERE id = ? AND org_id = ?`);
  const listStmt = db.prepare<[string], UserRow>(`SELECT ${cols} FROM users WHERE org_id = ? ORDER BY created_at, rowid`);
  const insertStmt = db.prepare('INSERT INTO users (id, org_id, name, role, created_at) VALUES (?, ?, ?, ?, ?)');
  const updateStmt = db.prepare('UPDATE users SET name = ?, role = ? WHERE id = ? AND org_id = ?');
  const deleteStmt = db.prepare('DELETE FROM users WHERE id = ? AND org_id = ?');
  const countStmt = db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM users WHERE org_id = ? AND role = ?');

  return (orgId) => {
    const get = (id: string) => {
      const row = getStmt.get(id, orgId);
      return row ? toUser(row) : null;
    };
    return {
      list: () => listStmt.all(orgId).map(toUser),
      get,
      save: (input) => {
        const { name, role } = parseInput(userInputSchema, { name: input.name, role: input.role }, 'user');
        if (input.id === undefined) {
          const id = newId();
          insertStmt.run(id, orgId, name, role, nowIso());
          return requireRow(get(id), 'user', id);
        }
        if (updateStmt.run(name, role, input.id, orgId).changes === 0) throw notFound('user', input.id);
        return requireRow(get(input.id), 'user', input.id);
      },
      delete: (id) => deleteStmt.run(id, orgId).changes > 0,
      countByRole: (role) => countStmt.get(orgId, role)?.n ?? 0,
    };
  };
}
