/**
 * The batch scenarios of `npm run bench`.
 *
 * Batch drafting: 200 leads through the job runner and the real provider core against the fake
 * OpenAI server at 200 ms latency with a 600 requests/min limit. The floor is set by the limit:
 * 200 requests at 10 a second take 20 s. Prints the wall time as a ratio to that floor (goal
 * ≤ 1.15), the 429s that reached the user (items failed with rate_limited; must be 0), the 429s
 * the fake sent, and the speedup over a sequential loop. The sequential loop runs 20 leads and is
 * extrapolated ×10 (it is linear: one call after another).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJobRunner, createRateLimiter } from '../electron/core/jobs';
import { getLLMProvider } from '../electron/core/llm';
import { silentLogger } from '../electron/core/log';
import { applyReplyRules, parseEmail } from '../electron/core/replies';
import { openStore } from '../electron/core/storage';
import { startFakeProvider } from '../test/fakes/fake-provider';
import { BUSINESS, OPTIONS, TEST_KEY, createGenerateProcessor } from '../test/jobs/generate-processor';

const LEADS = 200;
const LATENCY_MS = 200;
const REQUESTS_PER_MINUTE = 600;
const SEQUENTIAL_SAMPLE = 20;
const CONCURRENCY = 16;

export async function runBatchBench(): Promise<void> {
  const fake = await startFakeProvider('openai', { latencyMs: LATENCY_MS, requestsPerMinute: REQUESTS_PER_MINUTE });
  const dir = mkdtempSync(join(tmpdir(), 'outreach-bench-batch-'));
  const store = openStore({ dataDir: dir });
  try {
    const { org } = store.orgs.ensureFirstRun({ orgName: 'Bench', ownerName: 'Bench' });
    const leads = Array.from({ length: LEADS }, (_, i) => ({ firstName: `Lead-${i}`, company: `Company ${i}`, email: `lead${i}@example.com` }));
    const leadIds = store.leads.importMany(org.id, leads);
    // Production retry policy (the core's defaults): a 429 the scheduler lets through would be retried there.
    const client = getLLMProvider('openai', { apiKey: TEST_KEY, baseURL: fake.baseURLFor('openai') });

    // Sequential baseline on a sample, on its own fake so it does not eat the batch's rate window.
    const sequentialFake = await startFakeProvider('openai', { latencyMs: LATENCY_MS });
    const sequentialClient = getLLMProvider('openai', { apiKey: TEST_KEY, baseURL: sequentialFake.baseURLFor('openai') });
    const sequentialStart = performance.now();
    for (const lead of leads.slice(0, SEQUENTIAL_SAMPLE)) await sequentialClient.generateSequence(lead, BUSINESS, OPTIONS);
    const sequentialMs = ((performance.now() - sequentialStart) * LEADS) / SEQUENTIAL_SAMPLE;
    await sequentialFake.close();

    const limiter = createRateLimiter({ limits: { openai: { requestsPerMinute: REQUESTS_PER_MINUTE, tokensPerMinute: null } } });
    const runner = createJobRunner({
      store,
      processItem: createGenerateProcessor({ store, orgId: org.id }, { openai: client }),
      limiter,
      logger: silentLogger,
      concurrency: CONCURRENCY,
    });
    const job = store.jobs.create({ orgId: org.id, kind: 'generate', provider: 'openai', params: {}, items: leadIds.map((leadId) => ({ leadId })) });
    const start = performance.now();
    runner.start(job.id);
    const final = await runner.settled(job.id);
    const wallMs = performance.now() - start;
    await runner.close();

    const items = store.jobs.items(job.id, { offset: 0, limit: LEADS });
    const rateLimitedItems = items.filter((i) => i.error?.code === 'rate_limited').length;
    // Every request the fake did not answer with a sequence was a 429 (it is set to fail nothing else).
    const totals = store.usage.summary(org.id, { groupBy: 'provider' }).totals;
    const fake429s = fake.calls.filter((c) => c.route === 'generate').length - (totals.calls - totals.errors);
    const floorMs = (LEADS / REQUESTS_PER_MINUTE) * 60_000;
    const rows: Array<[string, string]> = [
      ['leads', `${LEADS} (latency ${LATENCY_MS} ms, limit ${REQUESTS_PER_MINUTE}/min, concurrency ${CONCURRENCY})`],
      ['job', `${final.status}, ${final.done} done, ${final.failed} failed`],
      [`wall time / floor (${(floorMs / 1000).toFixed(0)} s)`, `${(wallMs / floorMs).toFixed(3)}×  (${(wallMs / 1000).toFixed(2)} s; goal ≤ 1.15×)`],
      ['429s that reached the user', `${rateLimitedItems}  (must be 0)`],
      ['429s the fake sent', String(fake429s)],
      ['speedup over a sequential loop', `${(sequentialMs / wallMs).toFixed(2)}×  (${SEQUENTIAL_SAMPLE} leads timed one after another, ×${LEADS / SEQUENTIAL_SAMPLE} = ${(sequentialMs / 1000).toFixed(1)} s)`],
    ];
    const lines = rows.map(([label, value]) => `${label.padEnd(32)}${value}`);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    store.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The shared corpus sits beside the repository; `npm run bench` runs from the repository root. */
