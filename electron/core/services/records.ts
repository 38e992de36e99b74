import { AppError } from '../errors';
import type { BusinessProfileInput, LeadInput, PageQuery, TemplateInput } from '../storage';
import type { ServiceDeps } from './context';
import type { SessionService } from './session';

function gone(what: string): AppError {
  return new AppError('not_found', `That ${what} no longer exists.`, { field: 'id' });
}

/**
 * The organization's library: templates and business profiles (owners and admins manage them)
 * and leads. Every read and write goes to the current organization's scoped store, so an id of
 * another organization's row is simply not found.
 */
export function createRecordService(deps: ServiceDeps, session: SessionService) {
  const { store } = deps;
  const data = () => store.forOrg(session.current().org.id);
  /** The scoped store of the current organization, once the person may manage its shared records. */
  const managed = (action: string) => store.forOrg(session.requireManager(action).org.id);

  return {
    templates: {
      list: () => data().templates.list(),
      save(input: TemplateInput) {
        const { templates } = managed('manage templates');
        if (input.id !== undefined && !templates.get(input.id)) throw gone('template');
        return templates.save(input);
      },
      delete(id: string): boolean {
        const { templates } = managed('manage templates');
        if (!templates.get(id)) throw gone('template');
        return templates.delete(id);
      },
    },

    profiles: {
      list: () => data().profiles.list(),
      save(input: BusinessProfileInput) {
        const { profiles } = managed('manage business profiles');
        if (input.id !== undefined && !profiles.get(input.id)) throw gone('business profile');
        return profiles.save(input);
      },
      delete(id: string): boolean {
        const { profiles } = managed('manage business profiles');
        if (!profiles.get(id)) throw gone('business profile');
        return profiles.delete(id);
      },
    },

    leads: {
      list: (query: PageQuery & { query?: string }) => data().leads.list(query),
      save(input: LeadInput) {
        const { leads } = data();
        if (input.id !== undefined && !leads.get(input.id)) throw gone('lead');
        return leads.save(input);
      },
      delete(id: string): boolean {
        const { leads } = data();
        if (!leads.get(id)) throw gone('lead');
        return leads.delete(id);
      },
    },
  };
}

export type RecordService = ReturnType<typeof createRecordService>;
