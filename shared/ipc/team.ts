import { z } from 'zod';
import { appErrorDataSchema } from '../domain/errors';
import { llmProviderNameSchema } from '../domain/llm';
import { roleSchema } from '../domain/org';
import { defineChannel } from './envelope';

const empty = z.object({}).strict().optional();
const id = z.string().min(1).max(100);
const email = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address like ada@example.com');
/** A hub URL without a password: postgres://LOGIN@HOST:PORT/DB. */
const hubUrl = z.string().trim().min(10).max(2000);
/** A role an admin can give: the owner stays the owner. */
export const assignableRoleSchema = roleSchema.exclude(['owner']);
export type AssignableRole = z.infer<typeof assignableRoleSchema>;
/** The hub password, typed once: it goes to the OS keychain and is never sent back. */
const password = z.string().min(1).max(1000);

/** An admin's edit the hub refused because someone changed the row first: both values, for the admin to choose. */
export const teamConflictSchema = z.object({
  kind: z.enum(['org', 'profile', 'template']),
  id: z.string(),
  /** A short name for the row: the organization's, the profile's company or the template's. */
  label: z.string(),
  mine: z.record(z.string(), z.unknown()).nullable(),
  theirs: z.record(z.string(), z.unknown()).nullable(),
  hubVersion: z.number().int().nullable(),
  at: z.string(),
});
export type TeamConflictView = z.infer<typeof teamConflictSchema>;

/** Solo, or connected to a team hub: who is signed in, the last sync, what waits, the last error. */
export const teamStatusSchema = z.object({
  mode: z.enum(['solo', 'team']),
  /** The hub's URL, never with a password. */
  hub: z.string().nullable(),
  login: z.string().nullable(),
  email: z.string().nullable(),
  role: roleSchema.nullable(),
  orgName: z.string(),
  lastSyncAt: z.string().nullable(),
  /** Local changes waiting to be pushed (usage rows and edits). */
  pending: z.number().int().nonnegative(),
  error: appErrorDataSchema.nullable(),
  syncing: z.boolean(),
  conflicts: z.array(teamConflictSchema),
});
export type TeamStatus = z.infer<typeof teamStatusSchema>;

export const teamMemberSchema = z.object({
  id: z.string(),
  email: z.string(),
  login: z.string().nullable(),
  role: roleSchema,
  /** Whether the member's desktop has connected and published its public key (needed to receive shared keys). */
  hasPublicKey: z.boolean().nullable(),
  /** Providers whose key this member holds a sealed copy of. */
  sharedProviders: z.array(llmProviderNameSchema),
  createdAt: z.string(),
});
export type TeamMember = z.infer<typeof teamMemberSchema>;

export const teamChannels = {
  'team:status': defineChannel(empty, teamStatusSchema),
  /** Puts this desktop's organization on a hub (creating the hub's schema if needed); you become its owner. */
  'team:init': defineChannel(z.object({ url: hubUrl, password, email: email.optional() }).strict(), teamStatusSchema),
  /** Joins the organization the login belongs to, and pulls it. */
  'team:connect': defineChannel(z.object({ url: hubUrl, password }).strict(), teamStatusSchema),
  /** Push, then pull. Fails with `offline`, `forbidden`, `conflict` or `auth`; the status keeps the error. */
  'team:sync': defineChannel(empty, teamStatusSchema),
  /** Back to solo. Refused while changes wait to be pushed, unless `force`. */
  'team:disconnect': defineChannel(z.object({ force: z.boolean().default(false) }).strict(), teamStatusSchema),
  /** The members, live from the hub when it is reachable (`live: false`: as of the last sync). */
  'team:members': defineChannel(empty, z.object({ members: z.array(teamMemberSchema), live: z.boolean() })),
  /** Owners and admins: a new login with a one-time password, shown once and never stored. */
  'team:invite': defineChannel(
    z.object({ email, role: assignableRoleSchema }).strict(),
    z.object({ email: z.string(), role: roleSchema, login: z.string(), password: z.string(), url: z.string() }),
  ),
  'team:set-role': defineChannel(z.object({ memberId: id, role: assignableRoleSchema }).strict(), teamMemberSchema),
  /** Removes a member, their login and their key copies; names the keys to rotate at the vendor. */
  'team:remove': defineChannel(
    z.object({ memberId: id }).strict(),
    z.object({ email: z.string(), rotate: z.array(llmProviderNameSchema), message: z.string() }),
  ),
  /** Seals this organization's key for a provider to every member's public key; the hub stores only ciphertexts. */
  'team:share-key': defineChannel(
    z.object({ provider: llmProviderNameSchema }).strict(),
    z.object({ provider: llmProviderNameSchema, sharedWith: z.array(z.string()), waiting: z.array(z.string()) }),
  ),
  /** Settles a conflict: keep the hub's value, or send mine again on top of it. */
  'team:resolve-conflict': defineChannel(
    z.object({ kind: z.enum(['org', 'profile', 'template']), id, keep: z.enum(['hub', 'mine']) }).strict(),
    teamStatusSchema,
  ),
};
