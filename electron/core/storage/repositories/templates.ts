import { templateSchema, type Template } from '../../../../shared/domain/records';
import { fromJson, fromJsonOrNull, newId, notFound, nowIso, parseInput, requireRow, toJson } from '../internal/values';
import type { SqliteDatabase, TemplateRepository } from '../types';

interface TemplateRow {
  id: string;
  org_id: string;
  name: string;
  steps: string;
  options: string | null;
  created_at: string;
}

function toTemplate(row: TemplateRow): Template {
  return templateSchema.parse({
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    steps: fromJson(row.steps),
    options: fromJsonOrNull(row.options),
    createdAt: row.created_at,
  });
}

const templateInputSchema = templateSchema.pick({ name: true, steps: true, options: true });

/** The templates of one organization; statements are prepared once, for every organization. */
export function createTemplateRepository(db: SqliteDatabase): (orgId: string) => TemplateRepository {
  const cols = 'id, org_id, name, steps, options, created_at';
  const getStmt = db.prepare<[string, string], TemplateRow>(`SELECT ${cols} FROM templates WHERE id = ? AND org_id = ?`);
  const listStmt = db.prepare<[string], TemplateRow>(`SELECT ${cols} FROM templates WHERE org_id = ? ORDER BY created_at DESC, rowid DESC`);
  const insertStmt = db.prepare('INSERT INTO templates (id, org_id, name, steps, options, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const updateStmt = db.prepare('UPDATE templates SET name = ?, steps = ?, options = ? WHERE id = ? AND org_id = ?');
  const deleteStmt = db.prepare('DELETE FROM templates WHERE id = ? AND org_id = ?');

  return (orgId) => {
    const get = (id: string) => {
      const row = getStmt.get(id, orgId);
      return row ? toTemplate(row) : null;
    };
    return {
      list: () => listStmt.all(orgId).map(toTemplate),
      get,
      save: (input) => {
        const valid = parseInput(templateInputSchema, { name: input.name, steps: input.steps, options: input.options ?? null }, 'template');
        const steps = toJson(valid.steps);
        const options = valid.options === null ? null : toJson(valid.options);
        if (input.id === undefined) {
          const id = newId();
          insertStmt.run(id, orgId, valid.name, steps, options, nowIso());
          return requireRow(get(id), 'template', id);
        }
        if (updateStmt.run(valid.name, steps, options, input.id, orgId).changes === 0) throw notFound('template', input.id);
        return requireRow(get(input.id), 'template', input.id);
      },
      delete: (id) => deleteStmt.run(id, orgId).changes > 0,
    };
  };
}
