import { z } from 'zod';
import { organizationSchema, roleSchema, userSchema } from '../domain/org';
import { defineChannel } from './envelope';

const empty = z.object({}).strict().optional();

export const appChannels = {
  /** Version, data directory, platform, and whether the OS keychain works. */
  'app:info': defineChannel(
    empty,
    z.object({
      version: z.string(),
      dataDir: z.string(),
      platform: z.string(),
      keychain: z.enum(['available', 'unavailable']),
      /** Set when the database could not be opened and was moved aside. */
      recoveredFrom: z.string().nullable(),
    }),
  ),
  /**
   * The current organization and person. Solo: the owner, and the local profiles (names on usage,
   * not permissions). Team: the hub login with the hub's role, and the organization's members.
   */
  'session:get': defineChannel(empty, z.object({ org: organizationSchema, user: userSchema, users: z.array(userSchema), mode: z.enum(['solo', 'team']) })),
  'session:switch-user': defineChannel(z.object({ userId: z.string().min(1).max(100) }).strict(), userSchema),
  'org:update': defineChannel(
    z
      .object({
        name: z.string().trim().min(1).max(200).optional(),
        monthlyBudgetUsd: z.number().nonnegative().max(1_000_000).nullable().optional(),
      })
      .strict(),
    organizationSchema,
  ),
  'users:list': defineChannel(empty, z.array(userSchema)),
  'users:save': defineChannel(z.object({ id: z.string().max(100).optional(), name: z.string().trim().min(1).max(200), role: roleSchema }).strict(), userSchema),
  'users:delete': defineChannel(z.object({ id: z.string().min(1).max(100) }).strict(), z.object({ deleted: z.boolean() })),
};
