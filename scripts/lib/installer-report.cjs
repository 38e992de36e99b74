// Loaded into Electron's own installer (node_modules/electron/install.js) with `node --require`
// by scripts/lib/electron-binary.mjs. On failure the installer prints `err.stack`; this hook keeps
// stack traces off the terminal and writes what failed (one line each) to the file named by
// OUTREACH_DESK_INSTALL_REPORT, so `npm start` can say it in one clear message. Everything else
// the installer does (its download cache, ELECTRON_MIRROR, its progress bar on stderr) is untouched.
const { appendFileSync } = require('node:fs');

const reportFile = process.env.OUTREACH_DESK_INSTALL_REPORT;

/** @param {Record<string, string | undefined>} entry */
function record(entry) {
  if (!reportFile) return;
  try {
    appendFileSync(reportFile, `${JSON.stringify(entry)}\n`);
  } catch {
    // The report is a courtesy: a failed write must not change the installer's outcome.
  }
}

/**
 * The first line of an error, with its cause (fetch hides the network error there).
 * @param {unknown} error
 */
function describeError(error) {
  if (!(error instanceof Error)) return String(error).split('\n')[0];
  const cause = /** @type {{ code?: string, message?: string } | undefined} */ (error.cause);
  const causeText = cause ? cause.message || cause.code || '' : '';
  return `${error.message.split('\n')[0]}${causeText ? ` (${causeText})` : ''}`;
}

console.error = (...args) => {
  record({ kind: 'error', text: args.map((a) => (a instanceof Error ? describeError(a) : String(a).split('\n')[0])).join(' ') });
};

const realFetch = globalThis.fetch;
if (realFetch) {
  globalThis.fetch = async (input, init) => {
    try {
      return await realFetch(input, init);
    } catch (error) {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      record({ kind: 'fetch', url, text: describeError(error) });
      throw error;
    }
  };
}

for (const event of ['uncaughtException', 'unhandledRejection']) {
  process.on(event, (error) => {
    record({ kind: 'error', text: describeError(error) });
    process.exit(1);
  });
}
