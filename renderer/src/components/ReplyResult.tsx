import type { Reply } from '../../../shared/domain';
import { formatDate, formatPercent } from '../lib/format';
import { ACTION_LABELS, DECIDED_BY_LABELS, PROVIDER_LABELS, REPLY_CLASS_LABELS } from '../lib/labels';
import { Badge, Meter } from './States';

/** A class label, colored by what it means for the sequence. */
export function ReplyClassBadge({ reply }: { reply: Pick<Reply, 'classification'> }) {
  if (!reply.classification) return <Badge tone="neutral">Unclassified</Badge>;
  return <span className={`badge class-${reply.classification}`}>{REPLY_CLASS_LABELS[reply.classification]}</span>;
}

/**
 * One classified reply. The reason comes from an untrusted email via a model, so it is only
 * ever rendered as a React text node.
 */
export function ReplyResult({ reply, source }: { reply: Reply; source?: string }) {
  const confidence = reply.confidence ?? 0;
  return (
    <article className="card card-pad result-card" aria-label={`Classification${source ? ` of ${source}` : ''}`} data-testid="reply-result">
      <div className="result-head">
        <ReplyClassBadge reply={reply} />
        <Badge tone={reply.decidedBy === 'rules' ? 'good' : reply.decidedBy === 'model' ? 'info' : 'warn'}>{DECIDED_BY_LABELS[reply.decidedBy]}</Badge>
        {reply.suggestedAction && <Badge tone="neutral">Next: {ACTION_LABELS[reply.suggestedAction]}</Badge>}
        {source && (
          <span className="muted clip" title={source}>
            {source}
          </span>
        )}
      </div>
      {reply.subject || reply.fromAddress ? (
        <p className="muted clip" title={`${reply.fromAddress ?? ''} ${reply.subject ?? ''}`}>
          {reply.fromAddress ?? 'Unknown sender'}
          {reply.subject ? ` · ${reply.subject}` : ''}
        </p>
      ) : null}
      {reply.confidence !== null && (
        <div className="confidence">
          <span>Confidence {formatPercent(confidence)}</span>
          <Meter
            label="Confidence"
            value={confidence}
            max={1}
            valueText={formatPercent(confidence)}
            tone={confidence >= 0.8 ? 'good' : confidence >= 0.5 ? 'warn' : 'bad'}
          />
        </div>
      )}
      {reply.reason && <p className="reason">{reply.reason}</p>}
      <p className="meta-line">
        {reply.returnDate && (
          <span>
            Back on <strong>{formatDate(reply.returnDate)}</strong>
          </span>
        )}
        {reply.provider && (
          <span>
            Model{' '}
            <strong>
              {PROVIDER_LABELS[reply.provider]} · {reply.model}
            </strong>
          </span>
        )}
      </p>
    </article>
  );
}
