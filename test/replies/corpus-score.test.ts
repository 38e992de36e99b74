import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyReplyRules, parseEmail, type RuleDecision } from '../../electron/core/replies';
import type { ReplyClass } from '../../shared/domain/reply';
import { corpusAvailable, corpusPath, readLabels, reportCorpusSkipped, type CorpusLabel } from './corpus';

/**
 * Scores the pre-filter on the shared corpus of real third-party mail (bounces from many MTAs,
 * auto-replies, look-alikes, human replies). A message the rules leave undecided counts as
 * "undecided": it would go to the model.
 */

type Predicted = ReplyClass | 'undecided';

/**
 * Maps the corpus' labels onto our classes. The corpus files spam complaints (ARF/FBL, JMRP)
 * under `other`; our product treats them as an opt-out, so they are expected as `unsubscribe`.
 * A DMARC authentication-failure report uses the same ARF wrapper but is no complaint: `other`.
 * Delay warnings and delivery receipts stay `other` (machine mail that is not a bounce).
 */
function expectedClass(label: CorpusLabel, source: Buffer): ReplyClass {
  if (/feedback-loop|\bARF\b|FBL/i.test(label.notes)) {
    return /^Feedback-Type:\s*auth-failure/im.test(source.toString('latin1')) ? 'other' : 'unsubscribe';
  }
  // sisimai files a delay DSN (Action: delayed, "warning message only") under its final reason;
  // for us it is a delay warning, which must never stop a sequence.
  if (label.expectedClass === 'bounce' && /\baction=delayed\b/.test(label.notes)) return 'other';
  // The same holds for a delay warning without a DSN part: a 4.x.x code and the MTA's own words
  // "warning message only" and "will be retried".
  if (label.expectedClass === 'bounce' && /sisimai_dsn=4\./.test(label.notes) && /warning message only[\s\S]*will be retried/i.test(source.toString('latin1')))
    return 'other';
  return label.expectedClass;
}

function isDelayOrReceipt(label: CorpusLabel): boolean {
  return /delay warning|action=delayed|delayed|positive DSN|success DSN|return receipt|Action relayed|delivered\/relayed/i.test(label.notes);
}

interface Scored {
  label: CorpusLabel;
  expected: ReplyClass;
  predicted: Predicted;
  decision: RuleDecision | null;
  error: string | null;
}

const CLASSES: ReplyClass[] = ['bounce', 'out_of_office', 'unsubscribe', 'other', 'interested', 'not_interested', 'question'];

function ratio(numerator: number, denominator: number): string {
  return denominator === 0 ? '   -  ' : `${((numerator / denominator) * 100).toFixed(1).padStart(5)}%`;
}

function printTable(scored: Scored[]): void {
  const lines = ['class            support  decided  correct  precision  recall'];
  for (const cls of CLASSES) {
    const support = scored.filter((item) => item.expected === cls).length;
    const predicted = scored.filter((item) => item.predicted === cls).length;
    const correct = scored.filter((item) => item.expected === cls && item.predicted === cls).length;
    if (support === 0 && predicted === 0) continue;
    lines.push(
      `${cls.padEnd(16)} ${String(support).padStart(7)}  ${String(predicted).padStart(7)}  ${String(correct).padStart(7)}  ${ratio(correct, predicted).padStart(9)}  ${ratio(correct, support).padStart(6)}`,
    );
  }
  const undecided = scored.filter((item) => item.predicted === 'undecided');
  const machineOther = scored.filter((item) => item.expected === 'other' && isDelayOrReceipt(item.label));
  const humans = scored.filter((item) => item.label.file.startsWith('human/'));
  lines.push(`delay warnings and receipts decided as other: ${machineOther.filter((item) => item.predicted === 'other').length} of ${machineOther.length}`);
  lines.push(`human replies left to the model: ${humans.filter((item) => item.predicted === 'undecided').length} of ${humans.length}`);
  lines.push(`undecided (to the model): ${undecided.length} of ${scored.length}`);
  const wrong = scored.filter((item) => item.predicted !== 'undecided' && item.predicted !== item.expected);
  for (const item of wrong) lines.push(`  wrong: ${item.label.file} expected ${item.expected}, got ${item.predicted} (${item.decision?.rule ?? ''})`);
  for (const item of scored.filter((entry) => entry.predicted === 'undecided' && ['bounce', 'out_of_office'].includes(entry.expected))) {
    lines.push(`  missed: ${item.label.file} expected ${item.expected}`);
  }
  console.log(`\nReply pre-filter on ${corpusPath}\n${lines.join('\n')}\n`);
}

