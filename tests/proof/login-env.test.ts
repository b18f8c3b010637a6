// What the login runner puts in the login tool's environment: one Go scheduler per login
// (GOMAXPROCS=1: faster side-by-side logins, docs/PERFORMANCE.md) unless the user set their own.
// The real docker does the logins against the real registry, through a wrapper that only records
// the variable and execs it; the status-truth invariant runs after each test.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needTools, TOOLS, which } from '../fixtures/tools';
import { startStack, type Stack } from '../fixtures/stack';
import { hostsOf, realKeeper, registryInput } from './helpers';
import { assertStatusTruth } from './status-truth';

const skip = needTools(TOOLS.docker, TOOLS.registry);

describe('the login tool runs with one Go scheduler unless the user chose', { skip }, () => {
  let stack: Stack;
  let wrapper: string;
  let log: string;
  let configDir: string;

  before(async () => {
    stack = await startStack({ registries: 1, dockerConfig: { auths: { 'ghcr.io': { auth: 'eDp5' } } } });
    const dir = mkdtempSync(join(stack.dir, 'goenv-'));
    log = join(dir, 'gomaxprocs');
    wrapper = join(dir, 'docker');
    // Records GOMAXPROCS, then is the real docker (the password reaches it on stdin, untouched).
    writeFileSync(wrapper, `#!/bin/sh\necho "\${GOMAXPROCS:-unset}" >> "${log}"\nexec "${which('docker')}" "$@"\n`);
    chmodSync(wrapper, 0o755);
  });
  after(async () => {
    await stack?.stop();
  });
  afterEach(async () => {
    if (stack) await assertStatusTruth(stack.env, configDir);
  });

  for (const [what, extra, expected] of [
    ['unset: 1', {}, '1'],
    ['set by the user: kept', { GOMAXPROCS: '3' }, '3'],
  ] as const) {
    it(`GOMAXPROCS ${what}`, async () => {
      writeFileSync(log, '');
      configDir = mkdtempSync(join(stack.dir, 'cfg-'));
      const rk = realKeeper(stack, { configDir, env: { ...stack.env, ...extra } });
      rk.keeper.updateSettings({ toolPaths: { docker: wrapper } });
      rk.keeper.addRegistry(registryInput(stack, 'r0', hostsOf(stack)[0]));
      const [result] = await rk.keeper.refreshAll();
      await rk.keeper.stop();
      assert.equal(result.state, 'valid', result.error?.message);
      assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [expected]);
    });
  }
});
