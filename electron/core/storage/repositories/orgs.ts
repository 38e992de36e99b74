import { llmProviderNameSchema } from '../../../../shared/domain/llm';
import { llmSettingsSchema, organizationSchema, type Organization } from '../../../../shared/domain/org';
import { fromJson, newId, notFound, nowIso, parseInput, requireRow, toJson } from '../internal/values';
import type { MetaRepository, OrgPatch, OrgRecord, OrgRepository, SqliteDatabase, UserRepository } from '../types';

interface OrgRow {
  id: string;
  name: string;
  provider: string;
  settings: string;
  created_at: string;
}

/** The meta key holding the id of the user the app acts as. */
export const CURRENT_USER_KEY = 'currentUserId';

function toOrganization(row: OrgRow): Organization {
  return organizationSchema.parse({
    id: row.id,
    name: row.name,
    provider: row.provider,
    settings: fromJson(row.settings),
    createdAt: row.created_at,
  });
}

export function createOrgRepository(db: SqliteDatabase, usersOf: (orgId: string) => UserRepository, meta: MetaRepository): OrgRepository {
  const cols = 'id, name, provider, settings, created_at';
  const getStmt = db.prepare<[string], OrgRow>(`SELECT ${cols} FROM organizations WHERE id = ?`);
  const firstStmt = db.prepare<[], OrgRow>(`SELECT ${cols} FROM organizations ORDER BY created_at, rowid LIMIT 1`);
  const listStmt = db.prepare<[], OrgRow>(`SELECT ${cols} FROM organizations ORDER BY created_at, rowid`);
  const insertStmt = db.prepare('INSERT INTO organizations (id, name, provider, settings, created_at) VALUES (?, ?, ?, ?, ?)');
  const ownerStmt = db.prepare<[string], { id: string }>("SELECT id FROM users WHERE org_id = ? AND role = 'owner' ORDER BY created_at, rowid LIMIT 1");

  const get = (id: string) => {
    const row = getStmt.get(id);
    return row ? toOrganization(row) : null;
  };

  const ensureFirstRun = db.transaction((input: { orgName?: string; ownerName?: string }) => {
    const existing = firstStmt.get();
    if (existing) {
      const org = toOrganization(existing);
      const ownerId = ownerStmt.get(org.id)?.id;
      const owner = ownerId ? usersOf(org.id).get(ownerId) : null;
      if (owner) return { org, owner, created: false };
      // An org without an owner (every owner was removed by hand) gets one back, so the app stays manageable.
      const restored = usersOf(org.id).save({ name: input.ownerName ?? 'Owner', role: 'owner' });
      if (!meta.get(CURRENT_USER_KEY)) meta.set(CURRENT_USER_KEY, restored.id);
      return { org, owner: restored, created: false };
    }
    const id = newId();
    const name = parseInput(organizationSchema.shape.name, input.orgName ?? 'My organization', 'organization', 'name');
    insertStmt.run(id, name, 'anthropic', toJson(llmSettingsSchema.parse({})), nowIso());
    const owner = usersOf(id).save({ name: input.ownerName ?? 'Owner', role: 'owner' });
    meta.set(CURRENT_USER_KEY, owner.id);
    return { org: requireRow(get(id), 'organization', id), owner, created: true };
  });

  return {
    ensureFirstRun: (input = {}) => ensureFirstRun(input),
    get,
    getDefault: () => {
      const row = firstStmt.get();
      return row ? toOrganization(row) : null;
    },
    list: () => listStmt.all().map(toOrganization),
  };
}

/** An organization's own row, for its scoped store. */
export function createOrgRecord(db: SqliteDatabase): (orgId: string) => OrgRecord {
  const getStmt = db.prepare<[string], OrgRow>('SELECT id, name, provider, settings, created_at FROM organizations WHERE id = ?');
  const updateStmt = db.prepare('UPDATE organizations SET name = ?, provider = ?, settings = ? WHERE id = ?');
  return (orgId) => {
    const get = () => {
      const row = getStmt.get(orgId);
      if (!row) throw notFound('organization', orgId);
      return toOrganization(row);
    };
    return {
      get,
      update: (patch: OrgPatch) => {
        const current = get();
        const name = patch.name === undefined ? current.name : parseInput(organizationSchema.shape.name, patch.name, 'organization', 'name');
        const provider = patch.provider === undefined ? current.provider : parseInput(llmProviderNameSchema, patch.provider, 'organization', 'provider');
        const settings = patch.settings === undefined ? current.settings : parseInput(llmSettingsSchema, patch.settings, 'LLM settings', 'settings');
        updateStmt.run(name, provider, toJson(settings), orgId);
        return get();
      },
    };
  };
}
