import type { DeliveryStatus, DeliveryStatusRecipient } from './types';

/**
 * Reads `Name: value` fields, unfolding continuation lines, into groups separated by blank
 * lines. Both `message/delivery-status` (RFC 3464) and `message/feedback-report` (RFC 5965)
 * use this layout.
 */
function readFieldGroups(text: string): Array<Map<string, string>> {
  const groups: Array<Map<string, string>> = [];
  let current = new Map<string, string>();
  let lastName: string | null = null;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') {
      if (current.size > 0) groups.push(current);
      current = new Map();
      lastName = null;
      continue;
    }
    if (/^[ \t]/.test(line) && lastName !== null) {
      current.set(lastName, `${current.get(lastName) ?? ''} ${line.trim()}`);
      continue;
    }
    const match = /^([A-Za-z0-9-]+)\s*:\s*(.*)$/.exec(line);
    if (!match) continue;
    const name = (match[1] ?? '').toLowerCase();
    lastName = name;
    // The first value wins, as in a header block.
    if (!current.has(name)) current.set(name, (match[2] ?? '').trim());
  }
  if (current.size > 0) groups.push(current);
  return groups;
}

/** Drops the type prefix of a typed DSN field: `rfc822; a@b.c` → `a@b.c`. */
function stripType(value: string | undefined): string | null {
  if (value === undefined) return null;
  const semicolon = value.indexOf(';');
  const stripped = (semicolon >= 0 && semicolon < 20 ? value.slice(semicolon + 1) : value).trim();
  return stripped === '' ? null : stripped;
}

/** Parses the body of one or more `message/delivery-status` parts. Returns null when no field is found. */
export function parseDeliveryStatus(bodies: string[]): DeliveryStatus | null {
  let reportingMta: string | null = null;
  const recipients: DeliveryStatusRecipient[] = [];
  for (const body of bodies) {
    for (const group of readFieldGroups(body)) {
      if (group.has('reporting-mta') && reportingMta === null) reportingMta = stripType(group.get('reporting-mta'));
      const isRecipient = group.has('action') || group.has('final-recipient') || group.has('original-recipient') || group.has('status');
      if (!isRecipient) continue;
      recipients.push({
        finalRecipient: stripType(group.get('final-recipient') ?? group.get('original-recipient')),
        action: group.get('action')?.trim().toLowerCase() || null,
        status: /\d\.\d{1,3}\.\d{1,3}/.exec(group.get('status') ?? '')?.[0] ?? null,
        diagnosticCode: stripType(group.get('diagnostic-code')),
        remoteMta: stripType(group.get('remote-mta')),
      });
    }
  }
  if (reportingMta === null && recipients.length === 0) return null;
  return { reportingMta, recipients };
}

/** Parses the body of a `message/feedback-report` part into lower-cased field names. */
export function parseFeedbackReport(body: string): Record<string, string> | null {
  const fields: Record<string, string> = {};
  for (const group of readFieldGroups(body)) {
    for (const [name, value] of group) if (!(name in fields)) fields[name] = value;
  }
  return Object.keys(fields).length > 0 ? fields : null;
}
