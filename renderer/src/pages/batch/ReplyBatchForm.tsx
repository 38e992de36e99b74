import { useState } from 'react';
import type { Job } from '../../../../shared/domain';
import { DropZone } from '../../components/DropZone';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/States';
import { type ApiError, call, toApiError } from '../../lib/api';
import { readFileAsBase64 } from '../../lib/download';
import { formatInt } from '../../lib/format';

/** Mail files the core reads: one message per .eml (or .txt export), many per .mbox, which the core splits. */
const MAIL_FILE = /\.(eml|mbox|txt)$/i;
const MAX_FILES = 10_000;

interface ChosenFile {
  name: string;
  size: number;
  file: File;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Step 1 of a reply batch: many .eml files and/or .mbox files, dropped or chosen, and whether
 * the model may be asked at all. The files are read here and sent whole; the core splits an
 * mbox into messages and runs the rule pre-filter before any model call.
 */
export function ReplyBatchForm({ onCreated }: { onCreated(job: Job): void }) {
  const [files, setFiles] = useState<ChosenFile[]>([]);
  const [skipped, setSkipped] = useState<string[]>([]);
  const [rulesOnly, setRulesOnly] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const add = (list: FileList | File[]) => {
    const all = Array.from(list);
    const mail = all.filter((f) => MAIL_FILE.test(f.name) || f.type === 'message/rfc822' || f.type === 'application/mbox');
    setSkipped(all.filter((f) => !mail.includes(f)).map((f) => f.name));
    setError(null);
    setFiles((prev) => {
      // The same file chosen twice is one item, not two.
      const seen = new Set(prev.map((f) => `${f.name}:${f.size}`));
      const next = [...prev, ...mail.filter((f) => !seen.has(`${f.name}:${f.size}`)).map((file) => ({ name: file.name, size: file.size, file }))];
      return next.slice(0, MAX_FILES);
    });
  };

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const read = await Promise.all(files.map(async (f) => ({ name: f.name, contentBase64: await readFileAsBase64(f.file) })));
      onCreated(await call('jobs:create-classify', { files: read, rulesOnly }));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const mboxCount = files.filter((f) => /\.mbox$/i.test(f.name)).length;
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);

  return (
    <section className="card card-pad stack" aria-labelledby="reply-batch-title">
      <h2 id="reply-batch-title">1. Choose replies</h2>
      <DropZone
        testId="reply-batch-dropzone"
        prompt="Drop .eml files or an .mbox file here"
        buttonLabel={files.length ? 'Add more files' : 'Choose files'}
        pickerLabel="Choose .eml or .mbox files"
        accept=".eml,.mbox,.txt,message/rfc822,application/mbox"
        multiple
        onFiles={add}
      >
        <span className="field-hint">Select a whole folder’s files at once. An .mbox is split into its messages.</span>
      </DropZone>
      {skipped.length > 0 && (
        <p className="notice notice-warn" role="status">
          Skipped {skipped.length === 1 ? skipped[0] : `${formatInt(skipped.length)} files`}: only .eml, .txt and .mbox files hold replies.
        </p>
      )}
      {files.length > 0 && (
        <div className="chosen-files">
          <p data-testid="reply-batch-summary">
            <strong>{formatInt(files.length)}</strong> file{files.length === 1 ? '' : 's'} ({formatSize(totalBytes)})
            {mboxCount > 0 && <span className="muted"> · {formatInt(mboxCount)} mbox{mboxCount === 1 ? '' : 'es'}, split into messages when the job starts</span>}
          </p>
          <ul className="file-chips" aria-label="Chosen files">
            {files.slice(0, 8).map((f) => (
              <li key={`${f.name}:${f.size}`}>{f.name}</li>
            ))}
            {files.length > 8 && <li className="muted">and {formatInt(files.length - 8)} more</li>}
          </ul>
          <button type="button" className="btn-link" onClick={() => setFiles([])}>
            Clear the list
          </button>
        </div>
      )}
      <form
        className="stack-tight"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label className="check">
          <input type="checkbox" checked={rulesOnly} onChange={(e) => setRulesOnly(e.target.checked)} aria-describedby="rules-only-hint" />
          Rules only (no model calls)
        </label>
        <span className="field-hint" id="rules-only-hint">
          {rulesOnly
            ? 'Bounces, out-of-office and unsubscribes are decided by rules; everything else is marked undecided and costs nothing.'
            : 'Rules decide machine-made mail first, at no cost; only the rest goes to your default model.'}
        </span>
        {error && <ErrorMessage error={error} />}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={busy || files.length === 0}>
            {busy ? 'Starting…' : files.length === 0 ? 'Classify replies' : `Classify ${formatInt(files.length)} file${files.length === 1 ? '' : 's'}`}
          </button>
          {busy && <Loading label="Reading the files…" />}
        </div>
      </form>
    </section>
  );
}
