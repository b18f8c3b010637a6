// Failure classification against outputs captured from docker 28 and podman 4.3 (plus ECR's own
// wording), and tool discovery with fake PATHs and install dirs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyLoginFailure, createLoginRunner, parseLoginWarnings, usualToolDirs } from '../../src/core/login';

const PW = 'fake-password-for-tests-0123';
const CHATTER =
  'time="2026-11-27T00:11:18Z" level=info msg="Error logging in to endpoint, trying next endpoint" endpoint="{false https://127.0.0.1:38339 false false false 0xc0003930e0}" error="Get \\"https://127.0.0.1:38339/v2/\\": http: server gave HTTP response to HTTPS client"\n';

test('docker 401 is login-rejected, not network, despite the http/https chatter', () => {
  const out = `${CHATTER}login attempt to http://127.0.0.1:38339/v2/ failed with status: 401 Unauthorized\n`;
  const e = classifyLoginFailure('docker', 1, out, PW);
  assert.equal(e.category, 'login-rejected');
  assert.match(e.message, /401 Unauthorized/);
  assert.doesNotMatch(e.message, /level=info/);
  assert.ok(e.fix.length > 10 && !e.fix.includes('\n'));
});

test('podman and ECR wordings of a refused login are login-rejected', () => {
  for (const out of [
    'Error: logging into "127.0.0.1:38339": invalid username/password\n',
    'Error response from daemon: Get "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/": unauthorized: incorrect username or password\n',
    'Error response from daemon: login attempt to https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/ failed with status: 400 Bad Request\ndenied: Your authorization token has expired. Reauthenticate and try again.\n',
  ]) {
    assert.equal(
      classifyLoginFailure(out.startsWith('Error: logging') ? 'podman' : 'docker', 125, out, PW).category,
      'login-rejected',
      out,
    );
  }
});

test('docker credential store failures name the helper', () => {
  const missing = `${CHATTER}Error saving credentials: error storing credentials - err: exec: "docker-credential-desktop": executable file not found in $PATH, out: \`\`\n`;
  const e1 = classifyLoginFailure('docker', 1, missing, PW);
  assert.equal(e1.category, 'credential-store');
  assert.match(e1.message, /docker-credential-desktop/);
  assert.match(e1.fix, /Install docker-credential-desktop/);

  const pass = `${CHATTER}Error saving credentials: error storing credentials - err: exit status 1, out: \`pass not initialized: exit status 1: Error: password store is empty. Try "pass init".\`\n`;
  const e2 = classifyLoginFailure('docker', 1, pass, PW);
  assert.equal(e2.category, 'credential-store');
  assert.match(e2.message, /docker-credential-pass/);
  assert.match(e2.fix, /pass init/);

  // docker often says nothing about which helper failed; the runner passes the configured one.
  const bare = 'Error saving credentials: error storing credentials - err: exit status 1, out: ``\n';
  const e3 = classifyLoginFailure('docker', 1, bare, PW, 'osxkeychain');
  assert.equal(e3.category, 'credential-store');
  assert.match(e3.message, /docker-credential-osxkeychain/);

  const getting =
    'error getting credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`\n';
  const e4 = classifyLoginFailure('docker', 1, getting, PW);
  assert.equal(e4.category, 'credential-store');
  assert.match(e4.message, /docker-credential-secretservice/);
});

test('unreachable registries are network failures', () => {
  for (const [tool, out] of [
    ['docker', `${CHATTER}Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused\n`],
    [
      'podman',
      'Error: authenticating creds for "127.0.0.1:1": pinging container registry 127.0.0.1:1: Get "https://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused\n',
    ],
    [
      'docker',
      'Get "https://nonexistent.invalid/v2/": dial tcp: lookup nonexistent.invalid on 10.255.255.53:53: no such host\n',
    ],
    [
      'podman',
      'Error: authenticating creds for "x.invalid": pinging container registry x.invalid: Get "https://x.invalid/v2/": dial tcp: i/o timeout\n',
    ],
  ] as const) {
    const e = classifyLoginFailure(tool, 1, out, PW);
    assert.equal(e.category, 'network', out);
    assert.match(e.fix, /network/);
  }
});

test('anything else is internal, with the exit code and output', () => {
  const e = classifyLoginFailure('docker', 2, 'unknown flag: --frobnicate\n', PW);
  assert.equal(e.category, 'internal');
  assert.match(e.message, /exit code 2/);
  assert.match(e.message, /unknown flag/);
});

test('the password never reaches the message, in clear or base64', () => {
  const b64 = Buffer.from(`AWS:${PW}`).toString('base64');
  const out = `Error: logging into "h": invalid username/password for ${PW} (auth ${b64}, raw ${Buffer.from(PW).toString('base64')})\n`;
  for (const tool of ['docker', 'podman'] as const) {
    const e = classifyLoginFailure(tool, 1, out, PW);
    assert.equal(e.category, 'login-rejected');
    assert.ok(!e.message.includes(PW), e.message);
    assert.ok(!e.message.includes(b64), e.message);
    assert.ok(!e.fix.includes(PW));
    assert.match(e.message, /\[redacted\]/);
  }
  const internal = classifyLoginFailure('docker', 3, `weird ${PW}`, PW);
  assert.ok(!internal.message.includes(PW));
});

test('docker plaintext storage warning is surfaced, one line', () => {
  const out =
    "Login Succeeded\n\nWARNING! Your credentials are stored unencrypted in '/tmp/x/docker/config.json'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n";
  const w = parseLoginWarnings(out, PW);
  assert.equal(w.length, 1);
  assert.match(w[0], /stored unencrypted in '\/tmp\/x\/docker\/config.json'/);
  assert.ok(!w[0].includes('\n'));
  // Older docker wording
  assert.equal(
    parseLoginWarnings('WARNING! Your password will be stored unencrypted in /root/.docker/config.json.\n', PW).length,
    1,
  );
  assert.deepEqual(parseLoginWarnings('Login Succeeded!\n', PW), []);
});

