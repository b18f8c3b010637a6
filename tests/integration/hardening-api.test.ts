// Hostile and broken API answers and endpoint settings, through the real AWS SDK against the ECR
// emulator: plain-http endpoints refused before anything connects (wherever they come from), a
// 100 MB answer refused without being buffered, a proxyEndpoint that is not ECR refused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KeeperError } from '../../src/core/errors';
import { createTokenSource, refuseInsecureEndpoints, type TokenClientFactory } from '../../src/core/tokens';
import { HOSTILE_MESSAGE, startEcrEmulator, type EcrEmulator } from '../fixtures/ecr-emulator';
import { addArgs, startStack } from '../fixtures/stack';
import { needTools, TOOLS } from '../fixtures/tools';
import { readFileSync } from 'node:fs';
import { sanitize, stripControl } from '../../src/core/errors';

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const PASSWORD = 'fake-hardening-password';
// TEST-NET-3: never contacted (the point is that nothing connects).
const PLAIN = 'http://203.0.113.7';

let dir = '';
let emu: EcrEmulator;

function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/** A client factory that records whether a client was ever made (it never should be here). */
function spyFactory(): { factory: TokenClientFactory; made: number } {
  const spy = {
    made: 0,
    factory: (() => {
      spy.made++;
      return Promise.reject(new Error('no client should be made'));
    }) as TokenClientFactory,
  };
  return spy;
}

async function refused(p: Promise<unknown>): Promise<KeeperError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof KeeperError, String(err));
    return err;
  }
  throw new Error('expected a refusal');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ecr-keeper-hardening-'));
  writeFileSync(
    join(dir, 'config'),
    [
      '[default]',
      'region = us-east-1',
      '[profile plainecr]',
      'region = us-east-1',
      `endpoint_url = ${PLAIN}`,
      '[profile plainsts]',
      'region = us-east-1',
      'services = plain-sts',
      '[services plain-sts]',
      'sts =',
      `  endpoint_url = ${PLAIN}`,
      '[profile emu]',
      'region = us-east-1',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'credentials'),
    ['plainecr', 'plainsts', 'emu', 'default']
      .map((p) => `[${p}]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`)
      .join(''),
  );
  emu = await startEcrEmulator({
    accessKeyId: KEY_ID,
    secretAccessKey: SECRET,
    accountId: '123456789012',
    password: PASSWORD,
    autoStopMs: 120_000,
  });
});

