import { MAX_BATCH_LEADS } from '../../../shared/ipc/jobs';
import type { Services } from '../services';
import type { Handlers } from './types';

type JobChannels =
  | 'leads:import-preview'
  | 'leads:import'
  | 'jobs:create-generate'
  | 'jobs:create-classify'
  | 'jobs:list'
  | 'jobs:get'
  | 'jobs:pause'
  | 'jobs:resume'
  | 'jobs:cancel'
  | 'jobs:retry-item'
  | 'jobs:export';

export function createJobHandlers(services: Services): Pick<Handlers, JobChannels> {
  const { jobs } = services;
  return {
    'leads:import-preview': ({ uploadId, encoding, delimiter }) => services.leadImport.previewUpload(uploadId, { encoding, delimiter }),
    'leads:import': ({ uploadId, mapping, encoding, delimiter, onDuplicate, forBatch }) =>
      services.leadImport.importUpload(uploadId, mapping, {
        encoding,
        delimiter,
        onDuplicate,
        maxLeads: forBatch ? MAX_BATCH_LEADS : undefined,
      }),
    'jobs:create-generate': (input) => jobs.createGenerate(input),
    'jobs:create-classify': ({ uploadIds, rulesOnly }) => jobs.createClassifyFromUploads(uploadIds, rulesOnly ?? false),
    'jobs:list': () => jobs.list(),
    'jobs:get': ({ id, offset, limit, status }) => jobs.get(id, { offset, limit, status }),
    'jobs:pause': ({ id }) => jobs.pause(id),
    'jobs:resume': ({ id }) => jobs.resume(id),
    'jobs:cancel': ({ id }) => jobs.cancel(id),
    'jobs:retry-item': ({ jobId, itemId }) => jobs.retryItem(jobId, itemId),
    'jobs:export': ({ id, format, fillPlaceholders }) => jobs.export(id, format, fillPlaceholders),
  };
}
