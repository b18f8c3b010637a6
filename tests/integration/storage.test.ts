// Moving logins into a credential store with real parts: Debian's docker-credential-pass over
// `pass` and gnupg (a throw-away key in a temporary GNUPGHOME and PASSWORD_STORE_DIR), the real
// docker CLI against loopback registries, and, for the CLI, the real keeper and AWS SDK against
// the ECR emulator. Never touches the real ~/.docker or ~/.password-store.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectStore } from '../../src/core/cred-stores';
import { createLoginRunner as createRunner, type LoginRunnerOptions } from '../../src/core/login';

/** The runner as the engine wires it: hosts follow the store `storage use` chose. */
const createLoginRunner = (o: LoginRunnerOptions) =>
  createRunner({ ...o, mapTo: (tool, host, file, current) => storeMappingFor(host, file, current, tool) });
import { storeMappingFor, undo, useStore } from '../../src/core/storage-migration';
import type { KeeperError } from '../../src/core/errors';
import { main } from '../../src/cli/main';
import { initPassStore, killGpgAgents, passSecretFor, prepareGnupgHome, run } from '../fixtures/pass-store';
import { needTools, TOOLS } from '../fixtures/tools';
import { readConfigJson, seedDockerConfig, startRegistry, toolEnv, type RunningRegistry } from '../fixtures/registry';
import type { DockerConfig } from '../../src/core/docker-config';
import { startEcrEmulator, type EcrEmulator } from '../fixtures/ecr-emulator';

const skip = needTools(TOOLS.docker, TOOLS.podman, TOOLS.registry, TOOLS.pass, TOOLS.gpg, TOOLS.credPass);

const PASSWORD = `fake-storage-test-${process.pid}-${Date.now().toString(36)}`;
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const REGISTRY_COUNT = 4;

const registries: RunningRegistry[] = [];
const dirs: string[] = [];
let emu: EcrEmulator | undefined;

function fakeAuth(user: string): string {
  return Buffer.from(`${user}:fake-not-a-secret`).toString('base64');
}

/** Entries ECR Keeper does not manage: they must come out of every operation untouched. */
const UNRELATED = {
  auths: {
    'unrelated-one.example.invalid': { auth: fakeAuth('one') },
    'https://unrelated-two.example.invalid/v1/': { auth: fakeAuth('two'), email: 'two@example.invalid' },
  },
  credHelpers: { 'gcr.io': 'gcloud' },
  psFormat: 'table {{.ID}}',
  someFutureKey: { nested: [1, 'two'] },
};

/** A private, empty GNUPGHOME and PASSWORD_STORE_DIR in `dir` (toolEnv points at them). */
function gpgEnv(dir: string, registriesConf?: string): NodeJS.ProcessEnv {
  const env = toolEnv(dir, registriesConf);
  prepareGnupgHome(env);
  return env;
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ecr-keeper-storage-'));
  dirs.push(d);
  return d;
}

function otherKeys(cfg: Record<string, unknown>, hosts: string[]) {
  const { auths, credHelpers, ...rest } = cfg as {
    auths?: Record<string, unknown>;
    credHelpers?: Record<string, unknown>;
  };
  const drop = (m: Record<string, unknown> | undefined) =>
    Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => !hosts.includes(k)));
  return { rest, auths: drop(auths), credHelpers: drop(credHelpers) };
}

before(async () => {
  if (skip) return;
  for (let i = 0; i < REGISTRY_COUNT; i++) registries.push(await startRegistry({ password: PASSWORD }));
});

