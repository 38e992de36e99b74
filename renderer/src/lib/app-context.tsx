import { createContext, useContext } from 'react';
import type { LLMProviderName, Organization, User } from '../../../shared/domain';
import type { TeamStatus } from '../../../shared/ipc/team';

export type SettingsTab = 'organization' | 'providers' | 'users' | 'profiles' | 'templates' | 'team';

/** Where the app is. Kept in memory: the URL fragment carries the browser host's token. */
export type Route =
  | { page: 'draft'; sequenceId?: string }
  | { page: 'sequences' }
  | { page: 'replies' }
  | { page: 'batch'; mode?: 'generate' | 'classify' }
  | { page: 'usage' }
  | { page: 'settings'; tab?: SettingsTab; provider?: LLMProviderName };

export type PageName = Route['page'];

/** What every screen may read about the session, and how it moves around. */
export interface AppContextValue {
  org: Organization;
  user: User;
  users: User[];
  /** Owners and admins may change settings; members see them read-only. Always true in solo mode. */
  canManage: boolean;
  /** Solo (this desktop is the organization) or connected to a team hub. */
  mode: 'solo' | 'team';
  /** The team connection as of the last sync or push from the core; null until loaded. */
  team: TeamStatus | null;
  /** Re-reads the team status (after connect, sync or disconnect). */
  refreshTeam(): Promise<void>;
  navigate(route: Route): void;
  /** Re-reads the session after the org or the users changed. */
  refreshSession(): Promise<void>;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp must be used inside <AppContext.Provider>');
  return value;
}
