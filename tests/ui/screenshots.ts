// Renders the README's screenshots from the real window against the real test stack (run through
// scripts/screenshots.mjs, i.e. `npm run screenshots`). Writes PNGs to docs/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { bridgePage } from './bridge';
import { buildRenderer, launch, serve, type Site } from './harness';
import { keeperFor, stackRegistry, startStack, type KeeperUnderTest } from './stack';
import { startRegistry, type RunningRegistry } from '../fixtures/registry';

const OUT = 'docs/screenshots';
mkdirSync(OUT, { recursive: true });

async function page(
  browser: Browser,
  site: Site,
  k: KeeperUnderTest,
  dark: boolean,
  size = { width: 420, height: 640 },
): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: size,
    colorScheme: dark ? 'dark' : 'light',
    deviceScaleFactor: 2,
    reducedMotion: 'reduce',
  });
  const p = await ctx.newPage();
  await bridgePage(p, k);
  await p.goto(site.url);
  await p.locator('body[data-ready="true"]').waitFor();
  return p;
}

const site = await serve(buildRenderer());
const stack = await startStack();
const browser = await launch();
const written: string[] = [];
// One loopback registry per card, so each card shows its own host (as real registries would).
const extra: RunningRegistry[] = await Promise.all(
  [0, 1, 2].map(() => startRegistry({ password: stack.registry.password })),
);
try {
  // A dashboard with three healthy registries and one whose login the registry rejects.
  const k = keeperFor(stack);
  k.keeper.addRegistry(stackRegistry(stack, 'prod', { accountId: '111122223333' }));
  k.keeper.addRegistry(
    stackRegistry(stack, 'staging', { region: 'us-east-1', profile: 'team', registryHost: extra[0].host }),
  );
  k.keeper.addRegistry(stackRegistry(stack, 'build-cache', { region: 'us-west-2', registryHost: extra[1].host }));
  await k.keeper.refresh('prod');
  await k.keeper.refresh('staging');
  stack.emulator.fault('badpassword');
  k.keeper.addRegistry(stackRegistry(stack, 'legacy', { region: 'eu-central-1', registryHost: extra[2].host }));
  await k.keeper.refresh('legacy');
  await k.keeper.refresh('build-cache');

  for (const dark of [false, true]) {
    const p = await page(browser, site, k, dark);
    // Let "refreshed just now" become a few seconds old and the countdown tick once.
    await p.waitForTimeout(1200);
    const file = join(OUT, `dashboard-${dark ? 'dark' : 'light'}.png`);
    await p.screenshot({ path: file });
    written.push(file);
    if (!dark) {
      // The failed card alone, in a window tall enough that the sticky header does not cover it.
      const tall = await page(browser, site, k, false, { width: 420, height: 1800 });
      const errFile = join(OUT, 'error-card.png');
      await tall.locator('article.card[data-state="error"]').first().screenshot({ path: errFile });
      written.push(errFile);
      await tall.context().close();

      await p.locator('#add-registry').click();
      await p.getByRole('heading', { name: 'Add registry' }).waitFor();
      await p.getByLabel('Name').fill('prod');
      await p.getByLabel('Account ID').fill('1234-5678');
      await p.getByText('Advanced').click();
      await p.getByLabel('Registry host').fill('111122223333.dkr.ecr.eu-west-1.amazonaws.com.evil.example');
      await p.getByLabel('API endpoint').fill('http://ecr.example.com');
      await p.locator('.view-form button[type="submit"]').click();
      await p.locator('.view-form .form-summary').waitFor();
      await p.evaluate('window.scrollTo(0, 0)');
      const formFile = join(OUT, 'add-form-errors.png');
      await p.screenshot({ path: formFile, fullPage: true });
      written.push(formFile);
    }
    await p.context().close();
  }
  await k.stop();
  for (const f of written) console.log(`wrote ${f}`);
} finally {
  await Promise.all(extra.map((r) => r.stop()));
  await browser.close();
  await stack.stop();
  await site.close();
}
