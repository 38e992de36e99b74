export { OrganizationPanel } from './OrganizationPanel';
export { ProfilesPanel } from './ProfilesPanel';
export { ProvidersPanel } from './ProvidersPanel';
export { TeamPanel } from './TeamPanel';
export { TemplatesPanel } from './TemplatesPanel';
export { UsersPanel } from './UsersPanel';
