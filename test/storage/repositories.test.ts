import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore, type OrgStore, type Store } from '../../electron/core/storage';
import { llmSettingsSchema } from '../../shared/domain/org';
import type { SequenceStep } from '../../shared/domain/sequence';
import { caught } from '../helpers/caught';
import { tempDir } from './temp-dir';
import { expectDefined } from '../helpers/expect-defined';

const STEPS: SequenceStep[] = [
  { step: 1, delay_days: 0, channel: 'email', subject: 'Quick question', body: 'Hi {{firstName}}' },
  { step: 2, delay_days: 3, channel: 'sms', body: 'Following up' },
];

function setup(): { store: Store; data: OrgStore; orgId: string; ownerId: string } {
  const store = openStore({ dataDir: tempDir() });
  const { org, owner } = store.orgs.ensureFirstRun({ orgName: 'Acme', ownerName: 'Olivia' });
  return { store, data: store.forOrg(org.id), orgId: org.id, ownerId: owner.id };
}

describe('organizations, users and meta', () => {
  it('creates the first organization and its owner once, and remembers the current user', () => {
    const { store, orgId, ownerId } = setup();
    const again = store.orgs.ensureFirstRun();
    expect(again.created).toBe(false);
    expect(again.org.id).toBe(orgId);
    expect(again.owner).toMatchObject({ id: ownerId, role: 'owner', name: 'Olivia', orgId });
    expect(store.meta.get('currentUserId')).toBe(ownerId);
    expect(store.orgs.list()).toHaveLength(1);
    expect(store.orgs.getDefault()).toMatchObject({ id: orgId, name: 'Acme', provider: 'anthropic' });
    expect(store.orgs.getDefault()?.settings).toEqual({
      models: {},
      temperature: 0.7,
      maxTokens: 2048,
      baseUrls: {},
      timeouts: {},
      fallbackOrder: [],
      monthlyBudgetUsd: null,
    });
    store.close();
  });

  it('updates name, provider and validated settings; refuses a bad base URL naming the field', () => {
    const { store, data, orgId } = setup();
    const settings = {
      ...expectDefined(store.orgs.get(orgId)).settings,
      baseUrls: { local: 'http://127.0.0.1:11434/v1' },
      monthlyBudgetUsd: 25,
      fallbackOrder: ['openai' as const],
    };
    const updated = data.org.update({ name: 'Acme EU', provider: 'local', settings });
    expect(updated).toMatchObject({ name: 'Acme EU', provider: 'local', settings });
    const bad = caught(() => data.org.update({ settings: { ...settings, baseUrls: { openai: 'ftp://user:pw@example.com' } } }));
    expect(bad.code).toBe('validation');
    expect(bad.field).toBe('settings.baseUrls.openai');
    expect(caught(() => data.org.update({ provider: 'nope' as never })).field).toBe('provider');
    expect(store.orgs.get(orgId)).toEqual(updated);
    expect(caught(() => store.forOrg('missing').org.update({ name: 'x' })).code).toBe('not_found');
    store.close();
  });

  it('saves, lists, counts and deletes users', () => {
    const { store, data, ownerId } = setup();
    const admin = data.users.save({ name: 'Ann', role: 'admin' });
    const member = data.users.save({ name: 'Max', role: 'member' });
    expect(data.users.list().map((u) => u.id)).toEqual([ownerId, admin.id, member.id]);
    expect(data.users.save({ id: member.id, name: 'Max B', role: 'admin' })).toMatchObject({ name: 'Max B', role: 'admin' });
    expect(data.users.countByRole('admin')).toBe(2);
    expect(data.users.countByRole('owner')).toBe(1);
    expect(caught(() => data.users.save({ name: '', role: 'member' })).code).toBe('validation');
    expect(caught(() => data.users.save({ name: 'x', role: 'king' as never })).code).toBe('validation');
    expect(caught(() => data.users.save({ id: 'nope', name: 'x', role: 'member' })).code).toBe('not_found');
    expect(data.users.delete(admin.id)).toBe(true);
    expect(data.users.delete(admin.id)).toBe(false);
    expect(data.users.get(admin.id)).toBeNull();
    store.close();
  });

  it('keeps meta values', () => {
    const { store } = setup();
    expect(store.meta.get('theme')).toBeNull();
    store.meta.set('theme', 'dark');
    store.meta.set('theme', 'light');
    expect(store.meta.get('theme')).toBe('light');
    expect(store.meta.delete('theme')).toBe(true);
    expect(store.meta.get('theme')).toBeNull();
    store.close();
  });
});