const CORPUS = process.env.REPLY_CORPUS ?? join(process.cwd(), '..', 'shared', 'corpus', 'replies');
const INBOX_SIZE = 1000;
/**
 * How a cold-outreach inbox is mixed, by corpus folder: human replies and auto-replies dominate,
 * bounces follow (lists go stale), then other machine mail and unsubscribe requests. Each
 * folder's files are cycled through in name order, so the sample is the same on every run.
 */
const INBOX_MIX: Array<[folder: string, share: number]> = [
  ['human', 0.4],
  ['out_of_office', 0.25],
  ['bounce', 0.2],
  ['other', 0.1],
  ['unsubscribe', 0.05],
];

/**
 * Reply cost: 1,000 replies through the replies helper's parser and rule pre-filter, then every
 * reply through the real core's classifyReply against the fake (zero latency; the fake counts
 * tokens from the prompt the core really builds). Prints the model calls and tokens the
 * pre-filter saves against sending every reply to the model.
 */
export async function runReplyCostBench(): Promise<void> {
  const inbox: Array<{ folder: string; source: Buffer }> = [];
  for (const [folder, share] of INBOX_MIX) {
    const files = readdirSync(join(CORPUS, folder)).filter((name) => name.endsWith('.eml')).sort();
    const count = Math.round(INBOX_SIZE * share);
    for (let i = 0; i < count; i++) inbox.push({ folder, source: readFileSync(join(CORPUS, folder, files[i % files.length]!)) });
  }
  const fake = await startFakeProvider('openai', { latencyMs: 0 });
  try {
    const client = getLLMProvider('openai', { apiKey: TEST_KEY, baseURL: fake.baseURLFor('openai') });
    let ruleDecided = 0;
    let humanDecidedByRules = 0;
    let tokensAll = 0;
    let tokensSaved = 0;
    let noText = 0;
    let modelCallsWithFilter = 0;
    for (const { folder, source } of inbox) {
      const email = await parseEmail(source);
      const decision = applyReplyRules(email);
      const text = (email.replyText || email.text || email.subject || '').trim();
      if (decision) {
        ruleDecided++;
        if (folder === 'human') humanDecidedByRules++;
      }
      if (!text) {
        noText++;
        continue;
      }
      if (!decision) modelCallsWithFilter++;
      const result = await client.classifyReply(text, '');
      const tokens = result.usage.inputTokens + result.usage.outputTokens;
      tokensAll += tokens;
      if (decision) tokensSaved += tokens;
    }
    const calls = inbox.length - noText;
    const rows: Array<[string, string]> = [
      ['replies', `${inbox.length} (${INBOX_MIX.map(([f, s]) => `${f} ${Math.round(s * 100)}%`).join(', ')})`],
      ['decided by the rules', `${ruleDecided} (${((ruleDecided / inbox.length) * 100).toFixed(1)}%)`],
      ['model calls, every reply', String(calls)],
      ['model calls, with pre-filter', `${modelCallsWithFilter}  (saved ${calls - modelCallsWithFilter}, ${(((calls - modelCallsWithFilter) / calls) * 100).toFixed(1)}%)`],
      ['tokens, every reply', String(tokensAll)],
      ['tokens, with pre-filter', `${tokensAll - tokensSaved}  (saved ${tokensSaved}, ${((tokensSaved / tokensAll) * 100).toFixed(1)}%)`],
      ['human replies the rules took', `${humanDecidedByRules}  (should be 0: those never reach the model)`],
      ['replies with no text at all', String(noText)],
    ];
    process.stdout.write(rows.map(([label, value]) => `${label.padEnd(32)}${value}`).join('\n') + '\n');
  } finally {
    await fake.close();
  }
}
