import { useEffect, useState } from 'react';
import {
  channelsTakeSubjects,
  type BusinessContext,
  type BusinessProfile,
  type Channel,
  type LLMProviderName,
  type Lead,
  type LeadContext,
  type SequenceOptions,
  type Template,
} from '../../../../shared/domain';
import type { ChannelInput } from '../../../../shared/ipc';
import { parseDelays } from '../../lib/sequence-text';

/** The select value that means "type one in" instead of a saved lead or profile. */
export const TYPED = '__typed';

const EMPTY_LEAD: LeadContext = { firstName: '', lastName: '', email: '', company: '', jobTitle: '' };
const EMPTY_BUSINESS: BusinessContext = { companyName: '', valueProposition: '', senderName: '' };

/** What the form holds; kept across visits to other screens. */
export interface DraftForm {
  profileId: string;
  business: BusinessContext;
  leadId: string;
  lead: LeadContext;
  templateId: string;
  numberOfSteps: number;
  channels: Channel[];
  delays: string;
  includeSubjects: boolean;
  language: string;
  provider: LLMProviderName | '';
}

const INITIAL_FORM: DraftForm = {
  profileId: '',
  business: EMPTY_BUSINESS,
  leadId: TYPED,
  lead: EMPTY_LEAD,
  templateId: '',
  numberOfSteps: 3,
  channels: ['email'],
  delays: '',
  includeSubjects: true,
  language: 'English',
  provider: '',
};

// The form survives a trip to another screen; it is in memory only and dies with the window.
let rememberedForm: DraftForm = INITIAL_FORM;

/** A generation request without its request id: what the form asks the core for. */
export type DraftInput = Omit<ChannelInput<'sequences:generate'>, 'requestId'>;

/** The draft form's state and what follows from it: the options, the request, and what is missing. */
export interface DraftFormState {
  form: DraftForm;
  update(patch: Partial<DraftForm>): void;
  setLead(patch: Partial<LeadContext>): void;
  setBusiness(patch: Partial<BusinessContext>): void;
  applyTemplate(templateId: string, templates: Template[] | undefined): void;
  /** Whole days per step, `null` when the text is not a list of days. */
  delays: number[] | null;
  options: SequenceOptions;
  typedLead: boolean;
  typedBusiness: boolean;
  /** Why Generate is disabled, in words; null when the form is complete. */
  problem: string | null;
  toInput(): DraftInput;
}

/** Holds the draft form; starts from the first saved profile when none is picked yet. */
export function useDraftForm(profiles: BusinessProfile[] | undefined): DraftFormState {
  const [form, setForm] = useState<DraftForm>(rememberedForm);

  useEffect(() => {
    rememberedForm = form;
  }, [form]);

  useEffect(() => {
    if (form.profileId || !profiles) return;
    setForm((f) => ({ ...f, profileId: profiles[0]?.id ?? TYPED }));
  }, [profiles, form.profileId]);

  const delays = parseDelays(form.delays);
  const options: SequenceOptions = {
    numberOfSteps: form.numberOfSteps,
    channels: form.channels,
    ...(delays?.length ? { delayDays: delays } : {}),
    includeSubjects: channelsTakeSubjects(form.channels) ? form.includeSubjects : false,
    ...(form.language.trim() ? { language: form.language.trim() } : {}),
    ...(form.templateId ? { templateId: form.templateId } : {}),
  };
  const typedBusiness = form.profileId === TYPED || !form.profileId;
  const typedLead = form.leadId === TYPED;

  return {
    form,
    update: (patch) => setForm((f) => ({ ...f, ...patch })),
    setLead: (patch) => setForm((f) => ({ ...f, lead: { ...f.lead, ...patch } })),
    setBusiness: (patch) => setForm((f) => ({ ...f, business: { ...f.business, ...patch } })),
    applyTemplate: (templateId, templates) => {
      const template = templates?.find((t) => t.id === templateId);
      setForm((f) => ({ ...f, templateId, ...(template?.options ? optionsToForm(template.options) : {}) }));
    },
    delays,
    options,
    typedLead,
    typedBusiness,
    problem: describeProblem(form, delays, typedLead, typedBusiness),
    toInput: () => ({
      ...(typedLead ? { lead: cleanLead(form.lead) } : { leadId: form.leadId }),
      ...(typedBusiness ? { business: form.business } : { businessProfileId: form.profileId }),
      options,
      ...(form.provider ? { provider: form.provider } : {}),
    }),
  };
}

function describeProblem(form: DraftForm, delays: number[] | null, typedLead: boolean, typedBusiness: boolean): string | null {
  const b = form.business;
  if (typedBusiness && (!b.companyName.trim() || !b.valueProposition.trim() || !b.senderName.trim())) {
    return 'Pick a business profile, or fill in company, value proposition and sender.';
  }
  if (typedLead && !Object.values(form.lead).some((v) => typeof v === 'string' && v.trim())) return 'Pick a lead, or type at least a name or company.';
  if (form.channels.length === 0) return 'Pick at least one channel.';
  if (delays === null) return 'Delays must be whole days from 0 to 365, separated by commas.';
  return null;
}

/** The form fields that a sequence's or a template's options set. */
export function optionsToForm(options: SequenceOptions): Partial<DraftForm> {
  return {
    numberOfSteps: options.numberOfSteps,
    channels: options.channels,
    delays: options.delayDays?.join(', ') ?? '',
    includeSubjects: options.includeSubjects ?? true,
    language: options.language ?? 'English',
    templateId: options.templateId ?? '',
  };
}

function cleanLead(lead: LeadContext): LeadContext {
  return Object.fromEntries(Object.entries(lead).filter(([, v]) => typeof v !== 'string' || v.trim() !== '')) as LeadContext;
}

/** A lead as one line: name (or email), then company. */
export function describeLead(lead: LeadContext): string {
  const name = [lead.firstName, lead.lastName].filter(Boolean).join(' ');
  return [name || lead.email || 'Unnamed lead', lead.company].filter(Boolean).join(' · ');
}

/** A title for a new draft: who it is for, and from whom. */
export function suggestTitle(form: DraftForm, leads: Lead[] | undefined, profiles: BusinessProfile[] | undefined): string {
  const lead = form.leadId === TYPED ? form.lead : leads?.find((l) => l.id === form.leadId);
  const who = lead ? describeLead(lead) : 'Lead';
  const from = form.profileId === TYPED ? form.business.companyName : profiles?.find((p) => p.id === form.profileId)?.companyName;
  return from ? `${who} ← ${from}` : who;
}
