export { systemClock, type Clock } from './clock';
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
