import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorMessage } from './components/ErrorMessage';
import { Icon, type IconName } from './components/Icon';
import { Loading } from './components/States';
import type { User } from '../../shared/domain';
import type { TeamStatus } from '../../shared/ipc/team';
import { call, hasBridge, subscribe } from './lib/api';
import { AppContext, type AppContextValue, type PageName, type Route } from './lib/app-context';
import { formatDateTime } from './lib/format';
import { MANAGER_ROLE_SET, ROLE_LABELS } from './lib/labels';
import { ToastProvider } from './lib/toast';
import { useAction } from './lib/use-action';
import { useLoad } from './lib/use-load';
import { BatchPage } from './pages/BatchPage';
import { DraftPage } from './pages/draft';
import { RepliesPage } from './pages/RepliesPage';
import { SequencesPage } from './pages/SequencesPage';
import { SettingsPage } from './pages/SettingsPage';

// chart.js is most of the bundle's weight and only Usage needs it, so it loads on first visit.
const UsagePage = lazy(() => import('./pages/UsagePage').then((m) => ({ default: m.UsagePage })));

const NAV: { page: PageName; label: string; icon: IconName }[] = [
  { page: 'draft', label: 'Draft', icon: 'draft' },
  { page: 'sequences', label: 'Sequences', icon: 'sequences' },
  { page: 'replies', label: 'Replies', icon: 'replies' },
  { page: 'batch', label: 'Batch', icon: 'batch' },
  { page: 'usage', label: 'Usage', icon: 'usage' },
  { page: 'settings', label: 'Settings', icon: 'settings' },
];

/** The app: a session, a shell with navigation, and the current screen. */
export function App() {
  return (
    <ToastProvider>
      <Shell />
    </ToastProvider>
  );
}