describe('profiles and templates', () => {
  it('round-trips a business profile', () => {
    const { store, data, orgId } = setup();
    const input = { companyName: 'Acme', valueProposition: 'We fix pipes', senderName: 'Olivia', keyBenefits: ['fast', 'cheap'], tone: 'friendly' as const };
    const saved = data.profiles.save(input);
    expect(saved).toMatchObject({ ...input, orgId });
    const changed = data.profiles.save({ ...input, id: saved.id, cta: 'Book a call' });
    expect(changed.cta).toBe('Book a call');
    expect(changed.createdAt).toBe(saved.createdAt);
    expect(data.profiles.list()).toEqual([changed]);
    expect(caught(() => data.profiles.save({ ...input, companyName: '' })).field).toBe('companyName');
    expect(data.profiles.delete(saved.id)).toBe(true);
    expect(data.profiles.get(saved.id)).toBeNull();
    store.close();
  });

  it('round-trips a template', () => {
    const { store, data, orgId } = setup();
    const options = { numberOfSteps: 2, channels: ['email' as const, 'sms' as const] };
    const saved = data.templates.save({ name: 'Two-step', steps: STEPS, options });
    expect(data.templates.get(saved.id)).toEqual({ id: saved.id, orgId, name: 'Two-step', steps: STEPS, options, createdAt: saved.createdAt });
    const renamed = data.templates.save({ id: saved.id, name: 'Renamed', steps: STEPS.slice(0, 1) });
    expect(renamed).toMatchObject({ name: 'Renamed', options: null, steps: STEPS.slice(0, 1) });
    expect(data.templates.list()).toHaveLength(1);
    expect(data.templates.delete(saved.id)).toBe(true);
    expect(data.templates.list()).toEqual([]);
    store.close();
  });
});

describe('leads', () => {
  it('saves, searches, pages and deletes', () => {
    const { store, data, orgId } = setup();
    const ada = data.leads.save({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@engine.org', customFields: { city: 'London' } });
    const bob = data.leads.save({ firstName: 'Bob', company: '100%_Widgets' });
    expect(data.leads.get(ada.id)).toEqual(ada);
    expect(ada).toEqual({
      id: ada.id,
      orgId,
      createdAt: ada.createdAt,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@engine.org',
      customFields: { city: 'London' },
    });
    expect(data.leads.list({ query: 'ENGINE', offset: 0, limit: 10 }).items.map((l) => l.id)).toEqual([ada.id]);
    // LIKE wildcards in the search text are literal.
    expect(data.leads.list({ query: '0%_w', offset: 0, limit: 10 }).items.map((l) => l.id)).toEqual([bob.id]);
    expect(data.leads.list({ query: '%', offset: 0, limit: 10 }).total).toBe(1);
    const page = data.leads.list({ offset: 1, limit: 1 });
    expect(page.total).toBe(2);
    expect(page.items).toHaveLength(1);
    expect(data.leads.getMany([bob.id, 'missing', ada.id]).map((l) => l.id)).toEqual([bob.id, ada.id]);
    const edited = data.leads.save({ id: ada.id, firstName: 'Ada' });
    expect(edited.lastName).toBeUndefined();
    expect(edited.customFields).toBeUndefined();
    expect(caught(() => data.leads.save({ firstName: 'x'.repeat(501) })).field).toBe('firstName');
    expect(data.leads.delete(bob.id)).toBe(true);
    expect(data.leads.list({ offset: 0, limit: 10 }).total).toBe(1);
    store.close();
  });

  it('imports 100,000 rows in one transaction and returns their ids in order', () => {
    const { store, data } = setup();
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ firstName: `Lead${i}`, email: `lead${i}@example.com`, customFields: { row: String(i) } }));
    const ids = data.leads.importMany(rows);
    expect(ids).toHaveLength(100_000);
    expect(new Set(ids).size).toBe(100_000);
    expect(data.leads.list({ offset: 0, limit: 1 }).total).toBe(100_000);
    const sample = data.leads.getMany([expectDefined(ids[0]), expectDefined(ids[99_999])]);
    expect(sample.map((l) => l.customFields?.row)).toEqual(['0', '99999']);
    expect(data.leads.getMany(ids).length).toBe(100_000);
    store.close();
  });

  it('an invalid row late in an import rolls every earlier row back', () => {
    const { store, data } = setup();
    const rows: Array<Record<string, unknown>> = Array.from({ length: 50_000 }, (_, i) => ({ firstName: `Lead${i}` }));
    rows[49_000] = { firstName: 'Bad', email: 'x'.repeat(600) };
    const error = caught(() => data.leads.importMany(rows as never));
    expect(error.code).toBe('validation');
    expect(error.field).toBe('rows[49000].email');
    expect(data.leads.list({ offset: 0, limit: 1 }).total).toBe(0);
    store.close();
  });
});

