// Per-registry AWS profiles end to end: the real SDK credential providers reading a temporary
// HOME (config, credentials, SSO token cache), talking to STS, SSO and ECR emulators on loopback
// through the SDK's own endpoint settings (AWS_ENDPOINT_URL_STS / _SSO / _SSO_OIDC, a profile's
// services section, apiEndpoint). Every key here is fake.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { KeeperError } from '../../src/core/errors';
import { terminalMfaPrompt, type MfaPrompt } from '../../src/core/mfa';
import { createTokenSource, type TokenRequest, type TokenSourceOptions } from '../../src/core/tokens';
import { isolateAwsEnv } from '../fixtures/aws-env';
import { startEcrEmulator, type EcrEmulator } from '../fixtures/ecr-emulator';
import { startSsoEmulator, type SsoEmulator } from '../fixtures/sso-emulator';
import { startStsEmulator, type StsEmulator } from '../fixtures/sts-emulator';

const ACCOUNT = '111122223333';
const BASE = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const ROLE1 = { accessKeyId: 'ASIAROLEONEEXAMPLE01', secretAccessKey: 'fakeRoleOneSecretEXAMPLEKEY0000000000001' };
const ROLE2 = { accessKeyId: 'ASIAROLETWOEXAMPLE02', secretAccessKey: 'fakeRoleTwoSecretEXAMPLEKEY0000000000002' };
const MFA = { accessKeyId: 'ASIAMFAROLEEXAMPLE03', secretAccessKey: 'fakeMfaRoleSecretEXAMPLEKEY000000000003' };
const SSO = { accessKeyId: 'ASIASSOROLEEXAMPLE04', secretAccessKey: 'fakeSsoRoleSecretEXAMPLEKEY000000000004' };
const WEB = { accessKeyId: 'ASIAWEBROLEEXAMPLE05', secretAccessKey: 'fakeWebRoleSecretEXAMPLEKEY000000000005' };
const MFA_SERIAL = `arn:aws:iam::${ACCOUNT}:mfa/dev-phone`;
const MFA_CODE = '123456';
const PASSWORD = 'fake-ecr-password-for-tests';

let restoreEnv = () => {};

let home = '';
let sts: StsEmulator;
let sso: SsoEmulator;
let ecrBase: EcrEmulator;
let ecrChain: EcrEmulator;
let ecrMfa: EcrEmulator;
let ecrSso: EcrEmulator;
let ecrWeb: EcrEmulator;

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function source(extra: TokenSourceOptions = {}) {
  return createTokenSource({ env: process.env, requestTimeoutMs: 5000, ...extra });
}
const req = (profile: string, ecr: EcrEmulator, region = 'eu-west-1'): TokenRequest => ({
  kind: 'private',
  region,
  profile,
  apiEndpoint: ecr.url,
});

async function failure(p: Promise<unknown>): Promise<KeeperError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof KeeperError, `a KeeperError, got ${String(err)}`);
    assert.ok(err.fix.length > 0 && !err.fix.includes('\n'), 'a one-line fix');
    for (const secret of [BASE.secretAccessKey, PASSWORD, MFA_CODE]) {
      assert.ok(!err.message.includes(secret) && !err.fix.includes(secret), 'no secret in the error');
    }
    return err;
  }
  assert.fail('expected a failure');
}

function allCalls(): number {
  return [ecrBase, ecrChain, ecrMfa, ecrSso, ecrWeb].reduce((n, e) => n + e.calls.length, 0);
}

