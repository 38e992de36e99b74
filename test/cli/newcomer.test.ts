import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessContextSchema, leadContextSchema } from '../../shared/domain/lead';
import { startFakeProvider, type FakeProvider } from '../fakes/fake-provider';
import { REPO_ROOT, runCli } from '../helpers/run-cli';
import { expectDefined } from '../helpers/expect-defined';

const EXAMPLE_LEAD = join(REPO_ROOT, 'examples', 'lead.json');
const EXAMPLE_BUSINESS = join(REPO_ROOT, 'examples', 'business.json');

/** What a newcomer meets: the README's generate example, their own files, and the errors on the way. */
describe('the CLI for a newcomer', () => {
  let fake: FakeProvider;
  let dir: string;
  let dataDir: string;
  let closedPort: number;
  const env = { OPENAI_API_KEY: 'sk-newcomer-test-key-0000' };
  const cli = (args: string[], extraEnv: Record<string, string> = {}) => runCli(['--data-dir', dataDir, ...args], { env: { ...env, ...extraEnv } });

  beforeAll(async () => {
    fake = await startFakeProvider('openai');
    dir = mkdtempSync(join(tmpdir(), 'outreach-newcomer-'));
    dataDir = join(dir, 'data');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closedPort = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const set = await cli([
      'settings',
      'set',
      'provider=openai',
      `baseUrl.openai=${fake.baseURLFor('openai')}`,
      `baseUrl.local=http://127.0.0.1:${closedPort}/v1`,
    ]);
    expect(set.code, set.stderr).toBe(0);
  });

  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the examples fill in every field a user may fill', () => {
    const lead = JSON.parse(readFileSync(EXAMPLE_LEAD, 'utf8')) as Record<string, unknown>;
    const business = JSON.parse(readFileSync(EXAMPLE_BUSINESS, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(lead).sort()).toEqual(Object.keys(leadContextSchema.shape).sort());
    expect(Object.keys(business).sort()).toEqual(Object.keys(businessContextSchema.shape).sort());
    expect(leadContextSchema.strict().safeParse(lead).success).toBe(true);
    expect(businessContextSchema.strict().safeParse(business).success).toBe(true);
  });

  it('generate with examples/lead.json and examples/business.json works on the first try, without a warning', async () => {
    const before = fake.calls.length;
    const run = await cli(['generate', '--lead', EXAMPLE_LEAD, '--business', EXAMPLE_BUSINESS, '--steps', '3', '--channels', 'email', '--subjects']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/warning|error/);
    expect(run.stdout).toMatch(/^Step 1 · day \+\d+ · email · /m);
    expect(run.stdout).toMatch(/^Step 3 /m);
    expect(fake.calls.length).toBe(before + 1);
    // The lead's fields reached the model.
    const prompt = expectDefined(fake.calls.at(-1)).promptText;
    for (const text of ['Ada', 'Lovelace', 'Head of Engineering', 'Analytical Engines Ltd', 'Opened a second factory in Leeds']) expect(prompt).toContain(text);
  });

  it('names each field the lead schema does not know, with what it probably means, and still drafts', async () => {
    const lead = join(dir, 'lead-with-typos.json');
    writeFileSync(lead, JSON.stringify({ name: 'Grace', compnay: 'Navy', title: 'Rear Admiral', favouriteColour: 'blue' }));
    const run = await cli(['generate', '--lead', lead, '--business', EXAMPLE_BUSINESS, '--steps', '1', '--channels', 'email']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`warning: ${lead}: ignored field "name": did you mean "firstName"?`);
    expect(run.stderr).toContain(`warning: ${lead}: ignored field "compnay": did you mean "company"?`);
    expect(run.stderr).toContain(`warning: ${lead}: ignored field "title": did you mean "jobTitle"?`);
    expect(run.stderr).toMatch(/ignored field "favouriteColour" \(known fields: firstName, lastName, .*customFields\)/);
  });

  it('names every missing business field in one error, before any model call', async () => {
    const business = join(dir, 'business-incomplete.json');
    writeFileSync(business, JSON.stringify({ industry: 'Sales software', tone: 'chatty' }));
    const before = fake.calls.length;
    const run = await cli(['generate', '--lead', EXAMPLE_LEAD, '--business', business]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      `error[usage]: The business file "${business}" is missing "companyName", "valueProposition" and "senderName", and has a problem: "tone": `,
    );
    expect(lines[0]).toContain('examples/business.json');
    expect(fake.calls.length).toBe(before);
  });

  it('names the CLI command that fixes an error, not a Settings screen', async () => {
    const run = await cli(['test', 'anthropic']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('error[no_key]: No Anthropic key is set: add one with "outreach-desk keys set anthropic", or set ANTHROPIC_API_KEY.');
  });

  it('an offline error names the URL it tried', async () => {
    const run = await cli(['test', 'local']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `error[offline]: Cannot reach the local server at http://127.0.0.1:${closedPort}/v1: check that it is running and that its base URL is right (change it with "outreach-desk settings set baseUrl.local=URL").`,
    );
  });

  it('keys status says there is no keychain, and what to install', async () => {
    // A D-Bus address with nothing behind it: no Secret Service, as on a server without gnome-keyring.
    const noKeychain = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    const run = await cli(['keys', 'status'], noKeychain);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^openai\s+environment$/m);
    expect(run.stdout).toContain('No OS keychain is available, so keys cannot be stored.');
    expect(run.stdout).toContain('sudo apt-get install gnome-keyring libsecret-1-0');
    const json = JSON.parse((await cli(['--json', 'keys', 'status'], noKeychain)).stdout) as { keychain: { available: boolean; message?: string } };
    expect(json.keychain.available).toBe(false);
    expect(json.keychain.message).toContain('gnome-keyring');
  });
});
