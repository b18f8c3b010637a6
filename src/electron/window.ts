// The one window: created on demand, hidden (not destroyed) on close so the app lives on in the
// tray, and hardened. Unlike the negative examples in DESIGN.md (nodeIntegration on, context
// isolation off, webSecurity off), the page gets no Node, runs sandboxed behind context isolation,
// may not navigate, open windows, attach webviews or get any permission, and only our own
// file:// page is ever loaded.
import { pathToFileURL } from 'node:url';
import type { BrowserWindow, BrowserWindowConstructorOptions, Session, WebContents, WebPreferences } from 'electron';
import type { EventChannel, Events } from './contract';

/**
 * The policy for the window. The page (src/renderer/index.html) carries the same policy in a <meta>
 * tag, which is what applies to a file:// load; the session header is defence in depth for any
 * response that does pass through the network stack.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function webPreferences(preloadPath: string): WebPreferences {
  // webSecurity is left at its default (on) on purpose: never set it here.
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

export function windowOptions(preloadPath: string, iconPath: string | undefined): BrowserWindowConstructorOptions {
  return {
    width: 960,
    height: 680,
    // The page works from here up (tabs wrap, the header shrinks); smaller would only cut it.
    minWidth: 320,
    minHeight: 360,
    show: false, // shown on ready-to-show: no white flash
    title: 'ECR Keeper',
    autoHideMenuBar: true,
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: webPreferences(preloadPath),
  };
}

/** Strips hash and query so "index.html#/reg/1" still counts as our page. */
export function pageKey(url: string): string {
  try {
    const u = new URL(url);
    u.hash = '';
    u.search = '';
    return u.href;
  } catch {
    return '';
  }
}

/** The subset of a WebContents the guards touch (a stand-in implements it in tests). */
export type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Navigation, redirects, new windows and webviews: all denied unless to our own page. */
export function guardContents(contents: GuardedContents, pageUrl: string): void {
  const own = pageKey(pageUrl);
  const deny = (e: { url: string; preventDefault(): void }) => {
    if (pageKey(e.url) !== own) e.preventDefault();
  };
  contents.on('will-navigate', deny);
  contents.on('will-frame-navigate', deny);
  contents.on('will-redirect', deny);
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export type GuardedSession = {
  setPermissionRequestHandler: Session['setPermissionRequestHandler'];
  setPermissionCheckHandler: Session['setPermissionCheckHandler'];
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

/** No permission is ever granted (camera, notifications, clipboard-read, ...); CSP on every response. */
export function guardSession(session: GuardedSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...(details.responseHeaders ?? {}), 'Content-Security-Policy': [CSP] } });
  });
}

/** What the sender check needs from an IPC event. */
export interface SenderInfo {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

/**
 * True only for our window's main frame showing our page: an iframe, another window, or our
 * window after a (blocked, but belt and braces) navigation elsewhere are all refused.
 */
export function isOwnFrame(event: SenderInfo, own: { webContentsId: number; pageUrl: string } | null): boolean {
  if (!own) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return event.sender.id === own.webContentsId && pageKey(frame.url) === pageKey(own.pageUrl);
}

// ---------- the live window (BrowserWindow injected) ----------

export interface WindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  preloadPath: string;
  pagePath: string;
  iconPath?: string;
}

export interface WindowController {
  show(): void;
  /** Shows the window and tells the page to bring one registry into view. */
  focusRegistry(id: string): void;
  /** Live updates: dropped while the page loads (it reads the current state when it starts). */
  send<E extends EventChannel>(channel: E, payload: Events[E]): void;
  /** Requests the page must see (an MFA prompt): queued until the page has loaded. */
  sendWhenReady<E extends EventChannel>(channel: E, payload: Events[E]): void;
  isOwnSender(event: SenderInfo): boolean;
  /** After this, close really closes (the app is quitting). */
  allowClose(): void;
  current(): BrowserWindow | null;
}

export function createWindowController(deps: WindowDeps): WindowController {
  const pageUrl = pathToFileURL(deps.pagePath).href;
  let win: BrowserWindow | null = null;
  let loaded = false;
  let queued: [EventChannel, unknown][] = [];
  let quitting = false;

  const create = (): BrowserWindow => {
    const w = new deps.BrowserWindow(windowOptions(deps.preloadPath, deps.iconPath));
    guardContents(w.webContents, pageUrl);
    w.on('close', (e) => {
      // Hide to the tray: the keeper keeps running and the window comes back instantly.
      if (!quitting) {
        e.preventDefault();
        w.hide();
      }
    });
    w.on('closed', () => {
      win = null;
      loaded = false;
    });
    w.once('ready-to-show', () => w.show());
    w.webContents.on('did-finish-load', () => {
      loaded = true;
      for (const [channel, payload] of queued) w.webContents.send(channel, payload);
      queued = [];
    });
    void w.loadFile(deps.pagePath);
    return w;
  };

  const show = () => {
    if (!win || win.isDestroyed()) {
      win = create();
      return; // shown on ready-to-show
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  const sendWhenReady = <E extends EventChannel>(channel: E, payload: Events[E]) => {
    if (win && !win.isDestroyed() && loaded) win.webContents.send(channel, payload);
    else if (channel === 'app:focusRegistry')
      queued = [...queued.filter(([c]) => c !== channel), [channel, payload]]; // only the latest focus matters
    else queued.push([channel, payload]);
  };

  return {
    show,
    focusRegistry(id) {
      show();
      sendWhenReady('app:focusRegistry', id);
    },
    send(channel, payload) {
      if (win && !win.isDestroyed() && loaded) win.webContents.send(channel, payload);
    },
    sendWhenReady,
    isOwnSender(event) {
      return isOwnFrame(event, win && !win.isDestroyed() ? { webContentsId: win.webContents.id, pageUrl } : null);
    },
    allowClose() {
      quitting = true;
    },
    current: () => win,
  };
}
