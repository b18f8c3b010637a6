// The window's hardening and lifecycle with a stand-in BrowserWindow / WebContents / Session.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CSP,
  createWindowController,
  guardContents,
  guardSession,
  isOwnFrame,
  webPreferences,
  windowOptions,
} from '../../src/electron/window';

const PAGE = '/opt/ECR Keeper/resources/app.asar/dist/renderer/index.html';
const PAGE_URL = pathToFileURL(PAGE).href;

/** Stand-in for Electron's WebContents: records handlers, lets the test fire events. */
class StandInContents extends EventEmitter {
  static nextId = 1;
  id = StandInContents.nextId++;
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  sent: [string, unknown][] = [];
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.openHandler = h;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
}
/** Fires a cancellable Electron-style event; returns whether it was prevented. */
function fire(target: EventEmitter, name: string, url = ''): boolean {
  let prevented = false;
  target.emit(
    name,
    {
      url,
      preventDefault: () => {
        prevented = true;
      },
    },
    url,
  );
  return prevented;
}

class StandInWindow extends EventEmitter {
  static made: StandInWindow[] = [];
  webContents = new StandInContents();
  visible = false;
  destroyed = false;
  loaded: string[] = [];
  constructor(public options: Electron.BrowserWindowConstructorOptions) {
    super();
    StandInWindow.made.push(this);
  }
  loadFile(p: string) {
    this.loaded.push(p);
    return Promise.resolve();
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {}
  isMinimized() {
    return false;
  }
  restore() {}
  isVisible() {
    return this.visible;
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** What Electron does on close: 'close' (cancellable), then 'closed' unless prevented. */
  close() {
    if (!fire(this, 'close')) {
      this.destroyed = true;
      this.emit('closed');
    }
  }
}

describe('web preferences', () => {
  it('context isolation, sandbox, no Node, no webviews; webSecurity left at its default', () => {
    const p = webPreferences('/app/dist/preload.cjs');
    assert.equal(p.contextIsolation, true);
    assert.equal(p.sandbox, true);
    assert.equal(p.nodeIntegration, false);
    assert.equal(p.nodeIntegrationInWorker, false);
    assert.equal(p.nodeIntegrationInSubFrames, false);
    assert.equal(p.webviewTag, false);
    assert.ok(!('webSecurity' in p), 'never turned off (podman-desktop negative example)');
    assert.ok(!('allowRunningInsecureContent' in p));
    assert.equal(p.preload, '/app/dist/preload.cjs');
    const o = windowOptions('/app/dist/preload.cjs', undefined);
    assert.equal(o.show, false);
    assert.deepEqual(o.webPreferences, p);
    // The page works from 300 x 360 up (tests/ui/lived-in.test.ts); the window never gets smaller than this.
    assert.deepEqual([o.minWidth, o.minHeight], [320, 360]);
  });
});

describe('guards', () => {
  it('navigation away is denied; our own page (with a hash) is allowed', () => {
    const c = new StandInContents();
    guardContents(c as never, PAGE_URL);
    assert.equal(fire(c, 'will-navigate', 'https://evil.example/'), true);
    assert.equal(fire(c, 'will-navigate', 'file:///etc/passwd'), true);
    assert.equal(fire(c, 'will-frame-navigate', 'https://evil.example/frame'), true);
    assert.equal(fire(c, 'will-redirect', 'https://evil.example/'), true);
    assert.equal(fire(c, 'will-navigate', `${PAGE_URL}#/registry/r1`), false);
  });

  it('window.open and webviews are denied', () => {
    const c = new StandInContents();
    guardContents(c as never, PAGE_URL);
    assert.deepEqual(c.openHandler!({ url: 'https://aws.amazon.com/' }), { action: 'deny' });
    assert.equal(fire(c, 'will-attach-webview'), true);
  });

  it('every permission request and check is denied; the CSP header is added to responses', () => {
    let requestHandler: ((wc: unknown, perm: string, cb: (ok: boolean) => void) => void) | null = null;
    let checkHandler: ((...a: unknown[]) => boolean) | null = null;
    let headers:
      | ((
          d: { responseHeaders?: Record<string, string[]> },
          cb: (r: { responseHeaders: Record<string, string[]> }) => void,
        ) => void)
      | null = null;
    const standInSession = {
      setPermissionRequestHandler: (h: never) => {
        requestHandler = h;
      },
      setPermissionCheckHandler: (h: never) => {
        checkHandler = h;
      },
      webRequest: {
        onHeadersReceived: (h: never) => {
          headers = h;
        },
      },
    };
    guardSession(standInSession);
    for (const perm of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      requestHandler!({}, perm, (ok) => {
        granted = ok;
      });
      assert.equal(granted, false, perm);
      assert.equal(checkHandler!({}, perm, 'file://', {}), false, perm);
    }
    let out: Record<string, string[]> = {};
    headers!({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => {
      out = r.responseHeaders;
    });
    assert.deepEqual(out['Content-Security-Policy'], [CSP]);
    assert.deepEqual(out['Content-Type'], ['text/html']);
  });

  it('the built-in CSP is strict', () => {
    for (const d of [
      "default-src 'none'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "connect-src 'none'",
    ])
      assert.ok(CSP.includes(d), d);
    assert.ok(!/unsafe-(inline|eval)/.test(CSP));
  });

  it('src/renderer/index.html carries a CSP meta tag with no unsafe sources', () => {
    const html = readFileSync('src/renderer/index.html', 'utf8');
    const m = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
    assert.ok(m, 'CSP meta tag present');
    assert.match(m[1], /default-src 'none'/);
    assert.match(m[1], /script-src 'self'/);
    assert.ok(!/unsafe-(inline|eval)/.test(m[1]), m[1]);
    assert.ok(
      !/<script>/.test(html) && !/\son[a-z]+=/i.test(html),
      'no inline scripts or handlers the CSP would block',
    );
  });
});

describe('sender check', () => {
  const own = { webContentsId: 7, pageUrl: PAGE_URL };
  const ev = (id: number, url: string, parent: unknown = null) => ({ sender: { id }, senderFrame: { url, parent } });
  it('accepts only our window’s main frame on our page', () => {
    assert.equal(isOwnFrame(ev(7, PAGE_URL), own), true);
    assert.equal(isOwnFrame(ev(7, `${PAGE_URL}#x`), own), true);
    assert.equal(isOwnFrame(ev(8, PAGE_URL), own), false, 'another webContents');
    assert.equal(isOwnFrame(ev(7, 'https://evil.example/'), own), false, 'another page');
    assert.equal(isOwnFrame(ev(7, PAGE_URL, {}), own), false, 'a subframe');
    assert.equal(isOwnFrame({ sender: { id: 7 }, senderFrame: null }, own), false, 'a frame already gone');
    assert.equal(isOwnFrame(ev(7, PAGE_URL), null), false, 'no window');
  });
});

describe('window controller (stand-in BrowserWindow)', () => {
  it('created on demand, loads only our page, shown when ready, hidden (not destroyed) on close', () => {
    const ctl = createWindowController({
      BrowserWindow: StandInWindow as never,
      preloadPath: '/app/dist/preload.cjs',
      pagePath: PAGE,
    });
    assert.equal(ctl.current(), null);
    ctl.show();
    const w = StandInWindow.made.at(-1)!;
    assert.deepEqual(w.loaded, [PAGE]);
    assert.equal(w.options.webPreferences?.sandbox, true);
    assert.equal(w.visible, false, 'waits for ready-to-show');
    w.emit('ready-to-show');
    assert.equal(w.visible, true);
    w.close();
    assert.equal(w.visible, false);
    assert.equal(w.destroyed, false, 'hidden to the tray');
    ctl.show();
    assert.equal(StandInWindow.made.at(-1), w, 'the same window comes back');
    assert.equal(w.visible, true);
    ctl.allowClose();
    w.close();
    assert.equal(w.destroyed, true, 'when quitting, close closes');
    assert.equal(ctl.current(), null);
  });

  it('the guards are installed on the window it creates', () => {
    const ctl = createWindowController({ BrowserWindow: StandInWindow as never, preloadPath: '/p', pagePath: PAGE });
    ctl.show();
    const w = StandInWindow.made.at(-1)!;
    assert.equal(fire(w.webContents, 'will-navigate', 'https://evil.example/'), true);
    assert.deepEqual(w.webContents.openHandler!({ url: 'https://x' }), { action: 'deny' });
  });

  it('focusRegistry and MFA prompts wait for the page to load; sender check follows the live window', () => {
    const ctl = createWindowController({ BrowserWindow: StandInWindow as never, preloadPath: '/p', pagePath: PAGE });
    ctl.focusRegistry('r0');
    ctl.sendWhenReady('mfa:request', { requestId: 'q0', profile: 'admin', mfaSerial: 's' });
    ctl.focusRegistry('r1');
    const w = StandInWindow.made.at(-1)!;
    ctl.send('keeper:activity', { at: 'x', kind: 'notice', message: 'before load: dropped' });
    assert.deepEqual(w.webContents.sent, []);
    w.webContents.emit('did-finish-load');
    assert.deepEqual(
      w.webContents.sent,
      [
        ['mfa:request', { requestId: 'q0', profile: 'admin', mfaSerial: 's' }],
        ['app:focusRegistry', 'r1'],
      ],
      'the prompt kept, only the latest focus',
    );
    ctl.focusRegistry('r2');
    assert.deepEqual(w.webContents.sent.at(-1), ['app:focusRegistry', 'r2']);
    ctl.sendWhenReady('mfa:request', { requestId: 'q1', profile: 'admin', mfaSerial: 'arn:aws:iam::1:mfa/me' });
    assert.deepEqual(w.webContents.sent.at(-1), [
      'mfa:request',
      { requestId: 'q1', profile: 'admin', mfaSerial: 'arn:aws:iam::1:mfa/me' },
    ]);
    assert.equal(
      ctl.isOwnSender({ sender: { id: w.webContents.id }, senderFrame: { url: PAGE_URL, parent: null } }),
      true,
    );
    assert.equal(
      ctl.isOwnSender({ sender: { id: w.webContents.id + 100 }, senderFrame: { url: PAGE_URL, parent: null } }),
      false,
    );
  });
});
