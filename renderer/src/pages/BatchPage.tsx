import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { channelsTakeSubjects, type Channel, type Job } from '../../../shared/domain';
import { MAX_BATCH_LEADS, type ChannelInput, type ChannelOutput } from '../../../shared/ipc';
import { DropZone } from '../components/DropZone';
import { ErrorMessage } from '../components/ErrorMessage';
import { Badge, CardLoadState, Empty, Field, Loading } from '../components/States';
import { UploadProgressBar } from '../components/UploadProgress';
import { call } from '../lib/api';
import { useApp } from '../lib/app-context';
import { downloadFile } from '../lib/download';
import { formatDateTime, formatInt } from '../lib/format';
import { CHANNEL_LABELS, CHANNELS } from '../lib/labels';
import { discardUploads, type UploadProgress, uploadFiles } from '../lib/upload';
import { useAction } from '../lib/use-action';
import { useLoad } from '../lib/use-load';
import { JobStatusBadge, JobView, ReplyBatchForm } from './batch';

type Preview = ChannelOutput<'leads:import-preview'>;
type ImportResult = ChannelOutput<'leads:import'>;
type LeadField = Preview['suggestedMapping'][string];
type Mode = Job['kind'];
type Encoding = NonNullable<ChannelInput<'leads:import-preview'>['encoding']>;
type Delimiter = NonNullable<ChannelInput<'leads:import-preview'>['delimiter']>;
type OnDuplicate = NonNullable<ChannelInput<'leads:import'>['onDuplicate']>;
/** What the import step is doing: sending the file, reading it, or importing it. */
type ImportBusy = 'upload' | 'read' | 'import';
/** The lead file, uploaded to the core, which reads it from there for the preview and the import. */
interface CsvFile {
  name: string;
  uploadId: string;
}
/** How to read the file: chosen by the core unless the user overrides it. */
interface Reading {
  encoding: Encoding;
  delimiter: Delimiter | 'auto';
}

const ENCODING_LABELS: Record<Encoding, string> = {
  auto: 'Detect',
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 LE (Excel “Unicode text”)',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252 (Excel “CSV” on Windows)',
};
const DELIMITER_LABELS: Record<Reading['delimiter'], string> = { auto: 'Detect', ',': 'Comma', ';': 'Semicolon', '\t': 'Tab' };
const DUPLICATE_LABELS: Record<OnDuplicate, string> = {
  skip: 'Skip them (count them)',
  update: 'Update the existing lead',
  keep: 'Import them again',
};

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

interface ModeInfo {
  id: Mode;
  label: string;
  intro: string;
  steps: string[];
}

/** Every mode, in tab order (a non-empty list: the first is the fallback). */
const MODES: [ModeInfo, ...ModeInfo[]] = [
  {
    id: 'generate',
    label: 'Draft for leads',
    intro: 'Import leads from a CSV, draft a sequence for each as fast as your provider allows, and export them for your sequencing tool.',
    steps: ['Import leads', 'Draft sequences', 'Progress and export'],
  },
  {
    id: 'classify',
    label: 'Classify replies',
    intro: 'Classify a folder of .eml files or an mbox. Rules settle bounces and out-of-office mail without a model call; the rest goes to your default model.',
    steps: ['Choose replies', 'Progress and export'],
  },
];

/**
 * Work at scale, as jobs that survive a restart: draft sequences for imported leads, or
 * classify many replies. Both share the live job view and the list of recent jobs.
 */
