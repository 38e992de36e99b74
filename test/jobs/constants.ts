import type { SequenceOptions } from '../../shared/domain/sequence';

/** Shared by the runner tests and the batch benchmark; no test-framework imports. */

export const BUSINESS = { companyName: 'Acme', valueProposition: 'Invoices paid in half the time', senderName: 'Bo', cta: 'Book a demo' };
export const OPTIONS: SequenceOptions = { numberOfSteps: 2, channels: ['email'], includeSubjects: true };
export const TEST_KEY = 'test-key-0123456789abcdef';
