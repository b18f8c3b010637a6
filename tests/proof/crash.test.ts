// Proof: a crash (SIGKILL) in the middle of a login loses nothing. The CLI runs `login --all`
// through a slow wrapper around the real docker; the test kills it at varying moments (before
// docker starts, while docker writes, while the keeper saves its state). Afterwards the docker
// credential file is valid JSON with everyone's entries, the settings and state files parse and
// the settings are unchanged, and a restarted `status --json` tells the truth.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needTools, TOOLS, which } from '../fixtures/tools';
import { spawnCli, addArgs, startStack, type Stack } from '../fixtures/stack';
import { hostsOf, readJson, sleep } from './helpers';
import { assertStatusTruth } from './status-truth';

const skip = needTools(TOOLS.docker, TOOLS.registry);
const THEIRS = { 'ghcr.io': { auth: Buffer.from('someone:theirs').toString('base64') } };

interface StatusRow {
  name: string;
  state: string;
  expiresAt: string | null;
  error: { category: string } | null;
}

describe('crash: SIGKILL in the middle of a login', { skip }, () => {
  let stack: Stack;
  let hosts: string[];
  let settingsFile: string;
  let stateFile: string;
  let wrapper: string;

  before(async () => {
    stack = await startStack({ registries: 2, dockerConfig: { auths: THEIRS, credHelpers: { 'gcr.io': 'gcloud' } } });
    hosts = hostsOf(stack);
    for (const [i, h] of hosts.entries()) {
      const r = await stack.cli(addArgs(stack, `c${i}`, h));
      assert.equal(r.code, 0, r.stderr);
    }
    settingsFile = join(stack.configDir, 'config.json');
    stateFile = join(stack.configDir, 'state.json');
    // A docker that takes its time before (and after) doing the real login.
    wrapper = join(stack.dir, 'slow-docker.sh');
    writeFileSync(wrapper, `#!/bin/sh\nsleep 0.4\n"${which('docker')}" "$@"\nrc=$?\nsleep 0.2\nexit $rc\n`);
    chmodSync(wrapper, 0o755);
  });
  after(async () => {
    await stack?.stop();
  });
  // The proof suite's invariant: every registry `status` calls valid opens its registry.
  afterEach(async () => {
    if (stack) await assertStatusTruth(stack.env);
  });

  function setDockerPath(path: string | undefined): void {
    const s = readJson(settingsFile) as Record<string, unknown>;
    s.toolPaths = path ? { docker: path } : {};
    writeFileSync(settingsFile, JSON.stringify(s, null, '\t'));
  }

  async function killDuringLogin(delayMs: number): Promise<void> {
    const child = spawnCli(['login', '--all'], { env: stack.env, stdio: 'ignore' });
    const closed = new Promise((r) => child.once('close', r));
    await sleep(delayMs);
    child.kill('SIGKILL');
    await closed;
    // The detached docker (own process group, so a timeout can end it) may still finish its write.
    await sleep(1500);
  }

  function checkFiles(settingsBefore: string): void {
    const docker = readJson(stack.dockerConfigFile) as { auths: Record<string, unknown>; credHelpers: unknown };
    assert.deepEqual(docker.auths['ghcr.io'], THEIRS['ghcr.io']);
    assert.deepEqual(docker.credHelpers, { 'gcr.io': 'gcloud' });
    assert.equal(readFileSync(settingsFile, 'utf8'), settingsBefore, 'settings unchanged by a login');
    const state = readJson(stateFile) as { registries: Record<string, unknown> };
    assert.equal(typeof state.registries, 'object');
  }

  it('first login ever, killed mid-way: files intact, status says never refreshed (not stuck refreshing)', async () => {
    setDockerPath(wrapper);
    const settingsBefore = readFileSync(settingsFile, 'utf8');
    await killDuringLogin(250);
    checkFiles(settingsBefore);
    const r = await stack.cli(['status', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /could not be read|backup/);
    const rows = JSON.parse(r.stdout) as StatusRow[];
    assert.equal(rows.length, hosts.length);
    for (const row of rows) assert.ok(['idle', 'valid'].includes(row.state), `${row.name}: ${row.state}`);
  });

  for (const delay of [300, 600, 900, 1200, 1600, 2200]) {
    it(`after a good login, killed ${delay} ms into the next: files intact and status right`, async () => {
      setDockerPath(undefined);
      const ok = await stack.cli(['login', '--all']);
      assert.equal(ok.code, 0, ok.stderr);
      const good = JSON.parse((await stack.cli(['status', '--json'])).stdout) as StatusRow[];
      setDockerPath(wrapper);
      const settingsBefore = readFileSync(settingsFile, 'utf8');
      await killDuringLogin(delay);
      checkFiles(settingsBefore);

      const r = await stack.cli(['status', '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /could not be read|backup/);
      const rows = JSON.parse(r.stdout) as StatusRow[];
      for (const row of rows) {
        // Either the old login (killed before it finished) or the new one (finished and saved): valid either way.
        assert.equal(row.state, 'valid', `${row.name}: ${JSON.stringify(row)}`);
        const old = good.find((g) => g.name === row.name)!;
        assert.ok(Date.parse(row.expiresAt!) >= Date.parse(old.expiresAt!), 'expiry never goes backwards');
        assert.equal(row.error, null);
      }
      // Every host the state calls valid really is in the credential file.
      const docker = readJson(stack.dockerConfigFile) as { auths: Record<string, { auth?: string }> };
      for (const h of hosts) assert.ok(docker.auths[h]?.auth, `${h} still logged in`);
    });
  }

  it('after the crashes, a normal login --all works (no stale lock or queue)', async () => {
    setDockerPath(undefined);
    const r = await stack.cli(['login', '--all']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stdout.match(/^ok /gm) ?? []).length, hosts.length);
  });
});
