/**
 * Runs the three fake vendors as a standalone process, for the CLI and UI tests.
 * Prints one JSON line on stdout: {"anthropic": url, "openai": url, "gemini": url,
 * "baseURLs": {<provider>: url}}; stops on SIGTERM/SIGINT.
 * Flags: --latency MS, --rpm N (rate-limit mode).
 */
import { LLM_PROVIDER_NAMES } from '../../shared/domain/llm';
import { startFakeProviders } from './fake-provider';

function flag(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  const value = i === -1 ? undefined : Number(process.argv[i + 1]);
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

const fakes = await startFakeProviders({ latencyMs: flag('--latency'), requestsPerMinute: flag('--rpm') });
process.stdout.write(
  `${JSON.stringify({
    anthropic: fakes.anthropic.url,
    openai: fakes.openai.url,
    gemini: fakes.gemini.url,
    baseURLs: Object.fromEntries(LLM_PROVIDER_NAMES.map((p) => [p, fakes.baseURLFor(p)])),
  })}\n`,
);
const stop = () => {
  void fakes.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
