import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmSettingsSchema } from '../../shared/domain/org';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../shared/ipc/contract';
import { createCore, MemorySecretStore, silentLogger, type Core } from '../../electron/core';
import { DEFAULT_DB_FILE } from '../../electron/core/storage';
import { startFakeProviders, type FakeProviderSet } from '../fakes/fake-provider';
import { uploadBytes } from '../helpers/upload';
import { expectDefined } from '../helpers/expect-defined';

/**
 * Two organizations in one data file, as `--org` (and the team hub) make possible. The door of
 * organization B is given every id of organization A's rows: nothing of A may be read, changed,
 * referenced, sent to a model or exported through B.
 */

const KEY = 'sk-ant-org-scope-0123456789';
const STEPS = [{ step: 1, delay_days: 0, channel: 'email' as const, subject: 'Hi', body: 'Hello {{firstName}}' }];
const OPTIONS = { numberOfSteps: 1, channels: ['email' as const], includeSubjects: true };
const ctx = { emit: () => {} };

interface Door {
  core: Core;
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  /** The error envelope of a call that must fail. */
  refused(channel: ChannelName, input: unknown): Promise<{ code: string; message: string; field?: string }>;
}

function doorOf(core: Core): Door {
  return {
    core,
    async call(channel, input) {
      const result = await core.dispatch(channel, input, ctx);
      if (!result.ok) throw new Error(`${channel}: [${result.error.code}] ${result.error.message}`);
      return result.value as never;
    },
    async refused(channel, input) {
      const result = await core.dispatch(channel, input, ctx);
      if (result.ok) throw new Error(`${channel} answered ${JSON.stringify(result.value).slice(0, 300)}; it should have been refused`);
      return result.error;
    },
  };
}

let dir: string;
let fakes: FakeProviderSet;
let A: Door;
let B: Door;
/** Organization A's rows. */
const a = { leadId: '', profileId: '', templateId: '', sequenceId: '', replyId: '', jobId: '', itemId: '', userId: '', uploadId: '' };
let bProfileId: string;

async function openDoor(orgId?: string): Promise<Door> {
  const core = await createCore({ dataDir: join(dir, 'data'), secrets: new MemorySecretStore(), env: { ANTHROPIC_API_KEY: KEY }, logger: silentLogger, orgId });
  const door = doorOf(core);
  await door.call('settings:update-llm', { settings: { baseUrls: { anthropic: fakes.baseURLFor('anthropic') } } });
  return door;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'outreach-org-scope-'));
  fakes = await startFakeProviders({ latencyMs: 0 });
  A = await openDoor();
  const lead = await A.call('leads:save', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@engine.example', company: 'Analytical Engines' });
  a.leadId = lead.id;
  a.profileId = (await A.call('profiles:save', { companyName: 'Org A Widgets', valueProposition: 'Widgets of A', senderName: 'Anna A' })).id;
  a.templateId = (await A.call('templates:save', { name: 'A template', steps: STEPS })).id;
  a.sequenceId = (await A.call('sequences:save', { title: 'A sequence', status: 'draft', steps: STEPS, leadId: lead.id, businessProfileId: a.profileId })).id;
  a.replyId = (await A.call('replies:classify', { text: 'Please unsubscribe me from this list.', leadId: lead.id })).id;
  a.userId = (await A.call('users:save', { name: 'Anna Admin', role: 'admin' })).id;
  const job = await A.call('jobs:create-generate', { leadIds: [lead.id], businessProfileId: a.profileId, options: OPTIONS });
  await A.core.services.jobs.runner.settled(job.id);
  a.jobId = job.id;
  a.itemId = expectDefined((await A.call('jobs:get', { id: job.id, offset: 0, limit: 10 })).items[0]).id;
  a.uploadId = await uploadBytes(A.call, 'a-leads.csv', 'First name,Email\nGrace,grace@a.example\n');

  // A second organization in the same file, with its owner.
  const orgB = randomUUID();
  const db = new Database(join(dir, 'data', DEFAULT_DB_FILE));
  const now = new Date().toISOString();
  db.prepare('INSERT INTO organizations (id, name, provider, settings, created_at) VALUES (?, ?, ?, ?, ?)').run(
    orgB,
    'Org B',
    'anthropic',
    JSON.stringify(llmSettingsSchema.parse({})),
    now,
  );
  db.prepare("INSERT INTO users (id, org_id, name, role, created_at) VALUES (?, ?, 'Bea Owner', 'owner', ?)").run(randomUUID(), orgB, now);
  db.close();
  B = await openDoor(orgB);
  expect((await B.call('session:get', undefined)).org.name).toBe('Org B');
  bProfileId = (await B.call('profiles:save', { companyName: 'Org B Gadgets', valueProposition: 'Gadgets of B', senderName: 'Bea B' })).id;
});

