// One home-folder lookup for every path ECR Keeper derives from it, and tool paths written as
// ~/... (the settings accept them) expanded where the login runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandHome, homeDir } from '../../src/core/home';
import { createKeeper } from '../../src/core/engine';
import { validateSettingsPatch } from '../../src/core/settings-model';
import type { KeeperError } from '../../src/core/errors';
import { confOpener } from '../helpers/keeper-harness';
import { missingTools } from '../../src/electron/handlers';

test("the home folder: HOME, then USERPROFILE, then HOMEDRIVE + HOMEPATH (the AWS SDK's order)", () => {
  assert.equal(homeDir({ HOME: '/home/a', USERPROFILE: 'C:\\Users\\b' }), '/home/a');
  assert.equal(homeDir({ USERPROFILE: 'C:\\Users\\b', HOMEPATH: '\\Users\\c' }), 'C:\\Users\\b');
  assert.equal(homeDir({ HOMEDRIVE: 'D:', HOMEPATH: '\\Users\\c' }), 'D:\\Users\\c');
  assert.ok(homeDir({}).length > 0, 'the OS answers when the environment does not');
});

test('~/ is the home folder; other paths are left as they are', () => {
  assert.equal(expandHome('~/bin/docker', { HOME: '/home/a' }), '/home/a/bin/docker');
  assert.equal(expandHome('/usr/bin/docker', { HOME: '/home/a' }), '/usr/bin/docker');
  assert.equal(expandHome('/opt/~/docker', { HOME: '/home/a' }), '/opt/~/docker');
  assert.equal(expandHome('~other/docker', { HOME: '/home/a' }), '~other/docker', "another user's home is not guessed");
});

test('a tool path given as ~/bin/helm is accepted by the settings and run from the home folder', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'ek-home-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  assert.deepEqual(validateSettingsPatch({ toolPaths: { helm: '~/bin/helm' } }), {
    ok: true,
    value: { toolPaths: { helm: '~/bin/helm' } },
  });
  mkdirSync(join(home, 'bin'));
  const calls = join(home, 'calls');
  // A stand-in helm too old to be used: it records that it was asked its version, and nothing is logged in.
  writeFileSync(
    join(home, 'bin', 'helm'),
    `#!/bin/sh\necho "$@" >> "${calls}"\nif [ "$1" = version ]; then echo "v3.7.2+g663a896"; fi\nexit 0\n`,
  );
  chmodSync(join(home, 'bin', 'helm'), 0o755);
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, 'cfg'), PATH: '/usr/bin:/bin' };
  const engine = createKeeper({ configDir: join(home, 'config'), openStore: confOpener, env });
  await assert.rejects(
    engine.login.login({
      tool: 'helm',
      host: '127.0.0.1:5000',
      username: 'AWS',
      password: 'pw-not-a-secret',
      toolPath: '~/bin/helm',
    }),
    (e: KeeperError) => e.category === 'tool-missing' && e.action?.kind === 'set-tool-path',
  );
  assert.equal(readFileSync(calls, 'utf8').trim(), 'version --short', 'the program at ~/bin/helm was run');
});

test('the Settings view checks a ~/ tool path where it points: missing is reported, present is not', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'ek-home-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  writeFileSync(join(home, 'docker'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(home, 'docker'), 0o755);
  const saved = process.env.HOME;
  process.env.HOME = home;
  t.after(() => {
    process.env.HOME = saved;
  });
  assert.deepEqual(missingTools({ docker: '~/docker' }), []);
  assert.deepEqual(
    missingTools({ docker: '~/nowhere/docker' }).map((p) => p.field),
    ['toolPaths.docker'],
  );
});
