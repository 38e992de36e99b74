import { CHANNEL_NAMES } from '../../shared/ipc/contract';
import { EVENT_NAMES } from '../../shared/ipc/events';

/**
 * The browser-side `window.api` of the loopback host, as a classic script served from the
 * host's own origin (so the app's CSP allows it). Same surface as the Electron preload:
 * `invoke(channel, input)` returns the envelope, `on(event, listener)` returns an unsubscribe.
 * The per-launch token arrives in the URL fragment (never sent to the server in a URL),
 * is kept in sessionStorage for reloads, and is removed from the address bar.
 */
export function renderBridgeScript(): string {
  return `(() => {
  'use strict';
  const CHANNELS = new Set(${JSON.stringify(CHANNEL_NAMES)});
  const EVENTS = new Set(${JSON.stringify(EVENT_NAMES)});
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem('outreach-desk-token', match[1]);
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = sessionStorage.getItem('outreach-desk-token') || '';
  const client = crypto.randomUUID();
  const listeners = new Map();
  const unreachable = () => ({ ok: false, error: { code: 'offline', message: 'The Outreach Desk host is not reachable: restart it with npm run preview:web and reload this page.', retryable: true } });
  let resolveReady;
  const ready = new Promise((resolve) => { resolveReady = resolve; setTimeout(resolve, 3000); });
  const source = new EventSource('/events?client=' + client + '&token=' + encodeURIComponent(token));
  source.onopen = () => resolveReady();
  source.onmessage = (message) => {
    let data;
    try { data = JSON.parse(message.data); } catch { return; }
    for (const listener of listeners.get(data.event) || []) {
      try { listener(data.payload); } catch (error) { console.error(error); }
    }
  };
  const api = {
    async invoke(channel, input) {
      if (!CHANNELS.has(channel)) return { ok: false, error: { code: 'validation', message: 'Unknown channel "' + String(channel) + '".', retryable: false } };
      await ready;
      let response;
      try {
        response = await fetch('/api/' + encodeURIComponent(channel), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-outreach-token': token, 'x-outreach-client': client },
          body: input === undefined ? '' : JSON.stringify(input),
        });
      } catch {
        return unreachable();
      }
      try { return await response.json(); } catch { return unreachable(); }
    },
    on(event, listener) {
      if (!EVENTS.has(event)) throw new Error('Unknown event "' + String(event) + '".');
      const set = listeners.get(event) || new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => { set.delete(listener); };
    },
  };
  Object.defineProperty(window, 'api', { value: Object.freeze(api), writable: false, configurable: false });
})();
`;
}
