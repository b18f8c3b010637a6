// The window's credential storage view in real Chromium, bridged to a real keeper whose docker
// logins go to loopback registries, with Debian's docker-credential-pass over a real `pass` and
// gnupg set up by the test in a temporary GNUPGHOME and PASSWORD_STORE_DIR. Never touches the
// user's ~/.docker, ~/.gnupg or ~/.password-store.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright';
import { initPassStore, killGpgAgents, passSecretFor, prepareGnupgHome } from '../fixtures/pass-store';
import { needTools, TOOLS } from '../fixtures/tools';
import { seedDockerConfig, startRegistry, type RunningRegistry } from '../fixtures/registry';
import { buildRenderer, launch, serve, type Site } from './harness';
import { card, openWindow } from './page';
import { keeperFor, stackRegistry, startStack, type KeeperUnderTest, type Stack } from './stack';

const skip = needTools(TOOLS.chromium, TOOLS.docker, TOOLS.registry, TOOLS.pass, TOOLS.gpg, TOOLS.credPass);

const fakeAuth = (user: string) => Buffer.from(`${user}:fake-not-a-secret`).toString('base64');

/** Entries ECR Keeper does not manage: a move and its undo must leave them exactly as they are. */
const UNRELATED = {
  auths: { 'unrelated.example.invalid': { auth: fakeAuth('someone') } },
  credHelpers: { 'gcr.io': 'gcloud' },
  psFormat: 'table {{.ID}}',
};

