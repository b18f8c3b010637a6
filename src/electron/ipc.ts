// Registers one ipcMain handler per contract channel. Each first checks that the request came
// from our own window (electron/fiddle's lesson: a handler must not trust whoever calls it), then
// hands the untrusted arguments to the Electron-free dispatcher in src/electron/handlers.ts, which
// checks the argument count, validates each argument and wraps the outcome as {result} | {error}.
import type { IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS, type ErrorView, type Handlers, type Result } from './contract';
import { dispatch } from './handlers';
import type { SenderInfo } from './window';

/** The part of Electron's ipcMain used here; tests pass a stand-in. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcOptions {
  ipcMain: IpcMainLike;
  handlers: Handlers;
  isOwnSender(event: SenderInfo): boolean;
  /** Told about refused senders (never about arguments, which could hold user input). */
  onRefused?(channel: string, url: string): void;
}

export const FOREIGN_SENDER: ErrorView = {
  category: 'access-denied',
  message: 'Refused a request that did not come from the ECR Keeper window.',
  fix: 'Nothing to do: only the app’s own window may talk to it.',
};

/** Registers every channel; returns a function that removes them again. */
export function registerIpc(opts: IpcOptions): () => void {
  for (const channel of INVOKE_CHANNELS) {
    opts.ipcMain.handle(channel, async (event, ...args): Promise<Result<unknown>> => {
      if (!opts.isOwnSender(event)) {
        opts.onRefused?.(channel, event.senderFrame?.url ?? '(no frame)');
        return { error: FOREIGN_SENDER };
      }
      return dispatch(opts.handlers, channel, args);
    });
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) opts.ipcMain.removeHandler(channel);
  };
}
