import { useEffect, useRef, useState } from 'react';
import type { Job } from '../../../../shared/domain';
import { DropZone } from '../../components/DropZone';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/States';
import { UploadProgressBar } from '../../components/UploadProgress';
import { call } from '../../lib/api';
import { formatBytes, formatInt } from '../../lib/format';
import { discardUploads, type UploadProgress, uploadFiles } from '../../lib/upload';
import { useAction } from '../../lib/use-action';

/** Mail files the core reads: one message per .eml (or .txt export), many per .mbox, which the core splits. */
const MAIL_FILE = /\.(eml|mbox|txt)$/i;
const MAX_FILES = 10_000;

interface ChosenFile {
  name: string;
  size: number;
  file: File;
}

/**
 * Step 1 of a reply batch: many .eml files and/or .mbox files, dropped or chosen, and whether
 * the model may be asked at all. The files are uploaded a chunk at a time (a progress bar shows
 * how far), then the core makes the job from them: it splits an mbox into messages where it lies,
 * and runs the rule pre-filter before any model call.
 */
export function ReplyBatchForm({ onCreated }: { onCreated(job: Job): void }) {
  const [files, setFiles] = useState<ChosenFile[]>([]);
  const [skipped, setSkipped] = useState<string[]>([]);
  const [rulesOnly, setRulesOnly] = useState(false);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const actions = useAction<'start'>();
  const busy = actions.busy !== null;
  // Every byte is with the core: it is listing the messages and making the job.
  const listing = busy && progress !== null && progress.sent === progress.total;

  const add = (list: FileList | File[]) => {
    // The files being sent are the list as it was: more can be added once the job has started.
    if (busy) return;
    const all = Array.from(list);
    const mail = all.filter((f) => MAIL_FILE.test(f.name) || f.type === 'message/rfc822' || f.type === 'application/mbox');
    setSkipped(all.filter((f) => !mail.includes(f)).map((f) => f.name));
    actions.setError(null);
    setFiles((prev) => {
      // The same file chosen twice is one item, not two.
      const seen = new Set(prev.map((f) => `${f.name}:${f.size}`));
      const next = [...prev, ...mail.filter((f) => !seen.has(`${f.name}:${f.size}`)).map((file) => ({ name: file.name, size: file.size, file }))];
      return next.slice(0, MAX_FILES);
    });
  };

  // Leaving the form (another tab, another page) stops an upload under way: no job is made.
  const leaving = useRef(new AbortController());
  useEffect(() => {
    const controller = new AbortController();
    leaving.current = controller;
    return () => controller.abort();
  }, []);

  const start = async () => {
    const job = await actions.run('start', async () => {
      const uploadIds = await uploadFiles(
        files.map((f) => f.file),
        setProgress,
        leaving.current.signal,
      );
      try {
        return await call('jobs:create-classify', { uploadIds, rulesOnly });
      } catch (err) {
        // No job reads them: they would only wait for the next start to be cleared.
        discardUploads(uploadIds);
        throw err;
      }
    });
    setProgress(null);
    if (job) onCreated(job);
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
            <strong>{formatInt(files.length)}</strong> file{files.length === 1 ? '' : 's'} ({formatBytes(totalBytes)})
            {mboxCount > 0 && (
              <span className="muted">
                {' '}
                · {formatInt(mboxCount)} mbox{mboxCount === 1 ? '' : 'es'}, split into messages when the job starts
              </span>
            )}
          </p>
          <ul className="file-chips" aria-label="Chosen files">
            {files.slice(0, 8).map((f) => (
              <li key={`${f.name}:${f.size}`}>{f.name}</li>
            ))}
            {files.length > 8 && <li className="muted">and {formatInt(files.length - 8)} more</li>}
          </ul>
          <button type="button" className="btn-link" disabled={busy} onClick={() => setFiles([])}>
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
        {progress && !listing && <UploadProgressBar progress={progress} label="Reply files upload" />}
        {actions.error && <ErrorMessage error={actions.error} />}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={busy || files.length === 0}>
            {busy
              ? listing
                ? 'Starting…'
                : 'Sending…'
              : files.length === 0
                ? 'Classify replies'
                : `Classify ${formatInt(files.length)} file${files.length === 1 ? '' : 's'}`}
          </button>
          {listing && <Loading label="Reading the messages…" />}
        </div>
      </form>
    </section>
  );
}
