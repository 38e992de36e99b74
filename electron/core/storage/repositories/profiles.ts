import { businessContextSchema } from '../../../../shared/domain/lead';
import { businessProfileSchema, type BusinessProfile } from '../../../../shared/domain/records';
import { fromJson, newId, notFound, nowIso, parseInput, requireRow, toJson } from '../internal/values';
import type { ProfileRepository, SqliteDatabase } from '../types';

interface ProfileRow {
  id: string;
  org_id: string;
  context: string;
  created_at: string;
  updated_at: string;
}

function toProfile(row: ProfileRow): BusinessProfile {
  return businessProfileSchema.parse({
    ...(fromJson(row.context) as object),
    id: row.id,
    orgId: row.org_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

const profileInputSchema = businessContextSchema.strict();

/** The business profiles of one organization; statements are prepared once, for every organization. */
export function createProfileRepository(db: SqliteDatabase): (orgId: string) => ProfileRepository {
  const cols = 'id, org_id, context, created_at, updated_at';
  const getStmt = db.prepare<[string, string], ProfileRow>(`SELECT ${cols} FROM business_profiles WHERE id = ? AND org_id = ?`);
  const listStmt = db.prepare<[string], ProfileRow>(`SELECT ${cols} FROM business_profiles WHERE org_id = ? ORDER BY updated_at DESC, rowid DESC`);
  const insertStmt = db.prepare('INSERT INTO business_profiles (id, org_id, context, created_at, updated_at) VALUES (?, ?, ?, ?, ?)');
  const updateStmt = db.prepare('UPDATE business_profiles SET context = ?, updated_at = ? WHERE id = ? AND org_id = ?');
  const deleteStmt = db.prepare('DELETE FROM business_profiles WHERE id = ? AND org_id = ?');

  return (orgId) => {
    const get = (id: string) => {
      const row = getStmt.get(id, orgId);
      return row ? toProfile(row) : null;
    };
    return {
      list: () => listStmt.all(orgId).map(toProfile),
      get,
      save: (input) => {
        const { id, ...rest } = input;
        const context = toJson(parseInput(profileInputSchema, rest, 'business profile'));
        const now = nowIso();
        if (id === undefined) {
          const newProfileId = newId();
          insertStmt.run(newProfileId, orgId, context, now, now);
          return requireRow(get(newProfileId), 'business profile', newProfileId);
        }
        if (updateStmt.run(context, now, id, orgId).changes === 0) throw notFound('business profile', id);
        return requireRow(get(id), 'business profile', id);
      },
      delete: (id) => deleteStmt.run(id, orgId).changes > 0,
    };
  };
}
