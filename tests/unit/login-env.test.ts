// What the login runner puts in the login tool's environment: one Go scheduler per login
// (GOMAXPROCS=1, faster parallel logins, docs/PERFORMANCE.md) unless the user set their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLoginRunner } from '../../src/core/login';

test('docker runs with GOMAXPROCS=1 unless the environment sets it; the password still arrives on stdin', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ek-goenv-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'calls');
  // A stand-in docker: records GOMAXPROCS and the password it read, and writes the login into the
  // staging config as docker would, so the merge and the read-back see a real entry.
  const docker = join(dir, 'docker');
  writeFileSync(
    docker,
    `#!/bin/sh
for a; do host="$a"; done
pw=$(cat)
echo "$GOMAXPROCS $pw" >> "${log}"
printf '{"auths":{"%s":{"auth":"QVdTOnB3"}}}' "$host" > "$DOCKER_CONFIG/config.json"
`,
  );
  chmodSync(docker, 0o755);
  const home = join(dir, 'home');
  mkdirSync(join(home, '.docker'), { recursive: true });
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: 'eDp5' } } }));
  for (const extra of [{}, { GOMAXPROCS: '3' }]) {
    const runner = createLoginRunner({
      env: { HOME: home, PATH: '/usr/bin:/bin', ...extra },
      platform: 'linux',
      stagingRoot: join(dir, 'stage'),
    });
    await runner.login({
      tool: 'docker',
      host: '127.0.0.1:5000',
      username: 'AWS',
      password: 'pw-from-stdin',
      toolPath: docker,
    });
  }
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['1 pw-from-stdin', '3 pw-from-stdin']);
  const cfg = JSON.parse(readFileSync(join(home, '.docker', 'config.json'), 'utf8')) as {
    auths: Record<string, unknown>;
  };
  assert.deepEqual(Object.keys(cfg.auths).sort(), ['127.0.0.1:5000', 'ghcr.io']);
});