describe('credential storage in the window (real pass, gpg, docker)', { skip }, () => {
  let stack: Stack;
  let site: Site;
  let browser: Browser;
  let second: RunningRegistry;
  const keepers: KeeperUnderTest[] = [];

  before(async () => {
    site = await serve(buildRenderer());
    stack = await startStack();
    // A second loopback registry with the same password the ECR emulator hands out: two hosts.
    second = await startRegistry({ password: stack.registry.password });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    for (const k of keepers) await k.stop();
    killGpgAgents();
    await second?.stop();
    await stack?.stop();
    await site?.close();
  });

  /** The stack's environment with its own docker config, GNUPGHOME and PASSWORD_STORE_DIR, and no keyring session. */
  function storageEnv(): { env: NodeJS.ProcessEnv; configFile: string } {
    const dir = mkdtempSync(join(stack.dir, 'st-'));
    const env: NodeJS.ProcessEnv = {
      ...stack.env,
      DOCKER_CONFIG: join(dir, 'docker'),
      GNUPGHOME: join(dir, 'gnupg'),
      PASSWORD_STORE_DIR: join(dir, 'pass'),
    };
    // secretservice needs a desktop keyring session; keep whatever this machine has out of the test.
    delete env.DBUS_SESSION_BUS_ADDRESS;
    mkdirSync(env.DOCKER_CONFIG!, { recursive: true, mode: 0o700 });
    prepareGnupgHome(env);
    const configFile = seedDockerConfig(env, UNRELATED);
    return { env, configFile };
  }

  function keeper(env: NodeJS.ProcessEnv): KeeperUnderTest {
    const k = keeperFor(stack, undefined, { env });
    keepers.push(k);
    return k;
  }

  const readConfig = (file: string) =>
    JSON.parse(readFileSync(file, 'utf8')) as {
      auths?: Record<string, { auth?: string }>;
      credHelpers?: Record<string, string>;
      [k: string]: unknown;
    };

  test('move logins to pass from the plain-text notice, confirm, see them in pass, then undo byte for byte', async () => {
    const { env, configFile } = storageEnv();
    initPassStore(env, 'ECR Keeper UI Test <ui-test@example.invalid>');
    const k = keeper(env);
    k.keeper.addRegistry(stackRegistry(stack, 'alpha'));
    k.keeper.addRegistry(stackRegistry(stack, 'beta', { registryHost: second.host }));
    for (const name of ['alpha', 'beta']) assert.equal((await k.keeper.refresh(name)).error, null, name);
    const hosts = [stack.registry.host, second.host];
    const before = readConfig(configFile);
    for (const h of hosts) assert.ok(before.auths?.[h]?.auth, `${h} starts in plain text`);
    const original = readFileSync(configFile);

    const w = await openWindow(browser, site, k);
    const { page } = w;

    // The card's plain-text notice links to the storage view.
    const note = card(page, 'alpha').locator('[role="note"][data-kind="plaintext-credentials"]');
    await note.locator('summary').click();
    await note.getByRole('button', { name: 'See credential storage and move logins' }).click();
    const heading = page.getByRole('heading', { name: 'Credential storage', level: 2 });
    await heading.waitFor();
    assert.equal(
      await heading.evaluate((el) => el === document.activeElement),
      true,
      'focus moves to the view heading',
    );
    assert.equal(await page.getByRole('button', { name: 'Storage', exact: true }).getAttribute('aria-current'), 'page');

    // Where each login lives, and which stores work here (with why not, for the others).
    const row = (name: string) => page.locator(`.storage-row[data-registry="${name}"]`);
    await row('alpha').waitFor();
    for (const name of ['alpha', 'beta']) {
      assert.equal(await row(name).getAttribute('data-storage'), 'plaintext');
      assert.match(await row(name).locator('.badge').innerText(), /Plain text/);
      assert.match(
        await row(name).innerText(),
        new RegExp(`plain text \\(base64\\) in ${configFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
    }
    const report = await k.handlers['storage:get']();
    assert.deepEqual(
      report.stores.filter((s) => s.works).map((s) => s.store),
      ['pass'],
    );
    assert.equal(await page.locator('.store-row[data-store="pass"]').getAttribute('data-works'), 'true');
    for (const s of report.stores.filter((x) => !x.works)) {
      const r = page.locator(`.store-row[data-store="${s.store}"]`);
      assert.equal(await r.getAttribute('data-works'), 'false');
      assert.match(await r.locator('.badge').innerText(), /Not available/);
      assert.ok(
        (await r.locator('.store-reason').innerText()).toLowerCase().includes(s.reason!.toLowerCase()),
        `${s.store} says why`,
      );
      if (s.fix) assert.ok((await r.locator('.fix').innerText()).includes(s.fix), `${s.store} says what to do`);
    }
    // Only the working store is offered.
    assert.deepEqual(await page.getByRole('button', { name: /^Move logins to / }).allInnerTexts(), [
      'Move logins to pass',
    ]);
    assert.equal(await page.getByRole('button', { name: 'Undo last move' }).count(), 0, 'nothing to undo yet');

    // The confirm step says a backup is kept; Cancel changes nothing.
    await page.getByRole('button', { name: 'Move logins to pass' }).click();
    const confirm = page.getByRole('group', { name: 'Move logins to pass' });
    await confirm.waitFor();
    const question = await confirm.innerText();
    assert.match(question, /Move the logins of alpha, beta into pass\?/);
    assert.match(question, /keeps a backup of/);
    assert.ok(question.includes(configFile), 'names the file it backs up');
    assert.equal(
      await page.evaluate(() => document.activeElement?.textContent),
      'Cancel',
      'focus on Cancel, the safe choice',
    );
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await confirm.isVisible(), false);
    assert.ok(readFileSync(configFile).equals(original), 'Cancel changed nothing');

    await page.getByRole('button', { name: 'Move logins to pass' }).click();
    await confirm.getByRole('button', { name: 'Move to pass' }).click();
    const outcome = page.locator('.storage-outcome[data-outcome="ok"]');
    await outcome.waitFor({ timeout: 60_000 });
    assert.match(await outcome.innerText(), /Moved 2 logins to pass\./);
    assert.match(await outcome.innerText(), /Backup kept: .*config\.json\.bak-/);
    await page.locator('.view-storage[aria-busy="false"]').waitFor();
    for (const name of ['alpha', 'beta']) {
      assert.equal(await row(name).getAttribute('data-storage'), 'helper');
      assert.equal(await row(name).getAttribute('data-helper'), 'pass');
      assert.match(await row(name).locator('.badge').innerText(), /In pass/);
    }
    assert.match(await page.locator('.store-row[data-store="pass"]').innerText(), /ECR Keeper keeps its logins here/);
    assert.equal(await page.getByRole('button', { name: 'Move logins to pass' }).count(), 0, 'nothing left to move');
    assert.match(
      await page.locator('[data-role="all-in"]').innerText(),
      /Every login ECR Keeper can move is in pass already/,
    );

    // The docker config: no plain-text auth for them, mapped to pass; the rest untouched.
    const moved = readConfig(configFile);
    for (const h of hosts) {
      assert.equal(moved.auths?.[h]?.auth, undefined, `${h}: no plain-text auth left`);
      assert.equal(moved.credHelpers?.[h], 'pass');
      assert.equal(passSecretFor(env, h).Secret, stack.registry.password, `${h}: pass holds the login`);
    }
    assert.deepEqual(moved.auths?.['unrelated.example.invalid'], UNRELATED.auths['unrelated.example.invalid']);
    assert.equal(moved.credHelpers?.['gcr.io'], 'gcloud');
    assert.equal(moved.psFormat, UNRELATED.psFormat);

    // The cards no longer warn about plain text.
    await page.getByRole('button', { name: 'Registries', exact: true }).click();
    await card(page, 'alpha').waitFor();
    assert.equal(await page.locator('[data-kind="plaintext-credentials"]').count(), 0);

    // Undo (also confirmed) puts the file back exactly.
    await page.getByRole('button', { name: 'Storage', exact: true }).click();
    await page.locator('.view-storage[aria-busy="false"]').waitFor();
    await page.getByRole('button', { name: 'Undo last move' }).click();
    const undo = page.getByRole('group', { name: 'Undo last move' });
    assert.match(await undo.innerText(), /from the backup ECR Keeper kept/);
    await undo.getByRole('button', { name: 'Restore backup' }).click();
    await page
      .locator('.storage-outcome[data-outcome="ok"]', { hasText: 'Restored the configuration' })
      .waitFor({ timeout: 30_000 });
    await page.locator('.view-storage[aria-busy="false"]').waitFor();
    assert.ok(readFileSync(configFile).equals(original), 'undo restores the docker config byte for byte');
    assert.equal(await row('alpha').getAttribute('data-storage'), 'plaintext');
    assert.equal(await page.getByRole('button', { name: 'Undo last move' }).count(), 0, 'the one backup set was used');
    assert.deepEqual(await page.getByRole('button', { name: /^Move logins to / }).allInnerTexts(), [
      'Move logins to pass',
    ]);
    assert.deepEqual(w.errors, []);
    await w.close();
  });

  test('with no working store the move is not offered and every store says why', async () => {
    const { env, configFile } = storageEnv(); // no gpg key, no `pass init`
    const k = keeper(env);
    k.keeper.addRegistry(stackRegistry(stack, 'solo'));
    assert.equal((await k.keeper.refresh('solo')).error, null);
    const original = readFileSync(configFile);

    const w = await openWindow(browser, site, k);
    const { page } = w;
    await page.getByRole('button', { name: 'Storage', exact: true }).click();
    await page.locator('.storage-row[data-registry="solo"]').waitFor();
    assert.equal(await page.locator('.storage-row[data-registry="solo"]').getAttribute('data-storage'), 'plaintext');

    const report = await k.handlers['storage:get']();
    assert.equal(report.stores.length, 5);
    assert.ok(
      report.stores.every((s) => !s.works),
      JSON.stringify(report.stores),
    );
    for (const s of report.stores) {
      const r = page.locator(`.store-row[data-store="${s.store}"]`);
      assert.equal(await r.getAttribute('data-works'), 'false');
      assert.ok(
        (await r.locator('.store-reason').innerText()).toLowerCase().includes(s.reason!.toLowerCase()),
        `${s.store}: ${s.reason}`,
      );
      if (s.fix) assert.ok((await r.locator('.fix').innerText()).includes(s.fix));
    }
    assert.match(
      await page.locator('.store-row[data-store="pass"] .store-reason').innerText(),
      /no initialised password store/i,
    );
    assert.equal(await page.getByRole('button', { name: /^Move logins to / }).count(), 0, 'no move offered');
    assert.match(
      await page.locator('[data-role="no-store"]').innerText(),
      /No credential store works on this computer yet/,
    );
    assert.equal(await page.getByRole('button', { name: 'Undo last move' }).count(), 0);
    assert.ok(readFileSync(configFile).equals(original), 'nothing changed');
    assert.deepEqual(w.errors, []);
    await w.close();
  });
});
