import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../electron/core/storage';
import type { SequenceStep } from '../../shared/domain/sequence';
import { caught } from '../helpers/caught';
import { tempDir } from './temp-dir';

const STEPS: SequenceStep[] = [
  { step: 1, delay_days: 0, channel: 'email', subject: 'Quick question', body: 'Hi {{firstName}}' },
  { step: 2, delay_days: 3, channel: 'sms', body: 'Following up' },
];

function setup(): { store: Store; orgId: string; ownerId: string } {
  const store = openStore({ dataDir: tempDir() });
  const { org, owner } = store.orgs.ensureFirstRun({ orgName: 'Acme', ownerName: 'Olivia' });
  return { store, orgId: org.id, ownerId: owner.id };
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
      models: {}, temperature: 0.7, maxTokens: 2048, baseUrls: {}, timeouts: {}, fallbackOrder: [], monthlyBudgetUsd: null,
    });
    store.close();
  });

  it('updates name, provider and validated settings; refuses a bad base URL naming the field', () => {
    const { store, orgId } = setup();
    const settings = { ...store.orgs.get(orgId)!.settings, baseUrls: { local: 'http://127.0.0.1:11434/v1' }, monthlyBudgetUsd: 25, fallbackOrder: ['openai' as const] };
    const updated = store.orgs.update(orgId, { name: 'Acme EU', provider: 'local', settings });
    expect(updated).toMatchObject({ name: 'Acme EU', provider: 'local', settings });
    const bad = caught(() => store.orgs.update(orgId, { settings: { ...settings, baseUrls: { openai: 'ftp://user:pw@example.com' } } }));
    expect(bad.code).toBe('validation');
    expect(bad.field).toBe('settings.baseUrls.openai');
    expect(caught(() => store.orgs.update(orgId, { provider: 'nope' as never })).field).toBe('provider');
    expect(store.orgs.get(orgId)).toEqual(updated);
    expect(caught(() => store.orgs.update('missing', { name: 'x' })).code).toBe('not_found');
    store.close();
  });

  it('saves, lists, counts and deletes users', () => {
    const { store, orgId, ownerId } = setup();
    const admin = store.users.save(orgId, { name: 'Ann', role: 'admin' });
    const member = store.users.save(orgId, { name: 'Max', role: 'member' });
    expect(store.users.list(orgId).map((u) => u.id)).toEqual([ownerId, admin.id, member.id]);
    expect(store.users.save(orgId, { id: member.id, name: 'Max B', role: 'admin' })).toMatchObject({ name: 'Max B', role: 'admin' });
    expect(store.users.countByRole(orgId, 'admin')).toBe(2);
    expect(store.users.countByRole(orgId, 'owner')).toBe(1);
    expect(caught(() => store.users.save(orgId, { name: '', role: 'member' })).code).toBe('validation');
    expect(caught(() => store.users.save(orgId, { name: 'x', role: 'king' as never })).code).toBe('validation');
    expect(caught(() => store.users.save(orgId, { id: 'nope', name: 'x', role: 'member' })).code).toBe('not_found');
    expect(store.users.delete(admin.id)).toBe(true);
    expect(store.users.delete(admin.id)).toBe(false);
    expect(store.users.get(admin.id)).toBeNull();
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
    const { store, orgId } = setup();
    const input = { companyName: 'Acme', valueProposition: 'We fix pipes', senderName: 'Olivia', keyBenefits: ['fast', 'cheap'], tone: 'friendly' as const };
    const saved = store.profiles.save(orgId, input);
    expect(saved).toMatchObject({ ...input, orgId });
    const changed = store.profiles.save(orgId, { ...input, id: saved.id, cta: 'Book a call' });
    expect(changed.cta).toBe('Book a call');
    expect(changed.createdAt).toBe(saved.createdAt);
    expect(store.profiles.list(orgId)).toEqual([changed]);
    expect(caught(() => store.profiles.save(orgId, { ...input, companyName: '' })).field).toBe('companyName');
    expect(store.profiles.delete(saved.id)).toBe(true);
    expect(store.profiles.get(saved.id)).toBeNull();
    store.close();
  });

  it('round-trips a template', () => {
    const { store, orgId } = setup();
    const options = { numberOfSteps: 2, channels: ['email' as const, 'sms' as const] };
    const saved = store.templates.save(orgId, { name: 'Two-step', steps: STEPS, options });
    expect(store.templates.get(saved.id)).toEqual({ id: saved.id, orgId, name: 'Two-step', steps: STEPS, options, createdAt: saved.createdAt });
    const renamed = store.templates.save(orgId, { id: saved.id, name: 'Renamed', steps: STEPS.slice(0, 1) });
    expect(renamed).toMatchObject({ name: 'Renamed', options: null, steps: STEPS.slice(0, 1) });
    expect(store.templates.list(orgId)).toHaveLength(1);
    expect(store.templates.delete(saved.id)).toBe(true);
    expect(store.templates.list(orgId)).toEqual([]);
    store.close();
  });
});

