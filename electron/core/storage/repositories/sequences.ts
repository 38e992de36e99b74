import { z } from 'zod';
import { llmProviderNameSchema, tokenUsageSchema, type LLMProviderName } from '../../../../shared/domain/llm';
import { sequenceSchema, type Sequence, type SequenceSummary } from '../../../../shared/domain/records';
import { MAX_STEPS, sequenceOptionsSchema, sequenceStatusSchema, sequenceStepSchema, type SequenceStep } from '../../../../shared/domain/sequence';
import { chunk, fromJsonOrNull, likePattern, newId, notFound, nowIso, parseInput, requireRow, toJson } from '../internal/values';
import type { SequenceInput, SequenceRepository, SqliteDatabase } from '../types';

interface SequenceRow {
  id: string;
  org_id: string;
  lead_id: string | null;
  business_profile_id: string | null;
  title: string;
  status: Sequence['status'];
  provider: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_input_tokens: number | null;
  cost_usd: number | null;
  options: string | null;
  edited: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

interface StepRow {
  sequence_id: string;
  step: number;
  delay_days: number;
  channel: SequenceStep['channel'];
  subject: string | null;
  body: string;
}

interface SummaryRow {
  id: string;
  title: string;
  status: Sequence['status'];
  provider: string | null;
  model: string | null;
  created_at: string;
  updated_at: string;
  lead_id: string | null;
  step_count: number;
  lead_name: string | null;
}

const COLS =
  'id, org_id, lead_id, business_profile_id, title, status, provider, model, input_tokens, output_tokens, cached_input_tokens, cost_usd, options, edited, created_by, created_at, updated_at';

const sequenceInputSchema = z.object({
  title: sequenceSchema.shape.title.pipe(z.string().trim().min(1)),
  status: sequenceStatusSchema,
  steps: z.array(sequenceStepSchema).min(1).max(MAX_STEPS),
  leadId: z.string().nullable().optional(),
  businessProfileId: z.string().nullable().optional(),
  provider: llmProviderNameSchema.nullable().optional(),
  model: z.string().max(200).nullable().optional(),
  usage: tokenUsageSchema.nullable().optional(),
  costUsd: z.number().nonnegative().nullable().optional(),
  options: sequenceOptionsSchema.nullable().optional(),
  edited: z.boolean().optional(),
  createdBy: z.string().nullable().optional(),
});

function toStep(row: StepRow): SequenceStep {
  const step: SequenceStep = { step: row.step, delay_days: row.delay_days, channel: row.channel, body: row.body };
  if (row.subject !== null) step.subject = row.subject;
  return step;
}

/** Built by hand rather than with zod: rows were validated on the way in, and exports read many at once. */
function toSequence(row: SequenceRow, steps: SequenceStep[]): Sequence {
  return {
    id: row.id,
    orgId: row.org_id,
    leadId: row.lead_id,
    businessProfileId: row.business_profile_id,
    title: row.title,
    status: row.status,
    provider: row.provider as LLMProviderName | null,
    model: row.model,
    usage:
      row.input_tokens === null
        ? null
        : { inputTokens: row.input_tokens, outputTokens: row.output_tokens ?? 0, cachedInputTokens: row.cached_input_tokens ?? 0 },
    costUsd: row.cost_usd,
    options: fromJsonOrNull(row.options) as Sequence['options'],
    steps,
    edited: row.edited === 1,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toSummary(row: SummaryRow): SequenceSummary {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    provider: row.provider as LLMProviderName | null,
    model: row.model,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    leadId: row.lead_id,
    stepCount: row.step_count,
    leadName: row.lead_name,
  };
}

/** The sequences of one organization; statements are prepared once, for every organization. */
export function createSequenceRepository(db: SqliteDatabase): (orgId: string) => SequenceRepository {
  const getStmt = db.prepare<[string, string], SequenceRow>(`SELECT ${COLS} FROM sequences WHERE id = ? AND org_id = ?`);
  const stepsStmt = db.prepare<[string], StepRow>('SELECT * FROM sequence_steps WHERE sequence_id = ? ORDER BY step');
  const insertStmt = db.prepare(
    `INSERT INTO sequences (${COLS}) VALUES (@id, @org_id, @lead_id, @business_profile_id, @title, @status, @provider, @model,
     @input_tokens, @output_tokens, @cached_input_tokens, @cost_usd, @options, @edited, @created_by, @created_at, @updated_at)`,
  );
  const updateStmt = db.prepare(
    `UPDATE sequences SET lead_id = @lead_id, business_profile_id = @business_profile_id, title = @title, status = @status,
     provider = @provider, model = @model, input_tokens = @input_tokens, output_tokens = @output_tokens,
     cached_input_tokens = @cached_input_tokens, cost_usd = @cost_usd, options = @options, edited = @edited,
     created_by = @created_by, updated_at = @updated_at WHERE id = @id AND org_id = @org_id`,
  );
  const deleteStepsStmt = db.prepare('DELETE FROM sequence_steps WHERE sequence_id = ?');
  const insertStepStmt = db.prepare('INSERT INTO sequence_steps (sequence_id, step, delay_days, channel, subject, body) VALUES (?, ?, ?, ?, ?, ?)');
  const deleteStmt = db.prepare('DELETE FROM sequences WHERE id = ? AND org_id = ?');
  const byLeadStmt = db.prepare<[string, string], { id: string }>('SELECT id FROM sequences WHERE lead_id = ? AND +org_id = ? ORDER BY created_at, rowid');
  // What a sequence points at must be its organization's: a foreign key alone would accept another organization's row.
  const references = [
    { field: 'leadId', what: 'lead', stmt: db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM leads WHERE id = ? AND org_id = ?') },
    {
      field: 'businessProfileId',
      what: 'business profile',
      stmt: db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM business_profiles WHERE id = ? AND org_id = ?'),
    },
    { field: 'createdBy', what: 'user', stmt: db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM users WHERE id = ? AND org_id = ?') },
  ] as const;

  const listStatements = new Map<string, { page: ReturnType<typeof db.prepare>; count: ReturnType<typeof db.prepare> }>();
  const listStatementsFor = (withStatus: boolean, withQuery: boolean) => {
    const key = `${withStatus}-${withQuery}`;
    let statements = listStatements.get(key);
    if (!statements) {
      const where = [
        's.org_id = @org',
        withStatus ? 's.status = @status' : '',
        withQuery
          ? `(s.title LIKE @q ESCAPE '\\' OR l.first_name LIKE @q ESCAPE '\\' OR l.last_name LIKE @q ESCAPE '\\' OR l.company LIKE @q ESCAPE '\\')`
          : '',
      ]
        .filter(Boolean)
        .join(' AND ');
      const from = `FROM sequences s LEFT JOIN leads l ON l.id = s.lead_id AND l.org_id = s.org_id WHERE ${where}`;
      // Without a search the count needs no join, which keeps it an index-only count at 10,000+ rows.
      const countFrom = withQuery ? from : `FROM sequences s WHERE ${where}`;
      statements = {
        page: db.prepare(
          `SELECT s.id, s.title, s.status, s.provider, s.model, s.created_at, s.updated_at, s.lead_id,
             (SELECT count(*) FROM sequence_steps st WHERE st.sequence_id = s.id) AS step_count,
             nullif(trim(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '')), '') AS lead_name
           ${from} ORDER BY s.updated_at DESC, s.rowid DESC LIMIT @limit OFFSET @offset`,
        ),
        count: db.prepare(`SELECT count(*) AS n ${countFrom}`),
      };
      listStatements.set(key, statements);
    }
    return statements;
  };

  const get = (orgId: string, id: string) => {
    const row = getStmt.get(id, orgId);
    return row ? toSequence(row, stepsStmt.all(id).map(toStep)) : null;
  };

  const getMany = (orgId: string, ids: readonly string[]) => {
    const byId = new Map<string, Sequence>();
    for (const part of chunk(ids)) {
      const marks = part.map(() => '?').join(',');
      // `+org_id`: the lookup goes by primary key; a plain `org_id = ?` makes SQLite walk the org's whole index.
      const rows = db.prepare<string[], SequenceRow>(`SELECT ${COLS} FROM sequences WHERE id IN (${marks}) AND +org_id = ?`).all(...part, orgId);
      const found = rows.map((row) => row.id);
      const steps = new Map<string, SequenceStep[]>();
      if (found.length > 0) {
        for (const step of db
          .prepare<string[], StepRow>(`SELECT * FROM sequence_steps WHERE sequence_id IN (${found.map(() => '?').join(',')}) ORDER BY sequence_id, step`)
          .all(...found)) {
          const list = steps.get(step.sequence_id) ?? [];
          list.push(toStep(step));
          steps.set(step.sequence_id, list);
        }
      }
      for (const row of rows) byId.set(row.id, toSequence(row, steps.get(row.id) ?? []));
    }
    return ids.flatMap((id) => byId.get(id) ?? []);
  };

  const save = db.transaction((orgId: string, input: SequenceInput): Sequence => {
    const { id: givenId, ...rest } = input;
    const valid = parseInput(sequenceInputSchema, rest, 'sequence');
    const existing = givenId === undefined ? undefined : getStmt.get(givenId, orgId);
    if (givenId !== undefined && !existing) throw notFound('sequence', givenId, 'id');
    for (const { field, what, stmt } of references) {
      const ref = valid[field];
      if (typeof ref === 'string' && !stmt.get(ref, orgId)) throw notFound(what, ref, field);
    }
    const now = nowIso();
    // On update, a field left undefined keeps its stored value.
    const keep = <T>(value: T | undefined, stored: T): T => (value === undefined ? stored : value);
    const usage = valid.usage;
    const params = {
      id: givenId ?? newId(),
      org_id: orgId,
      lead_id: keep(valid.leadId, existing?.lead_id ?? null),
      business_profile_id: keep(valid.businessProfileId, existing?.business_profile_id ?? null),
      title: valid.title,
      status: valid.status,
      provider: keep(valid.provider, existing?.provider ?? null),
      model: keep(valid.model, existing?.model ?? null),
      input_tokens: usage === undefined ? (existing?.input_tokens ?? null) : (usage?.inputTokens ?? null),
      output_tokens: usage === undefined ? (existing?.output_tokens ?? null) : (usage?.outputTokens ?? null),
      cached_input_tokens: usage === undefined ? (existing?.cached_input_tokens ?? null) : (usage?.cachedInputTokens ?? null),
      cost_usd: keep(valid.costUsd, existing?.cost_usd ?? null),
      options: valid.options === undefined ? (existing?.options ?? null) : valid.options === null ? null : toJson(valid.options),
      edited: valid.edited === undefined ? (existing?.edited ?? 0) : valid.edited ? 1 : 0,
      created_by: keep(valid.createdBy, existing?.created_by ?? null),
      created_at: existing?.created_at ?? now,
      updated_at: now,
    };
    if (existing) {
      updateStmt.run(params);
      deleteStepsStmt.run(params.id);
    } else {
      insertStmt.run(params);
    }
    for (const step of valid.steps) {
      insertStepStmt.run(params.id, step.step, step.delay_days, step.channel, step.subject ?? null, step.body);
    }
    return requireRow(get(orgId, params.id), 'sequence', params.id);
  });

  return (orgId) => ({
    list: ({ query, status, offset, limit }) => {
      const q = query?.trim();
      const statements = listStatementsFor(status !== undefined, Boolean(q));
      const params: Record<string, unknown> = { org: orgId };
      if (status !== undefined) params.status = status;
      if (q) params.q = likePattern(q);
      const items = (statements.page.all({ ...params, limit, offset }) as SummaryRow[]).map(toSummary);
      const total = (statements.count.get(params) as { n: number }).n;
      return { items, total };
    },
    get: (id) => get(orgId, id),
    getMany: (ids) => getMany(orgId, ids),
    save: (input) => save(orgId, input),
    delete: (id) => deleteStmt.run(id, orgId).changes > 0,
    findByLead: (leadId) =>
      getMany(
        orgId,
        byLeadStmt.all(leadId, orgId).map((r) => r.id),
      ),
  });
}