afterAll(async () => {
  await A?.core.services.jobs.runner.close();
  await B?.core.services.jobs.runner.close();
  A?.core.close();
  B?.core.close();
  await fakes?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Everything of A, as A sees it: it must be the same after B tried. */
async function snapshotOfA() {
  return {
    leads: await A.call('leads:list', { offset: 0, limit: 100 }),
    profiles: await A.call('profiles:list', {}),
    templates: await A.call('templates:list', {}),
    sequence: await A.call('sequences:get', { id: a.sequenceId }),
    replies: await A.call('replies:list', { offset: 0, limit: 100 }),
    users: await A.call('users:list', undefined),
    job: await A.call('jobs:get', { id: a.jobId, offset: 0, limit: 10 }),
    upload: await A.call('leads:import-preview', { uploadId: a.uploadId }),
  };
}

describe('one organization cannot reach another organization’s rows', () => {
  it('lists only its own rows', async () => {
    expect((await B.call('leads:list', { offset: 0, limit: 100 })).total).toBe(0);
    expect((await B.call('profiles:list', {})).map((p) => p.id)).toEqual([bProfileId]);
    expect(await B.call('templates:list', {})).toEqual([]);
    expect((await B.call('sequences:list', { offset: 0, limit: 100 })).total).toBe(0);
    expect((await B.call('sequences:list', { query: 'Ada', offset: 0, limit: 100 })).total).toBe(0);
    expect((await B.call('replies:list', { offset: 0, limit: 100 })).total).toBe(0);
    expect(await B.call('jobs:list', undefined)).toEqual([]);
    expect((await B.call('users:list', undefined)).map((u) => u.name)).toEqual(['Bea Owner']);
    expect((await B.call('usage:summary', { groupBy: 'provider' })).totals.calls).toBe(0);
  });

  it('answers not_found for every id of the other organization, and changes nothing there', async () => {
    const before = await snapshotOfA();
    const attempts: Array<[ChannelName, unknown]> = [
      ['sequences:get', { id: a.sequenceId }],
      ['sequences:delete', { id: a.sequenceId }],
      ['sequences:save', { id: a.sequenceId, title: 'Taken over', status: 'draft', steps: STEPS }],
      ['sequences:export', { ids: [a.sequenceId], format: 'json', fillPlaceholders: true }],
      ['templates:save', { id: a.templateId, name: 'Taken over', steps: STEPS }],
      ['templates:delete', { id: a.templateId }],
      ['profiles:save', { id: a.profileId, companyName: 'Taken over', valueProposition: 'x', senderName: 'x' }],
      ['profiles:delete', { id: a.profileId }],
      ['leads:save', { id: a.leadId, firstName: 'Taken over' }],
      ['leads:delete', { id: a.leadId }],
      ['replies:delete', { id: a.replyId }],
      ['jobs:get', { id: a.jobId, offset: 0, limit: 10 }],
      ['jobs:pause', { id: a.jobId }],
      ['jobs:resume', { id: a.jobId }],
      ['jobs:cancel', { id: a.jobId }],
      ['jobs:retry-item', { jobId: a.jobId, itemId: a.itemId }],
      ['jobs:export', { id: a.jobId, format: 'csv-per-lead', fillPlaceholders: false }],
      ['users:save', { id: a.userId, name: 'Taken over', role: 'owner' }],
      ['session:switch-user', { userId: a.userId }],
      ['uploads:chunk', { uploadId: a.uploadId, offset: 0, dataBase64: 'eA==' }],
      ['uploads:finish', { uploadId: a.uploadId }],
      ['leads:import-preview', { uploadId: a.uploadId }],
      ['leads:import', { uploadId: a.uploadId, mapping: { Email: 'email' } }],
      ['jobs:create-classify', { uploadIds: [a.uploadId], rulesOnly: true }],
    ];
    for (const [channel, input] of attempts) {
      const error = await B.refused(channel, input);
      expect(error.code, `${channel}: ${error.message}`).toBe('not_found');
    }
    // A delete of a row that is not there says so rather than failing.
    expect((await B.call('users:delete', { id: a.userId })).deleted).toBe(false);
    expect((await B.call('uploads:discard', { uploadId: a.uploadId })).discarded).toBe(false);
    expect(await snapshotOfA()).toEqual(before);
  });

  it('drafts from none of the other organization’s records, and calls no model for them', async () => {
    const calls = fakes.forProvider('anthropic').calls.length;
    const drafts: Array<[Record<string, unknown>, string]> = [
      [{ leadId: a.leadId, businessProfileId: bProfileId, options: OPTIONS }, 'leadId'],
      [{ lead: { firstName: 'Bo' }, businessProfileId: a.profileId, options: OPTIONS }, 'businessProfileId'],
      [{ lead: { firstName: 'Bo' }, businessProfileId: bProfileId, options: { ...OPTIONS, templateId: a.templateId } }, 'options.templateId'],
    ];
    for (const [source, field] of drafts) {
      const error = await B.refused('sequences:generate', { ...source, requestId: randomUUID() });
      expect(error).toMatchObject({ code: 'not_found', field });
    }
    expect(fakes.forProvider('anthropic').calls.length).toBe(calls);
  });

  it('refuses to classify a reply against the other organization’s lead: its data never reaches the model', async () => {
    const calls = fakes.forProvider('anthropic').calls.length;
    const error = await B.refused('replies:classify', { text: 'Sounds interesting, tell me more about pricing.', leadId: a.leadId });
    expect(error).toMatchObject({ code: 'not_found', field: 'leadId' });
    expect(
      fakes
        .forProvider('anthropic')
        .calls.slice(calls)
        .map((c) => c.promptText)
        .join('\n'),
    ).not.toContain('Lovelace');
    const sequenceError = await B.refused('replies:classify', { text: 'Please unsubscribe me.', sequenceId: a.sequenceId });
    expect(sequenceError).toMatchObject({ code: 'not_found', field: 'sequenceId' });
    expect((await B.call('replies:list', { offset: 0, limit: 100 })).total).toBe(0);
  });

  it('refuses a sequence that points at the other organization’s lead or business profile', async () => {
    const leadError = await B.refused('sequences:save', { title: 'Borrowed lead', status: 'draft', steps: STEPS, leadId: a.leadId });
    expect(leadError).toMatchObject({ code: 'not_found', field: 'leadId' });
    const profileError = await B.refused('sequences:save', { title: 'Borrowed profile', status: 'draft', steps: STEPS, businessProfileId: a.profileId });
    expect(profileError).toMatchObject({ code: 'not_found', field: 'businessProfileId' });
    const list = await B.call('sequences:list', { offset: 0, limit: 100 });
    expect(list.total).toBe(0);
  });

  it('exports a batch given the other organization’s lead ids without any of that lead’s data', async () => {
    const job = await B.call('jobs:create-generate', { leadIds: [a.leadId], businessProfileId: bProfileId, options: OPTIONS });
    const settled = await B.core.services.jobs.runner.settled(job.id);
    expect(settled).toMatchObject({ done: 0, failed: 1 });
    for (const format of ['csv-per-lead', 'csv-per-step', 'json'] as const) {
      const exported = await B.call('jobs:export', { id: job.id, format, fillPlaceholders: true });
      expect(exported.content, format).not.toMatch(/Ada|Lovelace|ada@engine|Analytical/);
    }
  });
});
