import { z } from 'zod';
import { llmProviderNameSchema } from '../../../../shared/domain/llm';
import { replySchema, type Reply } from '../../../../shared/domain/records';
import { newId, notFound, nowIso, parseInput } from '../internal/values';
import type { ReplyInput, ReplyRepository, SqliteDatabase } from '../types';

interface ReplyRow {
  id: string;
  org_id: string;
  lead_id: string | null;
  sequence_id: string | null;
  from_address: string | null;
  subject: string | null;
  raw_text: string;
  parsed_text: string;
  classification: string | null;
  confidence: number | null;
  reason: string | null;
  suggested_action: string | null;
  decided_by: string;
  return_date: string | null;
  provider: string | null;
  model: string | null;
  created_at: string;
}

const COLS =
  'id, org_id, lead_id, sequence_id, from_address, subject, raw_text, parsed_text, classification, confidence, reason, suggested_action, decided_by, return_date, provider, model, created_at';

const replyInputSchema = replySchema.omit({ id: true, orgId: true, createdAt: true }).extend({
  leadId: z.string().nullable().default(null),
  sequenceId: z.string().nullable().default(null),
  fromAddress: z.string().nullable().default(null),
  subject: z.string().nullable().default(null),
  returnDate: z.string().nullable().default(null),
  provider: llmProviderNameSchema.nullable().default(null),
  model: z.string().nullable().default(null),
});

function toReply(row: ReplyRow): Reply {
  return replySchema.parse({
    id: row.id,
    orgId: row.org_id,
    leadId: row.lead_id,
    sequenceId: row.sequence_id,
    fromAddress: row.from_address,
    subject: row.subject,
    rawText: row.raw_text,
    parsedText: row.parsed_text,
    classification: row.classification,
    confidence: row.confidence,
    reason: row.reason,
    suggestedAction: row.suggested_action,
    decidedBy: row.decided_by,
    returnDate: row.return_date,
    provider: row.provider,
    model: row.model,
    createdAt: row.created_at,
  });
}

/** The replies of one organization; statements are prepared once, for every organization. */
export function createReplyRepository(db: SqliteDatabase): (orgId: string) => ReplyRepository {
  const getStmt = db.prepare<[string, string], ReplyRow>(`SELECT ${COLS} FROM replies WHERE id = ? AND org_id = ?`);
  const insertStmt = db.prepare(
    `INSERT INTO replies (${COLS}) VALUES (@id, @org_id, @lead_id, @sequence_id, @from_address, @subject, @raw_text, @parsed_text,
     @classification, @confidence, @reason, @suggested_action, @decided_by, @return_date, @provider, @model, @created_at)`,
  );
  const deleteStmt = db.prepare('DELETE FROM replies WHERE id = ? AND org_id = ?');
  const pageStmt = db.prepare<{ org: string; limit: number; offset: number }, ReplyRow>(
    `SELECT ${COLS} FROM replies WHERE org_id = @org ORDER BY created_at DESC, rowid DESC LIMIT @limit OFFSET @offset`,
  );
  const countStmt = db.prepare<{ org: string }, { n: number }>('SELECT count(*) AS n FROM replies WHERE org_id = @org');
  const classPageStmt = db.prepare<{ org: string; cls: string; limit: number; offset: number }, ReplyRow>(
    `SELECT ${COLS} FROM replies WHERE org_id = @org AND classification = @cls ORDER BY created_at DESC, rowid DESC LIMIT @limit OFFSET @offset`,
  );
  const classCountStmt = db.prepare<{ org: string; cls: string }, { n: number }>(
    'SELECT count(*) AS n FROM replies WHERE org_id = @org AND classification = @cls',
  );
  // What a reply points at must be its organization's: a foreign key alone would accept another organization's row.
  const references = [
    { field: 'leadId', what: 'lead', stmt: db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM leads WHERE id = ? AND org_id = ?') },
    { field: 'sequenceId', what: 'sequence', stmt: db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM sequences WHERE id = ? AND org_id = ?') },
  ] as const;

  return (orgId) => {
    const get = (id: string) => {
      const row = getStmt.get(id, orgId);
      return row ? toReply(row) : null;
    };
    return {
      insert: (input: ReplyInput) => {
        const valid = parseInput(replyInputSchema, input, 'reply');
        for (const { field, what, stmt } of references) {
          const ref = valid[field];
          if (ref !== null && !stmt.get(ref, orgId)) throw notFound(what, ref, field);
        }
        const reply: Reply = { id: newId(), orgId, ...valid, createdAt: nowIso() };
        insertStmt.run({
          id: reply.id,
          org_id: orgId,
          lead_id: reply.leadId,
          sequence_id: reply.sequenceId,
          from_address: reply.fromAddress,
          subject: reply.subject,
          raw_text: reply.rawText,
          parsed_text: reply.parsedText,
          classification: reply.classification,
          confidence: reply.confidence,
          reason: reply.reason,
          suggested_action: reply.suggestedAction,
          decided_by: reply.decidedBy,
          return_date: reply.returnDate,
          provider: reply.provider,
          model: reply.model,
          created_at: reply.createdAt,
        });
        // The row as stored, from the values just checked: no read back (a batch inserts thousands).
        return reply;
      },
      get,
      list: ({ classification, offset, limit }) => {
        if (classification === undefined) {
          return { items: pageStmt.all({ org: orgId, limit, offset }).map(toReply), total: countStmt.get({ org: orgId })?.n ?? 0 };
        }
        return {
          items: classPageStmt.all({ org: orgId, cls: classification, limit, offset }).map(toReply),
          total: classCountStmt.get({ org: orgId, cls: classification })?.n ?? 0,
        };
      },
      delete: (id) => deleteStmt.run(id, orgId).changes > 0,
    };
  };
}
