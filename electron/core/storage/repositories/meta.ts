import type { MetaRepository, SqliteDatabase } from '../types';

export function createMetaRepository(db: SqliteDatabase): MetaRepository {
  const getStmt = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const setStmt = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const deleteStmt = db.prepare('DELETE FROM meta WHERE key = ?');
  return {
    get: (key) => getStmt.get(key)?.value ?? null,
    set: (key, value) => {
      setStmt.run(key, value);
    },
    delete: (key) => deleteStmt.run(key).changes > 0,
  };
}
