import { MAX_BATCH_LEADS } from '../../../shared/ipc/jobs';
import type { Services } from '../services';
import type { Handlers } from './types';

type JobChannels =
  | 'leads:import-preview' | 'leads:import' | 'jobs:create-generate' | 'jobs:create-classify' | 'jobs:list' | 'jobs:get'
  | 'jobs:pause' | 'jobs:resume' | 'jobs:cancel' | 'jobs:retry-item' | 'jobs:export';

export function createJobHandlers(services: Services): Pick<Handlers, JobChannels> {
  const { jobs } = services;
  return {
    'leads:import-preview': ({ csvBase64, encoding, delimiter }) => services.leadImport.preview(Buffer.from(csvBase64, 'base64'), { encoding, delimiter }),
    'leads:import': ({ csvBase64, mapping, encoding, delimiter, onDuplicate, forBatch }) =>
      services.leadImport.import(Buffer.from(csvBase64, 'base64'), mapping, {
        encoding,
        delimiter,
        onDuplicate,
        maxLeads: forBatch ? MAX_BATCH_LEADS : undefined,
      }),
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