function fakeTool(dir: string, name: string, executable = true): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, '#!/bin/sh\nexit 0\n');
  chmodSync(p, executable ? 0o755 : 0o644);
  return p;
}

test('findTool: explicit path, then PATH, then extra and usual dirs', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'ecr-keeper-find-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const onPath = fakeTool(join(root, 'path-bin'), 'docker');
  const explicit = fakeTool(join(root, 'custom'), 'my-docker');
  const extra = fakeTool(join(root, 'extra'), 'podman');
  fakeTool(join(root, 'noexec'), 'podman', false);

  const r = createLoginRunner({
    env: { PATH: `${join(root, 'noexec')}:relative/dir:${join(root, 'path-bin')}`, HOME: join(root, 'home') },
    platform: 'linux',
    extraSearchDirs: [join(root, 'extra')],
  });
  assert.equal(r.findTool('docker', explicit), explicit);
  assert.equal(r.findTool('docker'), onPath);
  // The non-executable podman earlier on PATH is skipped.
  assert.equal(r.findTool('podman'), extra);
  // An explicit path that is wrong is reported, not silently replaced by another docker.
  assert.equal(r.findTool('docker', join(root, 'nope', 'docker')), null);
  assert.equal(r.findTool('docker', join(root, 'noexec', 'podman')), null);
});

test('findTool: a GUI app with a minimal PATH still finds ~/.docker/bin and ~/.rd/bin on macOS', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'ecr-keeper-find-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const home = join(root, 'home');
  const env = { PATH: join(root, 'empty'), HOME: home };
  fakeTool(join(home, '.docker', 'bin'), 'docker');
  fakeTool(join(home, '.rd', 'bin'), 'podman');
  // Real /usr/local/bin etc. on the test machine may hold a docker that legitimately comes first,
  // so the expectation is "the first usual dir that has it", which includes our fake home dirs.
  const firstIn = (tool: string) =>
    usualToolDirs('darwin', env)
      .map((d) => join(d, tool))
      .find((p) => existsSync(p)) ?? null;
  const r = createLoginRunner({ env, platform: 'darwin' });
  assert.equal(r.findTool('docker'), firstIn('docker'));
  assert.equal(r.findTool('podman'), firstIn('podman'));
  assert.ok(usualToolDirs('darwin', env).includes(join(home, '.rd', 'bin')));
  assert.ok(usualToolDirs('darwin', env).includes('/Applications/Docker.app/Contents/Resources/bin'));
  assert.ok(
    usualToolDirs('win32', { ProgramFiles: 'C:\\Program Files' }).includes(
      'C:\\Program Files\\Docker\\Docker\\resources\\bin',
    ),
  );
});

test('findTool: Linux ~/.local/bin is searched', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'ecr-keeper-find-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const home = join(root, 'home');
  const runner = createLoginRunner({ env: { PATH: '', HOME: home }, platform: 'linux' });
  const before = runner.findTool('podman');
  const podman = fakeTool(join(home, '.local', 'bin'), 'podman');
  // A system podman in /usr/bin (if installed) legitimately wins; otherwise ~/.local/bin is found.
  assert.equal(runner.findTool('podman'), before ?? podman);
});

test('credentialFileFor follows DOCKER_CONFIG and REGISTRY_AUTH_FILE', () => {
  const r = createLoginRunner({
    env: { DOCKER_CONFIG: '/x/d', REGISTRY_AUTH_FILE: '/x/auth.json', HOME: '/home/u' },
    platform: 'linux',
  });
  assert.equal(r.credentialFileFor('docker'), '/x/d/config.json');
  assert.equal(r.credentialFileFor('podman'), '/x/auth.json');
  const d = createLoginRunner({ env: { HOME: '/home/u', XDG_RUNTIME_DIR: '/run/user/1000' }, platform: 'linux' });
  assert.equal(d.credentialFileFor('docker'), '/home/u/.docker/config.json');
  assert.equal(d.credentialFileFor('podman'), '/run/user/1000/containers/auth.json');
});

test('login rejects a host that could be read as a flag before running anything', async () => {
  let spawned = 0;
  const r = createLoginRunner({
    env: { PATH: '' },
    spawn: () => {
      spawned++;
      throw new Error('no');
    },
  });
  await assert.rejects(
    r.login({ tool: 'docker', host: '--help', username: 'AWS', password: PW }),
    (e: { category?: string }) => e.category === 'invalid-input',
  );
  assert.equal(spawned, 0);
});

test('inspectAll reads each credential file once and lists each credential helper once, whatever the number of hosts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ek-inspect-'));
  const hosts = ['a.test:1', 'b.test:1', 'c.test:1'];
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      credHelpers: Object.fromEntries(hosts.map((h) => [h, 'pass'])),
      auths: { 'plain.test:1': { auth: 'eDp5' } },
    }),
  );
  const listed: string[] = [];
  const runner = createLoginRunner({
    env: { DOCKER_CONFIG: dir, HOME: dir },
    listHelper: (h) => {
      listed.push(h);
      return Promise.resolve({ 'a.test:1': 'AWS', 'b.test:1': 'AWS' });
    },
  });
  const views = await runner.inspectAll([...hosts, 'plain.test:1'].map((host) => ({ tool: 'docker' as const, host })));
  assert.deepEqual(listed, ['pass'], 'one list for the batch');
  assert.deepEqual(
    views.map((v) => v.present),
    [true, true, false, true],
  );
  assert.equal(views[3].storage.storage, 'plaintext');
});