function share(scored: Scored[], keep: (item: Scored) => boolean, hit: (item: Scored) => boolean): number {
  const pool = scored.filter(keep);
  return pool.length === 0 ? 0 : pool.filter(hit).length / pool.length;
}

const precision = (scored: Scored[], cls: ReplyClass) =>
  share(
    scored,
    (item) => item.predicted === cls,
    (item) => item.expected === cls,
  );
const recall = (scored: Scored[], cls: ReplyClass) =>
  share(
    scored,
    (item) => item.expected === cls,
    (item) => item.predicted === cls,
  );

reportCorpusSkipped();

describe.skipIf(!corpusAvailable)('the reply pre-filter on the shared corpus', () => {
  let scored: Scored[] = [];

  beforeAll(async () => {
    const labels = await readLabels();
    scored = [];
    for (const label of labels) {
      const source = await readFile(`${corpusPath}/${label.file}`);
      const expected = expectedClass(label, source);
      try {
        const email = await parseEmail(source);
        const decision = applyReplyRules(email);
        scored.push({ label, expected, predicted: decision?.classification ?? 'undecided', decision, error: null });
      } catch (error) {
        scored.push({ label, expected, predicted: 'undecided', decision: null, error: (error as Error).message });
      }
    }
    printTable(scored);
  });

  it('reads all 237 labelled messages and parses every one', () => {
    expect(scored).toHaveLength(237);
    expect(scored.filter((item) => item.error !== null).map((item) => `${item.label.file}: ${item.error}`)).toEqual([]);
  });

  it('meets the bounce goals: precision at least 99.5%, recall at least 98%', () => {
    expect(scored.filter((item) => item.expected === 'bounce').length).toBeGreaterThanOrEqual(170);
    expect(precision(scored, 'bounce')).toBeGreaterThanOrEqual(0.995);
    expect(recall(scored, 'bounce')).toBeGreaterThanOrEqual(0.98);
  });

  it('meets the out-of-office goals: precision at least 95%, recall at least 90%', () => {
    expect(scored.filter((item) => item.expected === 'out_of_office').length).toBeGreaterThanOrEqual(15);
    expect(precision(scored, 'out_of_office')).toBeGreaterThanOrEqual(0.95);
    expect(recall(scored, 'out_of_office')).toBeGreaterThanOrEqual(0.9);
  });

  it('meets the unsubscribe goal: precision at least 95%', () => {
    expect(scored.filter((item) => item.predicted === 'unsubscribe').length).toBeGreaterThanOrEqual(10);
    expect(precision(scored, 'unsubscribe')).toBeGreaterThanOrEqual(0.95);
  });

  it('calls no human reply, delay warning or delivery receipt a bounce', () => {
    const mustNotBounce = scored.filter((item) => item.label.file.startsWith('human/') || isDelayOrReceipt(item.label));
    expect(mustNotBounce.length).toBeGreaterThanOrEqual(21 + 5);
    expect(mustNotBounce.filter((item) => item.predicted === 'bounce').map((item) => item.label.file)).toEqual([]);
  });

  it('calls nothing a bounce that is not one', () => {
    expect(scored.filter((item) => item.predicted === 'bounce' && item.expected !== 'bounce').map((item) => item.label.file)).toEqual([]);
  });

  it('leaves every human reply that is not an opt-out to the model', () => {
    const humans = scored.filter((item) => item.label.file.startsWith('human/'));
    expect(humans.filter((item) => item.predicted !== 'undecided').map((item) => `${item.label.file}: ${item.decision?.rule}`)).toEqual([]);
  });

  it('treats every spam complaint (ARF/FBL/JMRP) as an opt-out', () => {
    const complaints = scored.filter((item) => item.expected === 'unsubscribe' && item.label.file.startsWith('other/'));
    const dmarc = scored.filter((item) => /feedback-loop|\bARF\b|FBL/i.test(item.label.notes) && item.expected === 'other');
    expect(dmarc.filter((item) => item.predicted === 'unsubscribe').map((item) => item.label.file)).toEqual([]);
    expect(complaints.length).toBeGreaterThanOrEqual(10);
    expect(complaints.filter((item) => item.predicted !== 'unsubscribe').map((item) => item.label.file)).toEqual([]);
  });
});
