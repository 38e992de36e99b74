import type { Services } from '../services';
import type { Handlers } from './types';

type JobChannels =
  | 'leads:import-preview' | 'leads:import' | 'jobs:create-generate' | 'jobs:create-classify' | 'jobs:list' | 'jobs:get'
  | 'jobs:pause' | 'jobs:resume' | 'jobs:cancel' | 'jobs:retry-item' | 'jobs:export';

export function createJobHandlers(services: Services): Pick<Handlers, JobChannels> {
  const { jobs } = services;
  return {
    'leads:import-preview': ({ csv }) => services.leadImport.preview(csv),
    'leads:import': ({ csv, mapping }) => services.leadImport.import(csv, mapping),
    'jobs:create-generate': (input) => jobs.createGenerate(input),
    'jobs:create-classify': ({ files, rulesOnly }) =>
      jobs.createClassify(
        files.map((f) => ({ name: f.name, content: f.contentBase64 !== undefined ? Buffer.from(f.contentBase64, 'base64') : f.content! })),
        rulesOnly ?? false,
      ),
    'jobs:list': () => jobs.list(),
    'jobs:get': ({ id, offset, limit, status }) => jobs.get(id, { offset, limit, status }),
    'jobs:pause': ({ id }) => jobs.pause(id),
    'jobs:resume': ({ id }) => jobs.resume(id),
    'jobs:cancel': ({ id }) => jobs.cancel(id),
    'jobs:retry-item': ({ jobId, itemId }) => jobs.retryItem(jobId, itemId),
    'jobs:export': ({ id, format, fillPlaceholders }) => jobs.export(id, format, fillPlaceholders),
  };
}
