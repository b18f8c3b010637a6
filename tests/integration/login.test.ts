// The login runner against the real docker and podman CLIs and real loopback registries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn as nodeSpawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLoginRunner } from '../../src/core/login';
import type { KeeperError } from '../../src/core/errors';
import { needTools, TOOLS } from '../fixtures/tools';
import { readConfigJson, seedDockerConfig, startRegistry, toolEnv, type RunningRegistry } from '../fixtures/registry';

const dockerSkip = needTools(TOOLS.docker, TOOLS.registry);
const podmanSkip = needTools(TOOLS.podman, TOOLS.registry);
const anyRegistry = !dockerSkip || !podmanSkip;
const REGISTRY_COUNT = 6;

const registries: RunningRegistry[] = [];
const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ecr-keeper-login-'));
  dirs.push(d);
  return d;
}

function fakeAuth(user: string): string {
  return Buffer.from(`${user}:fake-not-a-secret`).toString('base64');
}

/** Pre-existing entries make docker use its plaintext file store (no credsStore auto-detection). */
const UNRELATED = {
  'unrelated-one.example.invalid': { auth: fakeAuth('one') },
  'https://unrelated-two.example.invalid/v1/': { auth: fakeAuth('two') },
  '123456789012.dkr.ecr.eu-west-1.amazonaws.com': { auth: fakeAuth('AWS') },
};

/**
 * Shell lines for a stand-in login tool that writes its entry where the real tool would: docker
 * into $DOCKER_CONFIG/config.json (the staging folder), podman into its --authfile.
 */
const WRITE_ENTRY = `if [ "$2" = "--authfile" ]; then f="$3"; h="$7"; else f="$DOCKER_CONFIG/config.json"; h="$5"; fi
printf '{"auths":{"%s":{"auth":"ZmFrZTpub3QtYS1zZWNyZXQ="}}}' "$h" > "$f"
`;

function isCategory(category: string) {
  return (err: unknown) => {
    assert.equal((err as KeeperError).category, category, (err as Error).message);
    return true;
  };
}

before(async () => {
  if (!anyRegistry) return;
  for (let i = 0; i < REGISTRY_COUNT; i++) registries.push(await startRegistry());
});

