// Credential store detection (with an injected runner) and the storage migration's file handling
// (with injected store check, relogin and store listing). The real helpers, pass, gpg and docker
// are exercised in tests/integration/storage.test.ts.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
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
import { join } from 'node:path';
import {
  detectStore,
  detectStores,
  findHelper,
  type RunResult,
  type Runner,
  type StoreStatus,
} from '../../src/core/cred-stores';
import { runProgram } from '../../src/core/run-program';
import {
  journalPathFor,
  moveKeeperLogins,
  readJournal,
  readStoreRecord,
  storageReport,
  storeMappingFor,
  undo,
  useStore,
  type StorageDeps,
} from '../../src/core/storage-migration';
import { formatLike } from '../../src/core/cred-file';
import { withHelper, withoutPlaintext } from '../../src/core/login';
import { KeeperError } from '../../src/core/errors';
import type { DockerConfig } from '../../src/core/docker-config';
import { readConfigJson } from '../fixtures/registry';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ecr-keeper-stores-'));
  dirs.push(d);
  return d;
}

/** A bin dir with executable stand-ins; the injected runner decides what they "answer". */
function binDir(names: string[]): string {
  const d = join(tempDir(), 'bin');
  mkdirSync(d);
  for (const n of names) {
    writeFileSync(join(d, n), '#!/bin/sh\nexit 0\n');
    chmodSync(join(d, n), 0o755);
  }
  return d;
}

const ok = (stdout: string): RunResult => ({ code: 0, stdout, stderr: '', timedOut: false });

function envWith(bin: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // HOME points into a temp dir so usualToolDirs (~/.local/bin) cannot find real helpers.
  return { PATH: bin, HOME: tempDir(), ...extra };
}

