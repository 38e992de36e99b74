import type {
  Channel,
  DecidedBy,
  ErrorCode,
  JobItemStatus,
  JobStatus,
  LLMProviderName,
  ReplyClass,
  Role,
  SequenceStatus,
  SuggestedAction,
} from '../../../shared/domain';
import { CHANNEL_SPECS, CHANNELS, PROVIDER_DISPLAY_NAMES } from '../../../shared/domain';

/**
 * Display names for the closed sets in shared/domain. Each is a Record over the union,
 * so a value added to a schema fails the type-check here until it has a label.
 */

export const PROVIDER_LABELS: Readonly<Record<LLMProviderName, string>> = PROVIDER_DISPLAY_NAMES;

export const CHANNEL_LABELS: Readonly<Record<Channel, string>> = Object.fromEntries(CHANNELS.map((c) => [c, CHANNEL_SPECS[c].label])) as Record<
  Channel,
  string
>;
export { CHANNELS };

export const REPLY_CLASS_LABELS: Record<ReplyClass, string> = {
  interested: 'Interested',
  not_interested: 'Not interested',
  question: 'Question',
  out_of_office: 'Out of office',
  bounce: 'Bounce',
  unsubscribe: 'Unsubscribe',
  other: 'Other',
};
export const REPLY_CLASSES = Object.keys(REPLY_CLASS_LABELS) as ReplyClass[];

export const ACTION_LABELS: Record<SuggestedAction, string> = {
  follow_up: 'Follow up',
  stop_sequence: 'Stop the sequence',
  escalate: 'Escalate to a person',
  none: 'No action',
};

export const DECIDED_BY_LABELS: Record<DecidedBy, string> = {
  rules: 'Decided by rules (no model call)',
  model: 'Decided by a model',
  undecided: 'Undecided',
};

export const SEQUENCE_STATUS_LABELS: Record<SequenceStatus, string> = { draft: 'Draft', approved: 'Approved', archived: 'Archived' };
export const SEQUENCE_STATUSES = Object.keys(SEQUENCE_STATUS_LABELS) as SequenceStatus[];

export const ROLE_LABELS: Record<Role, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };
/** Roles that may change settings; mirrors MANAGER_ROLES without pulling zod into the bundle. */
export const MANAGER_ROLE_SET: ReadonlySet<Role> = new Set<Role>(['owner', 'admin']);

export const JOB_STATUS_LABELS: Record<JobStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  paused: 'Paused',
  completed: 'Completed',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

export const JOB_ITEM_STATUS_LABELS: Record<JobItemStatus, string> = {
  pending: 'Pending',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  waiting: 'Waiting (offline or rate-limited)',
};

export const ERROR_CODE_LABELS: Record<ErrorCode, string> = {
  auth: 'Key rejected',
  permission: 'Permission denied',
  model_not_found: 'Model not found',
  rate_limited: 'Rate limited',
  quota_exhausted: 'Quota exhausted',
  overloaded: 'Provider overloaded',
  server: 'Provider error',
  timeout: 'Timed out',
  offline: 'Offline',
  aborted: 'Cancelled',
  content_filtered: 'Blocked by content filter',
  context_length: 'Input too long',
  invalid_request: 'Invalid request',
  invalid_output: 'Unusable answer',
  validation: 'Check the form',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  no_key: 'No key set',
  keychain_unavailable: 'Keychain unavailable',
  budget_exceeded: 'Budget reached',
  storage: 'Storage error',
  conflict: 'Conflict',
  internal: 'Something went wrong',
};
