// "Add from this machine" and the form's warnings, in real Chromium against a real keeper: the
// window lists the ECR hosts found in docker/podman/helm files of the keeper's environment (every
// host form, look-alikes left out), adds the ticked ones with the matching profile, logs them in
// at once, and shows the notes; a card never logged in does not claim "Stored unencrypted".
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { needTools, TOOLS } from '../fixtures/tools';
import { card } from './page';
import { uiSuite } from './suite';
import type { KeeperUnderTest } from './stack';

const skip = needTools(TOOLS.chromium, TOOLS.docker, TOOLS.registry);
const AUTH = { auth: Buffer.from('AWS:old-expired-token').toString('base64') };

describe('Add from this machine', { skip }, () => {
  const ui = uiSuite();

  /** A keeper whose docker, podman and helm files and AWS config are its own. */
  function machine(): { env: NodeJS.ProcessEnv; k: KeeperUnderTest } {
    const dir = mkdtempSync(join(ui.stack.dir, 'machine-'));
    const env: NodeJS.ProcessEnv = {
      ...ui.stack.env,
      DOCKER_CONFIG: join(dir, 'docker'),
      REGISTRY_AUTH_FILE: join(dir, 'containers', 'auth.json'),
      XDG_CONFIG_HOME: join(dir, 'xdg'),
      AWS_CONFIG_FILE: join(dir, 'aws-config'),
    };
    for (const d of ['docker', 'containers', join('xdg', 'helm', 'registry')])
      mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(
      join(dir, 'docker', 'config.json'),
      JSON.stringify({
        auths: {
          '111122223333.dkr.ecr.eu-west-1.amazonaws.com': AUTH,
          '111122223333.dkr.ecr.eu-west-1.amazonaws.com.evil.example': AUTH,
          'https://444455556666.dkr.ecr-fips.us-east-2.amazonaws.com/v2/': AUTH,
          'ghcr.io': AUTH,
        },
        credHelpers: { '777788889999.dkr.ecr.us-gov-west-1.amazonaws.com': 'ecr-login' },
      }),
    );
    writeFileSync(
      join(dir, 'containers', 'auth.json'),
      JSON.stringify({ auths: { '666677778888.dkr.ecr.cn-north-1.amazonaws.com.cn': AUTH, 'quay.io': AUTH } }),
    );
    writeFileSync(
      join(dir, 'xdg', 'helm', 'registry', 'config.json'),
      JSON.stringify({ auths: { 'public.ecr.aws': AUTH, '222233334444.dkr-ecr.eu-central-1.on.aws': AUTH } }),
    );
    writeFileSync(
      env.AWS_CONFIG_FILE!,
      '[profile emu]\nregion = eu-west-1\nsso_account_id = 111122223333\nsso_role_name = Dev\nsso_start_url = https://example.awsapps.com/start\nsso_region = eu-west-1\n\n[profile ci]\nrole_arn = arn:aws:iam::222233334444:role/ci\nsource_profile = emu\n\n[profile ci2]\nrole_arn = arn:aws:iam::222233334444:role/admin\nsource_profile = emu\n',
    );
    const k = ui.keeper(undefined, { env });
    return { env, k };
  }

  test('first run lists every ECR host found (no look-alikes), adds the ticked ones with their profile, logs them in, shows the notes', async () => {
    const { k } = machine();
    const w = await ui.open(k);
    const { page, errors } = w;
    await page.locator('.first-run-found .discover[data-loaded="true"]').waitFor();
    const hosts = await page
      .locator('.found-row')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.host));
    assert.deepEqual(hosts, [
      '111122223333.dkr.ecr.eu-west-1.amazonaws.com',
      '222233334444.dkr-ecr.eu-central-1.on.aws',
      '444455556666.dkr.ecr-fips.us-east-2.amazonaws.com',
      '666677778888.dkr.ecr.cn-north-1.amazonaws.com.cn',
      '777788889999.dkr.ecr.us-gov-west-1.amazonaws.com',
      'public.ecr.aws',
    ]);
    const row = (h: string) => page.locator(`.found-row[data-host="${h}"]`);
    assert.match(
      await row('111122223333.dkr.ecr.eu-west-1.amazonaws.com').innerText(),
      /111122223333 · eu-west-1 · profile emu · found in .*docker.config\.json/,
    );
    assert.match(
      await row('222233334444.dkr-ecr.eu-central-1.on.aws').innerText(),
      /profiles ci, ci2 match: choose one after adding/,
    );
    assert.match(
      await row('777788889999.dkr.ecr.us-gov-west-1.amazonaws.com').innerText(),
      /handled by the ecr-login helper/,
    );
    // Leave two out.
    await page.getByLabel(/^public\.ecr\.aws/).uncheck();
    await page.getByLabel(/^666677778888/).uncheck();
    await page.getByRole('button', { name: 'Add 4 registries' }).click();

    // The outcome, with its notes, in the "Add from this machine" view.
    await page.locator('.view-discover:not([hidden]) .found-outcome').waitFor();
    const outcome = await page.locator('.found-outcome').innerText();
    assert.match(
      outcome,
      /Added 111122223333-eu-west-1 \(111122223333\.dkr\.ecr\.eu-west-1\.amazonaws\.com, docker, profile emu\)/,
    );
    assert.match(outcome, /several profiles match account 222233334444 \(ci, ci2\)/);
    assert.match(
      outcome,
      /Added 777788889999-us-gov-west-1 [^\n]*\n+777788889999[^\n]* is handled by the ecr-login credential helper/,
    );
    assert.deepEqual(
      k.keeper
        .registries()
        .map((r) => r.name)
        .sort(),
      [
        '111122223333-eu-west-1',
        '222233334444-eu-central-1-dualstack',
        '444455556666-us-east-2-fips',
        '777788889999-us-gov-west-1',
      ],
    );
    assert.equal(
      k.keeper.registries().find((r) => r.name === '444455556666-us-east-2-fips')!.registryHost,
      '444455556666.dkr.ecr-fips.us-east-2.amazonaws.com',
    );
    // The list now marks them as kept; the two left out can still be added.
    await page.locator('.found-row[data-kept="true"]').nth(3).waitFor();
    assert.equal(await page.locator('.found-row[data-kept="true"]').count(), 4);
    assert.equal(
      await page.locator('.found-row[data-host="public.ecr.aws"][data-kept="false"] input').isChecked(),
      true,
    );

    // Back on the dashboard: logged in at once. This host does not resolve here, so the login
    // fails; the plain-text entry someone else left in docker's file is not "our" login.
    await page.locator('[data-action="discover-done"]').click();
    const c = card(page, '111122223333-eu-west-1');
    await c.locator('.error-panel').waitFor({ timeout: 30_000 });
    assert.equal(
      await c.locator('[data-kind="plaintext-credentials"]').count(),
      0,
      'never logged in: not "Stored unencrypted"',
    );
    // helper-managed: reported, not logged in to.
    await page
      .locator('article.card[data-state="helper-managed"]', {
        has: page.getByText('777788889999-us-gov-west-1', { exact: true }),
      })
      .waitFor({ timeout: 30_000 });
    assert.deepEqual(errors, []);
  });

  test('"Add from this machine" from the header, and the form shows warnings before saving', async () => {
    const { k, env } = machine();
    k.keeper.addRegistry({ name: 'ghosted', region: 'eu-west-9', profile: 'ghost' });
    const w = await ui.open(k);
    const { page, errors } = w;
    await page.locator('#discover-open').click();
    await page.locator('.view-discover:not([hidden]) .discover[data-loaded="true"]').waitFor();
    assert.equal(await page.locator('.found-row').count(), 6);

    // Editing a registry whose profile is not in the AWS files and whose region is newer than the SDK.
    await page.locator('[data-action="discover-done"]').click();
    await card(page, 'ghosted').getByRole('button', { name: /Edit/ }).click();
    await page.getByRole('heading', { name: 'Edit ghosted' }).waitFor();
    await page.locator('.view-form button[type="submit"]').click();
    const summary = page.locator('.form-summary.warnings');
    await summary.waitFor();
    const text = await summary.innerText();
    assert.match(text, /Region: Region "eu-west-9" is not in the region list of this ECR Keeper's AWS SDK/);
    assert.ok(
      text.includes(
        `AWS profile: AWS profile "ghost" is not in ${env.AWS_CONFIG_FILE} or ${env.AWS_SHARED_CREDENTIALS_FILE}`,
      ),
      text,
    );
    assert.equal(await page.locator('.view-form button[type="submit"]').innerText(), 'Save anyway');
    await page.getByLabel('Name').fill('ghost-2');
    // A changed input is checked again (and warned again).
    await page.locator('.view-form button[type="submit"]').click();
    await summary.waitFor();
    await page.locator('.view-form button[type="submit"]').click();
    await card(page, 'ghost-2').waitFor();
    assert.equal(k.keeper.registries()[0].name, 'ghost-2');
    assert.deepEqual(errors, []);
  });
});
