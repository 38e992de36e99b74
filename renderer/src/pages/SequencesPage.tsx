import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { SequenceStatus, SequenceSummary } from '../../../shared/domain';
import { ErrorMessage } from '../components/ErrorMessage';
import { Badge, Empty, Loading } from '../components/States';
import { type ApiError, call, toApiError } from '../lib/api';
import { useApp } from '../lib/app-context';
import { formatDateTime } from '../lib/format';
import { PROVIDER_LABELS, SEQUENCE_STATUSES, SEQUENCE_STATUS_LABELS } from '../lib/labels';

const PAGE = 200;
const ROW_HEIGHT = 44;

/** Pages of the list, fetched as the user scrolls to them; index → row. */
interface ListState {
  total: number | null;
  rows: Map<number, SequenceSummary>;
  error: ApiError | null;
}

/** Every saved sequence, searchable and filterable, virtualized so 10,000 rows stay smooth. */
export function SequencesPage() {
  const app = useApp();
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');
  const [status, setStatus] = useState<SequenceStatus | ''>('');
  const [list, setList] = useState<ListState>({ total: null, rows: new Map(), error: null });
  const requested = useRef(new Set<number>());
  const generation = useRef(0);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const timer = setTimeout(() => setDebounced(query.trim()), 200);
    return () => clearTimeout(timer);
  }, [query]);

  // Not useLoad or useAction: pages of one list load on demand as they scroll into view, and a
  // page that failed is forgotten, so it is asked for again rather than kept as the screen's value.
  const loadPage = useCallback(
    async (page: number, gen: number) => {
      if (requested.current.has(page)) return;
      requested.current.add(page);
      try {
        const result = await call('sequences:list', {
          ...(debounced ? { query: debounced } : {}),
          ...(status ? { status } : {}),
          offset: page * PAGE,
          limit: PAGE,
        });
        if (gen !== generation.current) return;
        setList((prev) => {
          const rows = new Map(prev.rows);
          for (const [i, item] of result.items.entries()) rows.set(page * PAGE + i, item);
          return { total: result.total, rows, error: null };
        });
      } catch (err) {
        requested.current.delete(page);
        if (gen === generation.current) setList((prev) => ({ ...prev, error: toApiError(err) }));
      }
    },
    [debounced, status],
  );

  useEffect(() => {
    const gen = ++generation.current;
    requested.current = new Set();
    setList({ total: null, rows: new Map(), error: null });
    scroller.current?.scrollTo({ top: 0 });
    void loadPage(0, gen);
  }, [loadPage]);

  const total = list.total ?? 0;
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();

  const firstIndex = items[0]?.index;
  const lastIndex = items.at(-1)?.index;
  useEffect(() => {
    if (firstIndex === undefined || lastIndex === undefined) return;
    for (let page = Math.floor(firstIndex / PAGE); page <= Math.floor(lastIndex / PAGE); page++) {
      void loadPage(page, generation.current);
    }
  }, [firstIndex, lastIndex, loadPage]);

  // Asks again for the pages in view (the first when nothing is listed yet), wherever the failure was.
  const retry = () => {
    for (let page = Math.floor((firstIndex ?? 0) / PAGE); page <= Math.floor((lastIndex ?? 0) / PAGE); page++) {
      void loadPage(page, generation.current);
    }
  };

  const open = (id: string) => app.navigate({ page: 'draft', sequenceId: id });

  // Home/End/PageUp/PageDown move through the whole list from anywhere inside it. Focus goes to
  // the list itself, so it is not lost when the focused row scrolls out and is unmounted.
  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const visible = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1);
    const first = items[0]?.index ?? 0;
    const target =
      e.key === 'Home'
        ? 0
        : e.key === 'End'
          ? total - 1
          : e.key === 'PageDown'
            ? Math.min(total - 1, first + visible)
            : e.key === 'PageUp'
              ? Math.max(0, first - visible)
              : null;
    if (target === null || total === 0) return;
    e.preventDefault();
    scroller.current?.focus();
    virtualizer.scrollToIndex(target, { align: e.key === 'End' || e.key === 'PageDown' ? 'end' : 'start' });
  };
  const filtered = Boolean(debounced || status);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Sequences</h1>
          <p data-testid="sequence-count">
            {list.total === null ? 'Loading…' : `${total.toLocaleString()} ${filtered ? 'matching' : 'saved'} sequence${total === 1 ? '' : 's'}`}
          </p>
        </div>
        <div className="page-actions">
          <button type="button" className="btn btn-primary" onClick={() => app.navigate({ page: 'draft' })}>
            New sequence
          </button>
        </div>
      </div>
      <search className="list-toolbar">
        <label className="sr-only" htmlFor="seq-search">
          Search sequences
        </label>
        <input id="seq-search" type="search" placeholder="Search by title or lead…" value={query} onChange={(e) => setQuery(e.target.value)} />
        <label className="sr-only" htmlFor="seq-status">
          Status
        </label>
        <select id="seq-status" value={status} onChange={(e) => setStatus(e.target.value as SequenceStatus | '')}>
          <option value="">All statuses</option>
          {SEQUENCE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {SEQUENCE_STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </search>
      {list.error && <ErrorMessage error={list.error} onRetry={retry} />}
      {list.total === null && !list.error && <Loading label="Loading sequences…" />}
      {list.total === 0 && (
        <div className="card">
          {filtered ? (
            <Empty title="Nothing matches">Try another search or status.</Empty>
          ) : (
            <Empty
              title="No sequences yet"
              action={
                <button type="button" className="btn btn-primary" onClick={() => app.navigate({ page: 'draft' })}>
                  Draft your first sequence
                </button>
              }
            >
              Sequences you save from the Draft screen or a batch job appear here.
            </Empty>
          )}
        </div>
      )}
      {total > 0 && (
        <div className="card">
          <p id="seq-keys" className="sr-only">
            Home and End go to the first and last sequence; Page Up and Page Down move a screen at a time.
          </p>
          <div className="vrow vrow-head" role="presentation" aria-hidden="true">
            <span>Title</span>
            <span>Lead</span>
            <span>Status</span>
            <span>Steps</span>
            <span>Model</span>
            <span>Updated</span>
          </div>
          {/* biome-ignore lint/a11y/useSemanticElements: the virtualizer's sizing div sits between the list and its rows, and an <ol> may hold only <li>. */}
          <div
            className="vlist"
            ref={scroller}
            role="list"
            aria-label="Saved sequences"
            aria-describedby="seq-keys"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: the list scrolls, so it takes keyboard focus for its scroll keys (WCAG 2.1.1, axe scrollable-region-focusable).
            tabIndex={0}
            onKeyDown={onListKey}
          >
            <div className="vlist-inner" style={{ height: virtualizer.getTotalSize() }}>
              {items.map((item) => {
                const row = list.rows.get(item.index);
                return (
                  // biome-ignore lint/a11y/useSemanticElements: a row of the virtual list above, which cannot be an <ol>.
                  <div
                    key={item.key}
                    role="listitem"
                    aria-setsize={total}
                    aria-posinset={item.index + 1}
                    className={`vrow${row ? '' : ' is-placeholder'}`}
                    style={{ top: item.start, height: item.size }}
                  >
                    {row ? (
                      <>
                        <span className="cell">
                          <button type="button" className="title-btn" onClick={() => open(row.id)} title={`Open ${row.title}`}>
                            {row.title}
                          </button>
                        </span>
                        <span className="cell">{row.leadName ?? '—'}</span>
                        <span className="cell">
                          <Badge tone={row.status === 'approved' ? 'good' : row.status === 'archived' ? 'neutral' : 'info'}>
                            {SEQUENCE_STATUS_LABELS[row.status]}
                          </Badge>
                        </span>
                        <span className="cell">{row.stepCount}</span>
                        <span className="cell" title={row.model ?? undefined}>
                          {row.provider ? `${PROVIDER_LABELS[row.provider]} · ${row.model ?? ''}` : '—'}
                        </span>
                        <span className="cell">{formatDateTime(row.updatedAt)}</span>
                      </>
                    ) : (
                      <span className="cell">Loading…</span>
                    )}
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
