import { useEffect, useRef, useState } from 'react';
import { CHANNEL_SPECS, type Channel, type SequenceStep } from '../../../shared/domain';
import { CHANNEL_LABELS, CHANNELS } from '../lib/labels';
import { HighlightedTextarea, listPlaceholders } from './HighlightedTextarea';
import { Icon } from './Icon';

/** Props of the editable list of step cards. */
export interface StepEditorProps {
  steps: SequenceStep[];
  onChange(steps: SequenceStep[]): void;
  /** Asks for a new version of one step; absent when regenerating is not possible. */
  onRegenerate?(index: number): void;
  /** The step being regenerated, if any; its card shows progress and the others stay editable. */
  regeneratingIndex?: number | null;
  readOnly?: boolean;
}

/** Numbers steps 1..n in their current order. */
export function renumberSteps(steps: SequenceStep[]): SequenceStep[] {
  return steps.map((step, i) => (step.step === i + 1 ? step : { ...step, step: i + 1 }));
}

/** Moves the step at `from` to `to` and renumbers. */
export function moveStep(steps: SequenceStep[], from: number, to: number): SequenceStep[] {
  if (to < 0 || to >= steps.length || from === to) return steps;
  const next = steps.slice();
  const [moved] = next.splice(from, 1);
  if (moved === undefined) return steps;
  next.splice(to, 0, moved);
  return renumberSteps(next);
}

/** Editable step cards: channel, delay, subject (email), body with highlighted placeholders. */
export function StepEditor({ steps, onChange, onRegenerate, regeneratingIndex = null, readOnly = false }: StepEditorProps) {
  const list = useRef<HTMLOListElement>(null);
  // After a move, focus follows the moved card's button so keyboard users keep their place.
  const [focusAfterMove, setFocusAfterMove] = useState<string | null>(null);
  useEffect(() => {
    if (!focusAfterMove) return;
    const card = focusAfterMove.split(':')[0];
    const buttons = Array.from(list.current?.querySelectorAll<HTMLButtonElement>(`[data-focus-key^="${card}:"]`) ?? []);
    const enabled = buttons.filter((b) => !b.disabled);
    (enabled.find((b) => b.dataset.focusKey === focusAfterMove) ?? enabled[0])?.focus();
    setFocusAfterMove(null);
  }, [focusAfterMove]);

  const update = (index: number, patch: Partial<SequenceStep>) => {
    onChange(steps.map((step, i) => (i === index ? { ...step, ...patch } : step)));
  };
  const move = (index: number, to: number, direction: 'up' | 'down') => {
    onChange(moveStep(steps, index, to));
    setFocusAfterMove(`${to}:${direction}`);
  };
  const remove = (index: number) => onChange(renumberSteps(steps.filter((_, i) => i !== index)));

  return (
    <ol className="step-list" ref={list} aria-label="Sequence steps">
      {steps.map((step, index) => {
        const id = `step-${index}`;
        const placeholders = listPlaceholders(`${step.subject ?? ''} ${step.body}`);
        const busy = regeneratingIndex === index;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: steps have no id of their own; the cards are positional (a move renumbers the steps and focus follows by position).
          <li key={index} className={`step-card${busy ? ' is-busy' : ''}`} aria-busy={busy} aria-label={`Step ${index + 1}`}>
            <div className="step-head">
              <span className="step-number" aria-hidden="true">
                {index + 1}
              </span>
              <div className="step-meta">
                <label className="inline-field">
                  <span>Channel</span>
                  <select value={step.channel} disabled={readOnly} onChange={(e) => update(index, { channel: e.target.value as Channel })}>
                    {CHANNELS.map((c) => (
                      <option key={c} value={c}>
                        {CHANNEL_LABELS[c]}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="inline-field">
                  <span>Wait (days)</span>
                  <input
                    type="number"
                    min={0}
                    max={365}
                    className="input-narrow"
                    value={step.delay_days}
                    readOnly={readOnly}
                    onChange={(e) => update(index, { delay_days: clampInt(e.target.value, 0, 365) })}
                  />
                </label>
              </div>
              {!readOnly && (
                <div className="step-tools">
                  <button
                    type="button"
                    className="icon-btn"
                    data-focus-key={`${index}:up`}
                    aria-label={`Move step ${index + 1} up`}
                    disabled={index === 0}
                    onClick={() => move(index, index - 1, 'up')}
                  >
                    <Icon name="up" size={16} />
                  </button>
                  <button
                    type="button"
                    className="icon-btn"
                    data-focus-key={`${index}:down`}
                    aria-label={`Move step ${index + 1} down`}
                    disabled={index === steps.length - 1}
                    onClick={() => move(index, index + 1, 'down')}
                  >
                    <Icon name="down" size={16} />
                  </button>
                  {onRegenerate && (
                    <button type="button" className="btn btn-small btn-ghost" disabled={regeneratingIndex !== null} onClick={() => onRegenerate(index)}>
                      <Icon name="refresh" size={14} />
                      {busy ? 'Rewriting…' : 'Regenerate'}
                    </button>
                  )}
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`Remove step ${index + 1}`}
                    disabled={steps.length === 1}
                    onClick={() => remove(index)}
                  >
                    <Icon name="close" size={16} />
                  </button>
                </div>
              )}
            </div>
            {CHANNEL_SPECS[step.channel].hasSubject && (
              <div className="field">
                <label htmlFor={`${id}-subject`}>Subject</label>
                <input
                  id={`${id}-subject`}
                  value={step.subject ?? ''}
                  readOnly={readOnly}
                  maxLength={300}
                  onChange={(e) => update(index, { subject: e.target.value })}
                />
              </div>
            )}
            <div className="field">
              <label htmlFor={`${id}-body`}>Message</label>
              <HighlightedTextarea
                id={`${id}-body`}
                value={step.body}
                readOnly={readOnly}
                describedBy={placeholders.length ? `${id}-placeholders` : undefined}
                onChange={(body) => update(index, { body })}
              />
            </div>
            {placeholders.length > 0 && (
              <p className="placeholder-list" id={`${id}-placeholders`}>
                <span>Placeholders:</span>
                {placeholders.map((p) => (
                  <code key={p} className="placeholder-chip">
                    {p}
                  </code>
                ))}
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function clampInt(raw: string, min: number, max: number): number {
  const value = Number.parseInt(raw, 10);
  if (Number.isNaN(value)) return min;
  return Math.min(max, Math.max(min, value));
}
