export { contract, CHANNEL_NAMES, isChannelName } from './contract';
export type { Contract, ChannelName, ChannelInput, ChannelOutput, ParsedInput } from './contract';
export type { Result, ChannelDef } from './envelope';
export { events, EVENT_NAMES } from './events';
export type { EventName, EventPayload } from './events';
export type { OutreachApi } from './api';
export { exportFormatSchema } from './sequences';
export { csvEncodingSchema, leadFieldSchema, MAX_BATCH_LEADS, onDuplicateSchema } from './jobs';
export type { LLMSettingsView } from './settings';
