export { JobStatusBadge, JobView } from './JobView';
export type { JobViewProps } from './JobView';
export { ReplyBatchForm } from './ReplyBatchForm';