describe('sequences', () => {
  it('saves with steps, updates keeping unspecified fields, and lists summaries', () => {
    const { store, data, orgId, ownerId } = setup();
    const lead = data.leads.save({ firstName: 'Ada', lastName: 'Lovelace', company: 'Engines' });
    const saved = data.sequences.save({
      title: 'Ada intro',
      status: 'draft',
      steps: STEPS,
      leadId: lead.id,
      provider: 'openai',
      model: 'gpt-x',
      usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 10 },
      costUsd: 0.002,
      options: { numberOfSteps: 2, channels: ['email', 'sms'] },
      createdBy: ownerId,
    });
    expect(saved).toMatchObject({ orgId, leadId: lead.id, steps: STEPS, edited: false, usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 10 } });
    expect(data.sequences.get(saved.id)).toEqual(saved);

    const edited = data.sequences.save({ id: saved.id, title: 'Ada intro v2', status: 'approved', steps: STEPS.slice(0, 1), edited: true });
    expect(edited).toMatchObject({
      title: 'Ada intro v2',
      status: 'approved',
      steps: STEPS.slice(0, 1),
      edited: true,
      provider: 'openai',
      leadId: lead.id,
      createdBy: ownerId,
      createdAt: saved.createdAt,
    });

    data.sequences.save({ title: 'Other', status: 'draft', steps: STEPS });
    const all = data.sequences.list({ offset: 0, limit: 10 });
    expect(all.total).toBe(2);
    expect(all.items.find((s) => s.id === saved.id)).toEqual({
      id: saved.id,
      title: 'Ada intro v2',
      status: 'approved',
      provider: 'openai',
      model: 'gpt-x',
      createdAt: saved.createdAt,
      updatedAt: edited.updatedAt,
      leadId: lead.id,
      stepCount: 1,
      leadName: 'Ada Lovelace',
    });
    expect(data.sequences.list({ status: 'draft', offset: 0, limit: 10 }).items.map((s) => s.title)).toEqual(['Other']);
    expect(data.sequences.list({ query: 'lovelace', offset: 0, limit: 10 }).items.map((s) => s.id)).toEqual([saved.id]);
    expect(data.sequences.list({ query: 'engines', status: 'draft', offset: 0, limit: 10 }).total).toBe(0);
    expect(data.sequences.findByLead(lead.id).map((s) => s.id)).toEqual([saved.id]);
    store.close();
  });

  it('validates input, refuses unknown references, and cleans up on delete', () => {
    const { store, data } = setup();
    expect(caught(() => data.sequences.save({ title: ' ', status: 'draft', steps: STEPS })).field).toBe('title');
    expect(caught(() => data.sequences.save({ title: 't', status: 'draft', steps: [] })).field).toBe('steps');
    expect(caught(() => data.sequences.save({ title: 't', status: 'draft', steps: STEPS, leadId: 'ghost' }))).toMatchObject({
      code: 'not_found',
      field: 'leadId',
    });
    expect(caught(() => data.sequences.save({ id: 'ghost', title: 't', status: 'draft', steps: STEPS })).code).toBe('not_found');
    expect(data.sequences.list({ offset: 0, limit: 10 }).total).toBe(0);

    const lead = data.leads.save({ firstName: 'Ada' });
    const sequence = data.sequences.save({ title: 't', status: 'draft', steps: STEPS, leadId: lead.id });
    data.leads.delete(lead.id);
    expect(data.sequences.get(sequence.id)?.leadId).toBeNull();
    expect(data.sequences.delete(sequence.id)).toBe(true);
    expect(data.sequences.get(sequence.id)).toBeNull();
    expect(data.sequences.getMany([sequence.id])).toEqual([]);
    store.close();
  });

  it('lists and counts 10,000 sequences a page at a time, and reads them back in bulk', () => {
    const { store, data } = setup();
    const ids = store.transaction(() =>
      Array.from({ length: 10_000 }, (_, i) => data.sequences.save({ title: `Seq ${i}`, status: i % 2 ? 'draft' : 'approved', steps: STEPS }).id),
    );
    const page = data.sequences.list({ status: 'draft', offset: 100, limit: 50 });
    expect(page.total).toBe(5000);
    expect(page.items).toHaveLength(50);
    expect(page.items.every((s) => s.stepCount === 2 && s.status === 'draft')).toBe(true);
    const many = data.sequences.getMany(ids);
    expect(many).toHaveLength(10_000);
    expect(many[9999]).toMatchObject({ id: ids[9999], steps: STEPS });
    store.close();
  });
});

