// Opening the window in a fresh browser context, bridged to a keeper, for the UI tests that need
// more than one page: console errors and page errors are collected so a test can assert none.
import type { Browser, Locator, Page } from 'playwright';
import { bridgePage, type Bridge } from './bridge';
import type { Site } from './harness';
import type { TestClock } from './clock';
import type { KeeperUnderTest } from './stack';

export interface OpenedWindow {
  page: Page;
  bridge: Bridge;
  errors: string[];
  /** A closure, so tests can destructure it. */
  close: () => Promise<void>;
}

export async function openWindow(
  browser: Browser,
  site: Site,
  k: KeeperUnderTest,
  opts: { width?: number; height?: number; dark?: boolean; clock?: TestClock } = {},
): Promise<OpenedWindow> {
  const ctx = await browser.newContext({
    viewport: { width: opts.width ?? 420, height: opts.height ?? 640 },
    colorScheme: opts.dark ? 'dark' : 'light',
  });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const bridge = await bridgePage(page, k);
  if (opts.clock) await opts.clock.attach(page);
  await page.goto(site.url);
  await page.locator('body[data-ready="true"]').waitFor();
  return {
    page,
    bridge,
    errors,
    close: async () => {
      bridge.detach();
      await ctx.close();
    },
  };
}

/** The card of the registry named `name`. */
export function card(page: Page, name: string): Locator {
  return page.locator('article.card', {
    has: page.locator('h2.card-title', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
  });
}