describe('leads', () => {
  it('saves, searches, pages and deletes', () => {
    const { store, orgId } = setup();
    const ada = store.leads.save(orgId, { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@engine.org', customFields: { city: 'London' } });
    const bob = store.leads.save(orgId, { firstName: 'Bob', company: '100%_Widgets' });
    expect(store.leads.get(ada.id)).toEqual(ada);
    expect(ada).toEqual({ id: ada.id, orgId, createdAt: ada.createdAt, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@engine.org', customFields: { city: 'London' } });
    expect(store.leads.list(orgId, { query: 'ENGINE', offset: 0, limit: 10 }).items.map((l) => l.id)).toEqual([ada.id]);
    // LIKE wildcards in the search text are literal.
    expect(store.leads.list(orgId, { query: '0%_w', offset: 0, limit: 10 }).items.map((l) => l.id)).toEqual([bob.id]);
    expect(store.leads.list(orgId, { query: '%', offset: 0, limit: 10 }).total).toBe(1);
    const page = store.leads.list(orgId, { offset: 1, limit: 1 });
    expect(page.total).toBe(2);
    expect(page.items).toHaveLength(1);
    expect(store.leads.getMany([bob.id, 'missing', ada.id]).map((l) => l.id)).toEqual([bob.id, ada.id]);
    const edited = store.leads.save(orgId, { id: ada.id, firstName: 'Ada' });
    expect(edited.lastName).toBeUndefined();
    expect(edited.customFields).toBeUndefined();
    expect(caught(() => store.leads.save(orgId, { firstName: 'x'.repeat(501) })).field).toBe('firstName');
    expect(store.leads.delete(bob.id)).toBe(true);
    expect(store.leads.list(orgId, { offset: 0, limit: 10 }).total).toBe(1);
    store.close();
  });

  it('imports 100,000 rows in one transaction and returns their ids in order', () => {
    const { store, orgId } = setup();
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ firstName: `Lead${i}`, email: `lead${i}@example.com`, customFields: { row: String(i) } }));
    const ids = store.leads.importMany(orgId, rows);
    expect(ids).toHaveLength(100_000);
    expect(new Set(ids).size).toBe(100_000);
    expect(store.leads.list(orgId, { offset: 0, limit: 1 }).total).toBe(100_000);
    const sample = store.leads.getMany([ids[0]!, ids[99_999]!]);
    expect(sample.map((l) => l.customFields?.row)).toEqual(['0', '99999']);
    expect(store.leads.getMany(ids).length).toBe(100_000);
    store.close();
  });

  it('an invalid row late in an import rolls every earlier row back', () => {
    const { store, orgId } = setup();
    const rows: Array<Record<string, unknown>> = Array.from({ length: 50_000 }, (_, i) => ({ firstName: `Lead${i}` }));
    rows[49_000] = { firstName: 'Bad', email: 'x'.repeat(600) };
    const error = caught(() => store.leads.importMany(orgId, rows as never));
    expect(error.code).toBe('validation');
    expect(error.field).toBe('rows[49000].email');
    expect(store.leads.list(orgId, { offset: 0, limit: 1 }).total).toBe(0);
    store.close();
  });
});

describe('sequences', () => {
  it('saves with steps, updates keeping unspecified fields, and lists summaries', () => {
    const { store, orgId, ownerId } = setup();
    const lead = store.leads.save(orgId, { firstName: 'Ada', lastName: 'Lovelace', company: 'Engines' });
    const saved = store.sequences.save(orgId, {
      title: 'Ada intro', status: 'draft', steps: STEPS, leadId: lead.id, provider: 'openai', model: 'gpt-x',
      usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 10 }, costUsd: 0.002,
      options: { numberOfSteps: 2, channels: ['email', 'sms'] }, createdBy: ownerId,
    });
    expect(saved).toMatchObject({ orgId, leadId: lead.id, steps: STEPS, edited: false, usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 10 } });
    expect(store.sequences.get(saved.id)).toEqual(saved);

    const edited = store.sequences.save(orgId, { id: saved.id, title: 'Ada intro v2', status: 'approved', steps: STEPS.slice(0, 1), edited: true });
    expect(edited).toMatchObject({ title: 'Ada intro v2', status: 'approved', steps: STEPS.slice(0, 1), edited: true, provider: 'openai', leadId: lead.id, createdBy: ownerId, createdAt: saved.createdAt });

    store.sequences.save(orgId, { title: 'Other', status: 'draft', steps: STEPS });
    const all = store.sequences.list(orgId, { offset: 0, limit: 10 });
    expect(all.total).toBe(2);
    expect(all.items.find((s) => s.id === saved.id)).toEqual({
      id: saved.id, title: 'Ada intro v2', status: 'approved', provider: 'openai', model: 'gpt-x', createdAt: saved.createdAt,
      updatedAt: edited.updatedAt, leadId: lead.id, stepCount: 1, leadName: 'Ada Lovelace',
    });
    expect(store.sequences.list(orgId, { status: 'draft', offset: 0, limit: 10 }).items.map((s) => s.title)).toEqual(['Other']);
    expect(store.sequences.list(orgId, { query: 'lovelace', offset: 0, limit: 10 }).items.map((s) => s.id)).toEqual([saved.id]);
    expect(store.sequences.list(orgId, { query: 'engines', status: 'draft', offset: 0, limit: 10 }).total).toBe(0);
    expect(store.sequences.findByLead(lead.id).map((s) => s.id)).toEqual([saved.id]);
    store.close();
  });

  it('validates input, refuses unknown references, and cleans up on delete', () => {
    const { store, orgId } = setup();
    expect(caught(() => store.sequences.save(orgId, { title: ' ', status: 'draft', steps: STEPS })).field).toBe('title');
    expect(caught(() => store.sequences.save(orgId, { title: 't', status: 'draft', steps: [] })).field).toBe('steps');
    expect(caught(() => store.sequences.save(orgId, { title: 't', status: 'draft', steps: STEPS, leadId: 'ghost' })).code).toBe('validation');
    expect(caught(() => store.sequences.save(orgId, { id: 'ghost', title: 't', status: 'draft', steps: STEPS })).code).toBe('not_found');
    expect(store.sequences.list(orgId, { offset: 0, limit: 10 }).total).toBe(0);

    const lead = store.leads.save(orgId, { firstName: 'Ada' });
    const sequence = store.sequences.save(orgId, { title: 't', status: 'draft', steps: STEPS, leadId: lead.id });
    store.leads.delete(lead.id);
    expect(store.sequences.get(sequence.id)?.leadId).toBeNull();
    expect(store.sequences.delete(sequence.id)).toBe(true);
    expect(store.sequences.get(sequence.id)).toBeNull();
    expect(store.sequences.getMany([sequence.id])).toEqual([]);
    store.close();
  });

  it('lists and counts 10,000 sequences a page at a time, and reads them back in bulk', () => {
    const { store, orgId } = setup();
    const ids = store.transaction(() =>
      Array.from({ length: 10_000 }, (_, i) => store.sequences.save(orgId, { title: `Seq ${i}`, status: i % 2 ? 'draft' : 'approved', steps: STEPS }).id),
    );
    const page = store.sequences.list(orgId, { status: 'draft', offset: 100, limit: 50 });
    expect(page.total).toBe(5000);
    expect(page.items).toHaveLength(50);
    expect(page.items.every((s) => s.stepCount === 2 && s.status === 'draft')).toBe(true);
    const many = store.sequences.getMany(ids);
    expect(many).toHaveLength(10_000);
    expect(many[9999]).toMatchObject({ id: ids[9999], steps: STEPS });
    store.close();
  });
});

