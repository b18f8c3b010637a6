// Builds window.ecrKeeper from the contract for the preload: one method per request channel and a
// typed `on` for events. The page never gets ipcRenderer itself (it could then call any channel,
// or see Electron's event objects with their `sender`), only these functions.
import {
  EVENT_CHANNELS,
  METHODS,
  type EcrKeeperApi,
  type EventChannel,
  type Events,
  type MethodName,
} from './contract';

/** The part of ipcRenderer the bridge uses; tests pass a stand-in. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createBridgeApi(ipc: IpcRendererLike): EcrKeeperApi {
  const api: Record<string, unknown> = {};
  for (const name of Object.keys(METHODS) as MethodName[]) {
    const channel = METHODS[name];
    api[name] = (...args: unknown[]) => ipc.invoke(channel, ...args);
  }
  api.on = <E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): (() => void) => {
    if (!EVENT_CHANNELS.includes(event)) throw new Error(`Unknown event "${String(event).slice(0, 40)}".`);
    if (typeof listener !== 'function') throw new Error('The listener must be a function.');
    // Drop Electron's event object: only the payload crosses into the page.
    const wrapped = (_event: unknown, payload: unknown) => listener(payload as Events[E]);
    ipc.on(event, wrapped);
    return () => {
      ipc.removeListener(event, wrapped);
    };
  };
  return Object.freeze(api) as EcrKeeperApi;
}
