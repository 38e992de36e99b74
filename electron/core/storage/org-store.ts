import { AppError } from '../errors';
import { guardMethods } from './errors';
import type {
  JobRepository,
  LeadRepository,
  OrgRecord,
  OrgStore,
  OrgTeamRepository,
  ProfileRepository,
  ReplyRepository,
  SequenceRepository,
  SqliteDatabase,
  TemplateRepository,
  UsageRepository,
  UserRepository,
} from './types';

/** How each repository is bound to one organization; each is created (its statements prepared) when first used. */
export interface OrgRepositoryFactories {
  org: () => (orgId: string) => OrgRecord;
  users: () => (orgId: string) => UserRepository;
  profiles: () => (orgId: string) => ProfileRepository;
  templates: () => (orgId: string) => TemplateRepository;
  leads: () => (orgId: string) => LeadRepository;
  sequences: () => (orgId: string) => SequenceRepository;
  replies: () => (orgId: string) => ReplyRepository;
  usage: () => (orgId: string) => UsageRepository;
  jobs: () => (orgId: string) => JobRepository;
  team: () => (orgId: string) => OrgTeamRepository;
}

type Scoped = Omit<OrgStore, 'orgId'>;

/**
 * `store.forOrg(orgId)`: the repositories of one organization, each bound to it in its SQL (every
 * read, change and delete by id has `org_id = ?` in the same statement, and a row pointing at
 * another row checks that one is the organization's too). One scoped store per organization,
 * made on first use; an organization that does not exist is refused.
 */
export function createOrgStores(db: SqliteDatabase, where: string, factories: OrgRepositoryFactories): (orgId: string) => OrgStore {
  const existsStmt = () => db.prepare<[string], { n: number }>('SELECT 1 AS n FROM organizations WHERE id = ?');
  let exists: ReturnType<typeof existsStmt> | undefined;
  const stores = new Map<string, OrgStore>();

  function build(orgId: string): OrgStore {
    const made: { -readonly [K in keyof Scoped]?: Scoped[K] } = {};
    const scoped = { orgId } as OrgStore;
    for (const key of Object.keys(factories) as Array<keyof Scoped>) {
      Object.defineProperty(scoped, key, {
        enumerable: true,
        get: () => (made[key] ??= guardMethods(factories[key]()(orgId), where) as never),
      });
    }
    return Object.freeze(scoped);
  }

  return (orgId) => {
    let scoped = stores.get(orgId);
    if (!scoped) {
      exists ??= existsStmt();
      if (!exists.get(orgId)) {
        throw new AppError('not_found', `There is no organization with id ${orgId} in this data file.`, { field: 'orgId' });
      }
      scoped = build(orgId);
      stores.set(orgId, scoped);
    }
    return scoped;
  };
}
