// The closing line of `npm test`: "N passed, N failed, N skipped", counted from the JSON reports of
// vitest and Playwright. A test file that could not run counts as one failure: vitest reports a file
// that failed to import with no tests, and one whose beforeAll failed with its tests "skipped";
// neither shows in its failed-test count, and both once hid failing suites from the closing line.

/** @typedef {{ passed: number, failed: number, skipped: number }} Counts */

const SKIPPED = new Set(['skipped', 'pending', 'todo', 'disabled']);

/**
 * @param {{ success?: boolean, testResults?: { name: string, status: string, message?: string,
 *   assertionResults?: { status: string }[] }[] } | null | undefined} report vitest's JSON report
 * @returns {Counts & { brokenFiles: string[] }}
 */
export function countVitest(report) {
  if (!report || !Array.isArray(report.testResults)) return { passed: 0, failed: 1, skipped: 0, brokenFiles: ['(vitest wrote no report)'] };
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  /** @type {string[]} */
  const brokenFiles = [];
  for (const file of report.testResults) {
    const tests = file.assertionResults ?? [];
    const failedTests = tests.filter((t) => t.status === 'failed').length;
    if (file.status === 'failed' && failedTests === 0) {
      // Failed to load, or a hook failed before any test ran: the file is one failure, and its
      // tests were not skipped on purpose, so they are not counted as skipped.
      failed += 1;
      brokenFiles.push(file.name);
      continue;
    }
    passed += tests.filter((t) => t.status === 'passed').length;
    failed += failedTests;
    skipped += tests.filter((t) => SKIPPED.has(t.status)).length;
  }
  // An unhandled error fails the run without failing a test: it must not end in "0 failed".
  if (report.success === false && failed === 0) {
    failed = 1;
    brokenFiles.push('(an error outside any test: see the vitest output)');
  }
  return { passed, failed, skipped, brokenFiles };
}

/**
 * @param {{ stats?: { expected: number, unexpected: number, flaky: number, skipped: number },
 *   errors?: unknown[] } | null | undefined} report Playwright's JSON report
 * @returns {Counts}
 */
export function countPlaywright(report) {
  if (!report?.stats) return { passed: 0, failed: 1, skipped: 0 };
  const { expected, unexpected, flaky, skipped } = report.stats;
  // A spec file that fails to load is a top-level error, not a test.
  return { passed: expected + flaky, failed: unexpected + (report.errors?.length ?? 0), skipped };
}

/** @param {Counts} counts */
export function formatCounts({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}
