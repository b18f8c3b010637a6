// AWS sign-in from the window in real Chromium, bridged to a real keeper (wired as main.ts wires
// it: MFA through the MfaBroker, `aws sso login` piped): the real SDK against STS, SSO and ECR
// emulators (through AWS_ENDPOINT_URL_STS / _SSO / _SSO_OIDC and apiEndpoint), the real docker
// CLI against the loopback registry, and a stand-in AWS CLI v2 script on PATH for `aws sso login`
// that writes the SSO token cache where the real one does. Every key here is fake.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright';
import { startEcrEmulator, type EcrEmulator } from '../fixtures/ecr-emulator';
import { writeFakeAwsCli } from '../fixtures/fake-aws-cli';
import { startSsoEmulator, type SsoEmulator } from '../fixtures/sso-emulator';
import { startStsEmulator, type StsEmulator } from '../fixtures/sts-emulator';
import { needTools, TOOLS } from '../fixtures/tools';
import { buildRenderer, launch, serve, type Site } from './harness';
import { card, openWindow } from './page';
import {
  ACCOUNT,
  KEY_ID,
  keeperFor,
  SECRET,
  stackRegistry,
  startStack,
  type KeeperUnderTest,
  type Stack,
} from './stack';

const skip = needTools(TOOLS.chromium, TOOLS.docker, TOOLS.registry);

const MFA = { accessKeyId: 'ASIAMFAROLEEXAMPLE03', secretAccessKey: 'fakeMfaRoleSecretEXAMPLEKEY000000000003' };
const SSO = { accessKeyId: 'ASIASSOROLEEXAMPLE04', secretAccessKey: 'fakeSsoRoleSecretEXAMPLEKEY000000000004' };
const MFA_SERIAL = `arn:aws:iam::${ACCOUNT}:mfa/dev-phone`;
const MFA_CODE = '246810';

