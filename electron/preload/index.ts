import { contextBridge, ipcRenderer } from 'electron';
import type { OutreachApi } from '../../shared/ipc/api';
import { CHANNEL_NAMES } from '../../shared/ipc/contract';
import { EVENT_NAMES } from '../../shared/ipc/events';

const channels = new Set<string>(CHANNEL_NAMES);
const eventNames = new Set<string>(EVENT_NAMES);

/**
 * `window.api`, built from the contract: only listed channels can be invoked and only listed
 * events subscribed to. `ipcRenderer` itself is never exposed, nor the IPC event object.
 */
const api: OutreachApi = {
  invoke(channel, input) {
    if (!channels.has(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'validation', message: `Unknown channel "${String(channel)}".`, retryable: false } });
    }
    return ipcRenderer.invoke(channel, input);
  },
  on(event, listener) {
    if (!eventNames.has(event)) throw new Error(`Unknown event "${String(event)}".`);
    const name = `event:${event}`;
    const wrapped = (_event: unknown, payload: unknown) => listener(payload as never);
    ipcRenderer.on(name, wrapped);
    return () => {
      ipcRenderer.removeListener(name, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('api', api);