after(async () => {
  await emu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('one endpoint rule wherever an endpoint comes from', () => {
  const cases: { label: string; env?: NodeJS.ProcessEnv; profile?: string; apiEndpoint?: string; source: RegExp }[] = [
    { label: 'the registry setting', apiEndpoint: PLAIN, source: /registry's API endpoint setting/ },
    {
      label: 'AWS_ENDPOINT_URL_ECR',
      env: { AWS_ENDPOINT_URL_ECR: PLAIN },
      source: /environment variable AWS_ENDPOINT_URL_ECR/,
    },
    { label: 'AWS_ENDPOINT_URL', env: { AWS_ENDPOINT_URL: PLAIN }, source: /environment variable AWS_ENDPOINT_URL\b/ },
    { label: 'AWS_ENDPOINT_URL_STS', env: { AWS_ENDPOINT_URL_STS: PLAIN }, source: /AWS_ENDPOINT_URL_STS/ },
    {
      label: 'AWS_ENDPOINT_URL_SSO_OIDC',
      env: { AWS_ENDPOINT_URL_SSO_OIDC: PLAIN },
      source: /AWS_ENDPOINT_URL_SSO_OIDC/,
    },
    {
      label: "a profile's endpoint_url",
      profile: 'plainecr',
      source: /endpoint_url \(ecr\) of AWS profile "plainecr"/,
    },
    {
      label: "a profile's services section for STS",
      profile: 'plainsts',
      source: /endpoint_url \(sts\) of AWS profile "plainsts"/,
    },
  ];
  for (const c of cases) {
    it(`http to another machine from ${c.label}: refused before any client is made, naming the source`, async () => {
      const spy = spyFactory();
      const tokens = createTokenSource({ env: baseEnv(c.env), clientFactory: spy.factory, requestTimeoutMs: 5000 });
      const e = await refused(
        tokens.get({ kind: 'private', region: 'us-east-1', profile: c.profile, apiEndpoint: c.apiEndpoint }),
      );
      assert.equal(e.category, 'config');
      assert.match(e.message, c.source);
      assert.match(e.message, /203\.0\.113\.7/);
      assert.match(e.message, /https/);
      assert.equal(spy.made, 0, 'nothing connected');
    });
  }

  it('ECR Public and AWS_ENDPOINT_URL_ECR_PUBLIC follow the same rule', async () => {
    const spy = spyFactory();
    const tokens = createTokenSource({
      env: baseEnv({ AWS_ENDPOINT_URL_ECR_PUBLIC: PLAIN }),
      clientFactory: spy.factory,
    });
    const e = await refused(tokens.get({ kind: 'public', region: 'us-east-1' }));
    assert.match(e.message, /AWS_ENDPOINT_URL_ECR_PUBLIC/);
    assert.equal(spy.made, 0);
  });

  it('https anywhere and http to loopback are fine; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ignores env and profile endpoints', () => {
    assert.doesNotThrow(() =>
      refuseInsecureEndpoints(
        { kind: 'private', apiEndpoint: 'https://api.ecr.us-east-1.amazonaws.com' },
        { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL: 'http://localhost:1' },
        { sso: 'http://[::1]:9' },
      ),
    );
    assert.doesNotThrow(() =>
      refuseInsecureEndpoints(
        { kind: 'private' },
        { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL_ECR: PLAIN },
        {},
      ),
    );
    assert.throws(
      () =>
        refuseInsecureEndpoints(
          { kind: 'private', apiEndpoint: PLAIN },
          { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
          {},
        ),
      /setting/,
    );
  });
});

describe('answers that are not what ECR sends', () => {
  for (const kind of ['huge', 'huge-chunked'] as const) {
    it(`a 100 MB answer (${kind === 'huge' ? 'declared length' : 'streamed, no length'}) is refused without buffering it`, async () => {
      const tokens = createTokenSource({ env: baseEnv(), requestTimeoutMs: 20_000 });
      emu.fault(kind, 3);
      const before = process.memoryUsage().rss;
      const e = await refused(
        tokens.get({ kind: 'private', region: 'us-east-1', profile: 'emu', apiEndpoint: emu.url }),
      );
      emu.clearFaults();
      assert.equal(e.category, 'server');
      assert.match(e.message, /larger than 1 MB/);
      assert.match(e.fix, /endpoint/);
      const grew = (process.memoryUsage().rss - before) / 2 ** 20;
      assert.ok(grew < 50, `memory grew ${grew.toFixed(0)} MB`);
    });
  }

  it('a proxyEndpoint that is not an ECR host of the region is refused: the token is not used', async () => {
    const tokens = createTokenSource({ env: baseEnv(), requestTimeoutMs: 5000 });
    emu.fault('foreign-proxy');
    const e = await refused(tokens.get({ kind: 'private', region: 'us-east-1', profile: 'emu', apiEndpoint: emu.url }));
    assert.equal(e.category, 'server');
    assert.match(e.message, /registry\.attacker\.example.*not an ECR registry in us-east-1/);
    assert.ok(!e.message.includes(PASSWORD));
    // The next answer is a proper one again.
    const ok = await tokens.get({ kind: 'private', region: 'us-east-1', profile: 'emu', apiEndpoint: emu.url });
    assert.equal(ok.proxyEndpoint, 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com');
  });
});

describe('terminal control in outside text', () => {
  // Every C0/C1 control character except the newline, as one set.
  // eslint-disable-next-line no-control-regex
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

  it('stripControl/sanitize leave no control character but newlines, whatever the input', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 3000; i++) {
      const len = rnd() % 60;
      let t = '';
      for (let j = 0; j < len; j++) t += String.fromCharCode(rnd() % 5 === 0 ? rnd() % 0xa0 : 0x20 + (rnd() % 0x5f));
      for (const out of [stripControl(t), sanitize(t)]) assert.ok(!CONTROL.test(out), JSON.stringify(t));
    }
    assert.equal(stripControl(HOSTILE_MESSAGE), 'Denied redLogin Succeeded');
  });

  it(
    'an AWS error carrying escape sequences reaches the CLI output and the state file clean',
    { skip: needTools(TOOLS.docker, TOOLS.registry) },
    async () => {
      const stack = await startStack();
      try {
        const add = await stack.cli(addArgs(stack, 'h', stack.registries[0].host));
        assert.equal(add.code, 0, add.stderr);
        // A registry host that is not ECR's is allowed, with a warning naming where the password
        // goes when it leaves this machine; none for the ECR host itself or a loopback test registry.
        assert.doesNotMatch(add.stderr, /password will be sent/, 'loopback: the password stays on this machine');
        const mirror = await stack.cli([
          'add',
          'mirror',
          '--region',
          'us-east-1',
          '--registry-host',
          'mirror.example.com',
        ]);
        assert.equal(mirror.code, 0, mirror.stderr);
        assert.match(mirror.stderr, /^warning: The ECR password will be sent to mirror\.example\.com/m);
        const ecr = await stack.cli(['add', 'real', '--region', 'us-east-1', '--account', '123456789012']);
        assert.doesNotMatch(ecr.stderr, /password will be sent/, 'no warning for the ECR host itself');
        stack.emu.fault('hostile-message', 5);
        const r = await stack.cli(['login', 'h']);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /access-denied/);
        const status = await stack.cli(['status']);
        const state = readFileSync(join(stack.configDir, 'state.json'), 'utf8');
        for (const [what, text] of [
          ['login output', r.stdout + r.stderr],
          ['status output', status.stdout + status.stderr],
          ['state.json', state],
        ] as const) {
          assert.ok(
            !CONTROL.test(text.replace(/\t/g, '')),
            `${what} carries a control character: ${JSON.stringify(text)}`,
          );
        }
        assert.match(r.stderr, /Denied/);
      } finally {
        await stack.stop();
      }
    },
  );
});
