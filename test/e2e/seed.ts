import { randomUUID } from 'node:crypto';
import { connectFakeOpenAI, type TestApp } from './fixtures';

/** Fills a fresh app with a bit of everything, through the same channels the UI uses. */
export async function seedWorkspace(app: TestApp): Promise<{ sequenceId: string; profileId: string }> {
  await connectFakeOpenAI(app);
  await app.call('org:update', { name: 'Northwind Sales', monthlyBudgetUsd: 25 });
  const profile = await app.call('profiles:save', {
    companyName: 'Northwind Analytics',
    industry: 'B2B software',
    valueProposition: 'Forecasting that finance teams trust, set up in a week.',
    targetAudience: 'CFOs at mid-size retailers',
    keyBenefits: ['Forecasts in a week', 'No data team needed'],
    tone: 'friendly',
    senderName: 'Maya Chen',
    senderTitle: 'Account Executive',
    cta: 'a 15-minute call next week',
  });
  const lead = await app.call('leads:save', {
    firstName: 'Dana',
    lastName: 'Okafor',
    email: 'dana@contoso.example',
    company: 'Contoso Retail',
    jobTitle: 'CFO',
  });
  const options = { numberOfSteps: 3, channels: ['email' as const], includeSubjects: true, language: 'English' };
  const generated = await app.call('sequences:generate', { leadId: lead.id, businessProfileId: profile.id, options, requestId: randomUUID() });
  const saved = await app.call('sequences:save', {
    title: 'Dana Okafor · Contoso Retail',
    status: 'approved',
    steps: generated.steps,
    leadId: lead.id,
    businessProfileId: profile.id,
    provider: generated.provider,
    model: generated.model,
    usage: generated.usage,
    costUsd: generated.cost.usd,
    options,
  });
  await app.call('sequences:save', { title: 'Follow-up for the Q3 webinar list', status: 'draft', steps: generated.steps.slice(0, 2) });
  await app.call('templates:save', { name: 'Three-touch intro', steps: generated.steps, options });
  await app.call('llm:test', { provider: 'openai' });
  await app.call('replies:classify', { text: 'Sounds interesting, can we talk on Thursday afternoon?' });
  await app.call('replies:classify', {
    eml: 'From: Jordan <jordan@fabrikam.example>\r\nTo: maya@northwind.example\r\nSubject: Automatic reply: Quick idea\r\nAuto-Submitted: auto-replied\r\n\r\nI am out of the office until 2026-12-08 with limited access to email.\r\n',
  });
  await app.call('users:save', { name: 'Sam Rivera', role: 'member' });
  return { sequenceId: saved.id, profileId: profile.id };
}
