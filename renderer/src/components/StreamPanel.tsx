import { forwardRef, useEffect, useMemo, useRef, useState } from 'react';
import { CHANNEL_LABELS } from '../lib/labels';
import { readStreamingSteps, type StreamingStep } from '../../../shared/streaming';
import { splitPlaceholders } from './HighlightedTextarea';

/** Props of the panel that shows a sequence while the model writes it. */
export interface StreamPanelProps {
  /** Everything the model has sent so far. */
  text: string;
  /** "OpenAI", "your default provider": who is writing. */
  writer: string;
  onCancel(): void;
}

/**
 * A draft as it streams in: the steps form one by one (number, channel, delay, subject, body),
 * read from the partial JSON. The raw text stays one click away for when the model strays from
 * JSON or someone wants to see exactly what came back.
 */
export const StreamPanel = forwardRef<HTMLDivElement, StreamPanelProps>(function StreamPanel({ text, writer, onCancel }, ref) {
  const [showRaw, setShowRaw] = useState(false);
  const steps = useMemo(() => readStreamingSteps(text), [text]);
  const current = steps.length;
  const list = useRef<HTMLOListElement>(null);

  // Follow the growing text, unless the reader has scrolled up to read an earlier step. After every
  // render: one that added no text leaves a followed list where it is, at its end.
  const following = useRef(true);
  useEffect(() => {
    const el = list.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  });

  return (
    <div className="card card-pad stack-tight" aria-busy="true" ref={ref} data-testid="stream">
      <div className="row">
        <h2 className="grow">Writing with {writer}…</h2>
        <button type="button" className="btn btn-small btn-ghost" aria-expanded={showRaw} aria-controls="stream-raw" onClick={() => setShowRaw((v) => !v)}>
          {showRaw ? 'Hide raw' : 'Show raw'}
        </button>
        <button type="button" className="btn btn-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {/* Announce each new step, not every word: a live body would talk over the user. */}
      <p className="sr-only" role="status">
        {current > 0 ? `Writing step ${current}` : ''}
      </p>
      {steps.length === 0 ? (
        <p className="muted stream-cursor" data-testid="stream-waiting">
          {text ? 'Reading the answer…' : 'Waiting for the first words…'}
        </p>
      ) : (
        <ol
          className="stream-steps"
          aria-label="Steps so far"
          ref={list}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the list scrolls, so it takes keyboard focus to be scrolled without a mouse (WCAG 2.1.1, axe scrollable-region-focusable).
          tabIndex={0}
          onScroll={(e) => {
            const el = e.currentTarget;
            following.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
          }}
        >
          {steps.map((step, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: steps are only ever added at the end while the answer streams, so a step's position is its identity.
            <StreamingStepCard key={i} index={i} step={step} writing={i === steps.length - 1} />
          ))}
        </ol>
      )}
      {showRaw && (
        <section
          className="stream-box"
          id="stream-raw"
          data-testid="stream-raw"
          aria-label="Raw answer"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the box scrolls, so it takes keyboard focus to be scrolled without a mouse (WCAG 2.1.1, axe scrollable-region-focusable).
          tabIndex={0}
        >
          <pre>{text || ' '}</pre>
        </section>
      )}
    </div>
  );
});

function StreamingStepCard({ index, step, writing }: { index: number; step: StreamingStep; writing: boolean }) {
  const number = step.step ?? index + 1;
  const head = [step.channel ? CHANNEL_LABELS[step.channel] : null, step.delayDays === undefined ? null : `day +${step.delayDays}`].filter(Boolean).join(' · ');
  // The cursor sits on the field that is growing: the body once it has started, else the subject.
  const cursorOn = !writing ? null : step.body !== undefined ? 'body' : step.subject !== undefined ? 'subject' : 'head';
  return (
    <li className="stream-step" aria-label={`Step ${number}`}>
      <div className="stream-step-head">
        <span className="step-number" aria-hidden="true">
          {number}
        </span>
        <span className={cursorOn === 'head' ? 'stream-cursor' : undefined}>
          <strong>Step {number}</strong>
          {head && <span className="muted"> · {head}</span>}
        </span>
      </div>
      {step.subject !== undefined && (
        <div className={`stream-subject${cursorOn === 'subject' ? ' stream-cursor' : ''}`}>
          <span className="muted">Subject: </span>
          <Marked text={step.subject} />
        </div>
      )}
      {step.body !== undefined && (
        <div className={`stream-body${cursorOn === 'body' ? ' stream-cursor' : ''}`}>
          <Marked text={step.body} />
        </div>
      )}
    </li>
  );
}

function Marked({ text }: { text: string }) {
  return (
    <>{splitPlaceholders(text).map((part) => (part.placeholder ? <mark key={part.start}>{part.text}</mark> : <span key={part.start}>{part.text}</span>))}</>
  );
}
