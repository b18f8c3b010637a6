// The pure parts of the helm target and of plain HTTP to loopback registries: helm's file as helm
// resolves it, its credential-store semantics, the command lines per tool and helm version, the
// version gate (with a stand-in helm that only answers `version --short`; the real helm is driven
// in tests/integration/tools-family.test.ts), and what a plain-HTTP answer is called.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  classifyLoginFailure,
  createLoginRunner,
  defaultStagingRoot,
  loginArgs,
  parseHelmVersion,
  stagingConfig,
} from '../../src/core/login';
import { helmRegistryConfigPath, storageForHost } from '../../src/core/docker-config';
import { isLoopbackRegistryHost, validateRegistryInput } from '../../src/core/registry';
import type { KeeperError } from '../../src/core/errors';
import { needTools, TOOLS } from '../fixtures/tools';

const PW = 'pw-not-a-secret-0123456789';

test("helm's registry config: HELM_REGISTRY_CONFIG, HELM_CONFIG_HOME, XDG_CONFIG_HOME (every platform), then the platform default", () => {
  assert.equal(
    helmRegistryConfigPath({ HELM_REGISTRY_CONFIG: '/x/reg.json', HELM_CONFIG_HOME: '/h', HOME: '/home/u' }, 'linux'),
    '/x/reg.json',
  );
  assert.equal(
    helmRegistryConfigPath({ HELM_CONFIG_HOME: '/h', XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' }, 'linux'),
    '/h/registry/config.json',
  );
  assert.equal(
    helmRegistryConfigPath({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' }, 'linux'),
    '/xdg/helm/registry/config.json',
  );
  assert.equal(
    helmRegistryConfigPath({ XDG_CONFIG_HOME: '/xdg', HOME: '/Users/u' }, 'darwin'),
    '/xdg/helm/registry/config.json',
  );
  assert.equal(helmRegistryConfigPath({ HOME: '/home/u' }, 'linux'), '/home/u/.config/helm/registry/config.json');
  assert.equal(
    helmRegistryConfigPath({ HOME: '/Users/u' }, 'darwin'),
    '/Users/u/Library/Preferences/helm/registry/config.json',
  );
  assert.equal(
    helmRegistryConfigPath({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming', USERPROFILE: 'C:\\Users\\u' }, 'win32'),
    'C:\\Users\\u\\AppData\\Roaming\\helm\\registry\\config.json',
  );
});

for (const need of [TOOLS.helm, TOOLS.helm3]) {
  const helm = need.bin;
  test(
    `the real helm agrees on its file (${helm}: helm env HELM_REGISTRY_CONFIG)`,
    { skip: needTools(need) },
    async () => {
      const { spawnSync } = await import('node:child_process');
      for (const env of [
        { HOME: '/home/u', XDG_CONFIG_HOME: '/xdg' },
        { HOME: '/home/u', HELM_CONFIG_HOME: '/hh' },
        { HOME: '/home/u' },
        { HOME: '/home/u', HELM_REGISTRY_CONFIG: '/r/c.json' },
      ]) {
        const r = spawnSync(helm, ['env', 'HELM_REGISTRY_CONFIG'], {
          env: { PATH: process.env.PATH, ...env },
          encoding: 'utf8',
        });
        assert.equal(r.stdout.trim(), helmRegistryConfigPath(env, 'linux'), JSON.stringify(env));
      }
    },
  );
}

test('helm reads credsStore like docker; podman does not', () => {
  const cfg = {
    credsStore: 'pass',
    credHelpers: { 'h.example': 'secretservice' },
    auths: { 'p.example': { auth: 'eDp5' } },
  };
  assert.deepEqual(storageForHost(cfg, 'a.example', 'helm'), { storage: 'store', helper: 'pass' });
  assert.deepEqual(storageForHost(cfg, 'h.example', 'helm'), { storage: 'helper', helper: 'secretservice' });
  assert.deepEqual(storageForHost(cfg, 'p.example', 'podman'), { storage: 'plaintext' });
});

test('the staging config for helm carries the store decision: credsStore, and a seed key when the real file holds auth', () => {
  assert.deepEqual(
    stagingConfig('helm', { credsStore: 'pass', auths: { 'x.example': { auth: 'eDp5' } } }, 'h.example'),
    { credsStore: 'pass' },
  );
  // A real file with someone's login keeps helm on its file store: the staging file must not look empty.
  const seeded = stagingConfig('helm', { auths: { 'x.example': { auth: 'eDp5' } } }, 'h.example');
  assert.equal(Object.keys(seeded.auths ?? {}).length, 1);
  assert.ok(!('x.example' in (seeded.auths ?? {})), "never anyone's login");
  // No auth at all: helm picks the platform store itself, in staging as for real.
  assert.deepEqual(stagingConfig('helm', {}, 'h.example'), {});
});

test('loopback hosts: 127.0.0.0/8, [::1], localhost, with or without a port; nothing else', () => {
  for (const h of ['127.0.0.1:5000', '127.1.2.3', 'localhost:5000', 'LOCALHOST', '[::1]:5000', '[::1]'])
    assert.ok(isLoopbackRegistryHost(h), h);
  for (const h of [
    '128.0.0.1',
    '10.0.0.1:5000',
    'localhost.example.com',
    '127.0.0.1.nip.io',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    '[::2]',
    '127.0.0.256',
    '--plain-http',
  ]) {
    assert.ok(!isLoopbackRegistryHost(h), h);
  }
});

test('command lines: plain HTTP only for loopback; helm 3.18+ --plain-http, older helm 3 --insecure; the password never', () => {
  const ecr = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
  assert.deepEqual(loginArgs('podman', '127.0.0.1:5000', 'AWS', '/s/auth.json'), [
    'login',
    '--authfile',
    '/s/auth.json',
    '--tls-verify=false',
    '--username',
    'AWS',
    '--password-stdin',
    '127.0.0.1:5000',
  ]);
  assert.deepEqual(loginArgs('podman', ecr, 'AWS', '/s/auth.json'), [
    'login',
    '--authfile',
    '/s/auth.json',
    '--username',
    'AWS',
    '--password-stdin',
    ecr,
  ]);
  assert.deepEqual(loginArgs('docker', 'localhost:5000', 'AWS', '/s/config.json'), [
    'login',
    '--username',
    'AWS',
    '--password-stdin',
    'localhost:5000',
  ]);
  const helm = (v: [number, number, number], host: string) => loginArgs('helm', host, 'AWS', '/s/config.json', v);
  assert.deepEqual(helm([4, 1, 4], '[::1]:5000'), [
    'registry',
    'login',
    '--registry-config',
    '/s/config.json',
    '--plain-http',
    '--username',
    'AWS',
    '--password-stdin',
    '[::1]:5000',
  ]);
  assert.deepEqual(helm([3, 18, 0], 'localhost:5000').slice(4, 5), ['--plain-http']);
  assert.deepEqual(helm([3, 17, 3], 'localhost:5000').slice(4, 5), ['--insecure']);
  assert.deepEqual(helm([3, 8, 0], '127.0.0.1:5000').slice(4, 5), ['--insecure']);
  assert.deepEqual(helm([4, 0, 0], ecr), [
    'registry',
    'login',
    '--registry-config',
    '/s/config.json',
    '--username',
    'AWS',
    '--password-stdin',
    ecr,
  ]);
});

test('helm versions from `helm version --short`', () => {
  assert.deepEqual(parseHelmVersion('v4.1.4+g05fa379\n'), [4, 1, 4]);
  assert.deepEqual(parseHelmVersion('v3.8.0+gd14138609b\n'), [3, 8, 0]);
  assert.deepEqual(parseHelmVersion('<unknown>'), null);
});

test('a helm older than 3.8 is tool-missing naming the minimum; nothing is logged in', async (t) => {
  if (process.platform === 'win32') return t.skip('the stand-in helm is a shell script');
  const dir = mkdtempSync(join(tmpdir(), 'ek-helm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'calls');
  const old = join(dir, 'helm');
  // A stand-in that answers only `version --short` (as helm 3.7 does) and records any other call.
  writeFileSync(
    old,
    `#!/bin/sh\nif [ "$1" = version ]; then echo "v3.7.2+g663a896"; exit 0; fi\necho "$@" >> "${log}"\nexit 0\n`,
  );
  chmodSync(old, 0o755);
  const runner = createLoginRunner({
    env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'cfg'), PATH: '/usr/bin:/bin' },
    platform: 'linux',
    stagingRoot: join(dir, 'stage'),
  });
  await assert.rejects(
    runner.login({ tool: 'helm', host: '127.0.0.1:5000', username: 'AWS', password: PW, toolPath: old }),
    (e: KeeperError) => {
      assert.equal(e.category, 'tool-missing');
      assert.match(e.message, /helm 3\.7\.2 .*too old.*3\.8\.0 or later/);
      assert.match(e.fix, /Install Helm 3\.8\.0 or later/);
      return true;
    },
  );
  assert.ok(!existsSync(log), 'no login was attempted');
});

test('a registry answering plain HTTP to https is a configuration problem pointing at registries.conf, not the network', () => {
  const out =
    'Error: authenticating creds for "10.1.2.3:5000": pinging container registry 10.1.2.3:5000: Get "https://10.1.2.3:5000/v2/": http: server gave HTTP response to HTTPS client\n';
  const e = classifyLoginFailure('podman', 125, out, PW);
  assert.equal(e.category, 'config');
  assert.match(e.message, /plain HTTP/);
  assert.match(e.fix, /registries\.conf/);
  assert.match(e.fix, /insecure = true/);
  assert.doesNotMatch(e.fix, /VPN/);
  const h = classifyLoginFailure(
    'helm',
    1,
    'Error: Get "https://10.1.2.3:5000/v2/": http: server gave HTTP response to HTTPS client\n',
    PW,
  );
  assert.equal(h.category, 'config');
});

test('--tool helm is accepted by the shared validation; unknown tools name all three', () => {
  const base = { name: 'charts', region: 'us-east-1', accountId: '123456789012' };
  assert.equal(validateRegistryInput({ ...base, tool: 'helm' }).ok, true);
  const bad = validateRegistryInput({ ...base, tool: 'nerdctl' });
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.errors.map((e) => e.message).join(' '), /"docker", "podman", "helm"/);
});

test("a helm credential-store failure names helm's file in the fix, not docker's", () => {
  // helm 4's own wording when it picked pass by itself for a file with no auth.
  const out =
    'Error: error storing credentials - err: exit status 1, out: `pass not initialized: exit status 1: Error: password store is empty. Try "pass init".`\n';
  const e = classifyLoginFailure('helm', 1, out, PW);
  assert.equal(e.category, 'credential-store');
  assert.match(e.fix, /pass init/);
  assert.match(e.fix, /helm's registry config/);
  assert.doesNotMatch(e.fix, /docker config/);
});

/**
 * A stand-in docker for the staging tests: writes the login's entry into $DOCKER_CONFIG/config.json
 * (the staging folder) as docker does; rejects one host; leaves an extra file there for another.
 */
function standInDocker(dir: string): string {
  const docker = join(dir, 'docker');
  writeFileSync(
    docker,
    [
      '#!/bin/sh',
      'read -r pw',
      'host="$5"',
      'if [ "$host" = rejected.example:5000 ]; then echo "unauthorized: incorrect username or password" >&2; exit 1; fi',
      'if [ "$host" = untidy.example:5000 ]; then echo left > "$DOCKER_CONFIG/config.json.tmp-123"; fi',
      'auth=$(printf "AWS:%s" "$pw" | base64 | tr -d "\\n")',
      'printf \'{"auths":{"%s":{"auth":"%s"}}}\' "$host" "$auth" > "$DOCKER_CONFIG/config.json"',
      'echo "Login Succeeded"',
      '',
    ].join('\n'),
  );
  chmodSync(docker, 0o755);
  return docker;
}

test('each login leaves no staging folder behind: after a success, a rejection, a tool that left more files there, and with the staging root removed meanwhile', async (t) => {
  if (process.platform === 'win32') return t.skip('the stand-in docker is a shell script');
  const dir = mkdtempSync(join(tmpdir(), 'ek-stage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const docker = standInDocker(dir);
  const stagingRoot = join(dir, 'stage');
  const runner = createLoginRunner({
    env: { HOME: dir, DOCKER_CONFIG: join(dir, 'real'), PATH: '/usr/bin:/bin' },
    platform: 'linux',
    stagingRoot,
  });
  const login = (host: string) =>
    runner.login({ tool: 'docker', host, username: 'AWS', password: PW, toolPath: docker });
  const left = () => readdirSync(stagingRoot);

  assert.equal((await login('tidy.example:5000')).storage.storage, 'plaintext');
  assert.deepEqual(left(), []);
  await assert.rejects(login('rejected.example:5000'), (e: KeeperError) => e.category === 'login-rejected');
  assert.deepEqual(left(), []);
  await login('untidy.example:5000');
  assert.deepEqual(left(), [], 'the extra file went with its folder');
  rmSync(stagingRoot, { recursive: true });
  await login('again.example:5000');
  assert.deepEqual(left(), [], 'the root was made again, and emptied');
  const real = JSON.parse(readFileSync(join(dir, 'real', 'config.json'), 'utf8')) as { auths: Record<string, unknown> };
  assert.deepEqual(Object.keys(real.auths).sort(), ['again.example:5000', 'tidy.example:5000', 'untidy.example:5000']);
});

test('staging goes to a file system in memory on Linux: the runtime folder, else /dev/shm; elsewhere the temp folder', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ek-runtime-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(defaultStagingRoot({ XDG_RUNTIME_DIR: dir }, 'linux'), join(dir, 'ecr-keeper'));
  // Without a usable runtime folder: /dev/shm where it exists, else the temp folder; one per account.
  const fallback = defaultStagingRoot({}, 'linux');
  assert.equal(dirname(fallback), existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  assert.match(basename(fallback), /^ecr-keeper-\w+$/);
  for (const runtime of ['relative/run', join(dir, 'missing')])
    assert.equal(defaultStagingRoot({ XDG_RUNTIME_DIR: runtime }, 'linux'), fallback, runtime);
  assert.equal(defaultStagingRoot({ XDG_RUNTIME_DIR: dir }, 'darwin'), join(tmpdir(), basename(fallback)));
});

test('a staging root that is not ours alone is refused before anything is staged; ours with loose permissions is tightened', async (t) => {
  if (process.platform === 'win32') return t.skip('POSIX ownership and modes');
  const dir = mkdtempSync(join(tmpdir(), 'ek-stage-own-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const docker = standInDocker(dir);
  const env = { HOME: dir, DOCKER_CONFIG: join(dir, 'real'), PATH: '/usr/bin:/bin' };
  const login = (stagingRoot: string) =>
    createLoginRunner({ env, platform: 'linux', stagingRoot }).login({
      tool: 'docker',
      host: 'tidy.example:5000',
      username: 'AWS',
      password: PW,
      toolPath: docker,
    });

  // A symlink to a folder someone else can read: nothing may be staged through it.
  const elsewhere = join(dir, 'elsewhere');
  mkdirSync(elsewhere);
  symlinkSync(elsewhere, join(dir, 'linked'));
  await assert.rejects(login(join(dir, 'linked')), (e: KeeperError) => {
    assert.equal(e.category, 'file-access');
    assert.match(e.message, /not ECR Keeper's own: it is a symbolic link/);
    assert.match(e.fix, /Remove .*linked/);
    return true;
  });
  assert.deepEqual(readdirSync(elsewhere), []);
  assert.ok(!existsSync(join(dir, 'real', 'config.json')), 'nothing was logged in');

  const loose = join(dir, 'loose');
  mkdirSync(loose, { mode: 0o755 });
  chmodSync(loose, 0o755);
  await login(loose);
  assert.equal(statSync(loose).mode & 0o777, 0o700);

  if (process.getuid?.() === 0) {
    // Another account's folder (only root can make one here).
    const theirs = join(dir, 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, 65534, 65534);
    await assert.rejects(login(theirs), /another account's folder/);
  }
});
