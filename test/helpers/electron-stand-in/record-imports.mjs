// Module hooks (node:module register) that report every ESM resolution to the test thread, with
// process.hrtime.bigint() so they order against the stand-in's calls. A dynamic import() of a vendor
// SDK never passes through Module._load; this is how the main-process test still sees it.
/** @type {import('node:worker_threads').MessagePort | undefined} */
let port;

/** @param {{ port: import('node:worker_threads').MessagePort }} data */
export async function initialize(data) {
  port = data.port;
  // A flush request answered in order: every resolution reported before it has arrived.
  port.on('message', (message) => {
    if (message === 'flush') port?.postMessage('flushed');
  });
  port.unref();
}

/**
 * @param {string} specifier
 * @param {unknown} context
 * @param {(specifier: string, context: unknown) => Promise<{ url: string }>} next
 */
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port?.postMessage({ specifier, resolved: result.url, at: process.hrtime.bigint() });
  return result;
}
