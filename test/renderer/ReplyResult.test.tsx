import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/domain';
import { ReplyResult } from '../../renderer/src/components/ReplyResult';

afterEach(cleanup);

const REPLY: Reply = {
  id: 'r1',
  orgId: 'o1',
  leadId: null,
  sequenceId: null,
  fromAddress: 'dana@example.com',
  subject: 'Re: quick idea',
  rawText: '',
  parsedText: 'Sounds good',
  classification: 'interested',
  confidence: 0.92,
  reason: 'Asks for a call <img src=x onerror="window.__pwned=1">',
  suggestedAction: 'follow_up',
  decidedBy: 'model',
  returnDate: null,
  provider: 'openai',
  model: 'gpt-4o-mini',
  createdAt: '2026-11-02T10:00:00Z',
};

describe('ReplyResult', () => {
  it('renders a model-written reason as text, never as markup', () => {
    const { container } = render(<ReplyResult reply={REPLY} />);
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByText(/Asks for a call <img src=x/)).toBeTruthy();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('shows class, confidence, suggested action and who decided', () => {
    render(<ReplyResult reply={REPLY} source="reply.eml" />);
    expect(screen.getByText('Interested')).toBeTruthy();
    expect(screen.getByText('Confidence 92%')).toBeTruthy();
    expect(screen.getByText('Next: Follow up')).toBeTruthy();
    expect(screen.getByText('Decided by a model')).toBeTruthy();
  });

  it('says when rules decided, and shows the out-of-office return date', () => {
    render(<ReplyResult reply={{ ...REPLY, classification: 'out_of_office', decidedBy: 'rules', provider: null, model: null, returnDate: '2026-11-20' }} />);
    expect(screen.getByText('Decided by rules (no model call)')).toBeTruthy();
    expect(screen.getByText(/Back on/).textContent).toMatch(/2026/);
  });
});
