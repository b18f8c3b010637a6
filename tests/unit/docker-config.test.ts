import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerConfigPath, podmanAuthPath, readDockerConfig, storageForHost } from '../../src/core/docker-config';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const OTHER = '210987654321.dkr.ecr.us-east-1.amazonaws.com';
const FAKE_AUTH = Buffer.from('AWS:fake-password').toString('base64');

test('credHelpers ecr-login for the host means the helper manages it', () => {
  assert.deepEqual(storageForHost({ credHelpers: { [HOST]: 'ecr-login' } }, HOST), {
    storage: 'ecr-login',
    helper: 'ecr-login',
  });
});

test('credsStore ecr-login manages every host', () => {
  assert.deepEqual(storageForHost({ credsStore: 'ecr-login' }, HOST), { storage: 'ecr-login', helper: 'ecr-login' });
});

test('credHelpers for the host wins over credsStore', () => {
  assert.deepEqual(storageForHost({ credsStore: 'ecr-login', credHelpers: { [HOST]: 'pass' } }, HOST), {
    storage: 'helper',
    helper: 'pass',
  });
  assert.deepEqual(storageForHost({ credsStore: 'desktop', credHelpers: { [HOST]: 'ecr-login' } }, HOST), {
    storage: 'ecr-login',
    helper: 'ecr-login',
  });
});

test('a credHelpers entry for another host does not apply', () => {
  assert.deepEqual(storageForHost({ credHelpers: { [OTHER]: 'ecr-login' } }, HOST), { storage: 'none' });
});

test('credsStore desktop is a store', () => {
  assert.deepEqual(storageForHost({ credsStore: 'desktop', auths: { [HOST]: {} } }, HOST), {
    storage: 'store',
    helper: 'desktop',
  });
});

test('credsStore wins over a stale plaintext entry, as in docker', () => {
  assert.deepEqual(storageForHost({ credsStore: 'osxkeychain', auths: { [HOST]: { auth: FAKE_AUTH } } }, HOST), {
    storage: 'store',
    helper: 'osxkeychain',
  });
});

test('an auths entry with auth and no store is plaintext', () => {
  assert.deepEqual(storageForHost({ auths: { [HOST]: { auth: FAKE_AUTH } } }, HOST), { storage: 'plaintext' });
});

test('an auths entry without auth is not plaintext', () => {
  assert.deepEqual(storageForHost({ auths: { [HOST]: {} } }, HOST), { storage: 'none' });
  assert.deepEqual(storageForHost({ auths: { [HOST]: { auth: '' } } }, HOST), { storage: 'none' });
});

test('URL-form keys match the bare host', () => {
  for (const key of [`https://${HOST}`, `${HOST}/v1/`, `https://${HOST}/v2/`, `HTTPS://${HOST.toUpperCase()}`]) {
    assert.deepEqual(storageForHost({ auths: { [key]: { auth: FAKE_AUTH } } }, HOST), { storage: 'plaintext' }, key);
    assert.deepEqual(
      storageForHost({ credHelpers: { [key]: 'ecr-login' } }, HOST),
      { storage: 'ecr-login', helper: 'ecr-login' },
      key,
    );
  }
});

test('ports are significant', () => {
  assert.deepEqual(storageForHost({ auths: { 'localhost:5000': { auth: FAKE_AUTH } } }, 'localhost:5001'), {
    storage: 'none',
  });
  assert.deepEqual(storageForHost({ auths: { 'http://localhost:5000/v2/': { auth: FAKE_AUTH } } }, 'localhost:5000'), {
    storage: 'plaintext',
  });
});

test('missing config or host is none', () => {
  assert.deepEqual(storageForHost(null, HOST), { storage: 'none' });
  assert.deepEqual(storageForHost({}, HOST), { storage: 'none' });
  assert.deepEqual(storageForHost({ auths: { [OTHER]: { auth: FAKE_AUTH } } }, HOST), { storage: 'none' });
});

test('dockerConfigPath honours DOCKER_CONFIG, else ~/.docker', () => {
  assert.equal(dockerConfigPath({ DOCKER_CONFIG: '/x/dc', HOME: '/home/u' }), '/x/dc/config.json');
  assert.equal(dockerConfigPath({ HOME: '/home/u' }), '/home/u/.docker/config.json');
});

test("podmanAuthPath: REGISTRY_AUTH_FILE, then DOCKER_CONFIG (podman 4 writes docker's file), then the runtime dir on Linux, else ~/.config", () => {
  assert.equal(
    podmanAuthPath(
      { REGISTRY_AUTH_FILE: '/x/auth.json', DOCKER_CONFIG: '/x/dc', XDG_RUNTIME_DIR: '/run/user/1' },
      'linux',
    ),
    '/x/auth.json',
  );
  assert.equal(
    podmanAuthPath({ DOCKER_CONFIG: '/x/dc', XDG_RUNTIME_DIR: '/run/user/1' }, 'linux'),
    '/x/dc/config.json',
  );
  assert.equal(
    podmanAuthPath({ XDG_RUNTIME_DIR: '/run/user/1', HOME: '/home/u' }, 'linux'),
    '/run/user/1/containers/auth.json',
  );
  assert.equal(podmanAuthPath({ HOME: '/home/u' }, 'linux', 1000), '/run/containers/1000/auth.json');
  assert.equal(
    podmanAuthPath({ XDG_RUNTIME_DIR: '/tmp/r', HOME: '/Users/u' }, 'darwin'),
    '/Users/u/.config/containers/auth.json',
  );
});

test('podman reads credHelpers but not credsStore', () => {
  assert.deepEqual(storageForHost({ credsStore: 'pass', auths: { [HOST]: { auth: FAKE_AUTH } } }, HOST, 'podman'), {
    storage: 'plaintext',
  });
  assert.deepEqual(storageForHost({ credsStore: 'pass', credHelpers: { [HOST]: 'pass' } }, HOST, 'podman'), {
    storage: 'helper',
    helper: 'pass',
  });
});

test('readDockerConfig: missing file is no config and no error; bad JSON is an error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ecr-keeper-dc-'));
  try {
    assert.deepEqual(await readDockerConfig(join(dir, 'nope.json')), { config: null });
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ credsStore: 'desktop' }));
    assert.deepEqual(await readDockerConfig(good), { config: { credsStore: 'desktop' } });
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"auths": {');
    const r = await readDockerConfig(bad);
    assert.equal(r.config, null);
    assert.match(r.error ?? '', /not valid JSON/);
    const arr = join(dir, 'arr.json');
    await writeFile(arr, '[1,2]');
    assert.match((await readDockerConfig(arr)).error ?? '', /JSON object/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