function Shell() {
  const session = useLoad(() => call('session:get', undefined), []);
  const info = useLoad(() => call('app:info', undefined), []);
  const team = useLoad(() => call('team:status', undefined), []);
  const reloadSession = session.reload;
  const setTeam = team.set;
  // Every sync pushes its status: the header follows it, and a changed role or name shows at once.
  useEffect(() => {
    if (!hasBridge()) return undefined;
    return subscribe('team:status', (status) => {
      setTeam(status);
      void reloadSession();
    });
  }, [setTeam, reloadSession]);
  const [route, setRoute] = useState<Route>({ page: 'draft' });
  const main = useRef<HTMLElement>(null);
  const switching = useAction<'switch'>();
  const clearSwitchError = switching.setError;

  const navigate = useCallback(
    (next: Route) => {
      setRoute(next);
      // A failed profile switch is about the screen it happened on.
      clearSwitchError(null);
      main.current?.scrollTo({ top: 0 });
    },
    [clearSwitchError],
  );

  useEffect(() => {
    const names: Record<PageName, string> = {
      draft: 'Draft',
      sequences: 'Sequences',
      replies: 'Replies',
      batch: 'Batch',
      usage: 'Usage',
      settings: 'Settings',
    };
    document.title = `${names[route.page]} · Outreach Desk`;
  }, [route.page]);

  const context = useMemo<AppContextValue | null>(() => {
    if (!session.data) return null;
    return {
      org: session.data.org,
      user: session.data.user,
      users: session.data.users,
      canManage: MANAGER_ROLE_SET.has(session.data.user.role),
      mode: session.data.mode,
      team: team.data ?? null,
      refreshTeam: async () => {
        await Promise.all([team.reload(), session.reload()]);
      },
      navigate,
      refreshSession: session.reload,
    };
  }, [session.data, session.reload, navigate, team.data, team.reload]);

  // The select stays enabled, so a keyboard user keeps focus; a change while a switch runs is dropped.
  const switchUser = async (userId: string) => {
    if (switching.busy) return;
    await switching.run(
      'switch',
      async () => {
        const user = await call('session:switch-user', { userId });
        await session.reload();
        return user;
      },
      (user) => `Switched to ${user.name}`,
    );
  };

  if (!context) {
    return (
      <div className="boot">
        <div className="page">
          <h1>Outreach Desk</h1>
          {session.status === 'error' ? (
            <div className="stack">
              <ErrorMessage error={session.error} onRetry={() => void session.reload()} />
              {!hasBridge() && <p className="muted">This page needs the Outreach Desk core behind it.</p>}
            </div>
          ) : (
            <Loading label="Opening your workspace…" />
          )}
        </div>
      </div>
    );
  }

  return (
    <AppContext.Provider value={context}>
      <div className="shell">
        {/* The browser moves focus to <main> (tabIndex -1) when it follows the link. */}
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">
              OD
            </span>
            Outreach Desk
          </div>
          <div className="topbar-org" title={context.org.name}>
            Organization: <strong>{context.org.name}</strong>
          </div>
          <div className="topbar-spacer" />
          {context.mode === 'team' ? (
            <SignedIn user={context.user} team={context.team} onOpen={() => navigate({ page: 'settings', tab: 'team' })} />
          ) : (
            <div className="profile-switch">
              <label htmlFor="profile-switch">Profile</label>
              <select id="profile-switch" value={context.user.id} aria-describedby="profile-switch-hint" onChange={(e) => void switchUser(e.target.value)}>
                {context.users.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
              <span id="profile-switch-hint" className="sr-only">
                A profile is the name on usage rows, not a permission: on a solo desktop everyone is its owner.
              </span>
            </div>
          )}
        </header>
        <nav className="sidebar" aria-label="Main">
          <ul className="nav">
            {NAV.map((item) => (
              <li key={item.page}>
                <button type="button" aria-current={route.page === item.page ? 'page' : undefined} onClick={() => navigate({ page: item.page } as Route)}>
                  <Icon name={item.icon} />
                  {item.label}
                </button>
              </li>
            ))}
          </ul>
          {info.data && (
            <div className="sidebar-foot">
              <div>Version {info.data.version}</div>
              <div>Keychain: {info.data.keychain === 'available' ? 'available' : 'unavailable'}</div>
            </div>
          )}
        </nav>
        <main className="main" id="main" ref={main} tabIndex={-1}>
          {switching.error && (
            <div className="page page-notice">
              <ErrorMessage error={switching.error} />
            </div>
          )}
          {info.data?.recoveredFrom && (
            <div className="page page-notice">
              <p className="notice notice-warn">
                The database could not be opened and was moved aside to {info.data.recoveredFrom}. You are working in a fresh database.
              </p>
            </div>
          )}
          <CurrentPage key={`${context.user.id}:${route.page}:${route.page === 'draft' ? (route.sequenceId ?? '') : ''}`} route={route} />
        </main>
      </div>
    </AppContext.Provider>
  );
}

/** Team mode's header: who is signed in to the hub, with the role the hub gave, and how sync stands. */
function SignedIn({ user, team, onOpen }: { user: User; team: TeamStatus | null; onOpen(): void }) {
  const sync = !team
    ? null
    : team.error
      ? { tone: 'bad', text: team.error.code === 'offline' ? 'Offline' : 'Sync problem' }
      : team.syncing
        ? { tone: 'info', text: 'Syncing…' }
        : team.pending > 0
          ? { tone: 'warn', text: `${team.pending} waiting` }
          : { tone: 'good', text: 'Synced' };
  const detail = team?.lastSyncAt ? `Last sync ${formatDateTime(team.lastSyncAt)}` : 'Not synced yet';
  return (
    <button type="button" className="signed-in" onClick={onOpen} title={`${detail}. Open Settings → Team`} data-testid="signed-in">
      <span className="signed-in-label">Signed in as</span>
      <strong>{user.name}</strong>
      <span className="badge badge-info">{ROLE_LABELS[user.role]}</span>
      {sync && <span className={`badge badge-${sync.tone}`}>{sync.text}</span>}
    </button>
  );
}

function CurrentPage({ route }: { route: Route }) {
  switch (route.page) {
    case 'draft':
      return <DraftPage sequenceId={route.sequenceId} />;
    case 'sequences':
      return <SequencesPage />;
    case 'replies':
      return <RepliesPage />;
    case 'batch':
      return <BatchPage initialMode={route.mode} />;
    case 'usage':
      return (
        <Suspense
          fallback={
            <div className="page">
              <Loading label="Loading usage…" />
            </div>
          }
        >
          <UsagePage />
        </Suspense>
      );
    case 'settings':
      return <SettingsPage tab={route.tab} provider={route.provider} />;
  }
}
