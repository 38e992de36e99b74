import { useEffect, useRef, useState } from 'react';
import type { Job, JobItem, JobProgress } from '../../../../shared/domain';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Badge, Loading, Meter } from '../../components/States';
import { ApiError, call, subscribe, toApiError } from '../../lib/api';
import { downloadFile } from '../../lib/download';
import { formatEta, formatInt } from '../../lib/format';
import { ERROR_CODE_LABELS, JOB_ITEM_STATUS_LABELS, JOB_STATUS_LABELS } from '../../lib/labels';
import { useToast } from '../../lib/toast';

type ExportFormat = 'csv-per-lead' | 'csv-per-step' | 'json';

const EXPORT_LABELS: Record<ExportFormat, string> = {
  'csv-per-lead': 'CSV, one row per lead',
  'csv-per-step': 'CSV, one row per step',
  json: 'JSON',
};
const ACTIVE: ReadonlySet<Job['status']> = new Set(['queued', 'running', 'paused']);

export function JobStatusBadge({ status }: { status: Job['status'] }) {
  const tone = status === 'completed' ? 'good' : status === 'failed' || status === 'cancelled' ? 'bad' : status === 'paused' ? 'warn' : 'info';
  return <Badge tone={tone}>{JOB_STATUS_LABELS[status]}</Badge>;
}

/** What a failed item is, for its row: the file name of a reply, the position of a lead. */
function itemLabel(job: Job, item: JobItem): string {
  const name = item.input['name'];
  return job.kind === 'classify' && typeof name === 'string' && name ? name : `#${item.seq + 1}`;
}

/** Props of the live view of one job. */
export interface JobViewProps {
  jobId: string;
  /** The step number the heading carries in the page's step indicator, e.g. "3.". */
  stepLabel: string;
  onUpdate(job: Job): void;
}

/** Item errors that a retry of the same input cannot fix (a damaged message, a deleted lead). */
const UNFIXABLE_BY_RETRY: ReadonlySet<string> = new Set(['validation', 'not_found']);

