import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/domain/records';
import { classifyJobParamsSchema, generateJobParamsSchema } from '../../electron/core/services/job-params';
import { startFakeProviders, type FakeProviderSet } from '../fakes/fake-provider';
import { createFixture, createGenerateJob, OPTIONS, type Fixture } from './harness';
import { uploadBytes } from '../helpers/upload';
import { expectDefined } from '../helpers/expect-defined';

let fakes: FakeProviderSet;

beforeAll(async () => {
  fakes = await startFakeProviders({ latencyMs: 0 });
});

afterAll(async () => {
  await fakes.close();
});

async function runToEnd(fixture: Fixture, job: Job): Promise<Job> {
  fixture.core.services.jobs.runner.start(job.id);
  return fixture.core.services.jobs.runner.settled(job.id);
}

function modelCalls(): number {
  return fakes.forProvider('openai').calls.filter((c) => c.route === 'generate').length;
}

function billedCalls(fixture: Fixture): number {
  return fixture.data.usage.summary({ groupBy: 'provider' }).totals.calls;
}

describe('job params are read back through their schema', () => {
  it('reads back whole what jobs:create-generate wrote, and what the runner tests write', async () => {
    const fixture = await createFixture(2, { openai: fakes.baseURLFor('openai'), anthropic: fakes.baseURLFor('anthropic') });
    const options = { numberOfSteps: 3, channels: ['email' as const, 'sms' as const], delayDays: [0, 2, 4], includeSubjects: true, language: 'German' };
    const job = await fixture.core.invoke('jobs:create-generate', {
      leadIds: fixture.leadIds,
      businessProfileId: fixture.profileId,
      options,
      provider: 'openai',
      model: 'gpt-6-luna',
      concurrency: 2,
    });
    expect((await fixture.core.services.jobs.runner.settled(job.id)).status).toBe('completed');
    const stored = expectDefined(fixture.data.jobs.get(job.id));
    // Nothing the service writes is dropped by the schema (it strips keys it does not know).
    expect(generateJobParamsSchema.parse(stored.params)).toEqual(stored.params);
    expect(stored.params).toEqual({
      userId: fixture.userId,
      businessProfileId: fixture.profileId,
      options,
      model: 'gpt-6-luna',
      fallbackOrder: [],
      concurrency: 2,
    });
    const harnessJob = createGenerateJob(fixture, 'openai', { concurrency: 4 });
    expect(generateJobParamsSchema.parse(harnessJob.params)).toEqual(harnessJob.params);

    const classify = await fixture.core.invoke('jobs:create-classify', {
      uploadIds: [await uploadBytes(fixture.core.invoke, 'a.eml', 'From: a@example.com\nSubject: Hi\n\nThanks, talk soon.\n')],
      rulesOnly: true,
    });
    expect((await fixture.core.services.jobs.runner.settled(classify.id)).status).toBe('completed');
    const params = expectDefined(fixture.data.jobs.get(classify.id)).params;
    expect(classifyJobParamsSchema.parse(params)).toEqual(params);
  });

  it('refuses a generate job whose options do not fit before any model call, instead of billing calls that cannot succeed', async () => {
    fakes.forProvider('openai').reset();
    const fixture = await createFixture(2, { openai: fakes.baseURLFor('openai') });
    const job = fixture.data.jobs.create({
      kind: 'generate',
      provider: 'openai',
      params: { userId: fixture.userId, businessProfileId: fixture.profileId, options: { ...OPTIONS, channels: ['fax'] }, fallbackOrder: [] },
      items: fixture.leadIds.map((leadId) => ({ leadId })),
    });
    await runToEnd(fixture, job);
    const items = fixture.data.jobs.items(job.id, { offset: 0, limit: 10 });
    expect(items.map((i) => i.status)).toEqual(['failed', 'failed']);
    for (const item of items) {
      expect(item.error).toMatchObject({
        code: 'validation',
        field: 'params.options.channels.0',
        message: expect.stringMatching(
          /^The settings of this generate job cannot be read \(params\.options\.channels\.0: .*\), so no model was called for it: start a new batch\.$/,
        ),
      });
    }
    expect(modelCalls()).toBe(0);
    expect(billedCalls(fixture)).toBe(0);
  });

  it('names the missing setting of a generate job, instead of an internal error', async () => {
    fakes.forProvider('openai').reset();
    const fixture = await createFixture(1, { openai: fakes.baseURLFor('openai') });
    const job = fixture.data.jobs.create({
      kind: 'generate',
      provider: 'openai',
      params: { userId: fixture.userId, businessProfileId: fixture.profileId, fallbackOrder: [] },
      items: fixture.leadIds.map((leadId) => ({ leadId })),
    });
    await runToEnd(fixture, job);
    const [item] = fixture.data.jobs.items(job.id, { offset: 0, limit: 10 });
    expect(item).toMatchObject({ status: 'failed', error: { code: 'validation', field: 'params.options' } });
    expect(modelCalls()).toBe(0);
  });

  it('refuses a classify job that does not say whether it is rules-only, instead of calling a model it may not have been meant to', async () => {
    fakes.forProvider('openai').reset();
    const fixture = await createFixture(0, { openai: fakes.baseURLFor('openai') });
    const reply = 'From: dana@contoso.example\nSubject: Re: Forecasts\n\nSounds interesting, can we talk on Tuesday?\n';
    const job = fixture.data.jobs.create({
      kind: 'classify',
      provider: 'openai',
      params: { userId: fixture.userId, fallbackOrder: [] },
      items: [{ name: 'reply.eml', sourceBase64: Buffer.from(reply).toString('base64') }],
    });
    await runToEnd(fixture, job);
    const [item] = fixture.data.jobs.items(job.id, { offset: 0, limit: 10 });
    expect(item).toMatchObject({ status: 'failed', error: { code: 'validation', field: 'params.rulesOnly' } });
    expect(modelCalls()).toBe(0);
    expect(billedCalls(fixture)).toBe(0);
  });
});