before(async () => {
  restoreEnv = isolateAwsEnv(['HOME']);
  home = mkdtempSync(join(tmpdir(), 'ecr-keeper-aws-home-'));
  process.env.HOME = home;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';

  sts = await startStsEmulator({
    accountId: ACCOUNT,
    principals: { [BASE.accessKeyId]: BASE.secretAccessKey },
    roles: {
      [`arn:aws:iam::${ACCOUNT}:role/first`]: { issue: ROLE1, trusted: [BASE.accessKeyId] },
      [`arn:aws:iam::${ACCOUNT}:role/second`]: { issue: ROLE2, trusted: [ROLE1.accessKeyId] },
      [`arn:aws:iam::${ACCOUNT}:role/mfa`]: {
        issue: MFA,
        trusted: [BASE.accessKeyId],
        mfa: { serial: MFA_SERIAL, code: MFA_CODE },
      },
      [`arn:aws:iam::${ACCOUNT}:role/web`]: { issue: WEB, webIdentityToken: 'fake-oidc-jwt-for-tests' },
    },
  });
  sso = await startSsoEmulator({
    tokens: { 'fake-sso-access-token': [{ accountId: ACCOUNT, roleName: 'EcrPull', issue: SSO }] },
  });
  const ecr = (keys: { accessKeyId: string; secretAccessKey: string }) =>
    startEcrEmulator({ ...keys, accountId: ACCOUNT, password: PASSWORD });
  [ecrBase, ecrChain, ecrMfa, ecrSso, ecrWeb] = await Promise.all([
    ecr(BASE),
    ecr(ROLE2),
    ecr(MFA),
    ecr(SSO),
    ecr(WEB),
  ]);
  process.env.AWS_ENDPOINT_URL_STS = sts.url;
  process.env.AWS_ENDPOINT_URL_SSO = sso.url;
  process.env.AWS_ENDPOINT_URL_SSO_OIDC = sso.url;

  const aws = join(home, '.aws');
  mkdirSync(join(aws, 'sso', 'cache'), { recursive: true });
  writeFileSync(join(home, 'web-token'), 'fake-oidc-jwt-for-tests');
  writeFileSync(
    join(home, 'creds.cjs'),
    `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(BASE.accessKeyId)}, SecretAccessKey: ${JSON.stringify(BASE.secretAccessKey)} }));\n`,
  );
  writeFileSync(
    join(aws, 'credentials'),
    `[base]\naws_access_key_id = ${BASE.accessKeyId}\naws_secret_access_key = ${BASE.secretAccessKey}\n`,
  );
  writeFileSync(
    join(aws, 'config'),
    [
      '[profile base]',
      'region = eu-west-1',
      '[profile role1]',
      `role_arn = arn:aws:iam::${ACCOUNT}:role/first`,
      'source_profile = base',
      '[profile chain]',
      `role_arn = arn:aws:iam::${ACCOUNT}:role/second`,
      'source_profile = role1',
      'region = eu-west-1',
      '[profile mfa]',
      `role_arn = arn:aws:iam::${ACCOUNT}:role/mfa`,
      'source_profile = base',
      `mfa_serial = ${MFA_SERIAL}`,
      'duration_seconds = 43200',
      '[profile denied]',
      `role_arn = arn:aws:iam::${ACCOUNT}:role/nope`,
      'source_profile = base',
      '[profile proc]',
      `credential_process = "${process.execPath}" "${join(home, 'creds.cjs')}"`,
      '[profile proc-broken]',
      `credential_process = "${process.execPath}" -e "process.exit(3)"`,
      '[profile web]',
      `role_arn = arn:aws:iam::${ACCOUNT}:role/web`,
      `web_identity_token_file = ${join(home, 'web-token')}`,
      // The ECR endpoint comes from the profile's services section (endpoint_url), not from the request.
      '[profile sso]',
      'sso_session = corp',
      `sso_account_id = ${ACCOUNT}`,
      'sso_role_name = EcrPull',
      'region = eu-west-1',
      'services = local-ecr',
      '[services local-ecr]',
      'ecr =',
      `  endpoint_url = ${ecrSso.url}`,
      '[sso-session corp]',
      'sso_start_url = https://corp.example.awsapps.com/start',
      'sso_region = us-east-1',
      'sso_registration_scopes = sso:account:access',
      '[profile sso-legacy]',
      'sso_start_url = https://legacy.example.awsapps.com/start',
      'sso_region = us-east-1',
      `sso_account_id = ${ACCOUNT}`,
      'sso_role_name = EcrPull',
      '[profile sso-expired]',
      'sso_session = stale',
      `sso_account_id = ${ACCOUNT}`,
      'sso_role_name = EcrPull',
      '[sso-session stale]',
      'sso_start_url = https://stale.example.awsapps.com/start',
      'sso_region = us-east-1',
      '[profile sso-refreshable]',
      'sso_session = refreshable',
      `sso_account_id = ${ACCOUNT}`,
      'sso_role_name = EcrPull',
      '[sso-session refreshable]',
      'sso_start_url = https://refresh.example.awsapps.com/start',
      'sso_region = us-east-1',
      '[profile sso-never]',
      'sso_session = never',
      `sso_account_id = ${ACCOUNT}`,
      'sso_role_name = EcrPull',
      '[sso-session never]',
      'sso_start_url = https://never.example.awsapps.com/start',
      'sso_region = us-east-1',
      '[profile sso-noaccess]',
      'sso_session = corp',
      'sso_account_id = 999988887777',
      'sso_role_name = Admin',
      '',
    ].join('\n'),
  );
  const cache = (id: string, body: Record<string, unknown>) =>
    writeFileSync(join(aws, 'sso', 'cache', `${sha1(id)}.json`), JSON.stringify(body));
  cache('corp', {
    startUrl: 'https://corp.example.awsapps.com/start',
    region: 'us-east-1',
    accessToken: 'fake-sso-access-token',
    expiresAt: inHours(8),
  });
  cache('https://legacy.example.awsapps.com/start', {
    startUrl: 'https://legacy.example.awsapps.com/start',
    region: 'us-east-1',
    accessToken: 'fake-sso-access-token',
    expiresAt: inHours(8),
  });
  cache('stale', {
    startUrl: 'https://stale.example.awsapps.com/start',
    region: 'us-east-1',
    accessToken: 'fake-sso-access-token',
    expiresAt: inHours(-1),
  });
  cache('refreshable', {
    startUrl: 'https://refresh.example.awsapps.com/start',
    region: 'us-east-1',
    accessToken: 'fake-sso-access-token',
    expiresAt: inHours(-1),
    clientId: 'fake-client-id',
    clientSecret: 'fake-client-secret',
    refreshToken: 'fake-refresh-token',
    registrationExpiresAt: inHours(24 * 30),
  });
});

