import { leadContextSchema, type LeadContext } from '../../../../shared/domain/lead';
import type { Lead } from '../../../../shared/domain/records';
import { chunk, fromJson, likePattern, newId, notFound, nowIso, optional, parseInput, requireRow, toJson } from '../internal/values';
import type { LeadRepository, SqliteDatabase } from '../types';

interface LeadRow {
  id: string;
  org_id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  job_title: string | null;
  industry: string | null;
  linkedin_url: string | null;
  custom_fields: string | null;
  created_at: string;
}

const COLS = 'id, org_id, first_name, last_name, email, phone, company, job_title, industry, linkedin_url, custom_fields, created_at';

/** Built by hand rather than with zod: rows were validated on the way in, and exports read 100,000 at once. */
function toLead(row: LeadRow): Lead {
  const lead: Lead = { id: row.id, orgId: row.org_id, createdAt: row.created_at };
  const fields = {
    firstName: optional(row.first_name),
    lastName: optional(row.last_name),
    email: optional(row.email),
    phone: optional(row.phone),
    company: optional(row.company),
    jobTitle: optional(row.job_title),
    industry: optional(row.industry),
    linkedinUrl: optional(row.linkedin_url),
  };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) (lead as Record<string, unknown>)[key] = value;
  if (row.custom_fields !== null) lead.customFields = fromJson(row.custom_fields) as Record<string, string>;
  return lead;
}

function toParams(lead: LeadContext): Array<string | null> {
  return [
    lead.firstName ?? null,
    lead.lastName ?? null,
    lead.email ?? null,
    lead.phone ?? null,
    lead.company ?? null,
    lead.jobTitle ?? null,
    lead.industry ?? null,
    lead.linkedinUrl ?? null,
    lead.customFields && Object.keys(lead.customFields).length > 0 ? toJson(lead.customFields) : null,
  ];
}

/** Unknown fields are refused rather than dropped: a mapping mistake should show, not lose data. */
const leadInputSchema = leadContextSchema.strict();

const SEARCH = `(first_name LIKE @q ESCAPE '\\' OR last_name LIKE @q ESCAPE '\\' OR email LIKE @q ESCAPE '\\' OR company LIKE @q ESCAPE '\\')`;

/** The leads of one organization; statements are prepared once, for every organization. */
export function createLeadRepository(db: SqliteDatabase): (orgId: string) => LeadRepository {
  const getStmt = db.prepare<[string, string], LeadRow>(`SELECT ${COLS} FROM leads WHERE id = ? AND org_id = ?`);
  const insertStmt = db.prepare(
    `INSERT INTO leads (first_name, last_name, email, phone, company, job_title, industry, linkedin_url, custom_fields, id, org_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const updateStmt = db.prepare(
    `UPDATE leads SET first_name = ?, last_name = ?, email = ?, phone = ?, company = ?, job_title = ?, industry = ?,
     linkedin_url = ?, custom_fields = ? WHERE id = ? AND org_id = ?`,
  );
  const deleteStmt = db.prepare('DELETE FROM leads WHERE id = ? AND org_id = ?');
  const pageStmt = db.prepare<{ org: string; limit: number; offset: number }, LeadRow>(
    `SELECT ${COLS} FROM leads WHERE org_id = @org ORDER BY created_at DESC, rowid DESC LIMIT @limit OFFSET @offset`,
  );
  const countStmt = db.prepare<{ org: string }, { n: number }>('SELECT count(*) AS n FROM leads WHERE org_id = @org');
  const searchStmt = db.prepare<{ org: string; q: string; limit: number; offset: number }, LeadRow>(
    `SELECT ${COLS} FROM leads WHERE org_id = @org AND ${SEARCH} ORDER BY created_at DESC, rowid DESC LIMIT @limit OFFSET @offset`,
  );
  const searchCountStmt = db.prepare<{ org: string; q: string }, { n: number }>(`SELECT count(*) AS n FROM leads WHERE org_id = @org AND ${SEARCH}`);

  const emailsStmt = db.prepare<{ org: string }, { id: string; email: string }>(
    'SELECT id, email FROM leads WHERE org_id = @org AND email IS NOT NULL ORDER BY created_at, rowid',
  );

  const importMany = db.transaction((orgId: string, rows: readonly LeadContext[]) => {
    const createdAt = nowIso();
    const ids: string[] = [];
    rows.forEach((row, i) => {
      const lead = parseInput(leadInputSchema, row, 'lead', `rows[${i}]`);
      const id = newId();
      insertStmt.run(...toParams(lead), id, orgId, createdAt);
      ids.push(id);
    });
    return ids;
  });

  const updateMany = db.transaction((orgId: string, leads: ReadonlyArray<LeadContext & { id: string }>) => {
    leads.forEach(({ id, ...rest }, i) => {
      const lead = parseInput(leadInputSchema, rest, 'lead', `rows[${i}]`);
      if (updateStmt.run(...toParams(lead), id, orgId).changes === 0) throw notFound('lead', id);
    });
  });

  return (orgId) => {
    const get = (id: string) => {
      const row = getStmt.get(id, orgId);
      return row ? toLead(row) : null;
    };
    return {
      list: ({ query, offset, limit }) => {
        const q = query?.trim();
        if (!q) {
          return { items: pageStmt.all({ org: orgId, limit, offset }).map(toLead), total: countStmt.get({ org: orgId })?.n ?? 0 };
        }
        const pattern = likePattern(q);
        return {
          items: searchStmt.all({ org: orgId, q: pattern, limit, offset }).map(toLead),
          total: searchCountStmt.get({ org: orgId, q: pattern })?.n ?? 0,
        };
      },
      get,
      getMany: (ids) => {
        const byId = new Map<string, Lead>();
        for (const part of chunk(ids)) {
          const marks = part.map(() => '?').join(',');
          // `+org_id`: the lookup goes by primary key; a plain `org_id = ?` makes SQLite walk the org's whole index.
          const rows = db.prepare<string[], LeadRow>(`SELECT ${COLS} FROM leads WHERE id IN (${marks}) AND +org_id = ?`).all(...part, orgId);
          for (const row of rows) byId.set(row.id, toLead(row));
        }
        return ids.flatMap((id) => byId.get(id) ?? []);
      },
      save: (input) => {
        const { id, ...rest } = input;
        const lead = parseInput(leadInputSchema, rest, 'lead');
        if (id === undefined) {
          const newLeadId = newId();
          insertStmt.run(...toParams(lead), newLeadId, orgId, nowIso());
          return requireRow(get(newLeadId), 'lead', newLeadId);
        }
        if (updateStmt.run(...toParams(lead), id, orgId).changes === 0) throw notFound('lead', id);
        return requireRow(get(id), 'lead', id);
      },
      delete: (id) => deleteStmt.run(id, orgId).changes > 0,
      importMany: (rows) => importMany(orgId, rows),
      listEmails: () => emailsStmt.all({ org: orgId }),
      updateMany: (leads) => updateMany(orgId, leads),
    };
  };
}
