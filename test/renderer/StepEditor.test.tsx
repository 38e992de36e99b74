import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL_SPECS, CHANNELS, type SequenceStep } from '../../shared/domain';
import { listPlaceholders, splitPlaceholders } from '../../renderer/src/components/HighlightedTextarea';
import { moveStep, StepEditor } from '../../renderer/src/components/StepEditor';
import { expectDefined } from '../helpers/expect-defined';

afterEach(cleanup);

const STEPS: SequenceStep[] = [
  { step: 1, delay_days: 0, channel: 'email', subject: 'Quick idea for {{company}}', body: 'Hi {{firstName}}, we help {{company}} ship faster.' },
  { step: 2, delay_days: 3, channel: 'sms', body: 'Following up, {{ firstName }}.' },
  { step: 3, delay_days: 7, channel: 'email', subject: 'Last note', body: 'No placeholders here.' },
];

function Harness({ initial, onChange }: { initial: SequenceStep[]; onChange?: (steps: SequenceStep[]) => void }) {
  const [steps, setSteps] = useState(initial);
  return (
    <StepEditor
      steps={steps}
      onChange={(next) => {
        setSteps(next);
        onChange?.(next);
      }}
    />
  );
}

describe('splitPlaceholders', () => {
  it('marks {{placeholders}}, with or without inner spaces, and keeps the text between them', () => {
    expect(splitPlaceholders('Hi {{firstName}}, see {{ company }}!')).toEqual([
      { text: 'Hi ', placeholder: false, start: 0 },
      { text: '{{firstName}}', placeholder: true, start: 3 },
      { text: ', see ', placeholder: false, start: 16 },
      { text: '{{ company }}', placeholder: true, start: 22 },
      { text: '!', placeholder: false, start: 35 },
    ]);
    expect(splitPlaceholders('{single} and {{}} are not placeholders')).toEqual([
      { text: '{single} and {{}} are not placeholders', placeholder: false, start: 0 },
    ]);
    expect(listPlaceholders('{{a}} {{b}} {{a}}')).toEqual(['{{a}}', '{{b}}']);
  });
});

