import type { LLMProviderName } from '../../../shared/domain/llm';
import type { CallOptions } from '../llm';
import type { Reply } from '../../../shared/domain/records';
import type { ReplyClass } from '../../../shared/domain/reply';
import { AppError } from '../errors';
import { analyzeEmail, analyzeReply, extractReplyText, parseEmail, type ParsedEmail, type ReplyAnalysis } from '../replies';
import type { PageQuery, ReplyInput } from '../storage';
import type { ServiceDeps } from './context';
import type { LLMAccess } from './llm-access';
import type { Session, SessionService } from './session';
import { toLeadContext } from './sequences';

export interface ClassifyRequest {
  text?: string;
  eml?: string | Buffer;
  /** A message already read and analysed (on a worker thread, by the job runner's analyzer): decided as an `eml`. */
  analysis?: ReplyAnalysis;
  originalOutreach?: string;
  leadId?: string;
  sequenceId?: string;
  provider?: LLMProviderName;
  model?: string;
  /** Decide by the rules alone; undecided replies are stored as such, with no model call. */
  rulesOnly?: boolean;
  signal?: AbortSignal;
  onRateLimit?: CallOptions['onRateLimit'];
  /** `false` when the caller (the job runner) owns retries. */
  retry?: false;
  /** Awaited right before the model call (the job runner's rate limiter); never when the rules decide. */
  beforeModelCall?: () => Promise<void>;
}

/** Headers a pasted raw message starts with; anything else is taken as the reply's text. */
const RAW_MESSAGE_START = /^(return-path|received|delivered-to|from|to|subject|date|message-id|mime-version|x-[a-z0-9-]+|content-type):[ \t]/i;

/**
 * A pasted reply: a whole raw message (headers included) is parsed as one; plain text is the body.
 * Plain text does not go through parseEmail, which would read a first line such as
 * "Note: I am interested." as a header and lose the reply.
 */
async function parsePastedReply(text: string): Promise<ParsedEmail> {
  if (RAW_MESSAGE_START.test(text) && /\r?\n\r?\n/.test(text)) return parseEmail(text);
  return {
    from: null,
    fromName: null,
    to: [],
    subject: null,
    date: null,
    messageId: null,
    headers: {},
    contentType: null,
    reportType: null,
    text,
    replyText: extractReplyText(text),
    parts: [],
    dsn: null,
    feedbackReport: null,
    warnings: [],
  };
}

/** How a reply was decided, before it is stored. */
export type ReplyDecision = Omit<ReplyInput, 'leadId' | 'sequenceId'>;

/**
 * Reply triage: the deterministic rules first (bounces, auto-replies, unsubscribes cost no
 * tokens), then a model for what they cannot decide.
 */
export function createReplyService(deps: ServiceDeps, session: SessionService, llm: LLMAccess) {
  const { store } = deps;

  /**
   * The message's analysis. Of a raw message, the stored raw text is its start (RAW_TEXT_LIMIT):
   * an attachment can make a message megabytes, and a batch of an mbox would otherwise copy the
   * whole mbox into the database.
   */
  async function analyze(request: ClassifyRequest): Promise<ReplyAnalysis> {
    if (request.analysis) return request.analysis;
    if (request.eml !== undefined) return analyzeReply(request.eml);
    if (request.text === undefined) throw new AppError('validation', 'Paste a reply or drop an .eml file.', { field: 'text' });
    return analyzeEmail(await parsePastedReply(request.text), request.text);
  }

  /**
   * Decides a reply without storing it. The lead and sequence it names must be the organization's:
   * another organization's lead never reaches a prompt.
   */
  async function decide(request: ClassifyRequest, s: Session = session.current()): Promise<ReplyDecision> {
    const data = store.forOrg(s.org.id);
    const lead = request.leadId === undefined ? null : data.leads.get(request.leadId);
    if (request.leadId !== undefined && !lead) {
      throw new AppError('not_found', 'That lead no longer exists: pick another, or classify the reply without one.', { field: 'leadId' });
    }
    if (request.sequenceId !== undefined && !data.sequences.get(request.sequenceId)) {
      throw new AppError('not_found', 'That sequence no longer exists: pick another, or classify the reply without one.', { field: 'sequenceId' });
    }
    const { rule, damage, ...common } = await analyze(request);
    const field = request.eml !== undefined || request.analysis ? 'eml' : 'text';
    if (rule) {
      return {
        ...common,
        classification: rule.classification,
        confidence: rule.confidence,
        reason: rule.reason,
        suggestedAction: rule.suggestedAction,
        decidedBy: 'rules',
        returnDate: rule.returnDate ?? null,
      };
    }
    // A damaged message the rules could not place is reported, not guessed at: a model would
    // classify half a message, and "undecided" would hide that it is broken.
    if (damage) {
      throw new AppError(
        'validation',
        `This message is damaged (${damage.replace(/\.$/, '')}): export it again from the mail client and classify the new file; retrying this copy gives the same result.`,
        { field },
      );
    }
    if (request.rulesOnly) {
      return {
        ...common,
        classification: null,
        confidence: null,
        reason: 'The rules could not decide; no model was asked (--rules-only).',
        suggestedAction: null,
        decidedBy: 'undecided',
      };
    }
    if (!common.parsedText.trim()) throw new AppError('validation', 'The reply has no text to classify.', { field });
    await request.beforeModelCall?.();
    const result = await llm.call(
      'classify',
      request,
      (target) =>
        target.client.classifyReply(common.parsedText, request.originalOutreach ?? '', lead ? toLeadContext(lead) : undefined, {
          model: target.model,
          signal: request.signal,
          onRateLimit: request.onRateLimit,
        }),
      request.retry === false ? { retry: false } : {},
      s,
    );
    return {
      ...common,
      classification: result.classification,
      confidence: result.confidence,
      reason: result.reason,
      suggestedAction: result.suggestedAction,
      decidedBy: 'model',
      provider: request.provider ?? s.org.provider,
      model: result.model,
    };
  }

  return {
    decide,
    async classify(request: ClassifyRequest): Promise<Reply> {
      const s = session.current();
      const decision = await decide(request, s);
      return store.forOrg(s.org.id).replies.insert({ ...decision, leadId: request.leadId ?? null, sequenceId: request.sequenceId ?? null });
    },

    list: (query: PageQuery & { classification?: ReplyClass }) => store.forOrg(session.current().org.id).replies.list(query),

    /** Throws not_found for a reply that is not there (another organization's included). */
    delete(id: string): boolean {
      const replies = store.forOrg(session.current().org.id).replies;
      if (!replies.get(id)) throw new AppError('not_found', 'That reply no longer exists.', { field: 'id' });
      return replies.delete(id);
    },
  };
}

export type ReplyService = ReturnType<typeof createReplyService>;
