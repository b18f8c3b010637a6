// The window in real Chromium (Debian's, via playwright), loading the built renderer, with
// window.ecrKeeper bridged to a real keeper: real AWS SDK against the ECR emulator, real docker CLI
// against a loopback docker-registry. Assertions are about what a person sees.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Locator, Page } from 'playwright';
import { validateRegistryInput } from '../../src/core/registry';
import { needTools, TOOLS } from '../fixtures/tools';
import { uiSuite } from './suite';
import {
  ACCOUNT,
  KNOWN_DOCKER_HOST,
  localAlias,
  seedManyRegistries,
  stackRegistry,
  type KeeperUnderTest,
} from './stack';

const skip = needTools(TOOLS.chromium, TOOLS.docker, TOOLS.registry);

describe('ECR Keeper window', { skip }, () => {
  const ui = uiSuite();

  const keeper = (configDir?: string): KeeperUnderTest => ui.keeper(configDir);
  const open = (k: KeeperUnderTest, opts: { width?: number; height?: number; dark?: boolean } = {}) => ui.open(k, opts);

  const card = (page: Page, name: string): Locator =>
    page.locator('article.card', { has: page.locator('h2.card-title', { hasText: new RegExp(`^${name}$`) }) });
  const seconds = (hms: string) => {
    const [h, m, s] = hms.split(':').map(Number);
    return h * 3600 + m * 60 + s;
  };

  test('first run explains the app, offers the hosts found on this machine, and adds a registry through the form', async () => {
    const k = keeper();
    const { page, errors } = await open(k);
    await page.getByRole('heading', { name: 'Keep your Amazon ECR logins fresh' }).waitFor();
    assert.match(await page.locator('#overall').innerText(), /No registries yet/);
    assert.equal(await page.locator('#refresh-all').isDisabled(), true);

    // The host already in the docker config is offered; "Edit before adding" prefills the form.
    await page.locator(`.found-row[data-host="${KNOWN_DOCKER_HOST}"]`).waitFor();
    await page.getByRole('button', { name: `${KNOWN_DOCKER_HOST}: Edit before adding` }).click();
    await page.getByRole('heading', { name: 'Add registry' }).waitFor();
    assert.equal(await page.getByLabel('Account ID').inputValue(), ACCOUNT);
    assert.equal(await page.getByLabel('Region', { exact: true }).inputValue(), 'eu-west-1');
    assert.equal(await page.getByLabel('Name').inputValue(), `${ACCOUNT}-eu-west-1`);

    // Profiles come from the AWS files; "detect from profile" asks the (emulated) API.
    const profiles = await page.getByLabel('AWS profile').locator('option').allInnerTexts();
    assert.deepEqual(
      profiles.map((p) => p.replace(/ \(.*\)$/, '')),
      ['Default credential chain', 'default', 'emu', 'team'],
    );
    await page.getByLabel('Name').fill('prod');
    await page.getByLabel('AWS profile').selectOption('emu');
    await page.getByLabel('Account ID').fill('');
    await page.getByRole('button', { name: 'Detect from profile' }).click();
    await page.getByText(`Detected account ${ACCOUNT}.`).waitFor();
    assert.equal(await page.getByLabel('Account ID').inputValue(), ACCOUNT);

    await page.getByText('Advanced').click();
    await page.getByLabel('Registry host').fill(ui.stack.registry.host);
    await page.getByLabel('API endpoint').fill(ui.stack.emulator.url);
    await page.locator('.view-form button[type="submit"]').click();

    // Saved, shown, and logged in right away with the real docker CLI.
    const c = card(page, 'prod');
    await c.waitFor();
    await c.locator('[data-state="valid"], .badge:has-text("Valid")').first().waitFor({ timeout: 30_000 });
    assert.equal(await c.getAttribute('data-state'), 'valid');
    assert.match(await c.locator('.card-host').innerText(), new RegExp(ui.stack.registry.host.replace(/\./g, '\\.')));
    assert.match(await c.locator('.card-meta').innerText(), /profile emu · eu-west-1 · docker/);
    // docker's file store: a notice, not an error.
    const note = c.locator('[role="note"][data-kind="plaintext-credentials"]');
    await note.waitFor();
    assert.match(await note.innerText(), /Stored unencrypted/);
    assert.equal(await c.getByRole('note').count(), 1, "docker's own unencrypted warning is not repeated");
    await note.locator('summary').click();
    assert.match(await note.innerText(), /is stored unencrypted \(base64\) in the docker config file/);
    assert.equal(await c.locator('.error-panel').count(), 0);
    assert.match(await page.locator('#overall').innerText(), /Login valid/);
    const saved = k.keeper.registries();
    assert.equal(saved.length, 1);
    assert.equal(saved[0].accountId, ACCOUNT);
    assert.match(k.settingsText(), /"prod"/);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('refresh ends valid, shows progress without blocking other cards, and the countdown goes down second by second', async () => {
    const k = keeper();
    const a = k.keeper.addRegistry(stackRegistry(ui.stack, 'alpha'));
    // Two registries may not share a host and tool: beta reaches the same registry as localhost.
    k.keeper.addRegistry(
      stackRegistry(ui.stack, 'beta', { region: 'us-east-1', profile: 'team', registryHost: localAlias(ui.stack) }),
    );
    const { page, errors } = await open(k);
    const ca = card(page, 'alpha');
    const cb = card(page, 'beta');
    assert.match(await ca.locator('.countdown').innerText(), /Not logged in yet/);

    ui.stack.emulator.fault('slow', 1, { delayMs: 1500 });
    await ca.getByRole('button', { name: 'Refresh alpha' }).click();
    await ca.getByText('Refreshing…').waitFor();
    assert.equal(await ca.getAttribute('aria-busy'), 'true');
    assert.equal(await ca.getByRole('button', { name: 'Refresh alpha' }).isDisabled(), true);
    // The other card stays usable while alpha refreshes.
    assert.equal(await cb.getByRole('button', { name: 'Refresh beta' }).isDisabled(), false);
    await cb.getByRole('button', { name: 'Refresh beta' }).click();
    await page.locator('article.card[data-state="valid"]').nth(1).waitFor({ timeout: 30_000 });
    assert.equal(await ca.getByText('Refreshing…').isVisible(), false);
    assert.match(await ca.locator('.card-times').innerText(), /Last refreshed just now/);
    assert.match(await ca.locator('.card-times').innerText(), /Next auto refresh in 11 h/);
    assert.ok(Number(await ca.getByRole('progressbar').getAttribute('aria-valuenow')) >= 99);

    // Sample the countdown across several seconds: it falls by one second per second and agrees
    // with the keeper's expiry.
    const expiresAt = Date.parse(k.keeper.snapshot().registries.find((r) => r.id === a.id)!.expiresAt!);
    const samples: { at: number; left: number }[] = [];
    let last = '';
    const until = Date.now() + 4200;
    while (Date.now() < until) {
      const text = await ca.locator('time.countdown-value').innerText();
      if (text !== last) {
        samples.push({ at: Date.now(), left: seconds(text) });
        last = text;
      }
      await page.waitForTimeout(100);
    }
    assert.ok(samples.length >= 4, `countdown changed ${samples.length} times in 4.2 s`);
    for (let i = 1; i < samples.length; i++)
      assert.equal(samples[i - 1].left - samples[i].left, 1, `step ${i}: ${JSON.stringify(samples)}`);
    for (const s of samples)
      assert.ok(Math.abs((expiresAt - s.at) / 1000 - s.left) <= 1.2, 'countdown matches expiresAt');
    assert.ok(samples[0].left > 11 * 3600 + 59 * 60, 'a fresh 12 h token');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('failed refreshes show their category, message and fix on the card', async () => {
    const k = keeper();
    k.keeper.addRegistry(stackRegistry(ui.stack, 'rejected'));
    // These two fail at AWS, before any login: their hosts only need to differ.
    k.keeper.addRegistry(
      stackRegistry(ui.stack, 'denied', { region: 'us-east-2', registryHost: 'denied.registry.invalid' }),
    );
    k.keeper.addRegistry(
      stackRegistry(ui.stack, 'throttled', { region: 'us-west-2', registryHost: 'throttled.registry.invalid' }),
    );
    const { page } = await open(k);

    ui.stack.emulator.clearFaults();
    ui.stack.emulator.fault('badpassword');
    await page.getByRole('button', { name: 'Refresh rejected' }).click();
    const cr = card(page, 'rejected');
    await cr.locator('.error-panel').waitFor({ timeout: 30_000 });
    const snap = () => k.keeper.snapshot().registries;
    const rej = snap().find((r) => r.name === 'rejected')!;
    assert.equal(rej.error?.category, 'login-rejected');
    assert.equal(await cr.locator('.badge').innerText(), '✕ Failed');
    assert.equal(await cr.locator('.error-category').innerText(), 'Login rejected');
    assert.equal(await cr.locator('.error-message').innerText(), rej.error.message);
    assert.equal(await cr.locator('.fix').first().innerText(), `Fix: ${rej.error.fix}`);
    assert.ok(!(await page.content()).includes(ui.stack.registry.password), 'the password never reaches the window');

    ui.stack.emulator.fault('denied');
    await page.getByRole('button', { name: 'Refresh denied' }).click();
    const cd = card(page, 'denied');
    await cd.locator('.error-panel').waitFor({ timeout: 30_000 });
    assert.equal(await cd.locator('.error-category').innerText(), 'Access denied');
    assert.match(await cd.locator('.error-message').innerText(), /ecr:GetAuthorizationToken/);

    ui.stack.emulator.fault('throttle', 2);
    await page.getByRole('button', { name: 'Refresh throttled' }).click();
    const ct = card(page, 'throttled');
    await ct.locator('.error-panel').waitFor({ timeout: 30_000 });
    ui.stack.emulator.clearFaults();
    assert.equal(await ct.locator('.error-category').innerText(), 'Throttled by AWS');
    const thr = snap().find((r) => r.name === 'throttled')!;
    assert.ok(thr.error?.retryAt, 'the keeper says when it retries');
    assert.match(await ct.locator('.retry').innerText(), /^Next retry in .+, at \d\d:\d\d:\d\d$/);

    assert.match(await page.locator('#overall').innerText(), /3 registries need attention/);
    await page.context().close();
  });

  test('every invalid field shows its message inline and nothing is saved', async () => {
    const k = keeper();
    k.keeper.addRegistry(stackRegistry(ui.stack, 'prod'));
    const before = k.settingsText();
    const { page } = await open(k);
    await page.locator('#add-registry').click();
    await page.getByRole('heading', { name: 'Add registry' }).waitFor();
    const submit = page.locator('.view-form button[type="submit"]');
    const input = {
      name: 'bad name!',
      accountId: '12345',
      registryHost: '111122223333.dkr.ecr.eu-west-1.amazonaws.com.evil.example',
      apiEndpoint: 'ftp://api.example.com',
    };
    await page.getByLabel('Name').fill(input.name);
    await page.getByLabel('Account ID').fill(input.accountId);
    await page.getByText('Advanced').click();
    await page.getByLabel('Registry host').fill(input.registryHost);
    await page.getByLabel('API endpoint').fill(input.apiEndpoint);
    await submit.click();

    // The same messages the CLI prints, from the same module, each next to its own field.
    const expected = validateRegistryInput({
      ...input,
      kind: 'private',
      region: '',
      profile: '',
      tool: 'docker',
      autoRefresh: true,
    });
    assert.equal(expected.ok, false);
    const fields = expected.ok ? [] : expected.errors;
    assert.deepEqual(fields.map((e) => e.field).sort(), ['accountId', 'apiEndpoint', 'name', 'region', 'registryHost']);
    for (const e of fields) {
      const field = page.locator(`.view-form [data-field="${e.field}"]`);
      assert.equal(await field.locator('.field-error').innerText(), e.message, e.field);
      const control = field.locator('input, select').first();
      assert.equal(await control.getAttribute('aria-invalid'), 'true');
      const errId = await field.locator('.field-error').getAttribute('id');
      assert.ok(
        (await control.getAttribute('aria-describedby'))!.split(' ').includes(errId!),
        'error is announced with the field',
      );
    }
    assert.match(await page.locator('.view-form .form-summary').innerText(), /5 problems to fix before saving/);
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('name')),
      'name',
      'focus moves to the first invalid field',
    );

    // A duplicate name is caught too; fixing one field clears its message.
    await page.getByLabel('Name').fill('PROD');
    await submit.click();
    assert.equal(
      await page.locator('.view-form [data-field="name"] .field-error').innerText(),
      'A registry named "PROD" already exists: choose another name.',
    );
    await page.getByLabel('Region', { exact: true }).selectOption('eu-west-1');
    await submit.click();
    assert.equal(await page.locator('.view-form [data-field="region"] .field-error').isVisible(), false);

    assert.equal(k.settingsText(), before, 'settings file unchanged');
    assert.equal(k.keeper.registries().length, 1);
    assert.equal(k.keeper.activity().filter((e) => e.kind === 'registry').length, 1);

    // Settings: the keeper's own validation, shown next to the field; nothing saved either.
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Refresh before expiry').fill('2');
    await page.getByLabel('docker path').fill('docker');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.view-settings .form-summary').waitFor();
    // Named by the label the window shows, not the settings key.
    assert.equal(
      await page.locator('[data-field="refreshLeadMinutes"] .field-error').innerText(),
      'Refresh before expiry must be a whole number from 5 to 360.',
    );
    assert.match(
      await page.locator('[data-field="toolPaths.docker"] .field-error').innerText(),
      /must be an absolute path/,
    );
    assert.equal(k.settingsText(), before, 'settings file unchanged');
    await page.context().close();
  });

  test('settings save, activity log, focus from a notification, keyboard and dark theme', async () => {
    const k = keeper();
    const reg = k.keeper.addRegistry(stackRegistry(ui.stack, 'focus-me'));
    for (let i = 0; i < 6; i++)
      k.keeper.addRegistry(stackRegistry(ui.stack, `other-${i}`, { registryHost: `other-${i}.registry.invalid` }));
    const { page, bridge } = await open(k, { dark: true });
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(15, 18, 22)', 'dark theme follows the OS');

    // Keyboard: skip link first, then the header actions, all with a visible focus ring.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'refresh-all');
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle), 'none');

    await bridge.emit('app:focusRegistry', reg.id);
    const c = card(page, 'focus-me');
    await page.waitForFunction(() => document.activeElement?.classList.contains('card'));
    assert.equal(await c.evaluate((el) => el === document.activeElement && el.classList.contains('highlight')), true);

    await page.getByRole('button', { name: 'Settings' }).click();
    assert.match(
      await page.locator('.view-settings').innerText(),
      new RegExp(k.configDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    );
    await page.getByLabel('Refresh before expiry').fill('45');
    await page.getByLabel('A failed registry works again').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    const s = k.keeper.settings();
    assert.equal(s.refreshLeadMinutes, 45);
    assert.equal(s.notifications.recovered, false);
    assert.equal(s.parallelLogins, undefined, 'an empty "Logins at the same time" stays automatic');

    // Logins at the same time: a number is kept; emptied again, it is automatic (unset) again.
    const parallel = page.getByLabel('Logins at the same time');
    assert.equal(await parallel.inputValue(), '');
    await parallel.fill('3');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForFunction(
      () => (document.querySelector('.view-settings .form-status')?.textContent ?? '') === 'Saved.',
    );
    assert.equal(k.keeper.settings().parallelLogins, 3);
    assert.equal(await parallel.inputValue(), '3');
    await parallel.fill('');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForFunction(
      () => (document.querySelector('.view-settings .form-status')?.textContent ?? '') === 'Saved.',
    );
    assert.equal(k.keeper.settings().parallelLogins, undefined);
    assert.equal(
      (JSON.parse(k.settingsText()) as { parallelLogins?: number }).parallelLogins,
      undefined,
      'the key is gone from the file',
    );

    await page.getByRole('button', { name: 'Activity' }).click();
    const items = page.locator('.activity-item');
    assert.match(await items.first().innerText(), /Settings changed/);
    assert.equal(await items.count(), k.keeper.activity().length);
    // Live: a new keeper event appears at the top.
    k.keeper.removeRegistry('other-0');
    await page.locator('.activity-item').first().filter({ hasText: 'Removed registry other-0' }).waitFor();
    await page.context().close();
  });

  test('200 registries render and tick', async () => {
    const dir = join(ui.stack.dir, 'config-200');
    await seedManyRegistries(ui.stack, dir, 200);
    const k = keeper(dir);
    const { page, errors } = await open(k, { width: 1280, height: 900 });
    assert.equal(await page.locator('article.card').count(), 200);
    // textContent: off-screen cards skip rendering (content-visibility), so innerText is empty there.
    const texts = () => page.locator('time.countdown-value').allTextContents();
    const first = await texts();
    assert.ok(
      first.every((t) => /^\d\d:\d\d:\d\d$/.test(t)),
      'every card counts down',
    );
    await page.waitForTimeout(2100);
    const second = await texts();
    const moved = first.map((t, i) => seconds(t) - seconds(second[i]));
    assert.ok(
      moved.every((d) => d >= 1 && d <= 3),
      `each countdown advanced 1-3 s: ${[...new Set(moved)].join(',')}`,
    );
    // The last card, scrolled to, shows its countdown on screen.
    const lastCard = page.locator('article.card').last();
    await lastCard.scrollIntoViewIfNeeded();
    await lastCard.locator('time.countdown-value', { hasText: /^09:59:\d\d$/ }).waitFor();
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});
