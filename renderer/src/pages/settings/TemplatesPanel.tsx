import { useState } from 'react';
import type { Template } from '../../../../shared/domain';
import { ErrorMessage } from '../../components/ErrorMessage';
import { CardLoadState, Empty } from '../../components/States';
import { StepEditor } from '../../components/StepEditor';
import { call } from '../../lib/api';
import { useApp } from '../../lib/app-context';
import { formatDate } from '../../lib/format';
import { CHANNEL_LABELS } from '../../lib/labels';
import { useAction } from '../../lib/use-action';
import { useLoad } from '../../lib/use-load';

/** Saved sequences to start drafts from; made with “Save as template” on the Draft screen. */
export function TemplatesPanel() {
  const app = useApp();
  const actions = useAction<'save' | 'delete'>();
  const templates = useLoad(() => call('templates:list', undefined), []);
  const [open, setOpen] = useState<Template | null>(null);
  const readOnly = !app.canManage;

  const save = (t: Template) =>
    actions.run(
      'save',
      async () => {
        await call('templates:save', { id: t.id, name: t.name, steps: t.steps, options: t.options });
        await templates.reload();
        setOpen(null);
      },
      `Template “${t.name}” saved`,
    );

  const remove = (t: Template) =>
    actions.run(
      'delete',
      async () => {
        await call('templates:delete', { id: t.id });
        if (open?.id === t.id) setOpen(null);
        await templates.reload();
      },
      `Template “${t.name}” deleted`,
    );

  return (
    <div className="stack">
      {actions.error && <ErrorMessage error={actions.error} />}
      <section className="card" aria-labelledby="templates-title">
        <div className="card-head">
          <h2 id="templates-title">Templates</h2>
        </div>
        <CardLoadState state={templates} />
        {templates.data?.length === 0 && (
          <Empty title="No templates yet">On the Draft screen, “Save as template” keeps a sequence’s steps to start new drafts from.</Empty>
        )}
        {templates.data?.map((t) => (
          <div key={t.id} className="card-section row">
            <div className="grow">
              <strong>{t.name}</strong>
              <span className="muted">
                {' '}
                · {t.steps.length} step{t.steps.length === 1 ? '' : 's'} · {[...new Set(t.steps.map((s) => CHANNEL_LABELS[s.channel]))].join(', ')} ·{' '}
                {formatDate(t.createdAt)}
              </span>
            </div>
            <button type="button" className="btn btn-small" aria-expanded={open?.id === t.id} onClick={() => setOpen(open?.id === t.id ? null : t)}>
              {open?.id === t.id ? 'Close' : readOnly ? 'View' : 'Edit'}
            </button>
            {!readOnly && (
              <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => void remove(t)}>
                Delete
              </button>
            )}
          </div>
        ))}
      </section>
      {open && (
        <section className="stack-tight" aria-label={`Template ${open.name}`}>
          <div className="row">
            <label className="sr-only" htmlFor="tpl-name">
              Template name
            </label>
            <input
              id="tpl-name"
              className="grow title-input"
              value={open.name}
              readOnly={readOnly}
              maxLength={200}
              onChange={(e) => setOpen({ ...open, name: e.target.value })}
            />
            {!readOnly && (
              <button type="button" className="btn btn-primary btn-small" disabled={!open.name.trim()} onClick={() => void save(open)}>
                Save template
              </button>
            )}
          </div>
          <StepEditor steps={open.steps} readOnly={readOnly} onChange={(steps) => setOpen({ ...open, steps })} />
        </section>
      )}
    </div>
  );
}