describe('detectStore', () => {
  test('not installed names the package; wrong OS says where it exists', async () => {
    const env = envWith(binDir([]));
    const run: Runner = () => Promise.reject(new assert.AssertionError({ message: 'nothing to run' }));
    // desktop: a helper the usual Linux dirs (/usr/bin ...) will not hold on a test machine.
    const desktop = await detectStore('desktop', { env, platform: 'linux', run });
    assert.equal(desktop.works, false);
    assert.match(desktop.reason!, /docker-credential-desktop is not installed/);
    assert.match(desktop.fix!, /Docker Desktop/);
    const mac = await detectStore('osxkeychain', { env, platform: 'linux', run });
    assert.match(mac.reason!, /only available on macOS/);
    const win = await detectStore('wincred', { env, platform: 'linux', run });
    assert.match(win.reason!, /only available on Windows/);
  });

  test('secretservice without a session bus: no keyring session, helper not even run', async () => {
    const env = envWith(binDir(['docker-credential-secretservice']));
    let ran = false;
    const s = await detectStore('secretservice', {
      env,
      platform: 'linux',
      run: () => {
        ran = true;
        return Promise.resolve(ok('{}'));
      },
    });
    assert.equal(s.works, false);
    assert.match(s.reason!, /no keyring session/);
    assert.equal(ran, false);
  });

  test("secretservice whose list fails reports the helper's own words", async () => {
    const env = envWith(binDir(['docker-credential-secretservice']), {
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
    });
    const s = await detectStore('secretservice', {
      env,
      platform: 'linux',
      run: () =>
        Promise.resolve({
          code: 1,
          stdout: '',
          stderr: 'Cannot autolaunch D-Bus without X11 $DISPLAY\n',
          timedOut: false,
        }),
    });
    assert.equal(s.works, false);
    assert.match(s.reason!, /no keyring session.*Cannot autolaunch D-Bus/);
  });

  test('secretservice answering list works; runs `list` with no shell', async () => {
    const bin = binDir(['docker-credential-secretservice']);
    const env = envWith(bin, { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' });
    const calls: string[][] = [];
    const s = await detectStore('secretservice', {
      env,
      platform: 'linux',
      run: (p, args) => {
        calls.push([p, ...args]);
        return Promise.resolve(ok('{"ghcr.io":"me"}'));
      },
    });
    assert.deepEqual(s, {
      store: 'secretservice',
      program: join(bin, 'docker-credential-secretservice'),
      works: true,
      reason: null,
      fix: null,
    });
    assert.deepEqual(calls, [[join(bin, 'docker-credential-secretservice'), 'list']]);
  });

  test('pass answering {} without .gpg-id: no initialised password store', async () => {
    const bin = binDir(['docker-credential-pass', 'pass', 'gpg']);
    const store = join(tempDir(), 'store');
    const s = await detectStore('pass', {
      env: envWith(bin, { PASSWORD_STORE_DIR: store }),
      platform: 'linux',
      run: () => Promise.resolve(ok('{}')),
    });
    assert.equal(s.works, false);
    assert.match(s.reason!, /no initialised password store/);
    assert.match(s.fix!, /pass init/);
  });

  test('pass initialised for a key gpg does not have; and for a usable key', async () => {
    const bin = binDir(['docker-credential-pass', 'pass', 'gpg']);
    const store = join(tempDir(), 'store');
    mkdirSync(store);
    writeFileSync(join(store, '.gpg-id'), 'ABCDEF0123456789\n');
    const env = envWith(bin, { PASSWORD_STORE_DIR: store });
    const missing = await detectStore('pass', {
      env,
      platform: 'linux',
      run: (p) =>
        Promise.resolve(
          p.endsWith('gpg')
            ? { code: 2, stdout: '', stderr: 'gpg: error reading key: No public key', timedOut: false }
            : ok('{}'),
        ),
    });
    assert.equal(missing.works, false);
    assert.match(missing.reason!, /gpg has no key for "ABCDEF0123456789"/);
    const expired = await detectStore('pass', {
      env,
      platform: 'linux',
      run: (p) =>
        Promise.resolve(p.endsWith('gpg') ? ok('pub:e:255:22:ABCDEF0123456789:1:2::u:::sc:::::::\n') : ok('{}')),
    });
    assert.match(expired.reason!, /cannot encrypt/);
    const good = await detectStore('pass', {
      env,
      platform: 'linux',
      run: (p) =>
        Promise.resolve(p.endsWith('gpg') ? ok('pub:u:255:22:ABCDEF0123456789:1:::u:::scESC:::::::\n') : ok('{}')),
    });
    assert.equal(good.works, true, JSON.stringify(good));
  });

  test('pass helper present but pass itself missing', async () => {
    const bin = binDir(['docker-credential-pass']);
    // /usr/bin is one of the usual dirs; a real pass there would be found, so only check when absent.
    if (existsSync('/usr/bin/pass') || existsSync('/usr/local/bin/pass')) return;
    const s = await detectStore('pass', { env: envWith(bin), platform: 'linux', run: () => Promise.resolve(ok('{}')) });
    assert.match(s.reason!, /pass is not installed/);
  });

  test('a helper that never answers is killed at the timeout (real process, no shell)', async () => {
    const bin = join(tempDir(), 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'docker-credential-desktop'), '#!/bin/sh\nexec /bin/sleep 30\n');
    chmodSync(join(bin, 'docker-credential-desktop'), 0o755);
    const started = Date.now();
    const s = await detectStore('desktop', { env: envWith(bin), platform: 'linux', timeoutMs: 300 });
    assert.equal(s.works, false);
    assert.match(s.reason!, /did not answer "list" within/);
    assert.ok(Date.now() - started < 5000);
  });

  test('garbage from list is not "works"; desktop says to start Docker Desktop', async () => {
    const env = envWith(binDir(['docker-credential-desktop']));
    const s = await detectStore('desktop', {
      env,
      platform: 'linux',
      run: () =>
        Promise.resolve({
          code: 1,
          stdout: '',
          stderr: 'error getting credentials - err: docker desktop is not running',
          timedOut: false,
        }),
    });
    assert.match(s.reason!, /Docker Desktop's credential store did not answer/);
    assert.match(s.fix!, /Start Docker Desktop/);
    const weird = await detectStore('desktop', { env, platform: 'linux', run: () => Promise.resolve(ok('not json')) });
    assert.equal(weird.works, false);
  });

  test('detectStores reports all five in a fixed order; findHelper skips relative PATH entries', async () => {
    const all = await detectStores({
      env: envWith(binDir([])),
      platform: 'linux',
      run: () => Promise.resolve(ok('{}')),
    });
    assert.deepEqual(
      all.map((s) => s.store),
      ['osxkeychain', 'wincred', 'desktop', 'secretservice', 'pass'],
    );
    const bin = binDir(['docker-credential-pass']);
    assert.equal(
      findHelper('pass', { env: { PATH: `relative/bin:${bin}`, HOME: tempDir() }, platform: 'linux' }),
      join(bin, 'docker-credential-pass'),
    );
  });

  test('runProgram feeds stdin and reports a missing program without throwing', async () => {
    const r = await runProgram('/bin/cat', [], { env: process.env, input: 'hello', timeoutMs: 5000 });
    assert.equal(r.stdout, 'hello');
    const missing = await runProgram(join(tempDir(), 'nope'), [], { env: process.env, timeoutMs: 1000 });
    assert.equal(missing.code, null);
    assert.ok(missing.spawnError);
  });
});

describe('config edits', () => {
  test('withHelper maps one host, keeps other helpers and unknown keys, drops a URL-form duplicate', () => {
    const cfg = { credHelpers: { 'gcr.io': 'gcloud', 'https://a.example': 'old' }, psFormat: 'x', auths: {} };
    assert.deepEqual(withHelper(cfg, 'a.example', 'pass'), {
      credHelpers: { 'gcr.io': 'gcloud', 'a.example': 'pass' },
      psFormat: 'x',
      auths: {},
    });
    assert.deepEqual(withHelper({}, 'b.example:5000', 'pass'), { credHelpers: { 'b.example:5000': 'pass' } });
  });

  test('withoutPlaintext removes secrets for the host in every spelling, nothing else', () => {
    const cfg = {
      auths: {
        'a.example': { auth: 'QVdTOnNlY3JldA==' },
        'https://a.example/v1/': { auth: 'eA==', email: 'x@example.invalid' },
        'b.example': { auth: 'Yjpi' },
      },
    };
    const out = withoutPlaintext(cfg, 'a.example');
    assert.deepEqual(out, {
      auths: { 'https://a.example/v1/': { email: 'x@example.invalid' }, 'b.example': { auth: 'Yjpi' } },
    });
    assert.equal(withoutPlaintext(cfg, 'c.example'), cfg, 'unchanged object when nothing to remove');
  });

  test('formatLike keeps tabs, two spaces, compact and trailing newline', () => {
    const v = { a: { b: 1 } };
    assert.equal(formatLike('{\n\t"x": 1\n}', v), '{\n\t"a": {\n\t\t"b": 1\n\t}\n}');
    assert.equal(formatLike('{\n  "x": 1\n}\n', v), '{\n  "a": {\n    "b": 1\n  }\n}\n');
    assert.equal(formatLike('{"x":1}', v), '{"a":{"b":1}}');
    assert.equal(formatLike(null, v), '{\n\t"a": {\n\t\t"b": 1\n\t}\n}');
  });
});

describe('useStore / undo / storeMappingFor (files only)', () => {
  const WORKS: StoreStatus = {
    store: 'pass',
    program: '/usr/bin/docker-credential-pass',
    works: true,
    reason: null,
    fix: null,
  };
  const ORIGINAL = {
    auths: {
      'unrelated.example': { auth: 'dW5yZWxhdGVkOmZha2U=' },
      '111122223333.dkr.ecr.eu-west-1.amazonaws.com': { auth: 'QVdTOmZha2UtcGxhaW4=' },
      '444455556666.dkr.ecr.us-east-1.amazonaws.com': { auth: 'QVdTOmZha2UtcGxhaW4y' },
    },
    credHelpers: { 'gcr.io': 'gcloud', '777788889999.dkr.ecr.us-west-2.amazonaws.com': 'ecr-login' },
    currentContext: 'default',
    someFutureKey: { nested: [1, 2, 3] },
  };
  const A = '111122223333.dkr.ecr.eu-west-1.amazonaws.com';
  const B = '444455556666.dkr.ecr.us-east-1.amazonaws.com';
  const HELPER_HOST = '777788889999.dkr.ecr.us-west-2.amazonaws.com';

  function setup(text = `${JSON.stringify(ORIGINAL, null, '\t')}`) {
    const d = tempDir();
    const file = join(d, 'docker', 'config.json');
    mkdirSync(join(d, 'docker'));
    writeFileSync(file, text, { mode: 0o600 });
    const env = { HOME: d, DOCKER_CONFIG: join(d, 'docker'), REGISTRY_AUTH_FILE: join(d, 'containers', 'auth.json') };
    return { d, file, env, bytes: readFileSync(file) };
  }

  function deps(env: NodeJS.ProcessEnv, over: Partial<StorageDeps> = {}): StorageDeps {
    return {
      env,
      checkStore: () => Promise.resolve(WORKS),
      relogin: (hosts) => Promise.resolve(hosts.map((host) => ({ host, ok: true }))),
      listStore: () => Promise.resolve({ [A]: 'AWS', [B]: 'AWS' }),
      ...over,
    };
  }

  test('a store that does not work is refused with its reason; file bytes and folder unchanged', async () => {
    const { file, env, bytes } = setup();
    const before = readdirSync(join(env.DOCKER_CONFIG)).sort();
    let relogged = false;
    await assert.rejects(
      useStore(
        'pass',
        [A, B],
        deps(env, {
          checkStore: () =>
            Promise.resolve({
              ...WORKS,
              works: false,
              reason: 'no initialised password store.',
              fix: 'Run "pass init <gpg-key-id>".',
            }),
          relogin: () => {
            relogged = true;
            return Promise.resolve([]);
          },
        }),
      ),
      (err: KeeperError) => {
        assert.equal(err.category, 'credential-store');
        assert.match(err.message, /"pass" credential store does not work here: no initialised password store/);
        assert.match(err.fix, /pass init.*Nothing was changed/);
        return true;
      },
    );
    assert.equal(relogged, false);
    assert.ok(readFileSync(file).equals(bytes));
    assert.deepEqual(readdirSync(env.DOCKER_CONFIG).sort(), before, 'no backup, no record, no temp file');
  });

  test('unknown store and bad hosts are invalid input; nothing written', async () => {
    const { file, env, bytes } = setup();
    await assert.rejects(useStore('keychainz', [A], deps(env)), (e: KeeperError) => e.category === 'invalid-input');
    await assert.rejects(
      useStore('pass', ['-bad host'], deps(env)),
      (e: KeeperError) => e.category === 'invalid-input',
    );
    await assert.rejects(useStore('pass', [], deps(env)), (e: KeeperError) => e.category === 'invalid-input');
    assert.ok(readFileSync(file).equals(bytes));
  });

  test('maps only managed hosts, removes their plain text, skips ecr-login hosts, keeps the rest; undo is exact', async () => {
    const { file, env, bytes } = setup();
    chmodSync(file, 0o640);
    const res = await useStore(
      'pass',
      [A, B, HELPER_HOST],
      deps(env, { now: () => new Date('2025-03-04T05:06:07.089Z') }),
    );
    assert.deepEqual(res.hosts, [A, B]);
    assert.deepEqual(
      res.skipped.map((s) => s.host),
      [HELPER_HOST],
    );
    assert.deepEqual(res.backups, [`${file}.bak-20250304T050607089Z`]);
    assert.ok(readFileSync(res.backups[0]).equals(bytes), 'backup is the original byte for byte');
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^\{\n\t"auths"/, 'tab indentation kept');
    const after = JSON.parse(text) as DockerConfig;
    assert.deepEqual(after.credHelpers, { 'gcr.io': 'gcloud', [HELPER_HOST]: 'ecr-login', [A]: 'pass', [B]: 'pass' });
    assert.deepEqual(after.auths, { 'unrelated.example': ORIGINAL.auths['unrelated.example'] });
    assert.deepEqual(after.someFutureKey, ORIGINAL.someFutureKey);
    assert.equal(after.currentContext, 'default');
    assert.equal(statSync(file).mode & 0o777, 0o640, 'permissions kept');
    assert.deepEqual((await readStoreRecord(file))?.hosts, [A, B]);

    const u = await undo({ env });
    assert.deepEqual(u.restored, [file]);
    assert.ok(readFileSync(file).equals(bytes), 'undo restores the bytes');
    assert.equal(await readStoreRecord(file), null, 'record gone with the undo');
    assert.deepEqual(readdirSync(env.DOCKER_CONFIG), ['config.json'], 'backups consumed');
    await assert.rejects(
      undo({ env }),
      (e: KeeperError) => e.category === 'invalid-input' && /no ECR Keeper backup/.test(e.message),
    );
  });

  test('a failed relogin restores the backup exactly and leaves no backup behind', async () => {
    const { file, env, bytes } = setup();
    let during = '';
    await assert.rejects(
      useStore(
        'pass',
        [A, B],
        deps(env, {
          relogin: (hosts) => {
            during = readFileSync(file, 'utf8');
            return Promise.resolve(
              hosts.map((host) => (host === B ? { host, ok: false, error: 'login-rejected: no' } : { host, ok: true })),
            );
          },
        }),
      ),
      (e: KeeperError) =>
        e.category === 'credential-store' &&
        new RegExp(`${B.replace(/\./g, '\\.')}: login-rejected`).test(e.message) &&
        /restored from its backup/.test(e.fix),
    );
    assert.match(during, /"credHelpers"/, 'the mapping was in place while logging in');
    assert.ok(readFileSync(file).equals(bytes));
    assert.deepEqual(readdirSync(env.DOCKER_CONFIG), ['config.json']);
  });

  test('a login that did not reach the store (list lacks the host) also rolls back', async () => {
    const { file, env, bytes } = setup();
    await assert.rejects(
      useStore('pass', [A, B], deps(env, { listStore: () => Promise.resolve({ [A]: 'AWS' }) })),
      /does not hold the login for 444455556666/,
    );
    assert.ok(readFileSync(file).equals(bytes));
  });

  test('no config yet: undo removes the file again; a corrupt config refuses', async () => {
    const d = tempDir();
    const env = { HOME: d, DOCKER_CONFIG: join(d, 'docker') };
    await useStore('pass', [A], deps(env));
    assert.ok(existsSync(join(d, 'docker', 'config.json')));
    await undo({ env });
    assert.equal(existsSync(join(d, 'docker', 'config.json')), false);

    const { file, env: env2, bytes } = setup('{ "auths": ');
    await assert.rejects(
      useStore('pass', [A], deps(env2)),
      (e: KeeperError) =>
        e.category === 'config-invalid' && /not valid JSON/.test(e.message) && /line 1, column 12/.test(e.message),
    );
    assert.ok(readFileSync(file).equals(bytes));
  });

  test('writes through a symlinked config.json instead of replacing the link', async () => {
    const d = tempDir();
    mkdirSync(join(d, 'dotfiles'));
    mkdirSync(join(d, 'docker'));
    const real = join(d, 'dotfiles', 'docker-config.json');
    writeFileSync(real, JSON.stringify(ORIGINAL));
    symlinkSync(real, join(d, 'docker', 'config.json'));
    const env = { HOME: d, DOCKER_CONFIG: join(d, 'docker') };
    await useStore('pass', [A], deps(env));
    const link = join(d, 'docker', 'config.json');
    assert.ok(statSync(link).isFile());
    assert.equal(readConfigJson(real).credHelpers![A], 'pass');
    await undo({ env });
    assert.equal(readFileSync(real, 'utf8'), JSON.stringify(ORIGINAL));
  });

  test('while logging in every host keeps its plain-text login; the record and journal name the move; the journal goes when done', async () => {
    const { file, env } = setup();
    let during: { text: string; journal: unknown; record: unknown } | undefined;
    await useStore(
      'pass',
      [A, B],
      deps(env, {
        relogin: async (hosts) => {
          during = {
            text: readFileSync(file, 'utf8'),
            journal: await readJournal(file),
            record: await readStoreRecord(file),
          };
          return hosts.map((host) => ({ host, ok: true }));
        },
      }),
    );
    const cfg = JSON.parse(during!.text) as DockerConfig;
    assert.equal(
      cfg.auths![A].auth,
      ORIGINAL.auths[A].auth,
      'plain text still in place while the store is being filled',
    );
    assert.equal(cfg.credHelpers![A], undefined, 'not mapped before its login reached the store');
    assert.deepEqual((during!.journal as { hosts: unknown[] }).hosts, [
      { host: A, tool: 'docker' },
      { host: B, tool: 'docker' },
    ]);
    assert.equal((during!.record as { store: string }).store, 'pass');
    assert.equal(existsSync(journalPathFor(file)), false, 'journal removed after a complete move');
    assert.equal(readConfigJson(file).credHelpers![A], 'pass');
  });

  test('an interrupted move (journal left behind) is finished by the next use with its first backups, or undone', async () => {
    const { file, env, bytes } = setup();
    // The first run dies after its logins started: simulate by a relogin that never returns.
    const first = useStore(
      'pass',
      [A, B],
      deps(env, { now: () => new Date('2025-03-04T05:06:07.089Z'), relogin: () => new Promise(() => {}) }),
    );
    void first;
    for (let i = 0; i < 100 && !existsSync(journalPathFor(file)); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(existsSync(journalPathFor(file)));
    assert.equal(
      (await storageReport([], { env, detect: () => Promise.resolve([]) })).interrupted,
      'pass',
      'the report names the interrupted move',
    );
    const again = await useStore('pass', [A, B], deps(env, { now: () => new Date('2025-03-05T00:00:00.000Z') }));
    assert.deepEqual(
      again.backups,
      [`${file}.bak-20250304T050607089Z`],
      'the interrupted move keeps its own undo point',
    );
    assert.equal(existsSync(journalPathFor(file)), false);
    await undo({ env });
    assert.ok(readFileSync(file).equals(bytes), 'undo goes back to before the interrupted move');
  });

  test('storeMappingFor: nothing without a chosen store; new and plain-text hosts map to it; own helpers stay', async () => {
    const { file, env } = setup();
    const NEW = '999900001111.dkr.ecr.ap-south-1.amazonaws.com';
    const cfg = () => readConfigJson(file);
    assert.equal(await storeMappingFor(NEW, file, cfg(), 'docker'), undefined);
    await useStore('pass', [A], deps(env, { listStore: () => Promise.resolve({ [A]: 'AWS' }) }));
    assert.equal(await storeMappingFor(NEW, file, cfg(), 'docker'), 'pass');
    assert.equal(await storeMappingFor(B, file, cfg(), 'docker'), 'pass', 'a plain-text login moves on its next login');
    assert.equal(await storeMappingFor(A, file, cfg(), 'docker'), undefined, 'already mapped');
    assert.equal(await storeMappingFor('gcr.io', file, cfg(), 'docker'), undefined, 'its own helper');
    assert.equal(await storeMappingFor(HELPER_HOST, file, cfg(), 'docker'), undefined, 'ecr-login');
  });

  test('storageReport: per registry storage, chosen store, undo available', async () => {
    const { file, env } = setup();
    const regs = [
      { name: 'a', host: A, tool: 'docker' as const },
      { name: 'h', host: HELPER_HOST, tool: 'docker' as const },
      { name: 'new', host: null, tool: 'docker' as const },
      { name: 'none', host: '121212121212.dkr.ecr.eu-west-1.amazonaws.com', tool: 'docker' as const },
    ];
    const detect = () => Promise.resolve([WORKS]);
    let r = await storageReport(regs, { env, detect });
    assert.deepEqual(
      r.registries.map((x) => x.storage),
      ['plaintext', 'ecr-login', 'unknown', 'none'],
    );
    assert.match(r.registries[0].description, new RegExp(`plain text \\(base64\\) in ${file.replace(/[.]/g, '\\.')}`));
    assert.equal(r.chosen, null);
    assert.equal(r.canUndo, false);
    await useStore('pass', [A], deps(env, { listStore: () => Promise.resolve({ [A]: 'AWS' }) }));
    r = await storageReport(regs, { env, detect });
    assert.equal(r.registries[0].storage, 'helper');
    assert.equal(r.registries[0].helper, 'pass');
    assert.equal(r.chosen, 'pass');
    assert.equal(r.canUndo, true);
  });

  test('moveKeeperLogins: enabled registries with a host move and log in through keeper.refresh; others are listed', async () => {
    const { file, env } = setup();
    const regs = [
      { id: '1', name: 'a', host: A, tool: 'docker' as const, enabled: true },
      { id: '2', name: 'off', host: B, tool: 'docker' as const, enabled: false },
      { id: '3', name: 'new', host: null, tool: 'docker' as const, enabled: true },
    ];
    const refreshed: string[] = [];
    const keeper = {
      snapshot: () => ({ registries: regs }),
      refresh: (id: string) => {
        refreshed.push(id);
        const r = regs.find((x) => x.id === id)!;
        return Promise.resolve({ name: r.name, host: r.host, error: null });
      },
    };
    const res = await moveKeeperLogins(keeper, 'pass', {
      env,
      checkStore: () => Promise.resolve(WORKS),
      listStore: () => Promise.resolve({ [A]: 'AWS' }),
    });
    assert.deepEqual(refreshed, ['1']);
    assert.deepEqual(res.hosts, [A]);
    assert.deepEqual(res.notMoved, [
      { name: 'off', reason: 'disabled' },
      { name: 'new', reason: 'host-unknown' },
    ]);
    const cfg = readConfigJson(file);
    assert.equal(cfg.credHelpers![A], 'pass');
    assert.ok(cfg.auths![B].auth, 'the disabled registry keeps its login where it was');

    const failing = {
      ...keeper,
      refresh: () =>
        Promise.resolve({ name: 'a', host: A, error: { message: 'signin-required: SSO session expired' } }),
    };
    await undo({ env });
    const bytes = readFileSync(file);
    await assert.rejects(
      moveKeeperLogins(failing, 'pass', { env, checkStore: () => Promise.resolve(WORKS) }),
      /a: signin-required: SSO session expired/,
    );
    assert.ok(readFileSync(file).equals(bytes));
  });
});
