import type { LeadContext } from '../../../shared/domain/lead';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.\- ]+?)\s*\}\}/g;

const LEAD_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'company', 'jobTitle', 'industry', 'linkedinUrl'] as const;

/** `firstName`, `first_name` and `First Name` are the same placeholder. */
function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Every value a placeholder can take for this lead, by normalized name. Lead fields win over custom ones. */
function collectValues(lead: LeadContext): Map<string, string> {
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(lead.customFields ?? {})) {
    if (value !== '') {
      values.set(normalizeKey(key), value);
      values.set(normalizeKey(`custom.${key}`), value);
    }
  }
  for (const field of LEAD_FIELDS) {
    const value = lead[field];
    if (value) values.set(normalizeKey(field), value);
  }
  const fullName = [lead.firstName, lead.lastName].filter(Boolean).join(' ');
  if (fullName && !values.has('fullname')) values.set('fullname', fullName);
  return values;
}

/**
 * Replaces `{{firstName}}`-style placeholders with the lead's fields, custom fields included.
 * A placeholder the lead has no value for is left as it is, so a missing field shows in the text
 * instead of leaving "Hi ," behind.
 */
export function fillPlaceholders(text: string, lead: LeadContext): string {
  const values = collectValues(lead);
  return text.replace(PLACEHOLDER, (token, name: string) => values.get(normalizeKey(name)) ?? token);
}