after(async () => {
  await Promise.all(registries.map((r) => r.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test(
  'real docker login stores the host in DOCKER_CONFIG and surfaces the plaintext warning',
  { skip: dockerSkip },
  async () => {
    const reg = registries[0];
    const env = toolEnv(tempDir(), reg.registriesConf);
    const file = seedDockerConfig(env, { auths: UNRELATED });
    const runner = createLoginRunner({ env });
    const res = await runner.login({ tool: 'docker', host: reg.host, username: reg.username, password: reg.password });
    assert.equal(res.credentialFile, file);
    const config = readConfigJson(file);
    assert.ok(config.auths![reg.host]?.auth, 'host entry written');
    assert.ok(
      res.warnings.some((w) => /stored unencrypted/.test(w)),
      JSON.stringify(res.warnings),
    );
    assert.ok(!res.warnings.join(' ').includes(reg.password));
  },
);

test('real podman login stores the host in REGISTRY_AUTH_FILE', { skip: podmanSkip }, async () => {
  const reg = registries[0];
  const env = toolEnv(tempDir(), reg.registriesConf);
  const runner = createLoginRunner({ env });
  const res = await runner.login({ tool: 'podman', host: reg.host, username: reg.username, password: reg.password });
  assert.equal(res.credentialFile, env.REGISTRY_AUTH_FILE);
  const auth = readConfigJson(res.credentialFile);
  assert.ok(auth.auths![reg.host]?.auth, 'host entry written');
});

test(
  'a wrong password is login-rejected and the message does not contain it (docker)',
  { skip: dockerSkip },
  async () => {
    const reg = registries[1];
    const env = toolEnv(tempDir(), reg.registriesConf);
    seedDockerConfig(env, { auths: UNRELATED });
    const wrong = `fake-wrong-password-${randomBytes(4).toString('hex')}`;
    const runner = createLoginRunner({ env });
    await assert.rejects(
      runner.login({ tool: 'docker', host: reg.host, username: 'AWS', password: wrong }),
      (err: unknown) => {
        const e = err as KeeperError;
        assert.equal(e.category, 'login-rejected', e.message);
        assert.ok(!e.message.includes(wrong) && !e.fix.includes(wrong));
        assert.match(e.message, /401/);
        return true;
      },
    );
  },
);

test(
  'a wrong password is login-rejected and the message does not contain it (podman)',
  { skip: podmanSkip },
  async () => {
    const reg = registries[1];
    const env = toolEnv(tempDir(), reg.registriesConf);
    const wrong = `fake-wrong-password-${randomBytes(4).toString('hex')}`;
    const runner = createLoginRunner({ env });
    await assert.rejects(
      runner.login({ tool: 'podman', host: reg.host, username: 'AWS', password: wrong }),
      (err: unknown) => {
        const e = err as KeeperError;
        assert.equal(e.category, 'login-rejected', e.message);
        assert.ok(!e.message.includes(wrong));
        return true;
      },
    );
  },
);

test('a registry that is not listening is a network failure', { skip: dockerSkip }, async () => {
  const env = toolEnv(tempDir());
  seedDockerConfig(env, { auths: UNRELATED });
  const runner = createLoginRunner({ env });
  await assert.rejects(
    runner.login({ tool: 'docker', host: '127.0.0.1:1', username: 'AWS', password: 'fake-password-x' }),
    isCategory('network'),
  );
});

test(
  'docker with a credential store it cannot use is credential-store, naming the helper',
  { skip: dockerSkip },
  async () => {
    const reg = registries[2];
    const env = toolEnv(tempDir(), reg.registriesConf);
    seedDockerConfig(env, { credsStore: 'keeper-test-absent' });
    const runner = createLoginRunner({ env });
    await assert.rejects(
      runner.login({ tool: 'docker', host: reg.host, username: reg.username, password: reg.password }),
      (err: unknown) => {
        const e = err as KeeperError;
        assert.equal(e.category, 'credential-store', e.message);
        assert.match(e.message, /docker-credential-keeper-test-absent/);
        assert.match(e.fix, /docker-credential-keeper-test-absent/);
        assert.ok(!e.message.includes(reg.password));
        return true;
      },
    );
  },
);

test(
  'docker auto-selecting an uninitialised pass store is credential-store with a pass fix',
  { skip: dockerSkip || needTools(TOOLS.pass, TOOLS.credPass) },
  async () => {
    const reg = registries[2];
    // No config.json at all: docker on Linux then picks `pass`, whose store (PASSWORD_STORE_DIR) is empty.
    const env = toolEnv(tempDir(), reg.registriesConf);
    const runner = createLoginRunner({ env });
    await assert.rejects(
      runner.login({ tool: 'docker', host: reg.host, username: reg.username, password: reg.password }),
      (err: unknown) => {
        const e = err as KeeperError;
        assert.equal(e.category, 'credential-store', e.message);
        assert.match(e.fix, /pass init/);
        return true;
      },
    );
  },
);

test('a missing binary is tool-missing', async () => {
  const dir = tempDir();
  const env = { ...toolEnv(dir), PATH: '' };
  const runner = createLoginRunner({ env });
  await assert.rejects(
    runner.login({
      tool: 'docker',
      host: '127.0.0.1:5000',
      username: 'AWS',
      password: 'fake-password-x',
      toolPath: join(dir, 'no-such-docker'),
    }),
    (err: unknown) => {
      const e = err as KeeperError;
      assert.equal(e.category, 'tool-missing');
      assert.match(e.message, /no-such-docker/);
      assert.match(e.fix, /Install Docker|set the docker path/);
      return true;
    },
  );
});

test('the password goes to stdin only; argv is exactly login --username AWS --password-stdin HOST', async () => {
  const dir = tempDir();
  const script = join(dir, 'recording-docker');
  writeFileSync(
    script,
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/argv"\nenv > "${dir}/env"\ncat > "${dir}/stdin"\n${WRITE_ENTRY}echo "Login Succeeded"\n`,
  );
  chmodSync(script, 0o755);
  const runner = createLoginRunner({ env: toolEnv(dir) });
  const password = 'fake-stdin-only-password-42';
  await runner.login({ tool: 'docker', host: 'localhost:5999', username: 'AWS', password, toolPath: script });
  assert.equal(readFileSync(join(dir, 'argv'), 'utf8'), 'login\n--username\nAWS\n--password-stdin\nlocalhost:5999\n');
  assert.equal(readFileSync(join(dir, 'stdin'), 'utf8'), password);
  assert.ok(!readFileSync(join(dir, 'env'), 'utf8').includes(password));
});

test('with a minimal PATH (a GUI launch) the tool still finds its credential helpers beside it and in the usual places', async () => {
  const dir = tempDir();
  const tools = join(dir, 'Docker.app-bin');
  mkdirSync(tools);
  const script = join(tools, 'docker');
  writeFileSync(
    script,
    `#!/bin/sh\nprintf '%s' "$PATH" > "${dir}/path"\ncat > /dev/null\n${WRITE_ENTRY}echo "Login Succeeded"\n`,
  );
  chmodSync(script, 0o755);
  const runner = createLoginRunner({ env: { ...toolEnv(dir), PATH: '/bin' } });
  await runner.login({
    tool: 'docker',
    host: 'localhost:5999',
    username: 'AWS',
    password: 'fake-password-path',
    toolPath: script,
  });
  const path = readFileSync(join(dir, 'path'), 'utf8').split(':');
  assert.equal(path[0], '/bin', "the user's PATH comes first");
  assert.ok(path.includes(tools), 'the folder docker is in (its docker-credential-* helpers)');
  for (const d of ['/usr/bin', '/usr/local/bin']) assert.ok(path.includes(d), d);
});

function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\)\s+/, '')[0];
      if (cmd.includes(marker) && state !== 'Z') found.push(Number(pid));
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}

test(
  'a hanging tool times out and the process (and its children) are gone',
  { skip: process.platform !== 'linux' && 'needs /proc' },
  async () => {
    const dir = tempDir();
    const marker = `60.${Date.now() % 100000}${Math.floor(Math.random() * 1000)}`;
    const script = join(dir, 'hanging-docker');
    // Not `exec sleep`: the child must be killed too, which needs the whole process group.
    writeFileSync(script, `#!/bin/sh\nsleep ${marker}\necho never\n`);
    chmodSync(script, 0o755);
    const pids: number[] = [];
    const spawn = ((...args: Parameters<typeof nodeSpawn>) => {
      const child = nodeSpawn(...args);
      if (child.pid) pids.push(child.pid);
      return child;
    }) as typeof nodeSpawn;
    const runner = createLoginRunner({ env: toolEnv(dir), spawn });
    const started = Date.now();
    await assert.rejects(
      runner.login({
        tool: 'docker',
        host: '127.0.0.1:5000',
        username: 'AWS',
        password: 'fake-password-x',
        toolPath: script,
        timeoutMs: 500,
      }),
      isCategory('timeout'),
    );
    assert.ok(Date.now() - started < 5000, 'rejected promptly');
    assert.equal(pids.length, 1);
    assert.ok(
      !existsSync(`/proc/${pids[0]}`) || readFileSync(`/proc/${pids[0]}/stat`, 'utf8').includes(') Z'),
      'tool process is gone',
    );
    // The orphaned `sleep` is reaped by init asynchronously; give it a moment.
    const until = Date.now() + 2000;
    while (processesWith(`sleep\0${marker}`).length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(processesWith(`sleep\0${marker}`), []);
  },
);

test('staged logins into one credential file run concurrently and every entry lands, others kept', async () => {
  const dir = tempDir();
  const log = join(dir, 'log');
  const script = join(dir, 'slow-tool');
  writeFileSync(
    script,
    `#!/bin/sh\ncat > /dev/null\necho "start $5" >> "${log}"\nsleep 0.3\n${WRITE_ENTRY}echo "end $5" >> "${log}"\necho "Login Succeeded"\n`,
  );
  chmodSync(script, 0o755);
  const env = toolEnv(dir);
  const file = seedDockerConfig(env, { auths: UNRELATED, psFormat: 'table {{.ID}}' });
  const runner = createLoginRunner({ env, concurrency: 3 });
  const hosts = ['a.test:1', 'b.test:1', 'c.test:1'];
  await Promise.all(
    hosts.map((host) =>
      runner.login({ tool: 'docker', host, username: 'AWS', password: 'fake-password-x', toolPath: script }),
    ),
  );
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  assert.ok(lines.indexOf('start c.test:1') < lines.indexOf('end a.test:1'), `they overlap: ${lines.join(', ')}`);
  const cfg = readConfigJson(file);
  for (const h of hosts) assert.ok(cfg.auths![h]?.auth, h);
  for (const k of Object.keys(UNRELATED)) assert.deepEqual(cfg.auths![k], UNRELATED[k as keyof typeof UNRELATED]);
  assert.equal(cfg.psFormat, 'table {{.ID}}');

  // The bound is read at each login: the parallelLogins setting applies without a restart.
  let bound = 1;
  writeFileSync(log, '');
  const serial = createLoginRunner({ env, concurrency: () => bound });
  await Promise.all(
    ['d.test:1', 'e.test:1'].map((host) =>
      serial.login({ tool: 'docker', host, username: 'AWS', password: 'fake-password-x', toolPath: script }),
    ),
  );
  const one = readFileSync(log, 'utf8').trim().split('\n');
  assert.deepEqual(
    one.map((l) => l.split(' ')[0]),
    ['start', 'end', 'start', 'end'],
    `one at a time: ${one.join(', ')}`,
  );
  bound = 2;
  writeFileSync(log, '');
  await Promise.all(
    ['f.test:1', 'g.test:1'].map((host) =>
      serial.login({ tool: 'docker', host, username: 'AWS', password: 'fake-password-x', toolPath: script }),
    ),
  );
  const two = readFileSync(log, 'utf8').trim().split('\n');
  assert.deepEqual(
    two.map((l) => l.split(' ')[0]),
    ['start', 'start', 'end', 'end'],
    `two at once: ${two.join(', ')}`,
  );
});

test(
  '12 concurrent docker logins into a config with other entries lose nothing, and no password is on any command line',
  { skip: dockerSkip },
  async () => {
    const env = toolEnv(tempDir(), registries[0].registriesConf);
    const file = seedDockerConfig(env, { auths: UNRELATED });
    const runner = createLoginRunner({ env });
    // Two spellings of each loopback registry give 12 distinct credential entries from 6 servers.
    const jobs = registries.flatMap((r) =>
      [`127.0.0.1:${r.port}`, `localhost:${r.port}`].map((host) => ({ host, password: r.password })),
    );
    assert.equal(jobs.length, 12);
    const passwords = registries.map((r) => r.password);

    let running = true;
    let samples = 0;
    let sawLogin = 0;
    const leaks: string[] = [];
    const sampler = (async () => {
      while (running) {
        for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
          for (const what of ['cmdline', 'environ']) {
            let text: string;
            try {
              text = readFileSync(`/proc/${pid}/${what}`, 'latin1');
            } catch {
              continue;
            }
            if (what === 'cmdline' && text.includes('--password-stdin')) sawLogin++;
            for (const pw of passwords) if (text.includes(pw)) leaks.push(`${pid} ${what}`);
          }
        }
        samples++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    try {
      const results = await Promise.allSettled(
        jobs.map((j) => runner.login({ tool: 'docker', host: j.host, username: 'AWS', password: j.password })),
      );
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
      assert.deepEqual(failed, []);
    } finally {
      running = false;
      await sampler;
    }
    const config = readConfigJson(file);
    for (const j of jobs) assert.ok(config.auths![j.host]?.auth, `entry for ${j.host}`);
    for (const key of Object.keys(UNRELATED)) assert.ok(config.auths![key]?.auth, `pre-existing entry ${key}`);
    assert.deepEqual(leaks, []);
    assert.ok(samples > 0 && sawLogin > 0, `sampled ${samples} times, saw ${sawLogin} login processes`);
  },
);
