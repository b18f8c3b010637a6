// Puts a real keeper behind `window.ecrKeeper` in a Playwright page, the way the preload does in the
// app: every method is one request channel, answered in Node by the same handler table and
// dispatcher the main process uses (src/electron/handlers.ts), and keeper events are pushed as the
// contract's events. Nothing is canned: what the page sees is what the keeper did.
import type { Page } from 'playwright';
import { EVENT_CHANNELS, METHODS, type EventChannel, type Events } from '../../src/electron/contract';
import { dispatch } from '../../src/electron/handlers';
import type { KeeperUnderTest } from './stack';

declare global {
  interface Window {
    __ek?: (channel: string, args: unknown[]) => Promise<unknown>;
    __ekEmit?: (event: string, payload: unknown) => void;
  }
}

export interface Bridge {
  /** Every request the page made, in order (channel names only). */
  calls: string[];
  emit<E extends EventChannel>(event: E, payload: Events[E]): Promise<void>;
  detach(): void;
}

export async function bridgePage(page: Page, k: KeeperUnderTest): Promise<Bridge> {
  const calls: string[] = [];
  await page.exposeBinding('__ek', async (_source, channel: unknown, args: unknown) => {
    calls.push(String(channel));
    // Through JSON, as structured cloning over IPC would: only plain data crosses.
    return JSON.parse(JSON.stringify(await dispatch(k.handlers, channel, args))) as unknown;
  });
  // A string, not a function: the TypeScript loader decorates functions with helpers that do not
  // exist in the page.
  await page.addInitScript(`(() => {
    const methods = ${JSON.stringify(METHODS)};
    const events = ${JSON.stringify(EVENT_CHANNELS)};
    const listeners = new Map();
    const api = {};
    for (const [name, channel] of Object.entries(methods)) api[name] = (...args) => window.__ek(channel, args);
    api.on = (event, cb) => {
      if (!events.includes(event)) throw new Error('Unknown event ' + event);
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(cb);
      return () => set.delete(cb);
    };
    Object.defineProperty(window, '__ekEmit', { value: (event, payload) => { for (const cb of listeners.get(event) ?? []) cb(payload); } });
    Object.defineProperty(window, 'ecrKeeper', { value: Object.freeze(api) });
  })();`);

  let closed = false;
  page.once('close', () => {
    closed = true;
  });
  const emit = async (event: string, payload: unknown) => {
    if (closed) return;
    try {
      await page.evaluate(`window.__ekEmit(${JSON.stringify(event)}, ${JSON.stringify(payload)})`);
    } catch {
      /* page navigating or closed */
    }
  };
  const onChange = (snap: unknown) => void emit('keeper:change', snap);
  const onActivity = (entry: unknown) => void emit('keeper:activity', entry);
  const onMfa = (req: unknown) => void emit('mfa:request', req);
  const onMfaEnded = (e: unknown) => void emit('mfa:ended', e);
  k.keeper.on('change', onChange);
  k.keeper.on('activity', onActivity);
  k.mfa.on('request', onMfa);
  k.mfa.on('ended', onMfaEnded);
  return {
    calls,
    emit: (event, payload) => emit(event, payload),
    detach() {
      k.keeper.off('change', onChange);
      k.keeper.off('activity', onActivity);
      k.mfa.off('request', onMfa);
      k.mfa.off('ended', onMfaEnded);
    },
  };
}