after(async () => {
  await Promise.all([sts, sso, ecrBase, ecrChain, ecrMfa, ecrSso, ecrWeb].map((s) => s?.stop()));
  if (home) rmSync(home, { recursive: true, force: true });
  restoreEnv();
});

beforeEach(() => {
  for (const e of [ecrBase, ecrChain, ecrMfa, ecrSso, ecrWeb]) e.calls.length = 0;
  sts.calls.length = 0;
  sso.calls.length = 0;
});

describe('profiles resolved by the real SDK against STS / SSO / ECR emulators', () => {
  it('static keys from the credentials file', async () => {
    const t = await source().get(req('base', ecrBase));
    assert.equal(t.password, PASSWORD);
    assert.equal(ecrBase.calls[0]?.accessKeyId, BASE.accessKeyId);
    assert.equal(sts.calls.length, 0);
  });

  it('a role chain: static keys -> role -> role', async () => {
    const t = await source().get(req('chain', ecrChain));
    assert.equal(t.password, PASSWORD);
    assert.deepEqual(
      sts.calls.map((c) => [c.action, c.roleArn.split('/').pop(), c.accessKeyId, c.outcome]),
      [
        ['AssumeRole', 'first', BASE.accessKeyId, 'ok'],
        ['AssumeRole', 'second', ROLE1.accessKeyId, 'ok'],
      ],
    );
    assert.deepEqual(
      ecrChain.calls.map((c) => [c.accessKeyId, c.region]),
      [[ROLE2.accessKeyId, 'eu-west-1']],
    );
  });

  it('a role the identity may not assume is access-denied naming sts:AssumeRole', async () => {
    const k = await failure(source().get(req('denied', ecrChain)));
    assert.equal(k.category, 'access-denied');
    assert.match(k.message, /sts:AssumeRole|role\/nope/);
    assert.match(k.fix, /trust policy/);
    assert.equal(ecrChain.calls.length, 0);
  });

  it('credential_process, and a failing one', async () => {
    assert.equal((await source().get(req('proc', ecrBase))).password, PASSWORD);
    const k = await failure(source().get(req('proc-broken', ecrBase)));
    assert.equal(k.category, 'credentials');
    assert.match(k.message, /credential_process/);
    assert.equal(ecrBase.calls.length, 1);
  });

  it('web identity (AssumeRoleWithWebIdentity)', async () => {
    assert.equal((await source().get(req('web', ecrWeb))).password, PASSWORD);
    assert.deepEqual(
      sts.calls.map((c) => c.action),
      ['AssumeRoleWithWebIdentity'],
    );
    assert.equal(ecrWeb.calls[0]?.accessKeyId, WEB.accessKeyId);
  });

  it('SSO (sso_session) with a valid cached token: GetRoleCredentials, then ECR via the profile endpoint_url', async () => {
    const t = await source().get({ kind: 'private', region: 'eu-west-1', profile: 'sso' });
    assert.equal(t.password, PASSWORD);
    assert.deepEqual(
      sso.calls.map((c) => [c.op, c.accountId, c.roleName, c.status]),
      [['GetRoleCredentials', ACCOUNT, 'EcrPull', 200]],
    );
    assert.deepEqual(
      ecrSso.calls.map((c) => c.accessKeyId),
      [SSO.accessKeyId],
    );
  });

  it('SSO (legacy sso_start_url form) with a valid cached token', async () => {
    assert.equal((await source().get(req('sso-legacy', ecrSso))).password, PASSWORD);
    assert.equal(sso.calls.filter((c) => c.op === 'GetRoleCredentials').length, 1);
  });

  it('SSO with an expired token: signin-required, no call to SSO or ECR', async () => {
    const k = await failure(source().get(req('sso-expired', ecrSso)));
    assert.equal(k.category, 'signin-required');
    assert.equal(k.fix, 'Run: aws sso login --profile sso-expired');
    assert.match(k.message, /sso-expired/);
    assert.equal(sso.calls.length, 0, 'no SSO call');
    assert.equal(allCalls(), 0, 'no ECR call');
  });

  it('SSO with an expired token whose refresh is refused: signin-required, no GetRoleCredentials, no ECR', async () => {
    const k = await failure(source().get(req('sso-refreshable', ecrSso)));
    assert.equal(k.category, 'signin-required');
    assert.deepEqual(
      sso.calls.map((c) => c.op),
      ['CreateToken'],
      'only the refresh the AWS CLI would try too',
    );
    assert.equal(allCalls(), 0);
  });

  it('SSO never signed in (no cache file): signin-required', async () => {
    const k = await failure(source().get(req('sso-never', ecrSso)));
    assert.equal(k.category, 'signin-required');
    assert.equal(k.fix, 'Run: aws sso login --profile sso-never');
    assert.equal(sso.calls.length + allCalls(), 0);
  });

  it('SSO user without that account/role: access-denied', async () => {
    const k = await failure(source().get(req('sso-noaccess', ecrSso)));
    assert.equal(k.category, 'access-denied');
    assert.match(k.fix, /sso_account_id and sso_role_name/);
    assert.equal(allCalls(), 0);
  });

  it('a profile that does not exist names the files searched', async () => {
    const k = await failure(source().get(req('nope', ecrBase)));
    assert.equal(k.category, 'profile-not-found');
    assert.ok(
      k.message.includes(join(home, '.aws', 'config')) && k.message.includes(join(home, '.aws', 'credentials')),
      k.message,
    );
    assert.equal(allCalls() + sts.calls.length, 0);
  });
});

