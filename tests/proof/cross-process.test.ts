// Proof: status tells the truth across processes and tools. Several `ecr-keeper` processes (and a
// running `watch`) log in at once into one docker config; concurrent `add`s; docker and podman
// writing the same file (podman 4 with DOCKER_CONFIG set); a `docker logout` behind a running
// keeper's back; configs that do not parse; SIGKILL in the middle of `add`, `login --all` and
// `storage use`. After each: every entry is there, and every registry `status` calls valid
// opens its registry with the credential its tool would use (assertStatusTruth).
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needTools, TOOLS } from '../fixtures/tools';
import { spawnCli, addArgs, startStack, type Stack } from '../fixtures/stack';
import { initPassStore, killGpgAgents, prepareGnupgHome } from '../fixtures/pass-store';
import { readConfigJson } from '../fixtures/registry';
import type { DockerConfig } from '../../src/core/docker-config';
import { hostsOf, readJson, realKeeper, registryInput, sleep, waitFor } from './helpers';
import { assertStatusTruth, credentialFor } from './status-truth';

const skip = needTools(TOOLS.docker, TOOLS.podman, TOOLS.registry, TOOLS.pass, TOOLS.gpg, TOOLS.credPass);
const theirs = (user: string) => Buffer.from(`${user}:someone-elses-not-a-secret`).toString('base64');
const SEED = {
  auths: { 'ghcr.io': { auth: theirs('gh') }, 'https://index.docker.io/v1/': { auth: theirs('hub') } },
  credHelpers: { 'gcr.io': 'gcloud' },
  psFormat: 'table {{.ID}}\\t{{.Names}}',
  detachKeys: 'ctrl-e,e',
  currentContext: 'default',
  proxies: { default: { noProxy: '127.0.0.1,localhost' } },
};
const DOCKER_ONLY_KEYS = ['credHelpers', 'psFormat', 'detachKeys', 'currentContext', 'proxies'] as const;

function expectSeedKept(file: string): DockerConfig {
  const cfg = readConfigJson(file);
  for (const [k, v] of Object.entries(SEED.auths)) assert.deepEqual(cfg.auths![k], v, `their entry ${k}`);
  for (const k of DOCKER_ONLY_KEYS) assert.deepEqual(cfg[k], (SEED as Record<string, unknown>)[k], k);
  return cfg;
}

