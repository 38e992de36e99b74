import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { CHANNEL_NAMES } from '../../shared/ipc/contract';
import type { Dispatch } from '../core/handlers/dispatch';
import { isAppUrl } from './url-policy';

/** Where events for the renderer are sent: `event:<name>`, apart from the invoke channels. */
export const eventChannel = (name: string): string => `event:${name}`;

function isTrustedSender(event: IpcMainInvokeEvent, devServerUrl?: string): boolean {
  const frame = event.senderFrame;
  // A frame that navigated away or was destroyed, or a sub-frame, is never trusted.
  if (!frame || frame !== event.sender.mainFrame) return false;
  return isAppUrl(frame.url, devServerUrl);
}

/** The one place that registers IPC handlers: every channel of the contract, through the dispatcher. */
export function registerIpc(dispatch: Dispatch, devServerUrl?: string): void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, async (event, input: unknown) => {
      if (!isTrustedSender(event, devServerUrl)) {
        return { ok: false, error: { code: 'forbidden', message: 'This request did not come from the app window.', retryable: false } };
      }
      const sender = event.sender;
      return dispatch(channel, input, {
        emit: (name, payload) => {
          if (!sender.isDestroyed()) sender.send(eventChannel(name), payload);
        },
      });
    });
  }
}