describe('StepEditor', () => {
  it('highlights the placeholders of each body and lists them', () => {
    render(<Harness initial={STEPS} />);
    const first = screen.getByRole('listitem', { name: 'Step 1' });
    const marks = Array.from(first.querySelectorAll('mark')).map((m) => m.textContent);
    expect(marks).toEqual(['{{firstName}}', '{{company}}']);
    expect(within(first).getByText('Placeholders:').parentElement?.textContent).toContain('{{company}}');
    const third = screen.getByRole('listitem', { name: 'Step 3' });
    expect(third.querySelectorAll('mark')).toHaveLength(0);
  });

  it('re-highlights as the user types a placeholder', async () => {
    const user = userEvent.setup();
    render(<Harness initial={STEPS} />);
    const body = screen.getByLabelText('Message', { selector: '#step-2-body' });
    await user.type(body, ' Thanks, {{{{senderName}}');
    const third = screen.getByRole('listitem', { name: 'Step 3' });
    expect(Array.from(third.querySelectorAll('mark')).map((m) => m.textContent)).toEqual(['{{senderName}}']);
  });

  it('shows a subject only for email steps', () => {
    render(<Harness initial={STEPS} />);
    expect(within(screen.getByRole('listitem', { name: 'Step 1' })).getByLabelText('Subject')).toHaveProperty('value', 'Quick idea for {{company}}');
    expect(within(screen.getByRole('listitem', { name: 'Step 2' })).queryByLabelText('Subject')).toBeNull();
  });

  it('offers every registered channel, with a subject field on the channels that have one', () => {
    const steps: SequenceStep[] = CHANNELS.map((channel, i) => ({ step: i + 1, delay_days: i, channel, body: `Body ${i + 1}` }));
    render(<Harness initial={steps} />);
    CHANNELS.forEach((channel, i) => {
      const card = within(screen.getByRole('listitem', { name: `Step ${i + 1}` }));
      const options = within(card.getByRole('combobox', { name: 'Channel' })).getAllByRole('option');
      expect(options.map((o) => o.textContent)).toEqual(CHANNELS.map((c) => CHANNEL_SPECS[c].label));
      expect(card.queryByLabelText('Subject') !== null, channel).toBe(CHANNEL_SPECS[channel].hasSubject);
    });
  });

  it('reorders steps, renumbers them, and keeps focus on the moved step', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    render(<Harness initial={STEPS} onChange={onChange} />);
    await user.click(screen.getByRole('button', { name: 'Move step 1 down' }));
    const moved = expectDefined(onChange.mock.lastCall)[0] as SequenceStep[];
    expect(moved.map((s) => [s.step, s.body.slice(0, 12)])).toEqual([
      [1, 'Following up'],
      [2, 'Hi {{firstNa'],
      [3, 'No placehold'],
    ]);
    // The first card now holds the SMS step, so it has no subject.
    expect(within(screen.getByRole('listitem', { name: 'Step 1' })).queryByLabelText('Subject')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Move step 2 down' }));

    await user.keyboard('{Enter}');
    expect((expectDefined(onChange.mock.lastCall)[0] as SequenceStep[]).map((s) => s.body.slice(0, 2))).toEqual(['Fo', 'No', 'Hi']);
    // At the bottom "down" is disabled, so focus falls back to the card's enabled button.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Move step 3 up' }));
  });

  it('disables moving past the ends and removing the only step', () => {
    render(<Harness initial={STEPS.slice(0, 1)} />);
    expect(screen.getByRole('button', { name: 'Move step 1 up' })).toHaveProperty('disabled', true);
    expect(screen.getByRole('button', { name: 'Move step 1 down' })).toHaveProperty('disabled', true);
    expect(screen.getByRole('button', { name: 'Remove step 1' })).toHaveProperty('disabled', true);
  });

  it('edits channel, delay and subject, and asks to regenerate one step', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    const onRegenerate = vi.fn();
    render(<StepEditor steps={STEPS} onChange={onChange} onRegenerate={onRegenerate} />);
    const second = screen.getByRole('listitem', { name: 'Step 2' });
    await user.selectOptions(within(second).getByLabelText('Channel'), 'whatsapp');
    expect(expectDefined((expectDefined(onChange.mock.lastCall)[0] as SequenceStep[])[1]).channel).toBe('whatsapp');
    await user.click(within(second).getByRole('button', { name: /Regenerate/ }));
    expect(onRegenerate).toHaveBeenCalledWith(1);
  });

  it('shows which step is being rewritten and blocks a second regeneration', () => {
    render(<StepEditor steps={STEPS} onChange={() => undefined} onRegenerate={() => undefined} regeneratingIndex={0} />);
    expect(screen.getByRole('listitem', { name: 'Step 1' }).getAttribute('aria-busy')).toBe('true');
    expect(screen.getByRole('button', { name: /Rewriting/ })).toHaveProperty('disabled', true);
    expect(within(screen.getByRole('listitem', { name: 'Step 2' })).getByRole('button', { name: /Regenerate/ })).toHaveProperty('disabled', true);
  });

  it('is read-only when asked: no tools, and the fields cannot be edited', () => {
    render(<StepEditor steps={STEPS} onChange={() => undefined} readOnly />);
    expect(screen.queryByRole('button')).toBeNull();
    for (const box of screen.getAllByRole('textbox')) expect((box as HTMLInputElement).readOnly).toBe(true);
  });
});

describe('moveStep', () => {
  it('ignores moves past either end', () => {
    expect(moveStep(STEPS, 0, -1)).toBe(STEPS);
    expect(moveStep(STEPS, 2, 3)).toBe(STEPS);
  });
});
