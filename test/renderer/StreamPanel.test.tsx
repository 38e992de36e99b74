import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StreamPanel } from '../../renderer/src/components/StreamPanel';
import { expectDefined } from '../helpers/expect-defined';

afterEach(cleanup);

const PARTIAL =
  '{"steps":[{"step":1,"delay_days":0,"channel":"email","subject":"Forecasts for {{company}}","body":"Hi {{firstName}}, done."},{"step":2,"delay_days":3,"channel":"sms","body":"Quick nud';

describe('StreamPanel', () => {
  it('waits for the first words, then shows the steps forming instead of JSON', () => {
    const { rerender } = render(<StreamPanel text="" writer="OpenAI" onCancel={() => undefined} />);
    expect(screen.getByText('Waiting for the first words…')).toBeTruthy();

    rerender(<StreamPanel text={PARTIAL} writer="OpenAI" onCancel={() => undefined} />);
    const steps = within(screen.getByRole('list', { name: 'Steps so far' })).getAllByRole('listitem');
    expect(steps).toHaveLength(2);
    expect(expectDefined(steps[0]).textContent).toContain('Step 1 · Email · day +0');
    expect(expectDefined(steps[0]).textContent).toContain('Subject: Forecasts for {{company}}');
    expect(expectDefined(within(expectDefined(steps[0])).getAllByText('{{firstName}}')[0]).tagName).toBe('MARK');
    expect(expectDefined(steps[1]).textContent).toContain('Step 2 · SMS · day +3');
    expect(expectDefined(steps[1]).textContent).toContain('Quick nud');
    // Only the step being written carries the cursor.
    expect(expectDefined(steps[1]).querySelector('.stream-cursor')).not.toBeNull();
    expect(expectDefined(steps[0]).querySelector('.stream-cursor')).toBeNull();
    expect(screen.queryByText(/"steps"/)).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('Writing step 2');
  });

  it('shows the raw text behind a toggle, and Cancel calls back', async () => {
    const user = userEvent.setup();
    const onCancel = vi.fn();
    render(<StreamPanel text={PARTIAL} writer="OpenAI" onCancel={onCancel} />);
    expect(screen.queryByLabelText('Raw answer')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Show raw' }));
    expect(screen.getByLabelText('Raw answer').textContent).toBe(PARTIAL);
    expect(screen.getByRole('button', { name: 'Hide raw' }).getAttribute('aria-expanded')).toBe('true');
    await user.click(screen.getByRole('button', { name: 'Hide raw' }));
    expect(screen.queryByLabelText('Raw answer')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledOnce();
  });

  it('says it is reading when text has come but no step has started', () => {
    render(<StreamPanel text={'```json\n{"st'} writer="Anthropic" onCancel={() => undefined} />);
    expect(screen.getByText('Reading the answer…')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Writing with Anthropic…' })).toBeTruthy();
  });
});
