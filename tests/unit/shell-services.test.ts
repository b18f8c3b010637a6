// The side services behind the IPC handlers, with real temp files and stand-in token source / keeper.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createServices } from '../../src/electron/services';
import type { TokenSource } from '../../src/core/tokens';
import type { KeeperError } from '../../src/core/errors';
import { makeKeeper } from '../helpers/keeper-harness';

function dirs() {
  const dir = mkdtempSync(join(tmpdir(), 'ek-services-'));
  writeFileSync(
    join(dir, 'config'),
    '[default]\nregion = us-east-1\n[profile dev]\nsso_session = corp\nregion = eu-west-1\n[profile admin]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\nmfa_serial = arn:aws:iam::1:mfa/me\n',
  );
  writeFileSync(
    join(dir, 'credentials'),
    '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
  );
  mkdirSync(join(dir, 'docker'));
  writeFileSync(
    join(dir, 'docker', 'config.json'),
    JSON.stringify({ auths: { 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com': {}, 'ghcr.io': {} } }),
  );
  const env = {
    HOME: dir,
    PATH: '/usr/bin',
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    DOCKER_CONFIG: join(dir, 'docker'),
  };
  return { dir, env };
}

const standInTokens = (proxyEndpoint?: string): Pick<TokenSource, 'get'> & { reqs: unknown[] } => {
  const reqs: unknown[] = [];
  return {
    reqs,
    get(req) {
      reqs.push(req);
      return Promise.resolve({
        username: 'AWS',
        password: 'secret',
        expiresAt: new Date(),
        ...(proxyEndpoint ? { proxyEndpoint } : {}),
      });
    },
  };
};

describe('createServices', () => {
  it('lists profiles with their kinds, no secrets', async () => {
    const { dir, env } = dirs();
    const { keeper } = makeKeeper();
    const s = createServices({ keeper, configDir: '/cfg', env, mfa: { answer: () => false }, tokens: standInTokens() });
    const profiles = await s.listProfiles();
    assert.deepEqual(profiles, [
      { name: 'default', type: 'static', region: 'us-east-1' },
      { name: 'admin', type: 'mfa', region: null },
      { name: 'dev', type: 'sso', region: 'eu-west-1' },
    ]);
    assert.ok(!JSON.stringify(profiles).includes('EXAMPLEKEY'));
    assert.equal(s.configDir, '/cfg');
    rmSync(dir, { recursive: true, force: true });
    await keeper.stop();
  });

  it('detectAccount returns only the account from the proxy endpoint', async () => {
    const { keeper } = makeKeeper();
    const tokens = standInTokens('https://210987654321.dkr.ecr.eu-west-1.amazonaws.com');
    const s = createServices({ keeper, configDir: '/c', env: {}, mfa: { answer: () => false }, tokens });
    assert.equal(await s.detectAccount('dev', 'eu-west-1'), '210987654321');
    assert.deepEqual(tokens.reqs, [{ kind: 'private', region: 'eu-west-1', profile: 'dev' }]);
    const none = createServices({
      keeper,
      configDir: '/c',
      env: {},
      mfa: { answer: () => false },
      tokens: standInTokens(),
    });
    await assert.rejects(none.detectAccount(null, 'eu-west-1'), (e: KeeperError) => e.category === 'config');
    await keeper.stop();
  });

  it('MFA answers go to the broker', async () => {
    const { keeper } = makeKeeper();
    const got: unknown[] = [];
    const s = createServices({
      keeper,
      configDir: '/c',
      env: {},
      mfa: {
        answer: (id, code) => {
          got.push([id, code]);
          return true;
        },
      },
      tokens: standInTokens(),
    });
    assert.equal(s.answerMfa('req-1', '123456'), true);
    assert.deepEqual(got, [['req-1', '123456']]);
    await keeper.stop();
  });
});
