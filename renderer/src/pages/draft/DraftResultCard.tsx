import { useEffect, useRef, useState } from 'react';
import { Badge } from '../../components/States';
import { formatInt, formatLatency, formatUsd } from '../../lib/format';
import { PROVIDER_LABELS, SEQUENCE_STATUS_LABELS } from '../../lib/labels';
import type { DraftResultState, ExportFormat } from './use-draft-result';

/** The draft's head: its title, status and cost, and the save, template, copy and export actions. */
export function DraftResultCard({ draft }: { draft: DraftResultState }) {
  const { result, actions } = draft;
  const [templateName, setTemplateName] = useState<string | null>(null);
  // The name field appears because the user asked to save a template: focus goes to it.
  const templateInput = useRef<HTMLInputElement>(null);
  const naming = templateName !== null;
  useEffect(() => {
    if (naming) templateInput.current?.focus();
  }, [naming]);
  const [exportFormat, setExportFormat] = useState<ExportFormat>('csv-per-lead');
  if (!result) return null;
  const busy = actions.busy !== null;

  return (
    <div className="card card-pad stack-tight">
      <div className="row">
        <label className="sr-only" htmlFor="draft-title">
          Sequence title
        </label>
        <input id="draft-title" className="grow title-input" value={result.title} maxLength={300} onChange={(e) => draft.edit({ title: e.target.value })} />
        <Badge tone={result.status === 'approved' ? 'good' : 'neutral'}>{result.id ? SEQUENCE_STATUS_LABELS[result.status] : 'Not saved'}</Badge>
        {result.edited && <Badge tone="info">Edited</Badge>}
      </div>
      <p className="meta-line" data-testid="draft-meta">
        <span>
          Provider <strong>{result.provider ? PROVIDER_LABELS[result.provider] : 'unknown'}</strong>
        </span>
        <span>
          Model <strong>{result.model ?? 'unknown'}</strong>
        </span>
        {result.usage && (
          <span>
            Tokens <strong>{formatInt(result.usage.inputTokens)}</strong> in · <strong>{formatInt(result.usage.outputTokens)}</strong> out
          </span>
        )}
        {result.costUsd !== null && (
          <span>
            Cost <strong>{formatUsd(result.costUsd)}</strong>
          </span>
        )}
        {result.latencyMs !== null && (
          <span>
            Took <strong>{formatLatency(result.latencyMs)}</strong>
          </span>
        )}
      </p>
      <div className="toolbar">
        <button type="button" className="btn btn-small" disabled={busy} onClick={() => void draft.save('draft')}>
          Save draft
        </button>
        <button type="button" className="btn btn-primary btn-small" disabled={busy} onClick={() => void draft.save('approved')}>
          Approve and save
        </button>
        <span className="sep" />
        <button type="button" className="btn btn-small btn-ghost" disabled={busy} onClick={() => setTemplateName(result.title)}>
          Save as template
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => void draft.copy()}>
          Copy
        </button>
        <label className="sr-only" htmlFor="draft-export-format">
          Export format
        </label>
        <select id="draft-export-format" className="select-small" value={exportFormat} onChange={(e) => setExportFormat(e.target.value as ExportFormat)}>
          <option value="csv-per-lead">CSV, one row</option>
          <option value="csv-per-step">CSV, row per step</option>
          <option value="json">JSON</option>
        </select>
        <button type="button" className="btn btn-small" disabled={busy} onClick={() => void draft.exportAs(exportFormat)}>
          {actions.busy === 'export' ? 'Exporting…' : 'Export'}
        </button>
      </div>
      {templateName !== null && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            const name = templateName.trim();
            if (name) void draft.saveTemplate(name).then((saved) => saved && setTemplateName(null));
          }}
        >
          <label className="sr-only" htmlFor="template-name">
            Template name
          </label>
          <input
            ref={templateInput}
            id="template-name"
            className="grow"
            value={templateName}
            maxLength={200}
            onChange={(e) => setTemplateName(e.target.value)}
          />
          <button type="submit" className="btn btn-small btn-primary" disabled={!templateName.trim() || busy}>
            Save template
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setTemplateName(null)}>
            Cancel
          </button>
        </form>
      )}
    </div>
  );
}
