import { useEffect, useRef, useState } from 'react';
import type { Job, JobHolder, JobItem, JobProgress } from '../../../../shared/domain';
import type { ExportFormat } from '../../../../shared/ipc';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Badge, Loading, Meter } from '../../components/States';
import { ApiError, call, subscribe } from '../../lib/api';
import { downloadFile } from '../../lib/download';
import { formatDateTime, formatEta, formatInt } from '../../lib/format';
import { ERROR_CODE_LABELS, JOB_ITEM_STATUS_LABELS, JOB_STATUS_LABELS } from '../../lib/labels';
import { useAction } from '../../lib/use-action';
import { useLoad } from '../../lib/use-load';

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
  const name = item.input.name;
  return job.kind === 'classify' && typeof name === 'string' && name ? name : `#${item.seq + 1}`;
}

/** Props of the live view of one job. */
export interface JobViewProps {
  jobId: string;
  /** The step number the heading carries in the page's step indicator, e.g. "3.". */
  stepLabel: string;
  onUpdate(job: Job): void;
}

const PROGRAM_NAMES: Record<JobHolder['program'], string> = { app: 'the desktop app', cli: 'the CLI', host: 'the browser host' };

/** "the CLI (pid 4242) since Dec 2, 10:59": who runs the job, as the core's refusal names it. */
function describeHolder(holder: JobHolder): string {
  return `${PROGRAM_NAMES[holder.program]} (pid ${holder.pid}) since ${formatDateTime(holder.startedAt)}`;
}

/** How often a job run by another program is read again: its progress events do not reach this window. */
const ELSEWHERE_REFRESH_MS = 2000;
/** Failed items fetched for the table; the downloaded results list every one. */
const FAILED_PAGE = 500;

/** Item errors that a retry of the same input cannot fix (a damaged message, a deleted lead). */
const UNFIXABLE_BY_RETRY: ReadonlySet<string> = new Set(['validation', 'not_found']);