describe('replies and transactions', () => {
  it('inserts, filters by class and deletes replies', () => {
    const { store, data } = setup();
    const base = { rawText: 'raw', parsedText: 'parsed', confidence: null, reason: null, suggestedAction: null };
    const bounce = data.replies.insert({ ...base, classification: 'bounce', decidedBy: 'rules', fromAddress: 'MAILER-DAEMON@x' });
    const ooo = data.replies.insert({ ...base, classification: 'out_of_office', decidedBy: 'rules', returnDate: '2026-12-01' });
    const human = data.replies.insert({
      ...base,
      classification: 'interested',
      confidence: 0.9,
      reason: 'asks for a call',
      suggestedAction: 'escalate',
      decidedBy: 'model',
      provider: 'groq',
      model: 'llama',
    });
    expect(data.replies.get(ooo.id)).toMatchObject({ returnDate: '2026-12-01', leadId: null, provider: null });
    expect(human).toMatchObject({ confidence: 0.9, provider: 'groq', decidedBy: 'model' });
    // What insert returns is the row as stored, field for field.
    for (const inserted of [bounce, ooo, human]) expect(data.replies.get(inserted.id)).toStrictEqual(inserted);
    expect(data.replies.list({ offset: 0, limit: 10 }).total).toBe(3);
    expect(data.replies.list({ classification: 'bounce', offset: 0, limit: 10 }).items.map((r) => r.id)).toEqual([bounce.id]);
    expect(caught(() => data.replies.insert({ ...base, classification: null, confidence: 2, decidedBy: 'undecided' })).field).toBe('confidence');
    expect(data.replies.delete(bounce.id)).toBe(true);
    expect(data.replies.list({ offset: 0, limit: 10 }).total).toBe(2);
    store.close();
  });

  it("store.transaction commits together or not at all, and passes the caller's errors through", () => {
    const { store, data } = setup();
    class Mine extends Error {}
    expect(() =>
      store.transaction(() => {
        data.leads.save({ firstName: 'Ada' });
        data.sequences.save({ title: 't', status: 'draft', steps: STEPS });
        throw new Mine('stop');
      }),
    ).toThrow(Mine);
    expect(data.leads.list({ offset: 0, limit: 1 }).total).toBe(0);
    expect(data.sequences.list({ offset: 0, limit: 1 }).total).toBe(0);
    store.close();
    expect(caught(() => data.leads.get('x')).code).toBe('storage');
  });
});

/** A second organization and its owner, written straight into the file: nothing in the app makes one yet (`--org` and the team hub can name one). */
function addOrganization(path: string, name: string): { orgId: string; ownerId: string } {
  const db = new Database(path);
  const orgId = `org-${name}`;
  const ownerId = `owner-${name}`;
  const now = new Date().toISOString();
  db.prepare('INSERT INTO organizations (id, name, provider, settings, created_at) VALUES (?, ?, ?, ?, ?)').run(
    orgId,
    name,
    'anthropic',
    JSON.stringify(llmSettingsSchema.parse({})),
    now,
  );
  db.prepare("INSERT INTO users (id, org_id, name, role, created_at) VALUES (?, ?, 'Owner', 'owner', ?)").run(ownerId, orgId, now);
  db.close();
  return { orgId, ownerId };
}