export function BatchPage({ initialMode = 'generate' }: { initialMode?: Mode }) {
  const [mode, setMode] = useState<Mode>(initialMode);
  const [csv, setCsv] = useState<CsvFile | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mapping, setMapping] = useState<Record<string, LeadField>>({});
  const [reading, setReading] = useState<Reading>({ encoding: 'auto', delimiter: 'auto' });
  const [onDuplicate, setOnDuplicate] = useState<OnDuplicate>('skip');
  const [imported, setImported] = useState<ImportResult | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [uploading, setUploading] = useState<UploadProgress | null>(null);
  const actions = useAction<ImportBusy>();
  const jobs = useLoad(() => call('jobs:list', undefined), [jobId]);
  const tabRefs = useRef(new Map<Mode, HTMLButtonElement>());
  // The upload not imported yet: the core deletes it once imported; otherwise this page discards it.
  const unused = useRef<string | null>(null);
  const dropUnused = () => {
    if (unused.current) discardUploads([unused.current]);
    unused.current = null;
  };
  // Leaving the page stops an upload under way and discards one not imported.
  const leaving = useRef(new AbortController());
  useEffect(() => {
    const controller = new AbortController();
    leaving.current = controller;
    return () => {
      controller.abort();
      if (unused.current) discardUploads([unused.current]);
    };
  }, []);

  const current = MODES.find((m) => m.id === mode) ?? MODES[0];
  const step = jobId ? current.steps.length : mode === 'generate' && imported ? 2 : 1;

  /** Has the core read the uploaded file (it decodes the bytes), previews it and proposes a mapping. */
  const loadPreview = async (file: CsvFile, how: Reading) => {
    setImported(null);
    const p = await actions.run('read', () =>
      call('leads:import-preview', {
        uploadId: file.uploadId,
        encoding: how.encoding,
        ...(how.delimiter === 'auto' ? {} : { delimiter: how.delimiter }),
      }),
    );
    if (!p) return;
    setCsv(file);
    setReading(how);
    setPreview(p);
    setMapping(p.suggestedMapping);
  };

  /** Sends the file to the core a chunk at a time (with a progress bar), then previews it. */
  const readCsv = async (file: File) => {
    // One file at a time: a file dropped while another is sent or read waits for the user to drop it again.
    if (actions.busy) return;
    dropUnused();
    setCsv(null);
    setPreview(null);
    setImported(null);
    const uploaded = await actions.run('upload', () => uploadFiles([file], setUploading, leaving.current.signal));
    setUploading(null);
    const uploadId = uploaded?.[0];
    if (!uploadId || leaving.current.signal.aborted) return;
    unused.current = uploadId;
    await loadPreview({ name: file.name, uploadId }, { encoding: 'auto', delimiter: 'auto' });
  };

  const runImport = async () => {
    if (!csv) return;
    const result = await actions.run('import', () =>
      call('leads:import', {
        uploadId: csv.uploadId,
        mapping,
        encoding: reading.encoding,
        ...(reading.delimiter === 'auto' ? {} : { delimiter: reading.delimiter }),
        onDuplicate,
        forBatch: true,
      }),
    );
    if (!result) return;
    // Imported: the core deleted the upload.
    unused.current = null;
    setImported(result);
  };

  const reset = () => {
    dropUnused();
    setCsv(null);
    setPreview(null);
    setImported(null);
    setJobId(null);
    actions.setError(null);
  };

  const switchMode = (next: Mode) => {
    if (next === mode) return;
    reset();
    setMode(next);
  };

  const viewJob = (job: Job) => {
    reset();
    setMode(job.kind);
    setJobId(job.id);
  };

  const onTabKey = (e: KeyboardEvent) => {
    const index = MODES.findIndex((m) => m.id === mode);
    const next = e.key === 'ArrowRight' ? index + 1 : e.key === 'ArrowLeft' ? index - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? MODES.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const target = MODES[(next + MODES.length) % MODES.length];
    if (!target) return;
    switchMode(target.id);
    tabRefs.current.get(target.id)?.focus();
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Batch</h1>
          <p>{current.intro}</p>
        </div>
        {step > 1 && (
          <div className="page-actions">
            <button type="button" className="btn" onClick={reset}>
              Start a new batch
            </button>
          </div>
        )}
      </div>
      <div className="tabs" role="tablist" aria-label="Kind of batch" onKeyDown={onTabKey}>
        {MODES.map((m) => (
          <button
            key={m.id}
            ref={(el) => {
              if (el) tabRefs.current.set(m.id, el);
            }}
            type="button"
            role="tab"
            id={`batch-tab-${m.id}`}
            aria-selected={mode === m.id}
            aria-controls="batch-panel"
            tabIndex={mode === m.id ? 0 : -1}
            onClick={() => switchMode(m.id)}
          >
            {m.label}
          </button>
        ))}
      </div>
      <div className="stack" role="tabpanel" id="batch-panel" aria-labelledby={`batch-tab-${mode}`}>
        <ol className="steps-indicator" aria-label="Batch steps">
          {current.steps.map((label, i) => (
            <li key={label} aria-current={step === i + 1 ? 'step' : undefined} className={step > i + 1 ? 'done' : undefined}>
              <span className="dot" aria-hidden="true">
                {i + 1}
              </span>
              {label}
            </li>
          ))}
        </ol>
        {actions.error && <ErrorMessage error={actions.error} />}
        {mode === 'generate' && step === 1 && (
          <ImportStep
            csvName={csv?.name ?? null}
            preview={preview}
            mapping={mapping}
            reading={reading}
            onDuplicate={onDuplicate}
            busy={actions.busy}
            uploading={uploading}
            onFile={(f) => void readCsv(f)}
            onReading={(how) => csv && void loadPreview(csv, how)}
            onDuplicateChange={setOnDuplicate}
            onMapping={setMapping}
            onImport={() => void runImport()}
          />
        )}
        {mode === 'generate' && step === 2 && imported && <GenerateStep imported={imported} onCreated={(job) => setJobId(job.id)} />}
        {mode === 'classify' && !jobId && <ReplyBatchForm onCreated={(job) => setJobId(job.id)} />}
        {jobId && (
          <JobView
            key={jobId}
            jobId={jobId}
            stepLabel={`${current.steps.length}.`}
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
                          <button type="button" className="btn btn-small" onClick={() => viewJob(j)}>
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

/** A labelled select over the keys of a labels record. */
function ChoiceField<K extends string>(props: {
  id: string;
  label: string;
  labels: Record<K, string>;
  value: K;
  disabled?: boolean;
  onChange(value: K): void;
}) {
  return (
    <Field label={props.label} htmlFor={props.id}>
      <select id={props.id} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value as K)}>
        {(Object.keys(props.labels) as K[]).map((key) => (
          <option key={key} value={key}>
            {props.labels[key]}
          </option>
        ))}
      </select>
    </Field>
  );
}

const STANDARD_FIELDS = (Object.keys(FIELD_LABELS) as LeadField[]).filter((f) => f !== 'custom' && f !== 'ignore');

function ImportStep(props: {
  csvName: string | null;
  preview: Preview | null;
  mapping: Record<string, LeadField>;
  reading: Reading;
  onDuplicate: OnDuplicate;
  busy: ImportBusy | null;
  /** The file being sent, while it is. */
  uploading: UploadProgress | null;
  onFile(file: File): void;
  onReading(reading: Reading): void;
  onDuplicateChange(value: OnDuplicate): void;
  onMapping(mapping: Record<string, LeadField>): void;
  onImport(): void;
}) {
  const { preview } = props;
  const mappedFields = Object.values(props.mapping).filter((f) => f !== 'ignore' && f !== 'custom');
  // Which column feeds each lead field: the first column mapped to it (a later one is kept as a custom field).
  const sources = STANDARD_FIELDS.map((field) => ({ field, column: preview?.headers.find((h) => props.mapping[h] === field) ?? null }));
  const tooMany = preview !== null && preview.rowCount > MAX_BATCH_LEADS;
  return (
    <section className="card card-pad stack" aria-labelledby="import-title">
      <h2 id="import-title">1. Import leads</h2>
      <DropZone
        testId="csv-dropzone"
        prompt={props.uploading ? `Sending ${props.uploading.name}…` : props.csvName ? `Loaded ${props.csvName}` : 'Drop a CSV of leads here'}
        buttonLabel={props.csvName ? 'Choose another CSV' : 'Choose a CSV file'}
        pickerLabel="Choose a CSV file"
        accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain"
        onFiles={([file]) => {
          if (file) props.onFile(file);
        }}
      >
        <span className="field-hint">
          A CSV or Excel “Unicode text” export from a CRM or spreadsheet, with a header row. Its encoding and separator are detected.
        </span>
      </DropZone>
      {props.uploading && <UploadProgressBar progress={props.uploading} label="Lead file upload" />}
      {props.busy === 'read' && <Loading label="Reading the CSV…" />}
      {preview && (
        <>
          <p data-testid="csv-reading">
            <strong>{formatInt(preview.rowCount)}</strong> rows, read as <strong>{ENCODING_LABELS[preview.encoding as Encoding] ?? preview.encoding}</strong>,
            separated by <strong>{DELIMITER_LABELS[preview.delimiter as Delimiter]?.toLowerCase() ?? <code>{preview.delimiter}</code>}</strong>
            {preview.headerRow > 1 ? `, header on row ${preview.headerRow}` : ''}.
          </p>
          {preview.warnings.map((warning) => (
            <p key={warning} className="notice notice-warn" role="note">
              {warning}
            </p>
          ))}
          {tooMany && (
            <p className="notice notice-warn" role="alert">
              This file has {formatInt(preview.rowCount)} rows, but one batch drafts at most {formatInt(MAX_BATCH_LEADS)} leads. Split the file and run a batch
              for each part.
            </p>
          )}
          <div className="grid-3">
            <ChoiceField
              id="csv-encoding"
              label="Encoding"
              labels={ENCODING_LABELS}
              value={props.reading.encoding}
              disabled={props.busy !== null}
              onChange={(encoding) => props.onReading({ ...props.reading, encoding })}
            />
            <ChoiceField
              id="csv-delimiter"
              label="Separator"
              labels={DELIMITER_LABELS}
              value={props.reading.delimiter}
              disabled={props.busy !== null}
              onChange={(delimiter) => props.onReading({ ...props.reading, delimiter })}
            />
            <ChoiceField
              id="csv-duplicates"
              label="Duplicates (same email)"
              labels={DUPLICATE_LABELS}
              value={props.onDuplicate}
              onChange={props.onDuplicateChange}
            />
          </div>
          <div>
            <p className="section-title" id="field-sources-title">
              Lead fields and the column each comes from
            </p>
            <ul className="field-sources" aria-labelledby="field-sources-title" data-testid="field-sources">
              {sources.map(({ field, column }) => (
                <li key={field} className={column ? undefined : 'muted'}>
                  <span>{FIELD_LABELS[field]}</span>
                  <span aria-hidden="true">←</span>
                  {column ? <strong>{column}</strong> : <em>no column</em>}
                </li>
              ))}
            </ul>
          </div>
          <p className="field-hint">Map each column onto a lead field; columns mapped to “Custom field” are kept with the lead (up to 50 per lead).</p>
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
                  // biome-ignore lint/suspicious/noArrayIndexKey: a CSV column is its position (header names may repeat), and the columns never move.
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
            <p className="notice notice-warn">Two columns map onto the same field; the first one fills it and the other is kept as a custom field.</p>
          )}
          <div>
            <button type="button" className="btn btn-primary" disabled={props.busy !== null || tooMany} onClick={props.onImport}>
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
  const actions = useAction<'create'>();
  const chosen = profileId || profiles.data?.[0]?.id || '';

  const exportErrors = () => {
    if (imported.errorsCsv) downloadFile({ filename: 'import-errors.csv', mimeType: 'text/csv', content: imported.errorsCsv });
  };

  const create = async () => {
    const job = await actions.run('create', () =>
      call('jobs:create-generate', {
        leadIds: imported.leadIds,
        businessProfileId: chosen,
        options: { numberOfSteps: steps, channels, includeSubjects: channelsTakeSubjects(channels) },
        concurrency,
      }),
    );
    if (job) onCreated(job);
  };

  return (
    <section className="card card-pad stack" aria-labelledby="generate-title">
      <h2 id="generate-title">2. Draft sequences</h2>
      <p data-testid="import-summary">
        <Badge tone="good">{formatInt(imported.imported)} imported</Badge>{' '}
        {imported.updated > 0 && (
          <>
            <Badge tone="info">{formatInt(imported.updated)} updated</Badge>{' '}
          </>
        )}
        {imported.skipped > 0 && (
          <>
            <Badge tone="neutral">{formatInt(imported.skipped)} already imported, skipped</Badge>{' '}
          </>
        )}
        {imported.capped.length > 0 && (
          <>
            <Badge tone="warn">{formatInt(imported.capped.length)} with custom fields cut</Badge>{' '}
          </>
        )}
        {imported.errors.length > 0 ? (
          <>
            <Badge tone="bad">{formatInt(imported.errors.length)} rows with errors</Badge>{' '}
            <button type="button" className="btn-link" onClick={exportErrors}>
              Download the errors as CSV
            </button>
          </>
        ) : (
          <span className="muted">No row had an error.</span>
        )}
      </p>
      {imported.warnings.map((warning) => (
        <p key={warning} className="notice notice-warn" role="note">
          {warning}
        </p>
      ))}
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
              <input
                id="batch-steps"
                type="number"
                min={1}
                max={10}
                value={steps}
                onChange={(e) => setSteps(Math.min(10, Math.max(1, Number(e.target.value) || 1)))}
              />
            </Field>
            <Field label="Parallel requests" htmlFor="batch-concurrency" hint="The scheduler stays within the provider’s rate limits.">
              <input
                id="batch-concurrency"
                type="number"
                min={1}
                max={64}
                value={concurrency}
                onChange={(e) => setConcurrency(Math.min(64, Math.max(1, Number(e.target.value) || 1)))}
              />
            </Field>
          </div>
          <fieldset className="checks" aria-label="Channels">
            {CHANNELS.map((c) => (
              <label key={c} className="check">
                <input
                  type="checkbox"
                  checked={channels.includes(c)}
                  onChange={(e) => setChannels(e.target.checked ? [...channels, c] : channels.filter((x) => x !== c))}
                />
                {CHANNEL_LABELS[c]}
              </label>
            ))}
          </fieldset>
          {actions.error && <ErrorMessage error={actions.error} />}
          <div>
            <button
              type="submit"
              className="btn btn-primary"
              disabled={actions.busy !== null || !chosen || channels.length === 0 || imported.leadIds.length === 0}
            >
              {actions.busy ? 'Starting…' : `Draft ${formatInt(imported.leadIds.length)} sequences`}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
