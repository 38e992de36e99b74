import type { BusinessContext, LeadContext } from '../../../shared/domain/lead';
import type { Lead } from '../../../shared/domain/records';
import type { SequenceStatus, SequenceStep } from '../../../shared/domain/sequence';
import type { DraftSource } from '../../../shared/ipc/sequences';
import { AppError } from '../errors';
import type { PageQuery, SequenceInput } from '../storage';
import type { ServiceDeps } from './context';
import type { LLMAccess } from './llm-access';
import type { SessionService } from './session';

/** Strips a stored lead down to what the model may see. */
export function toLeadContext(lead: Lead): LeadContext {
  const { id: _id, orgId: _org, createdAt: _created, ...context } = lead;
  return context;
}

/** Drafting (streamed, cancellable), saving and listing sequences, templates, profiles and leads. */
export function createSequenceService(deps: ServiceDeps, session: SessionService, llm: LLMAccess) {
  const { store } = deps;
  const running = new Map<string, AbortController>();

  function resolveSource(orgId: string, source: DraftSource): { lead: LeadContext; business: BusinessContext; template?: { steps: SequenceStep[] } } {
    const data = store.forOrg(orgId);
    let lead = source.lead;
    if (source.leadId) {
      const stored = data.leads.get(source.leadId);
      if (!stored) throw new AppError('not_found', 'That lead no longer exists: pick another or type one in.', { field: 'leadId' });
      lead = toLeadContext(stored);
    }
    let business = source.business;
    if (source.businessProfileId) {
      const profile = data.profiles.get(source.businessProfileId);
      if (!profile)
        throw new AppError('not_found', 'That business profile no longer exists: pick another in the Draft screen.', { field: 'businessProfileId' });
      const { id: _id, orgId: _org, createdAt: _c, updatedAt: _u, ...context } = profile;
      business = context;
    }
    if (!lead) throw new AppError('validation', 'Pick a lead or type one in.', { field: 'lead' });
    if (!business) throw new AppError('validation', 'Pick a business profile or fill one in.', { field: 'business' });
    let template: { steps: SequenceStep[] } | undefined;
    if (source.options.templateId) {
      const stored = data.templates.get(source.options.templateId);
      if (!stored) throw new AppError('not_found', 'That template no longer exists.', { field: 'options.templateId' });
      template = { steps: stored.steps };
    }
    return { lead, business, template };
  }

  /** Registers a cancellable call under the renderer's request id. */
  async function cancellable<T>(requestId: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (running.has(requestId)) throw new AppError('conflict', 'A request with this id is already running.', { field: 'requestId' });
    const controller = new AbortController();
    running.set(requestId, controller);
    try {
      return await run(controller.signal);
    } finally {
      running.delete(requestId);
    }
  }

  return {
    resolveSource,

    async generate(source: DraftSource, requestId: string, onDelta: (text: string) => void) {
      const s = session.current();
      const { lead, business, template } = resolveSource(s.org.id, source);
      return cancellable(requestId, (signal) =>
        llm.call('sequence', source, (target) =>
          target.client.generateSequence(lead, business, source.options, { model: target.model, signal, onDelta, template }),
        ),
      );
    },

    async regenerateStep(source: DraftSource, steps: SequenceStep[], stepIndex: number, requestId: string, onDelta: (text: string) => void) {
      if (stepIndex >= steps.length) throw new AppError('validation', 'That step does not exist.', { field: 'stepIndex' });
      const s = session.current();
      const { lead, business } = resolveSource(s.org.id, source);
      const result = await cancellable(requestId, (signal) =>
        llm.call('sequence', source, (target) =>
          target.client.regenerateStep(lead, business, source.options, steps, stepIndex, { model: target.model, signal, onDelta }),
        ),
      );
      return { step: result.step, usage: result.usage, costUsd: result.cost.usd };
    },

    cancel(requestId: string): boolean {
      const controller = running.get(requestId);
      if (!controller) return false;
      controller.abort();
      return true;
    },

    /** Saves a draft; the lead and business profile it names must be the organization's. */
    save(input: SequenceInput) {
      const { org, user } = session.current();
      const sequences = store.forOrg(org.id).sequences;
      if (input.id) {
        const existing = sequences.get(input.id);
        if (!existing) throw new AppError('not_found', 'That sequence no longer exists.', { field: 'id' });
        return sequences.save({ ...input, createdBy: existing.createdBy });
      }
      return sequences.save({ ...input, createdBy: user.id });
    },

    get(id: string) {
      const sequence = store.forOrg(session.current().org.id).sequences.get(id);
      if (!sequence) throw new AppError('not_found', 'That sequence no longer exists.', { field: 'id' });
      return sequence;
    },

    list: (query: PageQuery & { query?: string; status?: SequenceStatus }) => store.forOrg(session.current().org.id).sequences.list(query),

    /** Throws not_found for a sequence that is not there (another organization's included). */
    delete(id: string): boolean {
      const sequences = store.forOrg(session.current().org.id).sequences;
      if (!sequences.get(id)) throw new AppError('not_found', 'That sequence no longer exists.', { field: 'id' });
      return sequences.delete(id);
    },
  };
}

export type SequenceService = ReturnType<typeof createSequenceService>;
