// The real AWS SDK (our default client factory and credential chain) against the ECR emulator,
// which checks SigV4 itself: proves the wire protocol, signing, endpoint selection and error
// mapping end to end without AWS.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { KeeperError } from '../../src/core/errors';
import { accountFromProxyEndpoint, createTokenSource, type TokenSourceOptions } from '../../src/core/tokens';
import { isolateAwsEnv } from '../fixtures/aws-env';
import { startEcrEmulator, type EcrEmulator } from '../fixtures/ecr-emulator';

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const PASSWORD = 'loopback-registry-password';
const ACCOUNT = '111122223333';

let restoreEnv = () => {};
let dir = '';
let emu: EcrEmulator;
let skewedEmu: EcrEmulator;

function source(extra: TokenSourceOptions = {}) {
  return createTokenSource({ env: process.env, requestTimeoutMs: 5000, ...extra });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function category(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    const k = err as KeeperError;
    assert.ok(!String(k.message).includes(PASSWORD) && !String(k.fix).includes(PASSWORD), 'password never in errors');
    return k.category;
  }
  return 'no error';
}

before(async () => {
  restoreEnv = isolateAwsEnv();
  dir = mkdtempSync(join(tmpdir(), 'ecr-keeper-tokens-'));
  writeFileSync(join(dir, 'config'), '[default]\nregion = us-east-1\n[profile emu]\nregion = eu-west-1\n');
  writeFileSync(
    join(dir, 'credentials'),
    [
      '[emu]',
      `aws_access_key_id = ${KEY_ID}`,
      `aws_secret_access_key = ${SECRET}`,
      '[wrongsecret]',
      `aws_access_key_id = ${KEY_ID}`,
      'aws_secret_access_key = AKIAFAKEWRONGSECRETwJalrXUtnFEMIEXAMPLE',
      '[unknownkey]',
      'aws_access_key_id = AKIAFAKEUNKNOWN00000',
      `aws_secret_access_key = ${SECRET}`,
      '',
    ].join('\n'),
  );
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  emu = await startEcrEmulator({
    accessKeyId: KEY_ID,
    secretAccessKey: SECRET,
    accountId: ACCOUNT,
    password: PASSWORD,
  });
  skewedEmu = await startEcrEmulator({
    accessKeyId: KEY_ID,
    secretAccessKey: SECRET,
    accountId: ACCOUNT,
    password: PASSWORD,
    now: () => Date.now() + 60 * 60 * 1000,
  });
});

after(async () => {
  await emu?.stop();
  await skewedEmu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  restoreEnv();
});