describe('MFA', () => {
  function countingPrompt(answer: string | null, delayMs = 0) {
    const asked: { profile: string; mfaSerial: string }[] = [];
    const prompt: MfaPrompt = async (r) => {
      asked.push(r);
      if (delayMs) await new Promise((res) => setTimeout(res, delayMs));
      return answer;
    };
    return { prompt, asked };
  }

  it('a correct code: STS gets SerialNumber and TokenCode, ECR gets the role credentials', async () => {
    const { prompt, asked } = countingPrompt(MFA_CODE);
    const t = await source({ mfaPrompt: prompt }).get(req('mfa', ecrMfa));
    assert.equal(t.password, PASSWORD);
    assert.deepEqual(asked, [{ profile: 'mfa', mfaSerial: MFA_SERIAL }]);
    assert.deepEqual(
      sts.calls.map((c) => [c.serialNumber, c.tokenCode, c.durationSeconds, c.outcome]),
      [[MFA_SERIAL, MFA_CODE, 43200, 'ok']],
    );
    assert.equal(ecrMfa.calls[0]?.accessKeyId, MFA.accessKeyId);
  });

  it('a wrong code: mfa-required with a clear message, nothing cached', async () => {
    const { prompt } = countingPrompt('654321');
    const s = source({ mfaPrompt: prompt });
    const k = await failure(s.get(req('mfa', ecrMfa)));
    assert.equal(k.category, 'mfa-required');
    assert.match(k.message, /MFA code/);
    assert.match(k.fix, /6-digit code/);
    assert.equal(sts.calls[0]?.outcome, 'AccessDenied');
    assert.equal(ecrMfa.calls.length, 0);
  });

  it('cancelled prompt: mfa-required, no STS call', async () => {
    const { prompt } = countingPrompt(null);
    const k = await failure(source({ mfaPrompt: prompt }).get(req('mfa', ecrMfa)));
    assert.equal(k.category, 'mfa-required');
    assert.equal(sts.calls.length, 0);
  });

  it('no terminal: signin-required at once, no hang, no STS call', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: false });
    const started = Date.now();
    const k = await failure(
      source({ mfaPrompt: terminalMfaPrompt({ input, output: new PassThrough() }) }).get(req('mfa', ecrMfa)),
    );
    assert.equal(k.category, 'signin-required');
    assert.match(k.message, /no terminal/);
    assert.ok(Date.now() - started < 3000, 'failed fast');
    assert.equal(sts.calls.length, 0);
    const none = await failure(source().get(req('mfa', ecrMfa)));
    assert.equal(none.category, 'signin-required', 'no prompt configured at all');
  });

  it('the terminal prompt reads a code from a TTY-like stdin', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => {
      shown += d.toString();
    });
    const s = source({ mfaPrompt: terminalMfaPrompt({ input, output }) });
    const p = s.get(req('mfa', ecrMfa));
    // Answer once the question is on screen, as a person would.
    while (!shown.includes('MFA code')) await new Promise((r) => setTimeout(r, 10));
    input.write(`${MFA_CODE}\n`);
    assert.equal((await p).password, PASSWORD);
    assert.match(shown, /profile "mfa"/);
  });

  it('the session is reused: one prompt and one AssumeRole for three refreshes in two regions', async () => {
    const { prompt, asked } = countingPrompt(MFA_CODE);
    const s = source({ mfaPrompt: prompt });
    await s.get(req('mfa', ecrMfa), { force: true });
    await s.get(req('mfa', ecrMfa), { force: true });
    await Promise.all([
      s.get(req('mfa', ecrMfa, 'us-west-2'), { force: true }),
      s.get(req('mfa', ecrMfa), { force: true }),
    ]);
    assert.equal(asked.length, 1);
    assert.equal(sts.calls.length, 1);
    assert.equal(ecrMfa.calls.length, 4);
    s.forget('mfa');
    await s.get(req('mfa', ecrMfa));
    assert.equal(asked.length, 2, 'forget() drops the session (e.g. after new keys)');
  });

  it('time spent typing the code does not count against the request timeout', async () => {
    const { prompt } = countingPrompt(MFA_CODE, 1500);
    const t = await source({ mfaPrompt: prompt, requestTimeoutMs: 1000 }).get(req('mfa', ecrMfa));
    assert.equal(t.password, PASSWORD);
  });
});
