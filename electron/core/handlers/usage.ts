import type { Services } from '../services';
import type { Handlers } from './types';

export function createUsageHandlers(services: Services): Pick<Handlers, 'usage:summary' | 'usage:timeseries' | 'usage:budget' | 'usage:export-csv'> {
  return {
    'usage:summary': (query) => services.usage.summary(query),
    'usage:timeseries': (query) => services.usage.timeseries(query),
    'usage:budget': () => services.usage.budget(),
    'usage:export-csv': (query) => services.usage.exportCsv(query),
  };
}
