import type { z } from 'zod';
import { appChannels } from './app';
import { jobChannels } from './jobs';
import { llmChannels } from './llm';
import { replyChannels } from './replies';
import { sequenceChannels } from './sequences';
import { settingsChannels } from './settings';
import { teamChannels } from './team';
import { uploadChannels } from './uploads';
import { usageChannels } from './usage';

/** Every channel between the renderer and the core, by domain. */
export const contract = {
  ...appChannels,
  ...settingsChannels,
  ...llmChannels,
  ...sequenceChannels,
  ...replyChannels,
  ...usageChannels,
  ...jobChannels,
  ...teamChannels,
  ...uploadChannels,
};

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
/** What a caller sends (defaults not yet applied). */
export type ChannelInput<C extends ChannelName> = z.input<Contract[C]['input']>;
/** What a handler receives (validated, defaults applied). */
export type ParsedInput<C extends ChannelName> = z.output<Contract[C]['input']>;
/** What a caller gets back. */
export type ChannelOutput<C extends ChannelName> = z.output<Contract[C]['output']>;

export const CHANNEL_NAMES = Object.keys(contract) as ChannelName[];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}
