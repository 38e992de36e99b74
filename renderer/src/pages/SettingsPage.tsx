import { type KeyboardEvent, useRef, useState } from 'react';
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
  // A navigation here names a tab (and maybe a provider to show): it selects that tab, even when only
  // the provider changed. The state follows the props while rendering, as React's docs advise.
  const [target, setTarget] = useState({ initialTab, provider });
  if (target.initialTab !== initialTab || target.provider !== provider) {
    setTarget({ initialTab, provider });
    if (initialTab) setTab(initialTab);
  }

  const onKeyDown = (e: KeyboardEvent) => {
    const index = TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? index + 1 : e.key === 'ArrowLeft' ? index - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const chosen = TABS[(next + TABS.length) % TABS.length];
    if (!chosen) return;
    setTab(chosen.id);
    tabRefs.current.get(chosen.id)?.focus();
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
