// Sign-in end to end: the keeper with the real token source (real SDK) against SSO, STS and ECR
// emulators; `aws sso login` played by a stand-in AWS CLI v2 script that writes the SSO token
// cache exactly where the real one does; the installed AWS CLI (v1 here) for version detection;
// and the CLI itself as a subprocess without a terminal (MFA must not hang).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import { KeeperError } from '../../src/core/errors';
import { Keeper, type LoginProvider } from '../../src/core/keeper';
import type { MfaPrompt } from '../../src/core/mfa';
import { openSettings } from '../../src/core/settings';
import { createSignIn, detectAwsCli, runSsoLogin } from '../../src/core/signin';
import { createTokenSource } from '../../src/core/tokens';
import { isolateAwsEnv } from '../fixtures/aws-env';
import { startEcrEmulator, type EcrEmulator } from '../fixtures/ecr-emulator';
import { writeFakeAwsCli } from '../fixtures/fake-aws-cli';
import { startSsoEmulator, type SsoEmulator } from '../fixtures/sso-emulator';
import { startStsEmulator, type StsEmulator } from '../fixtures/sts-emulator';
import { TOOLS, needTools, which } from '../fixtures/tools';
import { confOpener } from '../helpers/keeper-harness';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ACCOUNT = '111122223333';
const BASE = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const SSO = { accessKeyId: 'ASIASSOROLEEXAMPLE04', secretAccessKey: 'fakeSsoRoleSecretEXAMPLEKEY000000000004' };
const MFA = { accessKeyId: 'ASIAMFAROLEEXAMPLE03', secretAccessKey: 'fakeMfaRoleSecretEXAMPLEKEY000000000003' };
const MFA_SERIAL = `arn:aws:iam::${ACCOUNT}:mfa/dev-phone`;
const PASSWORD = 'fake-ecr-password-for-tests';

let restoreEnv = () => {};

let home = '';
let bin = '';
let sso: SsoEmulator;
let sts: StsEmulator;
let ecrSso: EcrEmulator;
let ecrMfa: EcrEmulator;
let tokenFile = '';

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'ek-signin-'));
  bin = join(home, 'bin');
  mkdirSync(bin);
  mkdirSync(join(home, '.aws', 'sso', 'cache'), { recursive: true });
  restoreEnv = isolateAwsEnv(['HOME'], ['PATH']);
  process.env.HOME = home;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  sso = await startSsoEmulator({
    tokens: { 'fresh-sso-access-token': [{ accountId: ACCOUNT, roleName: 'EcrPull', issue: SSO }] },
  });
  sts = await startStsEmulator({
    accountId: ACCOUNT,
    principals: { [BASE.accessKeyId]: BASE.secretAccessKey },
    roles: { [`arn:aws:iam::${ACCOUNT}:role/mfa`]: { issue: MFA, mfa: { serial: MFA_SERIAL, code: '246810' } } },
  });
  // Tokens live ten minutes, so every manual refresh fetches a new one (and would need credentials).
  ecrSso = await startEcrEmulator({ ...SSO, accountId: ACCOUNT, password: PASSWORD, tokenLifetimeSeconds: 600 });
  ecrMfa = await startEcrEmulator({ ...MFA, accountId: ACCOUNT, password: PASSWORD, tokenLifetimeSeconds: 600 });
  process.env.AWS_ENDPOINT_URL_SSO = sso.url;
  process.env.AWS_ENDPOINT_URL_SSO_OIDC = sso.url;
  process.env.AWS_ENDPOINT_URL_STS = sts.url;
  writeFileSync(
    join(home, '.aws', 'credentials'),
    `[base]\naws_access_key_id = ${BASE.accessKeyId}\naws_secret_access_key = ${BASE.secretAccessKey}\n`,
  );
  writeFileSync(
    join(home, '.aws', 'config'),
    [
      '[profile dev-sso]',
      'sso_session = corp',
      `sso_account_id = ${ACCOUNT}`,
      'sso_role_name = EcrPull',
      'region = eu-west-1',
      '[sso-session corp]',
      'sso_start_url = https://corp.example.awsapps.com/start',
      'sso_region = us-east-1',
      '[profile mfa]',
      `role_arn = arn:aws:iam::${ACCOUNT}:role/mfa`,
      'source_profile = base',
      `mfa_serial = ${MFA_SERIAL}`,
      '[profile base]',
      'region = eu-west-1',
      '',
    ].join('\n'),
  );
  ({ tokenFile } = writeFakeAwsCli(home, bin));
});