after(async () => {
  await Promise.all(registries.map((r) => r.stop()));
  await emu?.stop();
  killGpgAgents();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('storage with docker-credential-pass (real pass, gpg, docker)', { skip }, () => {
  test('a store that does not work is refused with its reason and nothing changes', async () => {
    const env = gpgEnv(tempDir());
    const file = seedDockerConfig(env, {
      ...UNRELATED,
      auths: { ...UNRELATED.auths, [registries[0].host]: { auth: fakeAuth('AWS') } },
    });
    const bytes = readFileSync(file);
    const relogin = () => Promise.reject(new assert.AssertionError({ message: 'must not log in' }));

    // 1. No password store at all: docker-credential-pass still answers `list` with {}.
    const uninit = await detectStore('pass', { env });
    assert.equal(uninit.works, false);
    assert.match(uninit.reason!, /no initialised password store/);
    await assert.rejects(
      useStore('pass', [registries[0].host], { env, relogin }),
      (e: KeeperError) =>
        e.category === 'credential-store' &&
        /no initialised password store/.test(e.message) &&
        /Nothing was changed/.test(e.fix),
    );
    assert.ok(readFileSync(file).equals(bytes), 'file bytes identical');

    // 2. A store initialised for a gpg key this machine does not have.
    mkdirSync(env.PASSWORD_STORE_DIR!, { recursive: true });
    writeFileSync(join(env.PASSWORD_STORE_DIR!, '.gpg-id'), '0123456789ABCDEF0123456789ABCDEF01234567\n');
    await assert.rejects(
      useStore('pass', [registries[0].host], { env, relogin }),
      (e: KeeperError) => e.category === 'credential-store' && /gpg has no key/.test(e.message),
    );
    assert.ok(readFileSync(file).equals(bytes), 'file bytes identical');
    assert.deepEqual(readdirSync(env.DOCKER_CONFIG!), ['config.json'], 'no backup or record left');
  });

  test('use pass: passwords leave the file, pass holds each, others untouched; undo is byte-exact', async () => {
    const env = gpgEnv(tempDir());
    initPassStore(env);
    assert.equal((await detectStore('pass', { env })).works, true);
    const file = seedDockerConfig(env, UNRELATED);
    const runner = createLoginRunner({ env });
    const managed = registries.slice(0, 3);
    const hosts = managed.map((r) => r.host);
    // Start from plain text, as `docker login` leaves it.
    for (const r of managed)
      await runner.login({ tool: 'docker', host: r.host, username: r.username, password: r.password });
    const original = readFileSync(file);
    const originalCfg = JSON.parse(original.toString('utf8')) as DockerConfig;
    for (const h of hosts) assert.ok(originalCfg.auths![h]?.auth, 'plain text before');

    const relogged: string[][] = [];
    const res = await useStore('pass', hosts, {
      env,
      relogin: async (hs) => {
        relogged.push(hs);
        return Promise.all(
          hs.map(async (host) => {
            const reg = managed.find((r) => r.host === host)!;
            try {
              const out = await runner.login({ tool: 'docker', host, username: reg.username, password: reg.password });
              assert.equal(out.warnings.length, 0, 'no "stored unencrypted" warning any more');
              return { host, ok: true };
            } catch (err) {
              return { host, ok: false, error: (err as Error).message };
            }
          }),
        );
      },
    });
    assert.deepEqual(res.hosts, hosts);
    assert.deepEqual(relogged, [hosts]);

    const text = readFileSync(file, 'utf8');
    assert.ok(
      !text.includes(Buffer.from(`AWS:${PASSWORD}`).toString('base64')) && !text.includes(PASSWORD),
      'no password in the docker config',
    );
    const cfg = JSON.parse(text) as DockerConfig;
    for (const h of hosts) {
      assert.equal(cfg.credHelpers![h], 'pass');
      assert.equal(cfg.auths?.[h]?.auth, undefined);
      assert.deepEqual(passSecretFor(env, h), { ServerURL: h, Username: 'AWS', Secret: PASSWORD });
    }
    assert.deepEqual(otherKeys(cfg, hosts), otherKeys(originalCfg, hosts), 'unrelated entries unchanged');
    assert.equal(run('docker', ['logout', hosts[0]], env).status, 0, 'docker itself reads the new config');

    await undo({ env });
    assert.ok(readFileSync(file).equals(original), 'undo restores the original bytes');
    assert.deepEqual(readdirSync(env.DOCKER_CONFIG!).sort(), ['config.json']);
  });

  test('podman: its auth file moves to pass the same way, podman logs in through the helper, undo is byte-exact', async () => {
    const r = registries[0];
    const env = gpgEnv(tempDir(), r.registriesConf);
    initPassStore(env);
    const runner = createLoginRunner({ env });
    await runner.login({ tool: 'podman', host: r.host, username: r.username, password: r.password });
    const file = env.REGISTRY_AUTH_FILE!;
    const original = readFileSync(file);
    assert.ok((JSON.parse(original.toString('utf8')) as DockerConfig).auths![r.host]?.auth, 'plain text before');
    const res = await useStore('pass', [{ host: r.host, tool: 'podman' }], {
      env,
      relogin: async (hs) =>
        Promise.all(
          hs.map(async (host) => {
            await runner.login({ tool: 'podman', host, username: r.username, password: r.password });
            return { host, ok: true };
          }),
        ),
    });
    assert.deepEqual(res.hosts, [r.host]);
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(Buffer.from(`AWS:${PASSWORD}`).toString('base64')), "no password in podman's auth file");
    const cfg = JSON.parse(text) as DockerConfig;
    assert.equal(cfg.credHelpers?.[r.host], 'pass');
    assert.equal(cfg.auths?.[r.host]?.auth, undefined);
    assert.equal(passSecretFor(env, r.host).Secret, r.password);
    await undo({ env });
    assert.ok(readFileSync(file).equals(original), 'undo restores the original bytes');
  });

  test('a login that fails half way restores the original file', async () => {
    const env = gpgEnv(tempDir());
    initPassStore(env);
    const file = seedDockerConfig(env, UNRELATED);
    const runner = createLoginRunner({ env });
    const [good, bad] = registries;
    await runner.login({ tool: 'docker', host: good.host, username: 'AWS', password: PASSWORD });
    const original = readFileSync(file);
    await assert.rejects(
      useStore('pass', [good.host, bad.host], {
        env,
        relogin: (hs) =>
          Promise.all(
            hs.map(async (host) => {
              try {
                await runner.login({
                  tool: 'docker',
                  host,
                  username: 'AWS',
                  password: host === bad.host ? 'wrong-password' : PASSWORD,
                });
                return { host, ok: true };
              } catch (err) {
                return { host, ok: false, error: (err as KeeperError).category };
              }
            }),
          ),
      }),
      (e: KeeperError) => /login-rejected/.test(e.message) && /restored/.test(e.fix),
    );
    assert.ok(readFileSync(file).equals(original));
  });

  test('a registry added later follows the mapping (its first login goes to the store)', async () => {
    const env = gpgEnv(tempDir());
    initPassStore(env);
    const file = seedDockerConfig(env, UNRELATED);
    const runner = createLoginRunner({ env });
    const [first, later] = [registries[0], registries[3]];
    const relogin = (hs: string[]) =>
      Promise.all(
        hs.map(async (host) => {
          await runner.login({ tool: 'docker', host, username: 'AWS', password: PASSWORD });
          return { host, ok: true };
        }),
      );
    await useStore('pass', [first.host], { env, relogin });
    const res = await runner.login({ tool: 'docker', host: later.host, username: 'AWS', password: PASSWORD });
    assert.deepEqual(res.warnings, []);
    const cfg = readConfigJson(file);
    assert.equal(cfg.credHelpers![later.host], 'pass');
    assert.equal(cfg.auths?.[later.host]?.auth, undefined);
    assert.equal(passSecretFor(env, later.host).Secret, PASSWORD);
  });

  test('CLI: ecr-keeper storage / storage use pass / storage undo through the real keeper', async () => {
    const dir = tempDir();
    const env = gpgEnv(dir);
    writeFileSync(join(dir, 'aws-config'), '[profile emu]\nregion = eu-west-1\n');
    writeFileSync(
      join(dir, 'aws-credentials'),
      `[emu]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`,
    );
    Object.assign(env, {
      AWS_CONFIG_FILE: join(dir, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    for (const k of [
      'AWS_PROFILE',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_ENDPOINT_URL',
      'AWS_ENDPOINT_URL_ECR',
    ])
      delete env[k];
    emu ??= await startEcrEmulator({
      accessKeyId: KEY_ID,
      secretAccessKey: SECRET,
      accountId: '111122223333',
      password: PASSWORD,
    });
    const configDir = join(dir, 'keeper');
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s), env };
    const cli = async (...args: string[]) => {
      out.length = 0;
      err.length = 0;
      return main([...args, '--config-dir', configDir], io);
    };
    const file = seedDockerConfig(env, UNRELATED);
    const managed = registries.slice(0, 3);
    for (const [i, r] of managed.entries()) {
      assert.equal(
        await cli(
          'add',
          `reg${i}`,
          '--region',
          'eu-west-1',
          '--profile',
          'emu',
          '--registry-host',
          r.host,
          '--api-endpoint',
          emu.url,
        ),
        0,
        err.join('\n'),
      );
    }
    assert.equal(await cli('login', '--all'), 0, err.join('\n'));

    assert.equal(await cli('storage'), 0, err.join('\n'));
    const shown = out.join('\n');
    for (const r of managed) assert.match(shown, new RegExp(`${r.host.replace(/\./g, '\\.')}\\s+docker\\s+plain text`));
    assert.match(shown, /no\s+pass\s+no initialised password store/);
    assert.match(shown, /only available on macOS/);

    // Refused while the store does not work: exit 1, reason printed, file unchanged.
    const plain = readFileSync(file);
    assert.equal(await cli('storage', 'use', 'pass'), 1);
    assert.match(err.join('\n'), /does not work here: no initialised password store[\s\S]*fix: .*pass init/);
    assert.ok(readFileSync(file).equals(plain));
    assert.equal(await cli('storage', 'use', 'nope'), 2);
    assert.equal(await cli('storage', 'use'), 2);

    initPassStore(env);
    assert.equal(await cli('storage', 'use', 'pass'), 0, err.join('\n'));
    for (const r of managed)
      assert.ok(
        out.some((l) => l === `ok ${r.host}: login now in pass`),
        out.join('\n'),
      );
    const moved = readFileSync(file, 'utf8');
    assert.ok(!moved.includes(Buffer.from(`AWS:${PASSWORD}`).toString('base64')));
    for (const r of managed) assert.equal(passSecretFor(env, r.host).Secret, PASSWORD);
    assert.deepEqual(
      otherKeys(
        JSON.parse(moved) as DockerConfig,
        managed.map((r) => r.host),
      ),
      otherKeys(
        JSON.parse(plain.toString('utf8')) as DockerConfig,
        managed.map((r) => r.host),
      ),
    );

    assert.equal(await cli('storage', '--json'), 0);
    const report = JSON.parse(out.join('\n')) as {
      registries: { storage: string; helper?: string }[];
      chosen?: string;
      stores: { store: string; works: boolean }[];
    };
    assert.deepEqual(
      report.registries.map((r) => `${r.storage}:${r.helper}`),
      ['helper:pass', 'helper:pass', 'helper:pass'],
    );
    assert.equal(report.chosen, 'pass');
    assert.equal(report.stores.find((s) => s.store === 'pass')!.works, true);

    assert.equal(await cli('storage', 'undo'), 0, err.join('\n'));
    assert.ok(readFileSync(file).equals(plain), 'undo restores the file byte for byte');
    assert.equal(await cli('storage', 'undo'), 2, 'nothing left to undo');
    assert.equal(existsSync(`${file}.ecr-keeper`), false);
  });
});