describe('replies and transactions', () => {
  it('inserts, filters by class and deletes replies', () => {
    const { store, orgId } = setup();
    const base = { rawText: 'raw', parsedText: 'parsed', confidence: null, reason: null, suggestedAction: null };
    const bounce = store.replies.insert(orgId, { ...base, classification: 'bounce', decidedBy: 'rules', fromAddress: 'MAILER-DAEMON@x' });
    const ooo = store.replies.insert(orgId, { ...base, classification: 'out_of_office', decidedBy: 'rules', returnDate: '2026-12-01' });
    const human = store.replies.insert(orgId, { ...base, classification: 'interested', confidence: 0.9, reason: 'asks for a call', suggestedAction: 'escalate', decidedBy: 'model', provider: 'groq', model: 'llama' });
    expect(store.replies.get(ooo.id)).toMatchObject({ returnDate: '2026-12-01', leadId: null, provider: null });
    expect(human).toMatchObject({ confidence: 0.9, provider: 'groq', decidedBy: 'model' });
    // What insert returns is the row as stored, field for field.
    for (const inserted of [bounce, ooo, human]) expect(store.replies.get(inserted.id)).toStrictEqual(inserted);
    expect(store.replies.list(orgId, { offset: 0, limit: 10 }).total).toBe(3);
    expect(store.replies.list(orgId, { classification: 'bounce', offset: 0, limit: 10 }).items.map((r) => r.id)).toEqual([bounce.id]);
    expect(caught(() => store.replies.insert(orgId, { ...base, classification: null, confidence: 2, decidedBy: 'undecided' })).field).toBe('confidence');
    expect(store.replies.delete(bounce.id)).toBe(true);
    expect(store.replies.list(orgId, { offset: 0, limit: 10 }).total).toBe(2);
    store.close();
  });

  it('store.transaction commits together or not at all, and passes the caller\'s errors through', () => {
    const { store, orgId } = setup();
    class Mine extends Error {}
    expect(() =>
      store.transaction(() => {
        store.leads.save(orgId, { firstName: 'Ada' });
        store.sequences.save(orgId, { title: 't', status: 'draft', steps: STEPS });
        throw new Mine('stop');
      }),
    ).toThrow(Mine);
    expect(store.leads.list(orgId, { offset: 0, limit: 1 }).total).toBe(0);
    expect(store.sequences.list(orgId, { offset: 0, limit: 1 }).total).toBe(0);
    store.close();
    expect(caught(() => store.leads.get('x')).code).toBe('storage');
  });
});
