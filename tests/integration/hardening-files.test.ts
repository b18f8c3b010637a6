// Permission and path problems with the user's credential files are reported as what they are
// (file-access, with the path), not as a credential-store or network failure, and change nothing.
// Root can write anything, so the read-only case runs the real CLI as the user nobody.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLoginRunner } from '../../src/core/login';
import { KeeperError } from '../../src/core/errors';
import { spawnCli, FAKE_ACCOUNT, FAKE_KEY_ID, FAKE_SECRET, startStack, type Stack } from '../fixtures/stack';
import { needTools, TOOLS } from '../fixtures/tools';

const skip = needTools(TOOLS.docker, TOOLS.registry);
const NOBODY = 65534;

describe('file problems are file problems', { skip }, () => {
  let stack: Stack;
  let dir: string;
  before(async () => {
    stack = await startStack();
    dir = mkdtempSync(join(tmpdir(), 'ek-files-'));
    chmodSync(dir, 0o755);
  });
  after(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('DOCKER_CONFIG pointing at a file: file-access naming the path and the variable, nothing run', async () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    let spawned = 0;
    const runner = createLoginRunner({
      env: { ...stack.env, DOCKER_CONFIG: file },
      spawn: () => {
        spawned++;
        throw new Error('must not run');
      },
    });
    await assert.rejects(
      runner.login({
        tool: 'docker',
        host: stack.registries[0].host,
        username: 'AWS',
        password: 'fake-password-files',
      }),
      (e: KeeperError) => {
        assert.equal(e.category, 'file-access');
        assert.match(e.message, /not-a-folder\/config\.json cannot be read: a part of its path is a file/);
        assert.match(e.fix, /DOCKER_CONFIG/);
        return true;
      },
    );
    assert.equal(spawned, 0);
    assert.equal(readFileSync(file, 'utf8'), 'x');
  });

  it(
    'a docker config the user cannot write: file-access with the path, exit 1, the file unchanged',
    { skip: process.getuid?.() !== 0 && 'needs root to run the CLI as nobody' },
    async () => {
      const home = join(dir, 'home');
      mkdirSync(home);
      writeFileSync(
        join(home, 'credentials'),
        `[default]\naws_access_key_id = ${FAKE_KEY_ID}\naws_secret_access_key = ${FAKE_SECRET}\n`,
      );
      writeFileSync(join(home, 'config'), '[default]\nregion = us-east-1\n');
      chownSync(home, NOBODY, NOBODY);
      chownSync(join(home, 'credentials'), NOBODY, NOBODY);
      chownSync(join(home, 'config'), NOBODY, NOBODY);
      // docker's folder and file belong to root: readable, not writable, for nobody.
      const dockerDir = join(dir, 'docker');
      mkdirSync(dockerDir, { mode: 0o755 });
      const original = JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from('u:theirs').toString('base64') } } });
      writeFileSync(join(dockerDir, 'config.json'), original, { mode: 0o644 });
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: home,
        DOCKER_CONFIG: dockerDir,
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        ECR_KEEPER_CONFIG_DIR: join(home, 'keeper'),
      };
      const run = (args: string[]) =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const c = spawnCli(args, {
            env,
            uid: NOBODY,
            gid: NOBODY,
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let out = '';
          c.stdout.on('data', (d) => {
            out += d;
          });
          c.stderr.on('data', (d) => {
            out += d;
          });
          c.on('close', (code) => resolve({ code, out }));
        });
      const add = await run([
        'add',
        'ro',
        '--region',
        'us-east-1',
        '--account',
        FAKE_ACCOUNT,
        '--registry-host',
        stack.registries[0].host,
        '--api-endpoint',
        stack.emu.url,
      ]);
      assert.equal(add.code, 0, add.out);
      const r = await run(['login', 'ro']);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /file-access/);
      assert.match(
        r.out,
        new RegExp(
          `${dockerDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/config\\.json cannot be (locked for writing|written): permission denied`,
        ),
      );
      assert.doesNotMatch(r.out, /credential-store|network/);
      assert.equal(readFileSync(join(dockerDir, 'config.json'), 'utf8'), original);
    },
  );
});
