import { useRef, useState } from 'react';
import type { Reply, ReplyClass } from '../../../shared/domain';
import { DropZone } from '../components/DropZone';
import { ErrorMessage } from '../components/ErrorMessage';
import { ReplyClassBadge, ReplyResult } from '../components/ReplyResult';
import { CardLoadState, Empty, Loading } from '../components/States';
import { type ApiError, call, toApiError } from '../lib/api';
import { useApp } from '../lib/app-context';
import { readFileAsBase64 } from '../lib/download';
import { formatDateTime, formatPercent } from '../lib/format';
import { DECIDED_BY_LABELS, REPLY_CLASSES, REPLY_CLASS_LABELS } from '../lib/labels';
import { useLoad } from '../lib/use-load';

/** A reply classified in this visit, or the error it hit. */
type Outcome = { key: number; source: string } & ({ ok: true; reply: Reply } | { ok: false; error: ApiError });

/** Paste a reply or drop .eml files; see what it is and what to do next; browse the history. */
export function RepliesPage() {
  const app = useApp();
  const [text, setText] = useState('');
  const [original, setOriginal] = useState('');
  const [pending, setPending] = useState(0);
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [filter, setFilter] = useState<ReplyClass | ''>('');
  const nextKey = useRef(1);
  const history = useLoad(() => call('replies:list', { ...(filter ? { classification: filter } : {}), limit: 100 }), [filter]);

  // Not useAction: several replies are classified at once, and each one's failure is its own
  // result in the list, next to the others, rather than the screen's one error.
  const classify = async (source: string, read: () => Promise<{ text: string } | { emlBase64: string }>) => {
    setPending((n) => n + 1);
    const key = nextKey.current++;
    try {
      const input = await read();
      const reply = await call('replies:classify', { ...input, ...(original.trim() ? { originalOutreach: original.trim() } : {}) });
      setOutcomes((list) => [{ key, source, ok: true as const, reply }, ...list].slice(0, 20));
    } catch (err) {
      setOutcomes((list) => [{ key, source, ok: false as const, error: toApiError(err) }, ...list].slice(0, 20));
    } finally {
      setPending((n) => n - 1);
    }
  };

  const classifyFiles = async (files: FileList | File[]) => {
    const list = Array.from(files);
    const emls = list.filter((f) => /\.(eml|txt)$/i.test(f.name) || f.type === 'message/rfc822');
    const skipped = list.length - emls.length;
    if (skipped > 0) {
      const key = nextKey.current++;
      setOutcomes((o) => [
        {
          key,
          source: `${skipped} file${skipped === 1 ? '' : 's'}`,
          ok: false as const,
          error: toApiError(new Error('Only .eml files can be classified here; the others were skipped.')),
        },
        ...o,
      ]);
    }
    // One at a time: each is a model call, and the core schedules within the provider's limits anyway.
    for (const file of emls) {
      await classify(file.name, async () => ({ emlBase64: await readFileAsBase64(file) }));
    }
    void history.reload();
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Replies</h1>
          <p>Rules catch bounces, out-of-office and unsubscribes without a model call; the rest goes to your default model.</p>
        </div>
      </div>
      <div className="split split-collapse">
        <div className="stack">
          <form
            className="card card-pad stack-tight"
            aria-label="Classify a pasted reply"
            onSubmit={(e) => {
              e.preventDefault();
              if (!text.trim()) return;
              const pasted = text.trim();
              void classify('Pasted reply', async () => ({ text: pasted })).then(() => history.reload());
            }}
          >
            <div className="field">
              <label htmlFor="reply-text">Reply text</label>
              <textarea id="reply-text" rows={7} placeholder="Paste the reply you received…" value={text} onChange={(e) => setText(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="reply-original">Your original message (optional)</label>
              <textarea id="reply-original" rows={3} value={original} onChange={(e) => setOriginal(e.target.value)} />
            </div>
            <button type="submit" className="btn btn-primary" disabled={!text.trim()}>
              Classify
            </button>
          </form>
          <DropZone
            testId="eml-dropzone"
            prompt="Drop one or more .eml files here"
            buttonLabel="Choose .eml files"
            pickerLabel="Choose .eml files"
            accept=".eml,message/rfc822"
            multiple
            onFiles={(files) => void classifyFiles(files)}
          >
            <span className="field-hint">
              Hundreds of replies, or an .mbox?{' '}
              <button type="button" className="btn-link" onClick={() => app.navigate({ page: 'batch', mode: 'classify' })}>
                Run them as a batch job
              </button>
            </span>
          </DropZone>
        </div>

        <div className="stack">
          <p className="sr-only" role="status">
            {outcomes[0]
              ? outcomes[0].ok
                ? `${outcomes[0].source}: ${outcomes[0].reply.classification ? REPLY_CLASS_LABELS[outcomes[0].reply.classification] : 'unclassified'}`
                : `${outcomes[0].source}: ${outcomes[0].error.message}`
              : ''}
          </p>
          {(pending > 0 || outcomes.length > 0) && (
            <section className="stack-tight" aria-label="Results">
              {pending > 0 && <Loading label={`Classifying ${pending} repl${pending === 1 ? 'y' : 'ies'}…`} />}
              {outcomes.map((o) =>
                o.ok ? <ReplyResult key={o.key} reply={o.reply} source={o.source} /> : <ErrorWithSource key={o.key} source={o.source} error={o.error} />,
              )}
            </section>
          )}

          <section className="card" aria-labelledby="history-title">
            <div className="card-head">
              <h2 id="history-title">History</h2>
              <div className="row">
                <label className="sr-only" htmlFor="reply-filter">
                  Filter by class
                </label>
                <select id="reply-filter" value={filter} onChange={(e) => setFilter(e.target.value as ReplyClass | '')}>
                  <option value="">All classes</option>
                  {REPLY_CLASSES.map((c) => (
                    <option key={c} value={c}>
                      {REPLY_CLASS_LABELS[c]}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <CardLoadState state={history} />
            {history.data && history.data.items.length === 0 && (
              <Empty title={filter ? `No ${REPLY_CLASS_LABELS[filter].toLowerCase()} replies` : 'No replies yet'}>
                Classified replies are kept here so you can find them again.
              </Empty>
            )}
            {history.data && history.data.items.length > 0 && (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Class</th>
                      <th scope="col">From / subject</th>
                      <th scope="col" className="num">
                        Conf.
                      </th>
                      <th scope="col">Decided by</th>
                      <th scope="col">When</th>
                    </tr>
                  </thead>
                  <tbody>
                    {history.data.items.map((r) => (
                      <tr key={r.id}>
                        <td>
                          <ReplyClassBadge reply={r} />
                        </td>
                        <td>
                          <div className="clip" title={r.subject ?? r.parsedText}>
                            {r.fromAddress ?? r.subject ?? r.parsedText.slice(0, 80)}
                          </div>
                          {r.reason && <div className="clip muted">{r.reason}</div>}
                        </td>
                        <td className="num">{r.confidence === null ? '—' : formatPercent(r.confidence)}</td>
                        <td>{r.decidedBy === 'rules' ? 'Rules' : r.decidedBy === 'model' ? 'Model' : DECIDED_BY_LABELS.undecided}</td>
                        <td className="nowrap">{formatDateTime(r.createdAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {history.data.total > history.data.items.length && (
                  <p className="card-section muted">
                    Showing the latest {history.data.items.length} of {history.data.total.toLocaleString()}.
                  </p>
                )}
              </div>
            )}
          </section>
        </div>
      </div>
    </div>
  );
}

function ErrorWithSource({ source, error }: { source: string; error: ApiError }) {
  return (
    <div className="stack-tight">
      <span className="muted">{source}</span>
      <ErrorMessage error={error} compact />
    </div>
  );
}