describe('token source against the ECR emulator (real SDK)', () => {
  beforeEach(() => {
    emu.clearFaults();
    emu.calls.length = 0;
  });

  it('gets and decodes a private token', async () => {
    const t = await source().get({ kind: 'private', region: 'eu-west-1', profile: 'emu', apiEndpoint: emu.url });
    assert.equal(t.username, 'AWS');
    assert.equal(t.password, PASSWORD);
    assert.equal(t.proxyEndpoint, `https://${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`);
    assert.equal(accountFromProxyEndpoint(t.proxyEndpoint), ACCOUNT);
    const hours = (t.expiresAt.getTime() - Date.now()) / 3600_000;
    assert.ok(hours > 11.9 && hours <= 12, `expires in ~12 h, got ${hours}`);
    assert.deepEqual(
      emu.calls.map((c) => [c.target, c.region, c.accessKeyId]),
      [['AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken', 'eu-west-1', KEY_ID]],
    );
  });

  it('ten concurrent gets make one API call', async () => {
    const s = source();
    emu.fault('slow', 1, { delayMs: 100 });
    const tokens = await Promise.all(
      Array.from({ length: 10 }, () =>
        s.get({ kind: 'private', region: 'eu-west-1', profile: 'emu', apiEndpoint: emu.url }),
      ),
    );
    assert.equal(emu.calls.length, 1);
    assert.ok(tokens.every((t) => t.password === PASSWORD));
    await s.get({ kind: 'private', region: 'eu-west-1', profile: 'emu', apiEndpoint: emu.url });
    assert.equal(emu.calls.length, 1, 'served from the cache');
  });

  it('ECR Public: us-east-1, ecr-public signing, no proxyEndpoint', async () => {
    const t = await source().get({ kind: 'public', region: 'us-east-1', profile: 'emu', apiEndpoint: emu.url });
    assert.equal(t.password, PASSWORD);
    assert.equal(t.proxyEndpoint, undefined);
    assert.deepEqual(
      emu.calls.map((c) => [c.target, c.region]),
      [['SpencerFrontendService.GetAuthorizationToken', 'us-east-1']],
    );
  });

  it('injected faults map to their categories', async () => {
    const req = { kind: 'private' as const, region: 'eu-west-1', profile: 'emu', apiEndpoint: emu.url };
    // Counts cover the SDK's own retry (maxAttempts 2) so the fault is what the caller sees.
    emu.fault('throttle', 2);
    assert.equal(await category(source().get(req)), 'throttled');
    assert.equal(emu.calls.length, 2, 'the SDK retried once, no more');
    emu.fault('server', 2);
    assert.equal(await category(source().get(req)), 'server');
    emu.fault('denied', 1);
    const denied = source().get(req);
    assert.equal(await category(denied), 'access-denied');
    await denied.catch((e: KeeperError) => assert.match(e.fix, /ecr:GetAuthorizationToken/));
    emu.fault('expired-token', 1);
    assert.equal(await category(source().get(req)), 'credentials');
    emu.fault('slow', 3, { delayMs: 2000 });
    assert.equal(await category(source({ requestTimeoutMs: 300 }).get(req)), 'timeout');
    emu.clearFaults();
    emu.fault('badpassword', 1);
    const bad = await source().get(req);
    assert.notEqual(bad.password, PASSWORD, 'the token source passes through whatever AWS issued; login rejects it');
  });

  it('ECR Public access denied names both permissions', async () => {
    emu.fault('denied', 1);
    await assert.rejects(
      source().get({ kind: 'public', region: 'us-east-1', profile: 'emu', apiEndpoint: emu.url }),
      (e: KeeperError) =>
        e.category === 'access-denied' &&
        /ecr-public:GetAuthorizationToken/.test(e.fix) &&
        /sts:GetServiceBearerToken/.test(e.fix),
    );
  });

  it('a wrong secret is rejected by signature check -> credentials', async () => {
    assert.equal(
      await category(
        source().get({ kind: 'private', region: 'eu-west-1', profile: 'wrongsecret', apiEndpoint: emu.url }),
      ),
      'credentials',
    );
    assert.ok(emu.calls.length >= 1);
  });

  it('an unknown key id -> credentials', async () => {
    assert.equal(
      await category(
        source().get({ kind: 'private', region: 'eu-west-1', profile: 'unknownkey', apiEndpoint: emu.url }),
      ),
      'credentials',
    );
  });

  it('a missing profile -> profile-not-found, without calling the API', async () => {
    await assert.rejects(
      source().get({ kind: 'private', region: 'eu-west-1', profile: 'nosuch', apiEndpoint: emu.url }),
      (e: KeeperError) =>
        e.category === 'profile-not-found' && e.message.includes('nosuch') && e.fix.includes(join(dir, 'config')),
    );
    assert.equal(emu.calls.length, 0);
  });

  it('an endpoint nobody listens on -> network', async () => {
    const port = await freePort();
    assert.equal(
      await category(
        source().get({ kind: 'private', region: 'eu-west-1', profile: 'emu', apiEndpoint: `http://127.0.0.1:${port}` }),
      ),
      'network',
    );
  });

  it('the SDK corrects a skewed clock from the server Date header', async () => {
    skewedEmu.calls.length = 0;
    const t = await source().get({ kind: 'private', region: 'eu-west-1', profile: 'emu', apiEndpoint: skewedEmu.url });
    assert.equal(t.password, PASSWORD);
    assert.equal(
      skewedEmu.calls.length,
      2,
      'first attempt rejected as "Signature expired", retry signed with the corrected clock',
    );
  });

  it('honours AWS_ENDPOINT_URL_ECR / _ECR_PUBLIC in process.env when no apiEndpoint is set', async () => {
    process.env.AWS_ENDPOINT_URL_ECR = emu.url;
    process.env.AWS_ENDPOINT_URL_ECR_PUBLIC = emu.url;
    try {
      const t = await source().get({ kind: 'private', region: 'ap-southeast-2', profile: 'emu' });
      assert.equal(t.proxyEndpoint, `https://${ACCOUNT}.dkr.ecr.ap-southeast-2.amazonaws.com`);
      const p = await source().get({ kind: 'public', region: 'us-east-1', profile: 'emu' });
      assert.equal(p.password, PASSWORD);
      assert.deepEqual(
        emu.calls.map((c) => c.region),
        ['ap-southeast-2', 'us-east-1'],
      );
    } finally {
      delete process.env.AWS_ENDPOINT_URL_ECR;
      delete process.env.AWS_ENDPOINT_URL_ECR_PUBLIC;
    }
  });

  it('honours AWS_ENDPOINT_URL_ECR from an injected environment', async () => {
    const env = { ...process.env, AWS_ENDPOINT_URL_ECR: emu.url };
    const t = await createTokenSource({ env }).get({ kind: 'private', region: 'sa-east-1', profile: 'emu' });
    assert.equal(t.password, PASSWORD);
    assert.deepEqual(
      emu.calls.map((c) => c.region),
      ['sa-east-1'],
    );
  });
});