after(async () => {
  await Promise.all([sso, sts, ecrSso, ecrMfa].map((s) => s?.stop()));
  if (home) rmSync(home, { recursive: true, force: true });
  restoreEnv();
});

beforeEach(() => {
  sso.calls.length = 0;
  sts.calls.length = 0;
  ecrSso.calls.length = 0;
  ecrMfa.calls.length = 0;
  rmSync(tokenFile, { force: true });
  rmSync(join(home, 'aws-calls.log'), { force: true });
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, ...extra };
}

function makeKeeper(opts: { env?: NodeJS.ProcessEnv; mfaPrompt?: MfaPrompt } = {}) {
  const e = opts.env ?? env();
  const dir = mkdtempSync(join(home, 'config-'));
  const opened = openSettings(confOpener, dir);
  const logins: { host: string; password: string }[] = [];
  // The docker side is covered elsewhere (signin-public, login tests); here what matters is which
  // credentials reached ECR, so the login is a recording stand-in.
  const login: LoginProvider = {
    login(r) {
      logins.push({ host: r.host, password: r.password });
      return Promise.resolve({ warnings: [] });
    },
  };
  const keeper = new Keeper({
    settings: opened.repo,
    state: opened.state,
    tokens: createTokenSource({ env: e, requestTimeoutMs: 5000, mfaPrompt: opts.mfaPrompt }),
    login,
    signIn: createSignIn({ env: e }),
    random: () => 0.5,
  });
  return { keeper, logins };
}

