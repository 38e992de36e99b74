import type { ReactNode } from 'react';
import type { LoadState } from '../lib/use-load';
import { ErrorMessage } from './ErrorMessage';

/** A loading line with a spinner; announced politely to screen readers. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** What a screen shows when there is nothing yet, and what to do about it. */
export function Empty({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children && <p className="state-hint">{children}</p>}
      {action && <div className="state-action">{action}</div>}
    </div>
  );
}

/** A small colored label. */
export function Badge({ tone = 'neutral', children, title }: { tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'info'; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** A labelled form control; the label is bound to the control through htmlFor/id. */
export function Field({
  label,
  htmlFor,
  hint,
  children,
  className,
}: {
  label: string;
  htmlFor: string;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
    </div>
  );
}

/** A horizontal bar with a value, for budgets and job progress. */
export function Meter({
  label,
  value,
  max,
  tone = 'info',
  valueText,
}: {
  label: string;
  value: number;
  max: number;
  tone?: 'good' | 'warn' | 'bad' | 'info';
  valueText: string;
}) {
  const fraction = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  return (
    <div
      className={`meter meter-${tone}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={Math.min(value, max)}
      aria-valuetext={valueText}
    >
      <div className="meter-fill" style={{ width: `${fraction * 100}%` }} />
    </div>
  );
}

/**
 * The error (with a retry) or the first-load spinner of data shown in a card; nothing once the
 * data is there, so a reload keeps the old rows on screen.
 */
export function CardLoadState({ state }: { state: LoadState<unknown> & { reload(): Promise<void> } }) {
  if (state.status === 'error') {
    return (
      <div className="card-section">
        <ErrorMessage error={state.error} onRetry={() => void state.reload()} />
      </div>
    );
  }
  if (state.status === 'loading' && state.data === undefined) {
    return (
      <div className="card-section">
        <Loading />
      </div>
    );
  }
  return null;
}
