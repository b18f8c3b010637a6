// `remove --logout` underneath: removeHostEntry against a real credential store (Debian's
// docker-credential-pass over pass and gnupg in a temporary home) with a real docker login, and
// against a plain file; every other entry stays. Never touches the real ~/.docker.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeHostEntry } from '../../src/core/logout';
import { createLoginRunner } from '../../src/core/login';
import { initPassStore, killGpgAgents, run } from '../fixtures/pass-store';
import { needTools, TOOLS } from '../fixtures/tools';
import { readConfigJson, seedDockerConfig, startRegistry, toolEnv } from '../fixtures/registry';

const skip = needTools(TOOLS.docker, TOOLS.registry, TOOLS.pass, TOOLS.gpg, TOOLS.credPass);
const PASSWORD = `fake-logout-test-${process.pid}`;

describe('removeHostEntry with real tools', { skip }, () => {
  const dirs: string[] = [];
  after(() => {
    killGpgAgents();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('erases the login from the pass store and the file entry; other entries and keys stay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ek-logout-'));
    dirs.push(dir);
    const env = toolEnv(dir);
    initPassStore(env);
    const reg = await startRegistry({ password: PASSWORD });
    try {
      const file = seedDockerConfig(env, {
        auths: { 'ghcr.io': { auth: Buffer.from('u:p').toString('base64') } },
        credHelpers: { [reg.host]: 'pass', 'gcr.io': 'gcloud' },
        psFormat: 'x',
      });
      await createLoginRunner({ env }).login({ tool: 'docker', host: reg.host, username: 'AWS', password: PASSWORD });
      assert.equal(run('docker-credential-pass', ['get'], env, reg.host).status, 0, 'stored in pass');
      const out = await removeHostEntry('docker', reg.host, { env });
      assert.equal(out.erasedFrom, 'pass');
      // This helper's `get` of a missing entry answers with an empty secret; `list` is unambiguous.
      assert.deepEqual(JSON.parse(run('docker-credential-pass', ['list'], env).stdout), {}, 'gone from pass');
      const cfg = readConfigJson(file);
      assert.deepEqual(cfg.credHelpers, { [reg.host]: 'pass', 'gcr.io': 'gcloud' });
      assert.ok(cfg.auths!['ghcr.io']);
      assert.equal(cfg.psFormat, 'x');
      const again = await removeHostEntry('docker', reg.host, { env });
      assert.equal(again.erasedFrom, 'pass', 'nothing left to erase is not an error');
    } finally {
      await reg.stop();
    }
  });

  it('a file that does not parse is never written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ek-logout-'));
    dirs.push(dir);
    const env = toolEnv(dir);
    const file = join(env.DOCKER_CONFIG!, 'config.json');
    writeFileSync(file, '{ "auths": ');
    await assert.rejects(
      removeHostEntry('docker', 'x.example', { env }),
      (e: { category?: string }) => e.category === 'config',
    );
    assert.equal(readFileSync(file, 'utf8'), '{ "auths": ');
  });
});
