export { systemClock, type Clock } from './clock';
export {
  createJobRunner,
  type JobRunner,
  type JobRunnerOptions,
  type ProcessedItem,
  type ProcessItem,
  type ProcessItemContext,
} from './job-runner';
export { formatDuration, renderProgressBar } from './progress-bar';
export {
  createRateLimiter,
  DEFAULT_PROVIDER_LIMITS,
  type AcquireOptions,
  type ProviderRateLimits,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimiterSnapshot,
  type RateLimitPenalty,
  type RateLimitPermit,
} from './rate-limiter';