// The SDK reads these (and the SSO token cache under HOME) from process.env whatever env is passed.
const VARS = ['HOME', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_SSO', 'AWS_ENDPOINT_URL_SSO_OIDC'];

describe('AWS sign-in in the window: MFA dialog and SSO sign-in', { skip }, () => {
  const saved = new Map(VARS.map((k) => [k, process.env[k]]));
  let stack: Stack;
  let site: Site;
  let browser: Browser;
  let sts: StsEmulator;
  let sso: SsoEmulator;
  let ecrMfa: EcrEmulator;
  let ecrSso: EcrEmulator;
  let home = '';
  let bin = '';
  let tokenFile = '';
  let callsLog = '';
  let env: NodeJS.ProcessEnv;
  const keepers: KeeperUnderTest[] = [];

  before(async () => {
    site = await serve(buildRenderer());
    browser = await launch();
    home = mkdtempSync(join(tmpdir(), 'ek-ui-signin-'));
    bin = join(home, 'bin');
    mkdirSync(bin);
    mkdirSync(join(home, '.aws', 'sso', 'cache'), { recursive: true });
    process.env.HOME = home;
    stack = await startStack();
    sts = await startStsEmulator({
      accountId: ACCOUNT,
      principals: { [KEY_ID]: SECRET },
      roles: {
        [`arn:aws:iam::${ACCOUNT}:role/mfa`]: {
          issue: MFA,
          trusted: [KEY_ID],
          mfa: { serial: MFA_SERIAL, code: MFA_CODE },
        },
      },
    });
    sso = await startSsoEmulator({
      tokens: { 'fresh-sso-access-token': [{ accountId: ACCOUNT, roleName: 'EcrPull', issue: SSO }] },
    });
    // ECR emulators that accept only the role's and the SSO role's keys: a token proves which
    // credentials were used. Their password is the loopback registry's, so docker login works.
    ecrMfa = await startEcrEmulator({ ...MFA, accountId: ACCOUNT, password: stack.registry.password });
    ecrSso = await startEcrEmulator({ ...SSO, accountId: ACCOUNT, password: stack.registry.password });
    process.env.AWS_ENDPOINT_URL_STS = sts.url;
    process.env.AWS_ENDPOINT_URL_SSO = sso.url;
    process.env.AWS_ENDPOINT_URL_SSO_OIDC = sso.url;

    // Profiles next to the stack's own (emu holds the static keys the role trusts).
    appendFileSync(
      stack.env.AWS_CONFIG_FILE!,
      [
        '[profile mfa]',
        `role_arn = arn:aws:iam::${ACCOUNT}:role/mfa`,
        'source_profile = emu',
        `mfa_serial = ${MFA_SERIAL}`,
        'region = eu-west-1',
        '[profile dev-sso]',
        'sso_session = corp',
        `sso_account_id = ${ACCOUNT}`,
        'sso_role_name = EcrPull',
        'region = eu-west-1',
        '[sso-session corp]',
        'sso_start_url = https://corp.example.awsapps.com/start',
        'sso_region = us-east-1',
        '',
      ].join('\n'),
    );

    // The stand-in AWS CLI v2; its sign-in takes a moment, as a browser sign-in does.
    ({ tokenFile, callsLog } = writeFakeAwsCli(home, bin, { delaySeconds: 1 }));
    env = {
      ...stack.env,
      HOME: home,
      PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_ENDPOINT_URL_SSO: sso.url,
      AWS_ENDPOINT_URL_SSO_OIDC: sso.url,
    };
  });

  after(async () => {
    await browser?.close();
    for (const k of keepers) await k.stop();
    await Promise.all([sts, sso, ecrMfa, ecrSso].map((s) => s?.stop()));
    await stack?.stop();
    await site?.close();
    if (home) rmSync(home, { recursive: true, force: true });
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  beforeEach(() => {
    sts.calls.length = 0;
    sso.calls.length = 0;
    ecrMfa.calls.length = 0;
    ecrSso.calls.length = 0;
    rmSync(tokenFile, { force: true });
    rmSync(callsLog, { force: true });
  });

  function keeper(extra: NodeJS.ProcessEnv = {}): KeeperUnderTest {
    const k = keeperFor(stack, undefined, { env: { ...env, ...extra } });
    keepers.push(k);
    return k;
  }

  const dialog = (page: Page) => page.getByRole('dialog', { name: 'MFA code needed' });

  test('MFA: the dialog asks for the code on Refresh; bad input is refused inline, a wrong code and Cancel leave clear errors, the right code logs in', async () => {
    const k = keeper();
    k.keeper.addRegistry(stackRegistry(stack, 'mfa-reg', { profile: 'mfa', apiEndpoint: ecrMfa.url }));
    const w = await openWindow(browser, site, k);
    const { page, bridge } = w;
    const c = card(page, 'mfa-reg');

    await c.getByRole('button', { name: 'Refresh mfa-reg' }).click();
    const d = dialog(page);
    await d.waitFor();
    // A modal dialog naming the profile and device, focus in its labelled code field.
    assert.equal(
      await page.locator('dialog#mfa').evaluate((el) => (el as HTMLDialogElement).open && el.matches(':modal')),
      true,
    );
    assert.equal(await d.locator('[data-slot="profile"]').innerText(), 'mfa');
    assert.equal(await d.locator('[data-slot="serial"]').innerText(), MFA_SERIAL);
    const code = d.getByLabel('6-digit code');
    assert.equal(await code.evaluate((el) => el === document.activeElement), true, 'focus in the code field');
    assert.equal(await code.getAttribute('inputmode'), 'numeric');
    assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
    assert.equal(await c.getAttribute('aria-busy'), 'true', 'the refresh waits for the code');

    // Malformed input never leaves the window: an inline error tied to the field, dialog stays.
    await d.getByRole('button', { name: 'Continue' }).click();
    const err = d.locator('#mfa-error');
    assert.match(await err.innerText(), /Enter the 6-digit code/);
    for (const bad of ['12345', '12a456', '1234567']) {
      await code.fill(bad);
      await code.press('Enter');
      assert.match(await err.innerText(), /The code is 6 digits/, bad);
      assert.equal(await code.getAttribute('aria-invalid'), 'true');
      assert.ok((await code.getAttribute('aria-describedby'))!.split(' ').includes('mfa-error'));
    }
    assert.equal(await err.getAttribute('role'), 'alert');
    assert.equal(await d.isVisible(), true);
    assert.equal(bridge.calls.includes('mfa:answer'), false, 'nothing was sent');
    assert.equal(sts.calls.length, 0);

    // A wrong code: STS refuses it; the card says so with the fix, and offers to try again.
    await code.fill('111111');
    await code.press('Enter');
    await d.waitFor({ state: 'hidden' });
    await c.locator('.error-panel[data-category="mfa-required"]').waitFor({ timeout: 30_000 });
    let snap = k.keeper.snapshot().registries[0];
    assert.equal(snap.error?.category, 'mfa-required');
    assert.deepEqual(
      sts.calls.map((x) => [x.serialNumber, x.tokenCode, x.outcome === 'ok']),
      [[MFA_SERIAL, '111111', false]],
    );
    assert.equal(await c.getAttribute('data-state'), 'signin-required');
    assert.equal(await c.locator('.error-category').innerText(), 'MFA code needed');
    assert.equal(await c.locator('.error-message').innerText(), snap.error.message);
    assert.match(snap.error.message, /did not accept the MFA code/);
    assert.equal(await c.locator('.error-panel .fix').innerText(), `Fix: ${snap.error.fix}`);
    assert.equal(await c.getByRole('button', { name: /^Sign in/ }).count(), 0, 'MFA is not an SSO sign-in');
    assert.ok(!(await c.innerText()).includes('aws sso login'));
    assert.equal(ecrMfa.calls.length, 0);

    // Cancel: the refresh ends at once with a clear "no code entered" error; nothing is left waiting.
    const enter = c.getByRole('button', { name: 'Enter MFA code for mfa-reg' });
    await enter.click();
    await d.waitFor();
    await d.getByRole('button', { name: 'Cancel' }).click();
    await d.waitFor({ state: 'hidden' });
    await page.waitForFunction(() => document.querySelector('article.card')?.getAttribute('aria-busy') === 'false');
    snap = k.keeper.snapshot().registries[0]!;
    assert.equal(snap.error?.category, 'mfa-required');
    assert.match(snap.error.message, /No MFA code was entered/);
    await c.locator('.error-message', { hasText: 'No MFA code was entered' }).waitFor();
    assert.equal(await c.getByRole('button', { name: 'Refresh mfa-reg' }).isDisabled(), false);
    assert.equal(await c.evaluate((el) => el.contains(document.activeElement)), true, 'focus returns to the card');
    assert.deepEqual(k.mfa.waiting(), [], 'no prompt left pending');
    assert.equal(sts.calls.length, 1, 'cancel sent nothing to AWS');

    // Escape is Cancel too.
    await c.getByRole('button', { name: 'Enter MFA code for mfa-reg' }).click();
    await d.waitFor();
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'hidden' });
    await page.waitForFunction(() => document.querySelector('article.card')?.getAttribute('aria-busy') === 'false');
    assert.deepEqual(k.mfa.waiting(), []);
    assert.equal(sts.calls.length, 1);

    // The right code (typed as an authenticator shows it, with a space): logged in with the role's keys.
    await c.getByRole('button', { name: 'Enter MFA code for mfa-reg' }).click();
    await d.waitFor();
    assert.equal(await code.inputValue(), '', 'a fresh field each time');
    assert.equal(await d.locator('#mfa-error').isVisible(), false);
    await code.fill('246 810');
    await d.getByRole('button', { name: 'Continue' }).click();
    await d.waitFor({ state: 'hidden' });
    await c.locator('.badge', { hasText: 'Valid' }).waitFor({ timeout: 30_000 });
    assert.equal(await c.getAttribute('data-state'), 'valid');
    assert.equal(await c.locator('.error-panel').count(), 0);
    assert.deepEqual(sts.calls.map((x) => [x.tokenCode, x.outcome]).at(-1), [MFA_CODE, 'ok']);
    assert.deepEqual(
      ecrMfa.calls.map((x) => x.accessKeyId),
      [MFA.accessKeyId],
    );
    assert.equal(await c.evaluate((el) => el.contains(document.activeElement)), true, 'focus back in the card');

    // The session is reused: another refresh asks nothing.
    await c.getByRole('button', { name: 'Refresh mfa-reg' }).click();
    await page.waitForFunction(() => document.querySelector('article.card')?.getAttribute('aria-busy') === 'false');
    assert.equal(await d.isVisible(), false);
    assert.equal(sts.calls.length, 2);
    assert.equal(await c.getAttribute('data-state'), 'valid');
    assert.deepEqual(w.errors, []);
    await w.close();
  });

  test('MFA requests from two registries are asked one after the other', async () => {
    // A second role-chain profile with its own device would need another STS role; two registries on
    // the same profile share one prompt, so queueing is checked with the event the main process sends.
    const k = keeper();
    const w = await openWindow(browser, site, k);
    const { page, bridge } = w;
    await bridge.emit('mfa:request', {
      requestId: 'req-one',
      profile: 'alpha',
      mfaSerial: 'arn:aws:iam::111122223333:mfa/one',
    });
    await bridge.emit('mfa:request', {
      requestId: 'req-two',
      profile: 'beta',
      mfaSerial: 'arn:aws:iam::111122223333:mfa/two',
    });
    const d = dialog(page);
    await d.waitFor();
    assert.equal(await d.locator('[data-slot="profile"]').innerText(), 'alpha');
    assert.match(await d.innerText(), /1 more MFA request after this one/);
    await d.getByRole('button', { name: 'Cancel' }).click();
    // The broker knows neither id: each answer is refused (false) and the window says the request ended.
    await d.locator('[data-slot="profile"]', { hasText: 'beta' }).waitFor();
    assert.equal(await d.isVisible(), true);
    await d.getByRole('button', { name: 'Cancel' }).click();
    await d.waitFor({ state: 'hidden' });
    assert.deepEqual(bridge.calls.filter((c) => c === 'mfa:answer').length, 2);
    await page.locator('#status', { hasText: /had already ended/ }).waitFor();
    assert.deepEqual(w.errors, []);
    await w.close();
  });

  test('an MFA request that ended unanswered (timed out) closes its dialog and says so', async () => {
    const k = keeper();
    const w = await openWindow(browser, site, k);
    const { page, bridge } = w;
    await bridge.emit('mfa:request', {
      requestId: 'req-late',
      profile: 'alpha',
      mfaSerial: 'arn:aws:iam::111122223333:mfa/one',
    });
    const d = dialog(page);
    await d.waitFor();
    await bridge.emit('mfa:ended', { requestId: 'req-late', reason: 'timeout' });
    await d.waitFor({ state: 'hidden' });
    await page.locator('#status', { hasText: /timed out after 5 minutes/ }).waitFor();
    assert.equal(bridge.calls.filter((c) => c === 'mfa:answer').length, 0, 'nothing answered for an ended request');
    assert.deepEqual(w.errors, []);
    await w.close();
  });

  test('SSO: a signed-out card offers Sign in, which runs aws sso login and leaves the card valid', async () => {
    const k = keeper();
    k.keeper.addRegistry(stackRegistry(stack, 'sso-reg', { profile: 'dev-sso', apiEndpoint: ecrSso.url }));
    const w = await openWindow(browser, site, k);
    const { page } = w;
    const c = card(page, 'sso-reg');
    await c.getByRole('button', { name: 'Refresh sso-reg' }).click();
    await c.locator('.error-panel[data-category="signin-required"]').waitFor({ timeout: 30_000 });
    assert.equal(await c.locator('.badge').innerText(), '! Sign-in needed');
    assert.equal(await c.locator('.error-panel .fix').innerText(), 'Fix: Run: aws sso login --profile dev-sso');
    assert.equal(sso.calls.length + ecrSso.calls.length, 0, 'no API call while signed out');

    const signIn = c.getByRole('button', { name: 'Sign in to dev-sso' });
    assert.equal(
      await signIn.evaluate((el) => el.firstChild?.textContent),
      'Sign in',
      'the visible label; the profile is for screen readers',
    );
    await signIn.click();
    // While the AWS CLI waits for the browser: a busy button (still focused) and what to do.
    await c.getByText('Finish signing in in the browser window').waitFor();
    assert.equal(await c.locator('[data-action="sign-in"]').getAttribute('aria-busy'), 'true');
    assert.equal(await c.locator('[data-action="sign-in"]').evaluate((el) => el === document.activeElement), true);

    await c.locator('.badge', { hasText: 'Valid' }).waitFor({ timeout: 30_000 });
    assert.equal(await c.getAttribute('data-state'), 'valid');
    assert.equal(await c.locator('.error-panel').count(), 0);
    assert.equal(readFileSync(callsLog, 'utf8').trim(), 'sso login --profile dev-sso');
    assert.ok(existsSync(tokenFile));
    assert.deepEqual(
      sso.calls.map((x) => [x.op, x.roleName, x.status]),
      [['GetRoleCredentials', 'EcrPull', 200]],
    );
    assert.deepEqual(
      ecrSso.calls.map((x) => x.accessKeyId),
      [SSO.accessKeyId],
    );
    // What the AWS CLI printed (with no terminal to show it in) is in the activity log.
    assert.ok(
      k.keeper.activity().some((e) => e.kind === 'signin' && /Successfully logged into Start URL/.test(e.message)),
    );
    assert.deepEqual(w.errors, []);
    await w.close();
  });

  test('SSO: a failed sign-in shows why and the command to run, and the card stays signed out', async () => {
    const k = keeper({ FAKE_AWS_FAIL: '1' });
    k.keeper.addRegistry(stackRegistry(stack, 'sso-fail', { profile: 'dev-sso', apiEndpoint: ecrSso.url }));
    await k.keeper.refresh('sso-fail');
    const w = await openWindow(browser, site, k);
    const { page } = w;
    const c = card(page, 'sso-fail');
    await c.getByRole('button', { name: 'Sign in to dev-sso' }).click();
    const failed = c.locator('[data-role="signin-error"]');
    await failed.waitFor({ timeout: 30_000 });
    assert.match(
      await failed.innerText(),
      /Sign-in failed: AWS SSO sign-in for profile "dev-sso" failed \(exit 255\).*refresh failed/,
    );
    assert.match(
      await failed.innerText(),
      /Fix: Run aws sso login --profile dev-sso in a terminal to see what went wrong\./,
    );
    assert.equal(await c.getAttribute('data-state'), 'signin-required');
    assert.equal(await c.locator('[data-action="sign-in"]').getAttribute('aria-busy'), null, 'ready to try again');
    assert.equal(await c.locator('[data-action="sign-in"]').evaluate((el) => el === document.activeElement), true);
    assert.equal(ecrSso.calls.length, 0);
    assert.deepEqual(w.errors, []);
    await w.close();
  });

  test('SSO: Settings signs in to any SSO profile (no failed card needed), then its registries are refreshed', async () => {
    const k = keeper();
    // Never refreshed: no card offers a sign-in yet.
    k.keeper.addRegistry(stackRegistry(stack, 'sso-any', { profile: 'dev-sso', apiEndpoint: ecrSso.url }));
    const w = await openWindow(browser, site, k);
    const { page } = w;
    await page.getByRole('button', { name: 'Settings' }).click();
    const select = page.getByLabel('SSO profile');
    // The list arrives from the main process after the view opens: read it once it has.
    await select.locator('option', { hasText: 'dev-sso' }).waitFor({ state: 'attached' });
    assert.deepEqual(await select.locator('option').allInnerTexts(), ['dev-sso'], 'only SSO profiles are offered');
    await page.locator('[data-action="sso-signin"]').click();
    await page.locator('[data-role="sso-status"]', { hasText: 'Signed in to dev-sso' }).waitFor({ timeout: 30_000 });
    assert.equal(readFileSync(callsLog, 'utf8').trim(), 'sso login --profile dev-sso');
    assert.equal(k.keeper.snapshot().registries[0].state, 'valid');
    assert.deepEqual(
      ecrSso.calls.map((x) => x.accessKeyId),
      [SSO.accessKeyId],
    );
    assert.deepEqual(w.errors, []);
    await w.close();
  });
});
