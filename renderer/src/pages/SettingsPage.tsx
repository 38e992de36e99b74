import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { LLMProviderName } from '../../../shared/domain';
import { type SettingsTab, useApp } from '../lib/app-context';
import { OrganizationPanel, ProfilesPanel, ProvidersPanel, TeamPanel, TemplatesPanel, UsersPanel } from './settings';

const TABS: { id: SettingsTab; label: string }[] = [
  { id: 'organization', label: 'Organization' },
  { id: 'providers', label: 'Providers' },
  { id: 'users', label: 'Users' },
  { id: 'profiles', label: 'Business profiles' },
  { id: 'templates', label: 'Templates' },
  { id: 'team', label: 'Team' },
];

/** Settings in tabs; arrow keys move between tabs, as in any desktop tab strip. */
export function SettingsPage({ tab: initialTab, provider }: { tab?: SettingsTab; provider?: LLMProviderName }) {
  const app = useApp();
  const [tab, setTab] = useState<SettingsTab>(initialTab ?? 'organization');
  const tabRefs = useRef(new Map<SettingsTab, HTMLButtonElement>());
  useEffect(() => {
    if (initialTab) setTab(initialTab);
  }, [initialTab, provider]);

  const onKeyDown = (e: KeyboardEvent) => {
    const index = TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? index + 1 : e.key === 'ArrowLeft' ? index - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const target = TABS[(next + TABS.length) % TABS.length]!;
    setTab(target.id);
    tabRefs.current.get(target.id)?.focus();
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Settings</h1>
          <p>
            {app.mode === 'solo'
              ? 'Solo: this desktop is the organization and you are its owner. Connect to a team hub in the Team tab to share settings with your team.'
              : app.canManage
                ? 'Changes go to everyone in the organization with the next sync; the team hub checks your role.'
                : 'You are a member: you can look, but only an owner or admin can change settings. The team hub enforces it.'}
          </p>
        </div>
      </div>
      <div className="tabs" role="tablist" aria-label="Settings sections" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              if (el) tabRefs.current.set(t.id, el);
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'organization' && <OrganizationPanel />}
        {tab === 'providers' && <ProvidersPanel focus={provider} />}
        {tab === 'users' && <UsersPanel />}
        {tab === 'profiles' && <ProfilesPanel />}
        {tab === 'templates' && <TemplatesPanel />}
        {tab === 'team' && <TeamPanel />}
      </div>
    </div>
  );
}
