import { describe, expect, it } from 'vitest';
import { countPlaywright, countVitest, formatCounts } from '../../scripts/lib/test-counts.mjs';

/**
 * The closing line of npm test. The report shapes are vitest 4's and Playwright's, as written for
 * a scratch run with a failing test, a skipped and a todo test, a file that throws on import, and
 * a file whose beforeAll fails (a missing ../shared folder, as on a fresh clone).
 */
const file = (name: string, status: string, tests: string[], message = '') => ({ name, status, message, assertionResults: tests.map((s) => ({ status: s })) });

describe('the closing line of npm test', () => {
  it('counts a file that failed to load, and one whose beforeAll failed, as one failure each', () => {
    const report = {
      success: false,
      numPassedTests: 2,
      numFailedTests: 1,
      testResults: [
        file('fails.test.ts', 'failed', ['failed', 'passed']),
        file('hook-fails.test.ts', 'failed', ['skipped', 'skipped']),
        file('skipped.test.ts', 'passed', ['skipped', 'passed', 'todo']),
        file('unloadable.test.ts', 'failed', [], 'this file cannot load'),
      ],
    };
    const counts = countVitest(report);
    expect(formatCounts(counts)).toBe('2 passed, 3 failed, 2 skipped');
    expect(counts.brokenFiles).toEqual(['hook-fails.test.ts', 'unloadable.test.ts']);
  });

  it('never ends in "0 failed" when vitest failed without a failing test, or wrote no report', () => {
    expect(countVitest({ success: false, testResults: [file('a.test.ts', 'passed', ['passed'])] })).toMatchObject({ passed: 1, failed: 1 });
    expect(countVitest(null)).toMatchObject({ passed: 0, failed: 1 });
    expect(countPlaywright(null)).toEqual({ passed: 0, failed: 1, skipped: 0 });
  });

  it("counts Playwright's skipped tests, and a spec file that failed to load as a failure", () => {
    const report = { stats: { expected: 20, unexpected: 1, flaky: 0, skipped: 2 }, errors: [{ message: 'Error: Cannot find module' }] };
    expect(countPlaywright(report)).toEqual({ passed: 20, failed: 2, skipped: 2 });
  });

  it('passes a clean run as it is', () => {
    const counts = countVitest({ success: true, testResults: [file('a.test.ts', 'passed', ['passed', 'passed']), file('b.test.ts', 'passed', ['skipped'])] });
    expect(formatCounts(counts)).toBe('2 passed, 0 failed, 1 skipped');
  });
});
