import { type DragEvent, useEffect, useRef, useState } from 'react';
import type { Channel, Job, JobItem, JobProgress } from '../../../shared/domain';
import type { ChannelOutput } from '../../../shared/ipc';
import { ErrorMessage } from '../components/ErrorMessage';
import { Icon } from '../components/Icon';
import { Badge, CardLoadState, Empty, Field, Loading, Meter } from '../components/States';
import { ApiError, call, subscribe, toApiError } from '../lib/api';
import { useApp } from '../lib/app-context';
import { downloadFile, readFileAsText, toCsvField } from '../lib/download';
import { formatDateTime, formatEta, formatInt } from '../lib/format';
import { CHANNEL_LABELS, CHANNELS, ERROR_CODE_LABELS, JOB_ITEM_STATUS_LABELS, JOB_STATUS_LABELS } from '../lib/labels';
import { useToast } from '../lib/toast';
import { useLoad } from '../lib/use-load';

type Preview = ChannelOutput<'leads:import-preview'>;
type ImportResult = ChannelOutput<'leads:import'>;
type LeadField = Preview['suggestedMapping'][string];
type ExportFormat = 'csv-per-lead' | 'csv-per-step' | 'json';

const FIELD_LABELS: Record<LeadField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phone: 'Phone',
  company: 'Company',
  jobTitle: 'Job title',
  industry: 'Industry',
  linkedinUrl: 'LinkedIn URL',
  custom: 'Custom field',
  ignore: 'Ignore',
};
const EXPORT_LABELS: Record<ExportFormat, string> = {
  'csv-per-lead': 'CSV, one row per lead',
  'csv-per-step': 'CSV, one row per step',
  json: 'JSON',
};
const ACTIVE: ReadonlySet<Job['status']> = new Set(['queued', 'running', 'paused']);

