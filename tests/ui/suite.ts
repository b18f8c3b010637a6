// The set-up every Chromium suite shares: the built renderer served, the real stack, one browser,
// and the keepers and windows a test opens, all stopped after the suite. Call inside describe().
import { after, before } from 'node:test';
import type { Browser } from 'playwright';
import { buildRenderer, launch, serve, type Site } from './harness';
import { openWindow, type OpenedWindow } from './page';
import { keeperFor, startStack, type KeeperOptions, type KeeperUnderTest, type Stack } from './stack';

export interface UiSuite {
  readonly stack: Stack;
  readonly site: Site;
  readonly browser: Browser;
  /** A real keeper over the stack (stopped after the suite). */
  keeper(configDir?: string, opts?: KeeperOptions): KeeperUnderTest;
  /** The window for a keeper (closed after the suite). */
  open(k: KeeperUnderTest, opts?: Parameters<typeof openWindow>[3]): Promise<OpenedWindow>;
}

export function uiSuite(): UiSuite {
  let stack: Stack | undefined;
  let site: Site | undefined;
  let browser: Browser | undefined;
  const keepers: KeeperUnderTest[] = [];
  const windows: OpenedWindow[] = [];
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`the UI suite's ${what} is not started (used outside a test?)`);
    return v;
  };
  before(async () => {
    site = await serve(buildRenderer());
    stack = await startStack();
    browser = await launch();
  });
  after(async () => {
    for (const w of windows) await w.close();
    await browser?.close();
    for (const k of keepers) await k.stop();
    await stack?.stop();
    await site?.close();
  });
  return {
    get stack() {
      return ready(stack, 'stack');
    },
    get site() {
      return ready(site, 'page server');
    },
    get browser() {
      return ready(browser, 'browser');
    },
    keeper(configDir, opts) {
      const k = keeperFor(ready(stack, 'stack'), configDir, opts);
      keepers.push(k);
      return k;
    },
    async open(k, opts) {
      const w = await openWindow(ready(browser, 'browser'), ready(site, 'page server'), k, opts);
      windows.push(w);
      return w;
    },
  };
}
