import { assignableRoleSchema, type AssignableRole, type TeamMember, type TeamStatus } from '../../../shared/ipc/team';
import { parseCommandArgs, type CliContext, type Command } from '../context';
import { formatTable, UsageError } from '../io';
import { readSecret } from './admin';
import { parseProvider } from './llm';

const TEAM_USAGE = `Use one of:
  team init --url postgres://LOGIN@HOST:PORT/DB [--email E]   (password on stdin)
  team connect --url postgres://LOGIN@HOST:PORT/DB            (password on stdin)
  team status | team sync | team members
  team invite EMAIL --role admin|member
  team set-role EMAIL admin|member | team remove EMAIL
  team share-key PROVIDER | team disconnect [--force]`;

/** The status as `team status --json` documents it: mode, login, role, lastSyncAt, pending, error (and the rest). */
function printStatus(io: CliContext['io'], status: TeamStatus): void {
  if (io.json) {
    io.out(JSON.stringify(status, null, 2));
    return;
  }
  if (status.mode === 'solo') {
    io.out(`Solo mode: not connected to a team hub (organization: ${status.orgName}).`);
    return;
  }
  io.out(`Team hub: ${status.hub}`);
  io.out(`Signed in as ${status.email} (${status.login}), ${status.role}, organization ${status.orgName}`);
  io.out(`Last sync: ${status.lastSyncAt ?? 'never'}; waiting to push: ${status.pending}`);
  if (status.error) io.out(`Last error: [${status.error.code}] ${status.error.message}`);
  for (const c of status.conflicts) io.out(`Conflict: ${c.label}: the hub kept its value; settle it in Settings → Team.`);
}

async function passwordFromStdin(): Promise<string> {
  const password = await readSecret('Hub password (not shown): ');
  if (!password) throw new UsageError('No password was given on stdin.');
  return password;
}

async function memberByEmail(ctx: CliContext, email: string | undefined): Promise<TeamMember> {
  if (!email) throw new UsageError(`Name the member by email. ${TEAM_USAGE}`);
  const { members } = await ctx.core.invoke('team:members', undefined);
  const member = members.find((m) => m.email === email.toLowerCase());
  if (!member) throw new UsageError(`No member with the address ${email}. "team members" lists them.`);
  return member;
}

function parseRole(value: string | undefined): AssignableRole {
  const role = assignableRoleSchema.safeParse(value);
  if (!role.success) throw new UsageError('A role is admin or member (the owner stays the owner).');
  return role.data;
}

/** `outreach-desk team …`: the team hub from the command line; the UI offers the same in Settings → Team. */
export const teamCommand: Command = async (ctx, args) => {
  const { core, io } = ctx;
  const { values, positionals } = parseCommandArgs(
    args,
    { url: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' }, force: { type: 'boolean' } },
    'team',
  );
  const [action, ...rest] = positionals;

  switch (action) {
    case 'init':
    case 'connect': {
      if (!values.url) throw new UsageError(`team ${action} needs --url postgres://LOGIN@HOST:PORT/DB; the password is read from stdin.`);
      const password = await passwordFromStdin();
      const url = values.url;
      const status =
        action === 'init' ? await core.invoke('team:init', { url, password, email: values.email }) : await core.invoke('team:connect', { url, password });
      printStatus(io, status);
      return;
    }
    case 'status':
      return printStatus(io, await core.invoke('team:status', undefined));
    case 'sync':
      // A failed sync exits 1 with error[offline|forbidden|conflict|auth]; the status keeps it too.
      return printStatus(io, await core.invoke('team:sync', undefined));
    case 'members': {
      const { members, live } = await core.invoke('team:members', undefined);
      if (io.json) return io.out(JSON.stringify({ members, live }, null, 2));
      io.out(
        formatTable(
          ['EMAIL', 'ROLE', 'LOGIN', 'CONNECTED', 'SHARED KEYS'],
          members.map((m) => [
            m.email,
            m.role,
            m.login ?? '',
            m.hasPublicKey === null ? '?' : m.hasPublicKey ? 'yes' : 'not yet',
            m.sharedProviders.join(',') || '-',
          ]),
        ),
      );
      if (!live) io.err('The hub is unreachable: this is the list as of the last sync.');
      return;
    }
    case 'invite': {
      const email = rest[0];
      if (!email) throw new UsageError('team invite needs an EMAIL and --role admin|member.');
      const invite = await core.invoke('team:invite', { email, role: parseRole(values.role) });
      if (io.json) return io.out(JSON.stringify({ login: invite.login, password: invite.password }, null, 2));
      io.out(`Invited ${invite.email} as ${invite.role}.`);
      io.out(`Login:    ${invite.login}`);
      io.out(`Password: ${invite.password}`);
      io.err(`Hand these over once, privately. They connect with: outreach-desk team connect --url ${invite.url}`);
      io.err('The password is not stored anywhere; if it is lost, remove and invite again.');
      return;
    }
    case 'set-role': {
      const member = await memberByEmail(ctx, rest[0]);
      const updated = await core.invoke('team:set-role', { memberId: member.id, role: parseRole(rest[1]) });
      if (io.json) return io.out(JSON.stringify(updated, null, 2));
      io.out(`${updated.email} is now ${updated.role}.`);
      return;
    }
    case 'remove': {
      const member = await memberByEmail(ctx, rest[0]);
      const removed = await core.invoke('team:remove', { memberId: member.id });
      if (io.json) return io.out(JSON.stringify(removed, null, 2));
      io.out(removed.message);
      return;
    }
    case 'share-key': {
      const provider = parseProvider(rest[0]);
      if (!provider) throw new UsageError('team share-key needs a PROVIDER, e.g. team share-key openai.');
      const shared = await core.invoke('team:share-key', { provider });
      if (io.json) return io.out(JSON.stringify(shared, null, 2));
      io.out(
        `Shared the ${provider} key, sealed to each member's own key, with ${shared.sharedWith.length} member${shared.sharedWith.length === 1 ? '' : 's'}.`,
      );
      if (shared.waiting.length) io.out(`Waiting for ${shared.waiting.join(', ')} to connect; they get it at an admin's next sync after that.`);
      return;
    }
    case 'disconnect': {
      const result = await core.invoke('team:disconnect', { force: values.force ?? false });
      if (io.json) return io.out(JSON.stringify(result, null, 2));
      io.out('Disconnected: this desktop is in solo mode. The hub keeps the organization; the hub password and shared keys are gone from this keychain.');
      return;
    }
    default:
      throw new UsageError(TEAM_USAGE);
  }
};