/** Batch drafting: import leads from CSV, map columns, run a job with progress, export the results. */
export function BatchPage() {
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mapping, setMapping] = useState<Record<string, LeadField>>({});
  const [imported, setImported] = useState<ImportResult | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [busy, setBusy] = useState<null | 'read' | 'import'>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const jobs = useLoad(() => call('jobs:list', undefined), [jobId]);

  const step = jobId ? 3 : imported ? 2 : 1;

  const readCsv = async (file: File) => {
    setBusy('read');
    setError(null);
    setImported(null);
    try {
      const text = await readFileAsText(file);
      const p = await call('leads:import-preview', { csv: text });
      setCsv({ name: file.name, text });
      setPreview(p);
      setMapping(p.suggestedMapping);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(null);
    }
  };

  const runImport = async () => {
    if (!csv) return;
    setBusy('import');
    setError(null);
    try {
      setImported(await call('leads:import', { csv: csv.text, mapping }));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(null);
    }
  };

  const reset = () => {
    setCsv(null);
    setPreview(null);
    setImported(null);
    setJobId(null);
    setError(null);
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Batch</h1>
          <p>Import leads from a CSV, draft a sequence for each as fast as your provider allows, and export them for your sequencing tool.</p>
        </div>
        {step > 1 && (
          <div className="page-actions">
            <button type="button" className="btn" onClick={reset}>
              Start a new batch
            </button>
          </div>
        )}
      </div>
      <ol className="steps-indicator" aria-label="Batch steps">
        {['Import leads', 'Draft sequences', 'Progress and export'].map((label, i) => (
          <li key={label} aria-current={step === i + 1 ? 'step' : undefined} className={step > i + 1 ? 'done' : undefined}>
            <span className="dot" aria-hidden="true">
              {i + 1}
            </span>
            {label}
          </li>
        ))}
      </ol>
      <div className="stack">
        {error && <ErrorMessage error={error} />}
        {step === 1 && (
          <ImportStep
            csvName={csv?.name ?? null}
            preview={preview}
            mapping={mapping}
            busy={busy}
            onFile={(f) => void readCsv(f)}
            onMapping={setMapping}
            onImport={() => void runImport()}
          />
        )}
        {step === 2 && imported && <GenerateStep imported={imported} onCreated={(job) => setJobId(job.id)} />}
        {step === 3 && jobId && (
          <JobView
            jobId={jobId}
            onUpdate={(job) => {
              const list = jobs.data ?? [];
              jobs.set(list.some((j) => j.id === job.id) ? list.map((j) => (j.id === job.id ? job : j)) : [job, ...list]);
            }}
          />
        )}

        <section className="card" aria-labelledby="jobs-title">
          <div className="card-head">
            <h2 id="jobs-title">Recent jobs</h2>
          </div>
          <CardLoadState state={jobs} />
          {jobs.data?.length === 0 && <Empty title="No jobs yet">Jobs you start here, or with the command line, are listed here and survive a restart.</Empty>}
          {jobs.data && jobs.data.length > 0 && (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Started</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Done
                    </th>
                    <th scope="col" className="num">
                      Failed
                    </th>
                    <th scope="col">
                      <span className="sr-only">Open</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {jobs.data.slice(0, 20).map((j) => (
                    <tr key={j.id}>
                      <td className="nowrap">{formatDateTime(j.createdAt)}</td>
                      <td>{j.kind === 'generate' ? 'Drafting' : 'Reply classification'}</td>
                      <td>
                        <JobStatusBadge status={j.status} />
                      </td>
                      <td className="num">
                        {formatInt(j.done)} / {formatInt(j.total)}
                      </td>
                      <td className="num">{formatInt(j.failed)}</td>
                      <td className="num">
                        {j.id === jobId ? (
                          <span className="muted">Shown above</span>
                        ) : (
                          <button type="button" className="btn btn-small" onClick={() => setJobId(j.id)}>
                            View
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

function ImportStep(props: {
  csvName: string | null;
  preview: Preview | null;
  mapping: Record<string, LeadField>;
  busy: null | 'read' | 'import';
  onFile(file: File): void;
  onMapping(mapping: Record<string, LeadField>): void;
  onImport(): void;
}) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const { preview } = props;
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) props.onFile(file);
  };
  const mappedFields = Object.values(props.mapping).filter((f) => f !== 'ignore' && f !== 'custom');
  return (
    <section className="card card-pad stack" aria-labelledby="import-title">
      <h2 id="import-title">1. Import leads</h2>
      <div
        className={`dropzone${over ? ' is-over' : ''}`}
        data-testid="csv-dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <Icon name="upload" size={22} />
        <p>{props.csvName ? `Loaded ${props.csvName}` : 'Drop a CSV of leads here'}</p>
        <button type="button" className="btn btn-small" onClick={() => input.current?.click()}>
          {props.csvName ? 'Choose another CSV' : 'Choose a CSV file'}
        </button>
        <input
          ref={input}
          type="file"
          accept=".csv,text/csv"
          hidden
          aria-label="Choose a CSV file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) props.onFile(file);
            e.target.value = '';
          }}
        />
        <span className="field-hint">UTF-8, comma or semicolon separated, with a header row.</span>
      </div>
      {props.busy === 'read' && <Loading label="Reading the CSV…" />}
      {preview && (
        <>
          <p>
            <strong>{formatInt(preview.rowCount)}</strong> rows, separated by <code>{preview.delimiter === '\t' ? 'tab' : preview.delimiter}</code>. Map each column onto a lead
            field; columns mapped to “Custom field” are kept with the lead.
          </p>
          <div className="table-wrap">
            <table className="mapping">
              <thead>
                <tr>
                  <th scope="col">Column</th>
                  <th scope="col">Lead field</th>
                  <th scope="col">Sample</th>
                </tr>
              </thead>
              <tbody>
                {preview.headers.map((header, i) => (
                  <tr key={`${header}-${i}`}>
                    <td>
                      <strong>{header}</strong>
                    </td>
                    <td>
                      <label className="sr-only" htmlFor={`map-${i}`}>
                        Lead field for column {header}
                      </label>
                      <select
                        id={`map-${i}`}
                        value={props.mapping[header] ?? 'custom'}
                        onChange={(e) => props.onMapping({ ...props.mapping, [header]: e.target.value as LeadField })}
                      >
                        {(Object.keys(FIELD_LABELS) as LeadField[]).map((f) => (
                          <option key={f} value={f}>
                            {FIELD_LABELS[f]}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td className="muted">
                      <div className="clip">
                        {preview.sample
                          .map((row) => row[i] ?? '')
                          .filter(Boolean)
                          .slice(0, 3)
                          .join(' · ') || '—'}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {new Set(mappedFields).size !== mappedFields.length && (
            <p className="notice notice-warn">Two columns map onto the same field; the later one wins.</p>
          )}
          <div>
            <button type="button" className="btn btn-primary" disabled={props.busy !== null} onClick={props.onImport}>
              {props.busy === 'import' ? 'Importing…' : `Import ${formatInt(preview.rowCount)} leads`}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function GenerateStep({ imported, onCreated }: { imported: ImportResult; onCreated(job: Job): void }) {
  const app = useApp();
  const profiles = useLoad(() => call('profiles:list', undefined), []);
  const [profileId, setProfileId] = useState('');
  const [steps, setSteps] = useState(3);
  const [channels, setChannels] = useState<Channel[]>(['email']);
  const [concurrency, setConcurrency] = useState(4);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const chosen = profileId || profiles.data?.[0]?.id || '';

  const exportErrors = () => {
    const rows = [['row', 'error'], ...imported.errors.map((e) => [e.row, e.message] as const)];
    downloadFile({ filename: 'import-errors.csv', mimeType: 'text/csv', content: rows.map((r) => r.map(toCsvField).join(',')).join('\r\n') + '\r\n' });
  };

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      onCreated(
        await call('jobs:create-generate', {
          leadIds: imported.leadIds,
          businessProfileId: chosen,
          options: { numberOfSteps: steps, channels, includeSubjects: channels.includes('email') },
          concurrency,
        }),
      );
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card card-pad stack" aria-labelledby="generate-title">
      <h2 id="generate-title">2. Draft sequences</h2>
      <p data-testid="import-summary">
        <Badge tone="good">{formatInt(imported.imported)} imported</Badge>{' '}
        {imported.errors.length > 0 ? (
          <>
            <Badge tone="bad">{formatInt(imported.errors.length)} rows with errors</Badge>{' '}
            <button type="button" className="btn-link" onClick={exportErrors}>
              Download the errors as CSV
            </button>
          </>
        ) : (
          <span className="muted">Every row imported.</span>
        )}
      </p>
      {imported.errors.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Rows that could not be imported">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Row
                </th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {imported.errors.slice(0, 50).map((e) => (
                <tr key={e.row}>
                  <td className="num">{e.row}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {imported.errors.length > 50 && <p className="card-section muted">The first 50 are shown; the download has them all.</p>}
        </div>
      )}
      {profiles.status === 'error' && <ErrorMessage error={profiles.error} onRetry={() => void profiles.reload()} />}
      {profiles.data?.length === 0 ? (
        <Empty
          title="A batch needs a business profile"
          action={
            <button type="button" className="btn btn-primary" onClick={() => app.navigate({ page: 'settings', tab: 'profiles' })}>
              Open Settings → Business profiles
            </button>
          }
        >
          The profile says what you sell and who signs; every lead’s sequence is drafted from it.
        </Empty>
      ) : (
        <form
          className="stack-tight"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <div className="grid-3">
            <Field label="Business profile" htmlFor="batch-profile">
              <select id="batch-profile" value={chosen} onChange={(e) => setProfileId(e.target.value)}>
                {profiles.data?.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.companyName} · {p.senderName}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Steps per lead" htmlFor="batch-steps">
              <input id="batch-steps" type="number" min={1} max={10} value={steps} onChange={(e) => setSteps(Math.min(10, Math.max(1, Number(e.target.value) || 1)))} />
            </Field>
            <Field label="Parallel requests" htmlFor="batch-concurrency" hint="The scheduler stays within the provider’s rate limits.">
              <input id="batch-concurrency" type="number" min={1} max={64} value={concurrency} onChange={(e) => setConcurrency(Math.min(64, Math.max(1, Number(e.target.value) || 1)))} />
            </Field>
          </div>
          <div className="checks" role="group" aria-label="Channels">
            {CHANNELS.map((c) => (
              <label key={c} className="check">
                <input type="checkbox" checked={channels.includes(c)} onChange={(e) => setChannels(e.target.checked ? [...channels, c] : channels.filter((x) => x !== c))} />
                {CHANNEL_LABELS[c]}
              </label>
            ))}
          </div>
          {error && <ErrorMessage error={error} />}
          <div>
            <button type="submit" className="btn btn-primary" disabled={busy || !chosen || channels.length === 0 || imported.leadIds.length === 0}>
              {busy ? 'Starting…' : `Draft ${formatInt(imported.leadIds.length)} sequences`}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function JobStatusBadge({ status }: { status: Job['status'] }) {
  const tone = status === 'completed' ? 'good' : status === 'failed' || status === 'cancelled' ? 'bad' : status === 'paused' ? 'warn' : 'info';
  return <Badge tone={tone}>{JOB_STATUS_LABELS[status]}</Badge>;
}

/** A job's live progress, its controls, its failed items, and the export. */
function JobView({ jobId, onUpdate }: { jobId: string; onUpdate(job: Job): void }) {
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
      const result = await call('jobs:get', { id: jobId, limit: 200 });
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
          3. {job.kind === 'generate' ? 'Drafting' : 'Classifying'} {formatInt(progress.total)} {job.kind === 'generate' ? 'leads' : 'replies'}{' '}
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
                <th scope="col" className="num">
                  #
                </th>
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
                  <td className="num">{item.seq + 1}</td>
                  <td>{JOB_ITEM_STATUS_LABELS[item.status]}</td>
                  <td>
                    {item.error ? (
                      <>
                        <strong>{ERROR_CODE_LABELS[item.error.code]}:</strong> {item.error.message}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="num">
                    <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void retry(item)}>
                      Retry
                    </button>
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
    </section>
  );
}