function cli(stack: Stack, args: string[], env = stack.env): ChildProcess {
  return spawnCli(args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function done(child: ChildProcess): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  return new Promise((r) => child.once('close', (code) => r({ code, out })));
}

describe('status tells the truth across processes and tools', { skip }, () => {
  let stack: Stack;
  let hosts: string[];

  before(async () => {
    stack = await startStack({ registries: 6, dockerConfig: SEED });
    hosts = hostsOf(stack);
    assert.equal(hosts.length, 12);
  });
  after(async () => {
    killGpgAgents();
    await stack?.stop();
  });
  afterEach(async () => {
    if (stack) await assertStatusTruth(stack.env);
  });

  it('12 concurrent `add`s: every registry is kept', async () => {
    const results = await Promise.all(hosts.map((h, i) => done(cli(stack, addArgs(stack, `r${i + 1}`, h)))));
    for (const r of results) assert.equal(r.code, 0, r.out);
    const names = (readJson(join(stack.configDir, 'config.json')) as { registries: { name: string }[] }).registries
      .map((r) => r.name)
      .sort();
    assert.deepEqual(names, hosts.map((_, i) => `r${i + 1}`).sort());
  });

  for (const round of [1, 2, 3, 4]) {
    it(`round ${round}: ${round % 2 ? 'two' : 'three'} CLI logins at once beside a running watch: nothing lost, status true`, async () => {
      writeFileSync(stack.dockerConfigFile, JSON.stringify(SEED, null, '\t'));
      const watch = cli(stack, ['watch']);
      const watchDone = done(watch);
      try {
        const groups =
          round % 2
            ? [hosts.slice(0, 6).map((_, i) => `r${i + 1}`), hosts.slice(6).map((_, i) => `r${i + 7}`)]
            : [
                ['r1', 'r2', 'r3', 'r4'],
                ['r5', 'r6', 'r7', 'r8'],
                ['r9', 'r10', 'r11', 'r12', 'r1'],
              ];
        const runs = await Promise.all(groups.map((g) => done(cli(stack, ['login', ...g]))));
        for (const r of runs) assert.equal(r.code, 0, r.out);
        const cfg = expectSeedKept(stack.dockerConfigFile);
        for (const h of hosts) assert.ok(cfg.auths![h]?.auth, `entry for ${h}`);
        const status = JSON.parse((await stack.cli(['status', '--json'])).stdout) as { name: string; state: string }[];
        assert.deepEqual(
          status.filter((s) => s.state !== 'valid').map((s) => `${s.name}=${s.state}`),
          [],
        );
      } finally {
        watch.kill('SIGTERM');
        await watchDone;
      }
    });
  }

  it('a config that does not parse (trailing comma, BOM) is left byte-identical: config-invalid with line and column, exit 1', async () => {
    const cases = [
      { text: '{\n\t"auths": {\n\t\t"ghcr.io": {"auth": "eA=="},\n\t}\n}\n', line: 4, column: 2 },
      { text: `\uFEFF${JSON.stringify(SEED)}`, line: 1, column: 1 },
    ];
    for (const c of cases) {
      writeFileSync(stack.dockerConfigFile, c.text);
      const before = readFileSync(stack.dockerConfigFile);
      const r = await stack.cli(['login', 'r1']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /config-invalid/);
      assert.match(r.stderr, new RegExp(`line ${c.line}, column ${c.column}`));
      assert.ok(readFileSync(stack.dockerConfigFile).equals(before), 'byte-identical');
      const st = JSON.parse((await stack.cli(['status', '--json'])).stdout) as { name: string; state: string }[];
      assert.notEqual(
        st.find((s) => s.name === 'r1')!.state,
        'valid',
        'status does not call a login in an unreadable file valid',
      );
    }
    writeFileSync(stack.dockerConfigFile, JSON.stringify(SEED, null, '\t'));
  });

  it('docker and podman writing one file (DOCKER_CONFIG set, no REGISTRY_AUTH_FILE): both land, docker-only keys kept', async () => {
    const env = { ...stack.env };
    delete env.REGISTRY_AUTH_FILE;
    const dir = join(stack.dir, 'mixed');
    for (const [i, h] of hosts.entries()) {
      const r = await stack.cli(
        [...addArgs(stack, `m${i}`, h, ['--tool', i % 2 ? 'podman' : 'docker']), '--config-dir', dir],
        { env },
      );
      assert.equal(r.code, 0, r.stderr);
    }
    writeFileSync(stack.dockerConfigFile, JSON.stringify(SEED, null, '\t'));
    const runs = await Promise.all([
      done(cli(stack, ['login', '--all', '--config-dir', dir], env)),
      done(cli(stack, ['login', '--all', '--config-dir', dir], env)),
    ]);
    for (const r of runs) assert.equal(r.code, 0, r.out);
    const cfg = expectSeedKept(stack.dockerConfigFile);
    for (const h of hosts) assert.ok(cfg.auths![h]?.auth, `entry for ${h}`);
    for (const [i, h] of hosts.entries()) {
      const cred = credentialFor(i % 2 ? 'podman' : 'docker', h, env);
      if (typeof cred === 'string') assert.fail(cred);
    }
    // podman itself finds its logins there.
    const got = spawnSync('podman', ['login', '--get-login', hosts[1]], { env, encoding: 'utf8' });
    assert.equal(got.stdout.trim(), 'AWS', got.stderr);
    await assertStatusTruth(env, dir);
  });

  it('`docker logout` behind a running keeper: it leaves valid at once and is logged in again within seconds, with no new API call', async () => {
    writeFileSync(stack.dockerConfigFile, JSON.stringify(SEED, null, '\t'));
    const dir = join(stack.dir, 'drift');
    mkdirSync(dir);
    const rk = realKeeper(stack, { configDir: dir });
    rk.keeper.addRegistry(registryInput(stack, 'drift', hosts[0]));
    try {
      const first = await rk.keeper.refresh('drift');
      assert.equal(first.state, 'valid');
      rk.keeper.start();
      await sleep(300);
      const calls = stack.emu.calls.length;
      const states: string[] = [];
      rk.keeper.on('change', (s) => states.push(s.registries[0].state));
      const out = spawnSync('docker', ['logout', hosts[0]], { env: stack.env, encoding: 'utf8' });
      assert.equal(out.status, 0, out.stderr);
      assert.equal(readConfigJson(stack.dockerConfigFile).auths![hosts[0]], undefined, 'docker removed it');
      await waitFor(
        'the repair',
        () =>
          Boolean(readConfigJson(stack.dockerConfigFile).auths![hosts[0]]?.auth) &&
          rk.keeper.snapshot().registries[0].state === 'valid',
        15_000,
      );
      assert.ok(states.includes('missing'), `went through missing: ${states.join(' ')}`);
      assert.equal(stack.emu.calls.length, calls, 'the cached token was reused');
      assert.ok(
        rk.keeper.activity().some((e) => /no longer in .*config\.json/.test(e.message)),
        'says which file changed',
      );
      await assertStatusTruth(stack.env, dir);
    } finally {
      await rk.keeper.stop();
    }
  });

  it('two running keepers (the tray app beside `watch`): one refreshes, the other takes it on without logging in again', async () => {
    writeFileSync(stack.dockerConfigFile, JSON.stringify(SEED, null, '\t'));
    const dir = join(stack.dir, 'two-keepers');
    mkdirSync(dir);
    const a = realKeeper(stack, { configDir: dir });
    a.keeper.addRegistry(registryInput(stack, 'shared', hosts[2]));
    const b = realKeeper(stack, { configDir: dir });
    try {
      await a.keeper.refresh('shared');
      b.keeper.reload();
      a.keeper.start();
      b.keeper.start();
      await sleep(1500);
      const bLogins = () => b.keeper.activity().filter((e) => e.kind === 'login').length;
      const aLogins = () => a.keeper.activity().filter((e) => e.kind === 'login').length;
      const before = { a: aLogins(), b: bLogins() };
      const refreshed = await a.keeper.refresh('shared');
      await waitFor(
        "b to take on a's refresh",
        () => b.keeper.snapshot().registries[0].expiresAt === refreshed.expiresAt,
        10_000,
      );
      await sleep(4000);
      assert.equal(bLogins(), before.b, 'b did not log in again');
      assert.equal(aLogins(), before.a + 1, 'a logged in once, and nobody fought back');
      assert.equal(b.keeper.snapshot().registries[0].state, 'valid');
    } finally {
      await a.keeper.stop();
      await b.keeper.stop();
    }
    await assertStatusTruth(stack.env, dir);
  });

  it('SIGKILL at random moments of `add`, `login --all` and `storage use pass`: the invariant holds after each', async () => {
    const env = { ...stack.env };
    prepareGnupgHome(env);
    initPassStore(env);
    const dir = join(stack.dir, 'kills');
    writeFileSync(stack.dockerConfigFile, JSON.stringify(SEED, null, '\t'));
    const killAt = async (args: string[], ms: number) => {
      const child = cli(stack, [...args, '--config-dir', dir], env);
      const closed = done(child);
      await sleep(ms);
      child.kill('SIGKILL');
      await closed;
      await sleep(300);
    };
    const timed = async (args: string[]) => {
      const started = Date.now();
      const r = await stack.cli([...args, '--config-dir', dir], { env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      return Date.now() - started;
    };
    // Two registries to begin with, and how long each command takes on this machine now: the
    // kills land at fractions of that, so they hit start-up, the logins and the writes alike.
    const tAdd =
      (await timed(addArgs(stack, 'base1', hosts[0]))) +
      (await timed(addArgs(stack, 'base2', hosts[1], ['--tool', 'podman']))) / 2;
    const tLogin = await timed(['login', '--all']);
    const tStorage = await timed(['storage', 'use', 'pass']);
    await timed(['storage', 'undo']);
    let n = 2;
    for (const frac of [0.15, 0.35, 0.55, 0.75, 0.95]) {
      await killAt(addArgs(stack, `k${n}`, hosts[n % hosts.length], n % 2 ? ['--tool', 'podman'] : []), tAdd * frac);
      n++;
      await killAt(['login', '--all'], tLogin * frac);
      await assertStatusTruth(env, dir);
      await killAt(['storage', 'use', 'pass'], tStorage * frac);
      await assertStatusTruth(env, dir);
      const cfg = readConfigJson(stack.dockerConfigFile);
      for (const [k, v] of Object.entries(SEED.auths))
        assert.deepEqual(cfg.auths![k], v, `their entry ${k} after kills`);
      assert.deepEqual(cfg.proxies, SEED.proxies);
    }
    // Finishing: a plain run completes whatever was interrupted, and everything is valid.
    const fin = await stack.cli(['storage', 'use', 'pass', '--config-dir', dir], { env });
    assert.equal(fin.code, 0, fin.stdout + fin.stderr);
    const login = await stack.cli(['login', '--all', '--config-dir', dir], { env });
    assert.equal(login.code, 0, login.stdout + login.stderr);
    const checked = await assertStatusTruth(env, dir);
    const names = (readJson(join(dir, 'config.json')) as { registries: unknown[] }).registries.length;
    assert.equal(checked.length, names, 'every registry valid in the end');
  });
});