/** A job's live progress, its controls, its failed items, and the export. */
export function JobView({ jobId, stepLabel, onUpdate }: JobViewProps) {
  // Read through a ref: the progress subscription lives as long as the job view, not one render.
  const onUpdateRef = useRef(onUpdate);
  onUpdateRef.current = onUpdate;
  const notify = useToast();
  const [job, setJob] = useState<Job | null>(null);
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const [items, setItems] = useState<JobItem[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [format, setFormat] = useState<ExportFormat>('csv-per-lead');
  const [fill, setFill] = useState(false);
  const loading = useRef(false);
  const again = useRef(false);

  // One jobs:get at a time; progress events that arrive meanwhile ask for one more afterwards.
  const refresh = async () => {
    if (loading.current) {
      again.current = true;
      return;
    }
    loading.current = true;
    try {
      // Only the failed items are listed, so only those are fetched, however long the job.
      const result = await call('jobs:get', { id: jobId, limit: 500, status: 'failed' });
      setJob(result.job);
      onUpdateRef.current(result.job);
      setProgress(result.progress);
      setItems(result.items);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      loading.current = false;
      if (again.current) {
        again.current = false;
        void refresh();
      }
    }
  };

  useEffect(() => {
    void refresh();
    const unsubscribe = subscribe('jobs:progress', (p) => {
      if (p.jobId !== jobId) return;
      setProgress(p);
      void refresh();
    });
    return unsubscribe;
    // refresh reads jobId only; re-subscribing per render would drop events.
  }, [jobId]);

  const control = async (action: 'jobs:pause' | 'jobs:resume' | 'jobs:cancel', done: string) => {
    setBusy(action);
    setError(null);
    try {
      const updated = await call(action, { id: jobId });
      setJob(updated);
      onUpdateRef.current(updated);
      notify(done);
      await refresh();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(null);
    }
  };

  const retry = async (item: JobItem) => {
    setBusy(item.id);
    setError(null);
    try {
      await call('jobs:retry-item', { jobId, itemId: item.id });
      await refresh();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(null);
    }
  };

  const exportJob = async () => {
    setBusy('export');
    setError(null);
    try {
      downloadFile(await call('jobs:export', { id: jobId, format, fillPlaceholders: fill }));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(null);
    }
  };

  if (!job || !progress) return error ? <ErrorMessage error={error} onRetry={() => void refresh()} /> : <Loading label="Opening the job…" />;

  const finished = progress.done + progress.failed;
  const status = progress.status;
  const eta = status === 'running' ? formatEta(progress.etaMs) : null;
  const failedItems = items.filter((i) => i.status === 'failed');

  return (
    <section className="card card-pad stack" aria-labelledby="job-title" data-testid="job-view" data-job-status={status}>
      <div className="progress-head">
        <h2 id="job-title">
          {stepLabel} {job.kind === 'generate' ? 'Drafting' : 'Classifying'} {formatInt(progress.total)} {job.kind === 'generate' ? 'leads' : 'replies'}{' '}
          <JobStatusBadge status={status} />
        </h2>
        <div className="row">
          {(status === 'running' || status === 'queued') && (
            <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void control('jobs:pause', 'Job paused')}>
              Pause
            </button>
          )}
          {status === 'paused' && (
            <button type="button" className="btn btn-small btn-primary" disabled={busy !== null} onClick={() => void control('jobs:resume', 'Job resumed')}>
              Resume
            </button>
          )}
          {ACTIVE.has(status) && (
            <button type="button" className="btn btn-small btn-danger-ghost" disabled={busy !== null} onClick={() => void control('jobs:cancel', 'Job cancelled')}>
              Cancel job
            </button>
          )}
        </div>
      </div>
      <Meter
        label="Job progress"
        value={finished}
        max={Math.max(1, progress.total)}
        tone={progress.failed > 0 ? 'warn' : status === 'completed' ? 'good' : 'info'}
        valueText={`${finished} of ${progress.total} finished`}
      />
      <div className="counts" data-testid="job-counts">
        <span>
          <strong>{formatInt(progress.done)}</strong> done
        </span>
        <span>
          <strong>{formatInt(progress.failed)}</strong> failed
        </span>
        <span>
          <strong>{formatInt(progress.waiting)}</strong> waiting
        </span>
        <span>
          <strong>{formatInt(Math.max(0, progress.total - finished))}</strong> to go
        </span>
        {eta && <span>{eta}</span>}
      </div>
      {progress.pauseReason && (
        <div className="stack-tight">
          <p className="muted">The job paused itself:</p>
          <ErrorMessage error={new ApiError(progress.pauseReason)} />
        </div>
      )}
      {error && <ErrorMessage error={error} />}

      {failedItems.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Failed items">
            <thead>
              <tr>
                <th scope="col">{job.kind === 'classify' ? 'Message' : 'Lead'}</th>
                <th scope="col">Status</th>
                <th scope="col">Error</th>
                <th scope="col">
                  <span className="sr-only">Retry</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {failedItems.map((item) => (
                <tr key={item.id}>
                  <td className="item-name">
                    <div className="clip" title={itemLabel(job, item)}>
                      {itemLabel(job, item)}
                    </div>
                  </td>
                  <td>{JOB_ITEM_STATUS_LABELS[item.status]}</td>
                  <td>
                    {item.error ? (
                      <>
                        <strong>{job.kind === 'classify' && item.error.code === 'validation' ? 'Cannot classify' : ERROR_CODE_LABELS[item.error.code]}:</strong>{' '}
                        {item.error.message}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="num">
                    {item.error && UNFIXABLE_BY_RETRY.has(item.error.code) ? (
                      <span className="muted">Fix the input</span>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={busy !== null}
                        aria-label={`Retry ${itemLabel(job, item)}`}
                        onClick={() => void retry(item)}
                      >
                        Retry
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {job.kind === 'generate' && (
        <form
          className="row"
          aria-label="Export the sequences"
          onSubmit={(e) => {
            e.preventDefault();
            void exportJob();
          }}
        >
          <label htmlFor="job-format" className="muted">
            Export format
          </label>
          <select id="job-format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
            {(Object.keys(EXPORT_LABELS) as ExportFormat[]).map((f) => (
              <option key={f} value={f}>
                {EXPORT_LABELS[f]}
              </option>
            ))}
          </select>
          <label className="check">
            <input type="checkbox" checked={fill} onChange={(e) => setFill(e.target.checked)} />
            Fill placeholders from each lead
          </label>
          <button type="submit" className="btn btn-small" disabled={busy !== null || progress.done === 0}>
            {busy === 'export' ? 'Exporting…' : 'Download'}
          </button>
          {progress.done === 0 && <span className="field-hint">Available once a sequence is done.</span>}
        </form>
      )}
      {job.kind === 'classify' && (
        <div className="row">
          <button type="button" className="btn btn-small" disabled={busy !== null || progress.done === 0} onClick={() => void exportJob()}>
            {busy === 'export' ? 'Exporting…' : 'Download results (CSV)'}
          </button>
          <span className="field-hint">
            {progress.done === 0 ? 'Available once a reply is classified.' : 'One row per classified reply: class, confidence, action, and whether rules or a model decided.'}
          </span>
        </div>
      )}
    </section>
  );
}
