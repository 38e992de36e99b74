import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoreFixture, type CoreFixture } from '../helpers/core-fixture';
import { expectDefined } from '../helpers/expect-defined';

const lead = { firstName: 'Grace', lastName: 'Hopper', company: 'Navy Labs', jobTitle: 'Director' };
const business = { companyName: 'Acme Outreach', valueProposition: 'Meetings with the right people.', senderName: 'Sam Seller' };

describe('solo mode: one person, the owner; profiles are conveniences', () => {
  let f: CoreFixture;
  beforeAll(async () => {
    f = await startCoreFixture();
  });
  afterAll(() => f.close());

  it('creates an organization and its owner on first start', async () => {
    const session = await f.call('session:get', undefined);
    expect(session.user.role).toBe('owner');
    expect(session.users).toHaveLength(1);
  });

  it('solo mode: a local profile is a name on usage rows, not a permission; switching grants and takes nothing', async () => {
    await f.call('settings:update-llm', { apiKeys: { openai: 'sk-owner-key-000000001234' }, settings: { temperature: 0.3 } });
    const member = await f.call('users:save', { name: 'Max Member', role: 'member' });
    expect((await f.call('settings:get-llm', undefined)).canEdit).toBe(true);

    const switched = await f.call('session:switch-user', { userId: member.id });
    // Whoever sits at a solo desktop owns it: the profile's stored role means nothing here.
    expect(switched.role).toBe('owner');
    const session = await f.call('session:get', undefined);
    expect(session).toMatchObject({ mode: 'solo', user: { id: member.id, name: 'Max Member', role: 'owner' } });
    expect((await f.call('settings:get-llm', undefined)).canEdit).toBe(true);
    const changed = await f.call('settings:update-llm', { settings: { temperature: 0.5 } });
    expect(changed.settings.temperature).toBe(0.5);

    // Roles that mean something come from a team hub; without one there is nothing to escalate to.
    const status = await f.call('team:status', undefined);
    expect(status).toMatchObject({ mode: 'solo', role: null, login: null });
  });

  it('refuses an unknown provider or a bad base URL with the field named, and changes nothing', async () => {
    const owner = expectDefined((await f.call('users:list', undefined)).find((u) => u.role === 'owner'));
    await f.call('session:switch-user', { userId: owner.id });
    const before = await f.call('settings:get-llm', undefined);
    const cases: Array<[unknown, string]> = [
      [{ provider: 'mistral' }, 'provider'],
      [{ settings: { baseUrls: { openai: 'ftp://files.example.com' } } }, 'settings.baseUrls.openai'],
      [{ settings: { baseUrls: { local: 'http://user:secret@127.0.0.1:11434/v1' } } }, 'settings.baseUrls.local'],
      [{ settings: { baseUrls: { cohere: 'https://api.cohere.com' } } }, 'settings.baseUrls.cohere'],
      [{ settings: { temperature: 3 } }, 'settings.temperature'],
      [{ settings: { fallbackOrder: ['groq', 'groq'] } }, 'settings.fallbackOrder'],
    ];
    for (const [input, field] of cases) {
      const result = await f.raw('settings:update-llm', input);
      expect(result.error, JSON.stringify(input)).toMatchObject({ code: 'validation', field });
      expect(expectDefined(result.error).message).toMatch(
        field === 'settings.fallbackOrder' ? /lists a provider twice/ : new RegExp(field.replace(/\./g, '\\.')),
      );
    }
    expect(await f.call('settings:get-llm', undefined)).toEqual(before);
    await f.call('session:switch-user', { userId: expectDefined((await f.call('users:list', undefined)).find((u) => u.role === 'member')).id });
  });

  it('records who drafted: the current profile', async () => {
    const draft = await f.call('sequences:generate', {
      requestId: 'req-member-0001',
      lead,
      business,
      options: { numberOfSteps: 2, channels: ['email'] },
      provider: 'openai',
    });
    const saved = await f.call('sequences:save', { title: 'Member draft', status: 'draft', steps: draft.steps });
    expect(saved.createdBy).toBe((await f.call('session:get', undefined)).user.id);
  });

  it('keeps the last owner: an owner cannot be demoted or removed while alone', async () => {
    const users = await f.call('users:list', undefined);
    const owner = expectDefined(users.find((u) => u.role === 'owner'));
    await f.call('session:switch-user', { userId: owner.id });
    const demote = await f.raw('users:save', { id: owner.id, name: owner.name, role: 'member' });
    expect(demote.error?.code).toBe('conflict');
  });
});