describe('AWS SSO sign-in', () => {
  it('expired SSO: signin-required with the command; signIn runs aws sso login and refreshes that profile only', async () => {
    const { keeper, logins } = makeKeeper();
    keeper.addRegistry({
      name: 'eu',
      region: 'eu-west-1',
      accountId: ACCOUNT,
      profile: 'dev-sso',
      apiEndpoint: ecrSso.url,
    });
    keeper.addRegistry({
      name: 'us',
      region: 'us-east-1',
      accountId: ACCOUNT,
      profile: 'dev-sso',
      apiEndpoint: ecrSso.url,
    });
    keeper.addRegistry({
      name: 'other',
      region: 'eu-west-1',
      accountId: '999988887777',
      profile: 'mfa',
      apiEndpoint: ecrMfa.url,
      enabled: false,
    });
    const before = await keeper.refreshAll();
    assert.deepEqual(
      before.map((r) => r.state),
      ['signin-required', 'signin-required'],
    );
    assert.equal(before[0].error?.fix, 'Run: aws sso login --profile dev-sso');
    assert.equal(sso.calls.length + ecrSso.calls.length, 0, 'no API call while signed out');

    const after = await keeper.signIn('dev-sso');
    // Ten-minute emulator tokens count as 'expiring'; what matters is a fresh login and no error.
    assert.deepEqual(
      after.map((r) => [r.name, r.error, Boolean(r.expiresAt)]),
      [
        ['eu', null, true],
        ['us', null, true],
      ],
    );
    assert.equal(readFileSync(join(home, 'aws-calls.log'), 'utf8').trim(), 'sso login --profile dev-sso');
    assert.equal(
      sso.calls.filter((c) => c.op === 'GetRoleCredentials').length,
      1,
      'one role-credentials call serves both regions',
    );
    assert.deepEqual(ecrSso.calls.map((c) => [c.region, c.accessKeyId]).sort(), [
      ['eu-west-1', SSO.accessKeyId],
      ['us-east-1', SSO.accessKeyId],
    ]);
    assert.deepEqual(logins.map((l) => l.host).sort(), [
      `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`,
      `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
    ]);
    assert.ok(keeper.activity().some((a) => /Signed in to AWS SSO for profile dev-sso/.test(a.message)));
  });

  it('a failed aws sso login is signin-required with its last line and the manual command', async () => {
    const { keeper } = makeKeeper({ env: env({ FAKE_AWS_FAIL: '1' }) });
    await assert.rejects(keeper.signIn('dev-sso'), (e: unknown) => {
      assert.ok(e instanceof KeeperError);
      assert.equal(e.category, 'signin-required');
      assert.match(e.message, /exit 255.*refresh failed/);
      assert.equal(e.fix, 'Run aws sso login --profile dev-sso in a terminal to see what went wrong.');
      return true;
    });
    assert.ok(keeper.activity().some((a) => a.kind === 'failure'));
  });

  it('sign-in to a profile that is not SSO, or does not exist, is refused before running anything', async () => {
    await assert.rejects(
      runSsoLogin('mfa', { env: env() }),
      (e: unknown) => e instanceof KeeperError && e.category === 'invalid-input' && /MFA/.test(e.fix),
    );
    await assert.rejects(
      runSsoLogin('ghost', { env: env() }),
      (e: unknown) => e instanceof KeeperError && e.category === 'profile-not-found',
    );
    await assert.rejects(
      runSsoLogin('--debug', { env: env() }),
      (e: unknown) => e instanceof KeeperError && e.category === 'invalid-input',
    );
    assert.equal(existsSync(join(home, 'aws-calls.log')), false);
  });

  it('a missing AWS CLI is tool-missing', async () => {
    await assert.rejects(
      detectAwsCli({ env: env(), awsPath: join(home, 'no-such-aws') }),
      (e: unknown) => e instanceof KeeperError && e.category === 'tool-missing' && /Install AWS CLI v2/.test(e.fix),
    );
  });

  const realAws = which('aws');
  it('the installed AWS CLI: v1 is reported as too old for aws sso login', { skip: needTools(TOOLS.aws) }, async () => {
    try {
      const cli = await detectAwsCli({ awsPath: realAws!, env: process.env });
      assert.ok(cli.major >= 2, `v2 installed (${cli.version}): nothing to refuse`);
    } catch (e) {
      assert.ok(e instanceof KeeperError);
      assert.equal(e.category, 'tool-missing');
      assert.match(e.message, /version 1\.\d+\.\d+; AWS SSO sign-in \(aws sso login\) needs version 2/);
    }
  });
});

describe('MFA through the keeper', () => {
  it('the prompt is asked once for three refreshes (credentials reused, in memory)', async () => {
    let asked = 0;
    const { keeper } = makeKeeper({
      mfaPrompt: () => {
        asked += 1;
        return Promise.resolve('246810');
      },
    });
    keeper.addRegistry({ name: 'm', region: 'eu-west-1', accountId: ACCOUNT, profile: 'mfa', apiEndpoint: ecrMfa.url });
    for (let i = 0; i < 3; i++) assert.equal((await keeper.refresh('m')).error, null);
    assert.equal(asked, 1);
    assert.equal(sts.calls.length, 1);
    assert.equal(ecrMfa.calls.length, 3, 'each refresh fetched a new ECR token');
  });
});

function cli(
  args: string[],
  extraEnv: NodeJS.ProcessEnv,
  opts: { untilOutput?: RegExp } = {},
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'ecr-keeper.ts'), ...args], {
      cwd: ROOT,
      env: extraEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    kill.unref();
    let stopping = false;
    // A moment's grace after the awaited line: the CLI sets up its signal handlers as it starts.
    const check = () => {
      if (stopping || !opts.untilOutput?.test(stdout + stderr)) return;
      stopping = true;
      setTimeout(() => child.kill('SIGTERM'), 500);
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      check();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      check();
    });
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('the CLI without a terminal', () => {
  it('login of an MFA registry fails fast with signin-required; watch logs it and keeps running', async () => {
    const e = env({ ECR_KEEPER_CONFIG_DIR: mkdtempSync(join(home, 'cli-')) });
    const add = await cli(
      ['add', 'm', '--region', 'eu-west-1', '--account', ACCOUNT, '--profile', 'mfa', '--api-endpoint', ecrMfa.url],
      e,
    );
    assert.equal(add.code, 0, add.stderr);
    const login = await cli(['login', 'm'], e);
    assert.equal(login.code, 1);
    assert.match(login.stderr, /signin-required: AWS profile "mfa" needs an MFA code .* no terminal/);
    assert.match(login.stderr, /fix: Run ecr-keeper watch in a terminal/);
    assert.equal(sts.calls.length, 0);
    // The registry is in backoff after the failed login; watch reports its state without hanging.
    const watch = await cli(['watch'], e, { untilOutput: / m: .*no terminal/ });
    assert.match(watch.stdout, / m: .*no terminal/);
    assert.match(watch.stdout, /stopped/);
    assert.equal(watch.code, 0, 'stopped cleanly by SIGTERM, not stuck on a prompt');
  });

  it("signin PROFILE runs aws sso login and reports the profile's registries", async () => {
    const e = env({ ECR_KEEPER_CONFIG_DIR: mkdtempSync(join(home, 'cli-')) });
    const r = await cli(['signin', 'dev-sso'], e);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Signed in to AWS SSO for profile dev-sso/);
    assert.match(r.stdout, /No enabled registry uses profile dev-sso/);
    assert.ok(existsSync(tokenFile));
    const bad = await cli(['signin', 'mfa'], e);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /does not use AWS SSO/);
  });
});
