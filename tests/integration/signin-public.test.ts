// ECR Public end to end: the keeper with the real token source (real SDK, ECR Public protocol,
// us-east-1 signing) against the emulator, and the real docker CLI logging in to a real loopback
// registry that stands in for public.ecr.aws.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Keeper } from '../../src/core/keeper';
import { createLoginRunner } from '../../src/core/login';
import { PUBLIC_HOST, registryHostOf } from '../../src/core/registry';
import { openSettings } from '../../src/core/settings';
import { createTokenSource } from '../../src/core/tokens';
import { startEcrEmulator, type EcrEmulator } from '../fixtures/ecr-emulator';
import { seedDockerConfig, startRegistry, toolEnv, type RunningRegistry } from '../fixtures/registry';
import { TOOLS, needTools } from '../fixtures/tools';
import { confOpener } from '../helpers/keeper-harness';

const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const skip = needTools(TOOLS.docker, TOOLS.registry);

describe('ECR Public login with the real docker CLI', { skip }, () => {
  let dir = '';
  let reg: RunningRegistry;
  let emu: EcrEmulator;
  let env: NodeJS.ProcessEnv;
  let dockerConfig = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ek-public-'));
    reg = await startRegistry();
    // ECR Public tokens have their own lifetime; three hours here tells it apart from ECR's twelve.
    emu = await startEcrEmulator({ ...KEYS, password: reg.password, tokenLifetimeSeconds: 3 * 3600 });
    writeFileSync(join(dir, 'config'), '[profile pub]\nregion = eu-west-1\n');
    writeFileSync(
      join(dir, 'credentials'),
      `[pub]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\n`,
    );
    env = {
      ...toolEnv(join(dir, 'tools'), reg.registriesConf),
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      // The SDK's endpoint setting for ECR Public, from the token source's environment.
      AWS_ENDPOINT_URL_ECR_PUBLIC: emu.url,
    };
    // A config.json that already holds an entry and no credsStore: docker keeps its plaintext file
    // store (an empty one would make docker pick `pass` where it is installed).
    dockerConfig = seedDockerConfig(env, {
      auths: { 'unrelated.example': { auth: Buffer.from('someone:theirs').toString('base64') } },
    });
  });

  after(async () => {
    await emu?.stop();
    await reg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a public registry gets its token from ECR Public in us-east-1 and docker logs in', async () => {
    const opened = openSettings(confOpener, join(dir, 'keeper'));
    const keeper = new Keeper({
      settings: opened.repo,
      state: opened.state,
      tokens: createTokenSource({ env, requestTimeoutMs: 10_000 }),
      login: createLoginRunner({ env }),
      random: () => 0.5,
    });
    const added = keeper.addRegistry({ name: 'public', kind: 'public', profile: 'pub', registryHost: reg.host });
    assert.equal(added.region, 'us-east-1', 'ECR Public is always us-east-1');
    assert.equal(registryHostOf({ ...added, registryHost: undefined }), PUBLIC_HOST);

    const snap = await keeper.refresh('public');
    assert.equal(snap.error, null, JSON.stringify(snap.error));
    assert.equal(snap.host, reg.host);
    assert.deepEqual(
      emu.calls.map((c) => [c.target, c.region, c.accessKeyId]),
      [['SpencerFrontendService.GetAuthorizationToken', 'us-east-1', KEYS.accessKeyId]],
    );
    const hoursLeft = (Date.parse(snap.expiresAt!) - Date.now()) / 3600_000;
    assert.ok(hoursLeft > 2.9 && hoursLeft <= 3, `the ECR Public token's own expiry, got ${hoursLeft} h`);

    const cfg = JSON.parse(readFileSync(dockerConfig, 'utf8')) as { auths: Record<string, { auth?: string }> };
    assert.equal(Buffer.from(cfg.auths[reg.host].auth!, 'base64').toString(), `AWS:${reg.password}`);
    assert.equal(
      cfg.auths['unrelated.example']?.auth,
      Buffer.from('someone:theirs').toString('base64'),
      'other entries kept',
    );
    // The password never shows in what the keeper reports.
    assert.ok(!JSON.stringify(keeper.snapshot()).includes(reg.password));
    assert.ok(!JSON.stringify(keeper.activity()).includes(reg.password));
  });
});