describe('usage: every call recorded once, totals equal the calls made', () => {
  let f: CoreFixture;
  beforeAll(async () => {
    f = await startCoreFixture();
    await f.call('settings:update-llm', { provider: 'openai', apiKeys: { openai: 'sk-usage-test-00000000abcd', anthropic: 'sk-ant-usage-0000000000ef' } });
  });
  afterAll(() => f.close());

  it('sums tokens and cost of successes and failures, by provider and operation', async () => {
    const results: Array<{ usage: { inputTokens: number; outputTokens: number; cachedInputTokens: number }; costUsd: number }> = [];
    const tested = await f.call('llm:test', {});
    results.push({ usage: tested.usage, costUsd: tested.cost.usd });
    for (let i = 0; i < 3; i++) {
      const s = await f.call('sequences:generate', {
        requestId: `req-usage-${i}-000`,
        lead,
        business,
        options: { numberOfSteps: 3, channels: ['email', 'sms'] },
        provider: i === 2 ? 'anthropic' : undefined,
      });
      results.push({ usage: s.usage, costUsd: s.cost.usd });
    }
    await f.call('replies:classify', { text: 'Sounds good, can we meet Thursday?' });
    f.fakes.openai.script(
      { status: 529, body: { error: { message: 'Overloaded', type: 'overloaded_error' } } },
      { status: 401, body: { error: { message: 'bad key', type: 'invalid_request_error', code: 'invalid_api_key' } } },
    );
    const failed = await f.raw('llm:test', {});
    expect(failed.ok).toBe(false);

    const byOperation = await f.call('usage:summary', { groupBy: 'operation' });
    expect(byOperation.totals.calls).toBe(6);
    expect(byOperation.totals.errors).toBe(1);
    const ops = Object.fromEntries(byOperation.rows.map((r) => [r.key, r.calls]));
    expect(ops).toEqual({ test: 2, sequence: 3, classify: 1 });

    const replies = await f.call('replies:list', {});
    const classifyCalls = f.fakes.openai.calls.filter((c) => c.route === 'generate' && c.promptText.includes('suggestedAction'));
    expect(expectDefined(replies.items[0]).decidedBy).toBe('model');
    expect(classifyCalls).toHaveLength(1);

    const modelTokens = expectDefined(byOperation.rows.find((r) => r.key === 'classify'));
    const expectedIn = results.reduce((n, r) => n + r.usage.inputTokens, 0) + modelTokens.inputTokens;
    const expectedOut = results.reduce((n, r) => n + r.usage.outputTokens, 0) + modelTokens.outputTokens;
    expect(byOperation.totals.inputTokens).toBe(expectedIn);
    expect(byOperation.totals.outputTokens).toBe(expectedOut);
    const expectedCost = results.reduce((n, r) => n + r.costUsd, 0) + modelTokens.costUsd;
    expect(byOperation.totals.costUsd).toBeCloseTo(expectedCost, 9);
    expect(byOperation.totals.costUsd).toBeGreaterThan(0);

    const byProvider = await f.call('usage:summary', { groupBy: 'provider' });
    expect(Object.fromEntries(byProvider.rows.map((r) => [r.key, r.calls]))).toEqual({ openai: 5, anthropic: 1 });

    const csv = await f.call('usage:export-csv', {});
    expect(csv.content.trim().split(/\r?\n/)).toHaveLength(7);
  });

  it('refuses a call that would start past the monthly budget, and records nothing for it', async () => {
    const spent = (await f.call('usage:budget', undefined)).spentUsd;
    expect(spent).toBeGreaterThan(0);
    await f.call('org:update', { monthlyBudgetUsd: spent / 2 });
    const budget = await f.call('usage:budget', undefined);
    expect(budget.exceeded).toBe(true);
    const before = (await f.call('usage:summary', { groupBy: 'day' })).totals.calls;
    const callsBefore = f.fakes.openai.calls.length;
    const refused = await f.raw('sequences:generate', { requestId: 'req-budget-0001', lead, business, options: { numberOfSteps: 1, channels: ['email'] } });
    expect(refused.error?.code).toBe('budget_exceeded');
    expect(refused.error?.message).toMatch(/Settings → Organization/);
    expect((await f.call('usage:summary', { groupBy: 'day' })).totals.calls).toBe(before);
    expect(f.fakes.openai.calls.length).toBe(callsBefore);
  });
});