/** A job's live progress, its controls, its failed items, and the export. */
export function JobView({ jobId, stepLabel, onUpdate }: JobViewProps) {
  // Read through a ref: the progress subscription lives as long as the job view, not one render.
  const onUpdateRef = useRef(onUpdate);
  onUpdateRef.current = onUpdate;
  // Only the failed items are listed, so only those are fetched, however long the job.
  const read = useLoad(() => call('jobs:get', { id: jobId, limit: FAILED_PAGE, status: 'failed' }), [jobId]);
  // A progress event is newer than the last read until the next read lands.
  const [pushed, setPushed] = useState<JobProgress | null>(null);
  // A failed read stays on screen while the next one runs, so a failing poll does not blink.
  const [lastReadError, setLastReadError] = useState<ApiError | null>(null);
  const actions = useAction<'jobs:pause' | 'jobs:resume' | 'jobs:cancel' | 'export' | `retry:${string}`>();
  const { busy } = actions;
  const [format, setFormat] = useState<ExportFormat>('csv-per-lead');
  const [fill, setFill] = useState(false);
  // One jobs:get at a time; progress events that arrive meanwhile ask for one more afterwards.
  const refresh = read.refresh;

  useEffect(() => {
    if (!read.data) return;
    setPushed(null);
    onUpdateRef.current(read.data.job);
  }, [read.data]);

  const failedRead = read.status === 'error' ? read.error : null;
  useEffect(() => {
    if (read.status !== 'loading') setLastReadError(failedRead);
  }, [read.status, failedRead]);
  const readError = failedRead ?? (read.status === 'loading' ? lastReadError : null);

  useEffect(() => {
    const unsubscribe = subscribe('jobs:progress', (p) => {
      if (p.jobId !== jobId) return;
      setPushed(p);
      void refresh();
    });
    return unsubscribe;
    // refresh is stable; re-subscribing per render would drop events.
  }, [jobId, refresh]);

  const job = read.data?.job ?? null;
  const holder = read.data?.holder ?? null;
  const items = read.data?.items ?? [];
  const progress = pushed ?? read.data?.progress ?? null;
  const elsewhere = holder?.live && !holder.self;
  useEffect(() => {
    if (!elsewhere) return;
    const timer = setInterval(() => void refresh(), ELSEWHERE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [elsewhere, refresh]);

  const control = (action: 'jobs:pause' | 'jobs:resume' | 'jobs:cancel', done: string) =>
    actions.run(
      action,
      async () => {
        onUpdateRef.current(await call(action, { id: jobId }));
        await refresh();
      },
      done,
    );

  const retry = (item: JobItem) =>
    actions.run(`retry:${item.id}`, async () => {
      await call('jobs:retry-item', { jobId, itemId: item.id });
      await refresh();
    });

  const exportJob = () => actions.run('export', async () => downloadFile(await call('jobs:export', { id: jobId, format, fillPlaceholders: fill })));

  if (!job || !progress) return readError ? <ErrorMessage error={readError} onRetry={() => void refresh()} /> : <Loading label="Opening the job…" />;

  const finished = progress.done + progress.failed;
  const status = progress.status;
  const eta = status === 'running' ? formatEta(progress.etaMs) : null;
  const failedItems = items.filter((i) => i.status === 'failed');
  // Marked running, but no program runs it (the one that did was closed or killed): it can be resumed here.
  const interrupted = status === 'running' && !(holder?.live ?? false);

  return (
    <section className="card card-pad stack" aria-labelledby="job-title" data-testid="job-view" data-job-status={status}>
      <div className="progress-head">
        <h2 id="job-title">
          {stepLabel} {job.kind === 'generate' ? 'Drafting' : 'Classifying'} {formatInt(progress.total)} {job.kind === 'generate' ? 'leads' : 'replies'}{' '}
          <JobStatusBadge status={status} />
        </h2>
        <div className="row">
          {(status === 'running' || status === 'queued') && !interrupted && !elsewhere && (
            <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void control('jobs:pause', 'Job paused')}>
              Pause
            </button>
          )}
          {(status === 'paused' || interrupted) && (
            <button type="button" className="btn btn-small btn-primary" disabled={busy !== null} onClick={() => void control('jobs:resume', 'Job resumed')}>
              Resume
            </button>
          )}
          {ACTIVE.has(status) && !elsewhere && (
            <button
              type="button"
              className="btn btn-small btn-danger-ghost"
              disabled={busy !== null}
              onClick={() => void control('jobs:cancel', 'Job cancelled')}
            >
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
      {elsewhere && holder && (
        <p className="notice" role="status" data-testid="job-holder">
          Running in {describeHolder(holder)}. This view reads its progress every few seconds; to pause or cancel the job, do it there.
        </p>
      )}
      {interrupted && (
        <p className="notice notice-warn" role="status" data-testid="job-interrupted">
          {holder
            ? `Interrupted: ${describeHolder(holder)} stopped without finishing it.`
            : 'Interrupted: the program running this job stopped without finishing it.'}{' '}
          Resume carries on here; finished items are kept and none is done twice.
        </p>
      )}
      {progress.pauseReason && (
        <div className="stack-tight">
          <p className="muted">The job paused itself:</p>
          <ErrorMessage error={new ApiError(progress.pauseReason)} />
        </div>
      )}
      {readError && <ErrorMessage error={readError} onRetry={() => void refresh()} />}
      {actions.error && <ErrorMessage error={actions.error} />}

      {progress.failed > failedItems.length && failedItems.length > 0 && (
        <p className="field-hint">
          The first {formatInt(failedItems.length)} of {formatInt(progress.failed)} failed items; the downloaded results list every one.
        </p>
      )}
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
          <button type="submit" className="btn btn-small" disabled={busy !== null || finished === 0}>
            {busy === 'export' ? 'Exporting…' : 'Download'}
          </button>
          <span className="field-hint">
            {finished === 0 ? 'Available once a lead is finished.' : 'Every lead is a row, failed ones with their error, in the order of the import.'}
          </span>
        </form>
      )}
      {job.kind === 'classify' && (
        <div className="row">
          <button type="button" className="btn btn-small" disabled={busy !== null || finished === 0} onClick={() => void exportJob()}>
            {busy === 'export' ? 'Exporting…' : 'Download results (CSV)'}
          </button>
          <span className="field-hint">
            {finished === 0
              ? 'Available once a reply is finished.'
              : 'One row per message, failed and damaged ones included: its file (and place in an mbox), Message-ID, status, class, confidence, action, and whether rules or a model decided.'}
          </span>
        </div>
      )}
    </section>
  );
}