describe('one organization’s scoped store', () => {
  it('refuses an organization that does not exist', () => {
    const { store } = setup();
    expect(caught(() => store.forOrg('no-such-org'))).toMatchObject({ code: 'not_found', field: 'orgId' });
    store.close();
  });

  it('reads, changes, deletes and points at none of another organization’s rows', () => {
    const { store, data: a, orgId } = setup();
    const lead = a.leads.save({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@engine.org' });
    const profile = a.profiles.save({ companyName: 'Acme', valueProposition: 'Pipes', senderName: 'Olivia' });
    const template = a.templates.save({ name: 'Two-step', steps: STEPS });
    const user = a.users.save({ name: 'Ann', role: 'admin' });
    const sequence = a.sequences.save({
      title: 'Ada intro',
      status: 'draft',
      steps: STEPS,
      leadId: lead.id,
      businessProfileId: profile.id,
      createdBy: user.id,
    });
    const base = {
      rawText: 'raw',
      parsedText: 'parsed',
      classification: 'bounce' as const,
      confidence: 1,
      reason: 'DSN',
      suggestedAction: 'stop_sequence' as const,
      decidedBy: 'rules' as const,
    };
    const reply = a.replies.insert({ ...base, leadId: lead.id, sequenceId: sequence.id });
    const job = a.jobs.create({ kind: 'generate', provider: 'openai', params: {}, items: [{ leadId: lead.id }] });
    const event = {
      id: 'a-call',
      userId: user.id,
      operation: 'sequence' as const,
      provider: 'openai' as const,
      model: 'gpt-x',
      inputTokens: 10,
      outputTokens: 20,
      cachedInputTokens: 0,
      costUsd: 0.25,
      priceTable: null,
      latencyMs: 5,
      outcome: 'ok' as const,
      errorCode: null,
      requestId: null,
      createdAt: '2026-11-02T10:00:00.000Z',
    };
    expect(a.usage.record(event)).toBe(true);
    const before = {
      leads: a.leads.list({ offset: 0, limit: 10 }),
      profiles: a.profiles.list(),
      templates: a.templates.list(),
      users: a.users.list(),
      sequence: a.sequences.get(sequence.id),
      replies: a.replies.list({ offset: 0, limit: 10 }),
      job: a.jobs.get(job.id),
      usage: a.usage.rows(),
    };

    const { orgId: otherId, ownerId: otherOwner } = addOrganization(store.path, 'B');
    const b = store.forOrg(otherId);
    // Reads: nothing of A's, by id or in a list.
    expect([b.leads.get(lead.id), b.profiles.get(profile.id), b.templates.get(template.id), b.users.get(user.id)]).toEqual([null, null, null, null]);
    expect([b.sequences.get(sequence.id), b.replies.get(reply.id), b.jobs.get(job.id)]).toEqual([null, null, null]);
    expect(b.leads.getMany([lead.id])).toEqual([]);
    expect(b.sequences.getMany([sequence.id])).toEqual([]);
    expect(b.sequences.findByLead(lead.id)).toEqual([]);
    expect(b.leads.list({ query: 'Ada', offset: 0, limit: 10 }).total).toBe(0);
    expect(b.leads.listEmails()).toEqual([]);
    expect([b.profiles.list(), b.templates.list(), b.jobs.list(), b.usage.rows()]).toEqual([[], [], [], []]);
    expect(b.users.list().map((u) => u.id)).toEqual([otherOwner]);
    expect(b.replies.list({ offset: 0, limit: 10 }).total).toBe(0);
    expect(b.sequences.list({ query: 'Ada', offset: 0, limit: 10 }).total).toBe(0);
    expect(b.usage.summary({ groupBy: 'provider' }).totals.calls).toBe(0);
    expect(b.usage.monthSpend('2026-11')).toBe(0);
    for (const read of [
      () => b.jobs.items(job.id, { offset: 0, limit: 10 }),
      () => b.jobs.progress(job.id),
      () => b.jobs.appendItems(job.id, [{ leadId: 'x' }]),
    ]) {
      expect(caught(read).code).toBe('not_found');
    }
    // Changes: not found, and nothing changed.
    for (const change of [
      () => b.leads.save({ id: lead.id, firstName: 'Taken' }),
      () => b.leads.updateMany([{ id: lead.id, firstName: 'Taken' }]),
      () => b.profiles.save({ id: profile.id, companyName: 'Taken', valueProposition: 'x', senderName: 'x' }),
      () => b.templates.save({ id: template.id, name: 'Taken', steps: STEPS }),
      () => b.users.save({ id: user.id, name: 'Taken', role: 'owner' }),
      () => b.sequences.save({ id: sequence.id, title: 'Taken', status: 'draft', steps: STEPS }),
    ]) {
      expect(caught(change).code).toBe('not_found');
    }
    // Deletes: nothing to delete.
    expect([b.leads.delete(lead.id), b.profiles.delete(profile.id), b.templates.delete(template.id), b.users.delete(user.id)]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect([b.sequences.delete(sequence.id), b.replies.delete(reply.id)]).toEqual([false, false]);
    // References: a row of B cannot point at a row of A (a foreign key alone would let it).
    expect(caught(() => b.sequences.save({ title: 'x', status: 'draft', steps: STEPS, leadId: lead.id }))).toMatchObject({
      code: 'not_found',
      field: 'leadId',
    });
    expect(caught(() => b.sequences.save({ title: 'x', status: 'draft', steps: STEPS, businessProfileId: profile.id }))).toMatchObject({
      code: 'not_found',
      field: 'businessProfileId',
    });
    expect(caught(() => b.sequences.save({ title: 'x', status: 'draft', steps: STEPS, createdBy: user.id }))).toMatchObject({
      code: 'not_found',
      field: 'createdBy',
    });
    expect(caught(() => b.replies.insert({ ...base, leadId: lead.id }))).toMatchObject({ code: 'not_found', field: 'leadId' });
    expect(caught(() => b.replies.insert({ ...base, sequenceId: sequence.id }))).toMatchObject({ code: 'not_found', field: 'sequenceId' });
    expect(caught(() => b.usage.record({ ...event, id: 'b-call', orgId }))).toMatchObject({ code: 'validation', field: 'orgId' });
    expect(b.sequences.list({ offset: 0, limit: 10 }).total).toBe(0);
    expect(b.replies.list({ offset: 0, limit: 10 }).total).toBe(0);

    expect({
      leads: a.leads.list({ offset: 0, limit: 10 }),
      profiles: a.profiles.list(),
      templates: a.templates.list(),
      users: a.users.list(),
      sequence: a.sequences.get(sequence.id),
      replies: a.replies.list({ offset: 0, limit: 10 }),
      job: a.jobs.get(job.id),
      usage: a.usage.rows(),
    }).toEqual(before);
    store.close();
  });
});

describe('calls written down before they are made (usage_pending)', () => {
  const call = (id: string, pid: number) => ({
    id,
    userId: null,
    operation: 'chat' as const,
    provider: 'openai',
    model: 'gpt-4o-mini',
    pid,
    host: 'desk-1',
    createdAt: `2026-12-0${pid}T10:00:00.000Z`,
  });
  const usage = (id: string) => ({
    id,
    userId: null,
    operation: 'chat' as const,
    provider: 'openai' as const,
    model: 'gpt-4o-mini',
    inputTokens: 10,
    outputTokens: 5,
    cachedInputTokens: 0,
    costUsd: 0.001,
    priceTable: null,
    latencyMs: 120,
    outcome: 'ok' as const,
    errorCode: null,
    requestId: null,
    createdAt: '2026-12-01T10:00:01.000Z',
  });

  it('complete replaces a pending call with its usage row; discard forgets one; settle bills only the calls of processes that are gone, once', () => {
    const { store, data } = setup();
    data.usage.begin(call('a', 1));
    data.usage.begin(call('b', 2));
    data.usage.begin(call('c', 3));
    expect(data.usage.summary({ groupBy: 'provider' }).totals.calls).toBe(0);

    expect(data.usage.complete(usage('a'))).toBe(true);
    data.usage.discard('b');
    // 'a' is done and 'b' forgotten: only 'c' is left, and only when its process is gone.
    expect(store.settleInterruptedCalls(() => false)).toBe(0);
    const seen: number[] = [];
    expect(
      store.settleInterruptedCalls((p) => {
        seen.push(p.pid);
        return true;
      }),
    ).toBe(1);
    expect(seen).toEqual([3]);
    expect(store.settleInterruptedCalls(() => true)).toBe(0);

    const rows = data.usage.rows();
    expect(rows.map((r) => [r.id, r.outcome, r.errorCode, r.inputTokens, r.costUsd])).toEqual([
      ['a', 'ok', null, 10, 0.001],
      ['c', 'error', 'storage', 0, 0],
    ]);
    expect(rows[1]).toMatchObject({ createdAt: '2026-12-03T10:00:00.000Z', provider: 'openai', model: 'gpt-4o-mini', operation: 'chat' });
    store.close();
  });
});
