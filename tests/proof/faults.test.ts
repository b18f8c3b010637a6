// Proof: the keeper keeps running through every injected fault and recovers on its own when the
// fault clears, with bounded, spaced retries.
//
// The keeper here is the real one (real AWS SDK against the ECR emulator, real docker against
// loopback registries) on a FakeClock that starts at the real time: the test moves time forward
// so automatic retries happen without waiting minutes, while every API call and docker run is
// real and awaited in real time. One more test runs `ecr-keeper watch` as a child process on the
// real clock.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { needTools, TOOLS } from '../fixtures/tools';
import { spawnCli, addArgs, startStack, type Stack } from '../fixtures/stack';
import type { EcrFault } from '../fixtures/ecr-emulator';
import { MIN_ATTEMPT_GAP_MS, MINUTE } from '../../src/core/scheduler';
import { FakeClock } from '../helpers/fake-clock';
import type { ErrorCategory } from '../../src/core/errors';
import type { ActivityEntry } from '../../src/core/snapshot';
import {
  hostsOf,
  leaks,
  readJson,
  realKeeper,
  registryInput,
  sleep,
  waitFor,
  waitIdle,
  type RealKeeper,
} from './helpers';
import { assertStatusTruth } from './status-truth';

const skip = needTools(TOOLS.docker, TOOLS.registry);
/** Real-time bound for one API call in these tests (the product default is 20 s). */
const API_TIMEOUT_MS = 1500;
/** The SDK's attempts per token fetch (src/core/tokens.ts MAX_ATTEMPTS). */
const SDK_ATTEMPTS = 2;

interface Run {
  rk: RealKeeper;
  clock: FakeClock;
  failures: ActivityEntry[];
  logins: ActivityEntry[];
}

/** Moves the fake clock forward in steps, letting each refresh it starts finish for real. */
async function advance(run: Run, ms: number, stepMs = 5_000): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    await run.clock.advance(Math.min(stepMs, ms - t));
    await waitIdle(run.rk.keeper, 60_000);
  }
}

/** Gaps (fake ms) between consecutive attempts of one registry, from its failure/login entries. */
function attemptTimes(run: Run, name: string): number[] {
  return [...run.failures, ...run.logins]
    .filter((e) => e.registryName === name)
    .map((e) => Date.parse(e.at))
    .sort((a, b) => a - b);
}

describe('faults: the in-process keeper survives each one and recovers when it clears', { skip }, () => {
  let stack: Stack;
  let hosts: string[];
  const runs: Run[] = [];

  before(async () => {
    stack = await startStack({
      registries: 1,
      dockerConfig: { auths: { 'ghcr.io': { auth: Buffer.from('u:theirs').toString('base64') } } },
    });
    hosts = hostsOf(stack);
  });
  after(async () => {
    for (const r of runs) await r.rk.keeper.stop();
    await stack?.stop();
  });
  // The proof suite's invariant, for each keeper's own settings folder.
  afterEach(async () => {
    for (const r of runs) await assertStatusTruth(stack.env, dirname(r.rk.settingsPath));
  });

  /** A fresh keeper (own settings folder, empty token cache) with two registries sharing one token. */
  function freshRun(label: string, settings: Record<string, unknown> = {}): Run {
    const clock = new FakeClock(Date.now());
    const rk = realKeeper(stack, {
      configDir: join(stack.dir, `fault-${label}`),
      clock,
      requestTimeoutMs: API_TIMEOUT_MS,
    });
    const run: Run = { rk, clock, failures: [], logins: [] };
    rk.keeper.on('activity', (e) => {
      if (e.kind === 'failure') run.failures.push(e);
      if (e.kind === 'login') run.logins.push(e);
    });
    rk.keeper.addRegistry(registryInput(stack, `${label}-a`, hosts[0]));
    rk.keeper.addRegistry(registryInput(stack, `${label}-b`, hosts[1]));
    if (Object.keys(settings).length) rk.keeper.updateSettings(settings);
    runs.push(run);
    return run;
  }

  function states(run: Run): string {
    return run.rk.keeper
      .snapshot()
      .registries.map((r) => `${r.name}=${r.state}${r.error ? `(${r.error.category})` : ''}`)
      .join(' ');
  }

  /**
   * The common shape: the fault is on from the first attempt; the keeper reports it with the
   * expected category, retries on its own with spacing, stays alive, and once the fault clears
   * the next scheduled retry logs in.
   */
  async function survives(
    label: string,
    category: ErrorCategory,
    inject: (run: Run) => void | Promise<void>,
    clear: (run: Run) => void | Promise<void>,
    opts: { faultMinutes?: number; settings?: Record<string, unknown> } = {},
  ) {
    const run = freshRun(label, opts.settings);
    const callsBefore = stack.emu.calls.length;
    await inject(run);
    run.rk.keeper.start();
    await waitIdle(run.rk.keeper, 60_000);
    const snap = run.rk.keeper.snapshot();
    for (const r of snap.registries) {
      assert.equal(r.state, 'error', states(run));
      assert.equal(r.error?.category, category, `${r.name}: ${r.error?.category}: ${r.error?.message}`);
      assert.ok(r.error?.fix, 'a fix is offered');
      assert.ok(r.nextRefresh, 'a retry is scheduled');
      assert.ok(Date.parse(r.nextRefresh) - run.clock.now() >= MIN_ATTEMPT_GAP_MS - 1000, 'the retry is not immediate');
    }

    // While the fault lasts: retries happen, spaced and bounded.
    const faultMs = (opts.faultMinutes ?? 10) * MINUTE;
    await advance(run, faultMs);
    for (const name of [`${label}-a`, `${label}-b`]) {
      const times = attemptTimes(run, name);
      assert.ok(times.length >= 2, `${name} retried on its own (attempts: ${times.length})`);
      // Backoff 30 s, 1, 2, 4, 8 min (+/-20%): in N minutes at most ~log2(N*2)+2 attempts.
      const bound = Math.ceil(Math.log2(faultMs / 30_000 + 1)) + 2;
      assert.ok(times.length <= bound, `${name}: ${times.length} attempts in ${faultMs / MINUTE} min (bound ${bound})`);
      for (let i = 1; i < times.length; i++)
        assert.ok(
          times[i] - times[i - 1] >= MIN_ATTEMPT_GAP_MS,
          `${name}: attempts ${i - 1} and ${i} only ${times[i] - times[i - 1]} ms apart`,
        );
      for (let i = 2; i < times.length; i++)
        assert.ok(times[i] - times[i - 1] >= (times[i - 1] - times[i - 2]) * 0.6, `${name}: the backoff grows`);
    }
    // API calls: the two registries share one token fetch per attempt when they retry together;
    // each fetch is at most SDK_ATTEMPTS requests. Never a hot loop.
    const attempts = attemptTimes(run, `${label}-a`).length + attemptTimes(run, `${label}-b`).length;
    const calls = stack.emu.calls.length - callsBefore;
    assert.ok(calls <= attempts * SDK_ATTEMPTS, `${calls} API calls for ${attempts} attempts`);

    // The fault clears: the next scheduled retry (at most the 15-minute backoff cap) logs in.
    await clear(run);
    stack.emu.clearFaults();
    await advance(run, 16 * MINUTE, 10_000);
    const after = run.rk.keeper.snapshot();
    for (const r of after.registries) {
      assert.equal(r.state, 'valid', `recovered: ${states(run)}`);
      assert.equal(r.error, null);
    }
    const cfg = readJson(stack.dockerConfigFile) as { auths: Record<string, { auth: string }> };
    assert.ok(cfg.auths[hosts[0]]?.auth && cfg.auths[hosts[1]]?.auth, 'both logins in the credential file');
    assert.ok(cfg.auths['ghcr.io'], 'their entry kept');
    // Nothing the keeper says about the fault carries the password.
    const said = JSON.stringify([run.failures, run.rk.keeper.activity(), run.rk.keeper.snapshot()]);
    assert.deepEqual(leaks(said, stack.password), []);
    // And it stops cleanly: the process would exit (no stray timers of ours beyond the fake clock).
    await run.rk.keeper.stop();
  }

  const apiFault = (kind: EcrFault, opts?: { delayMs?: number }) => () => {
    stack.emu.fault(kind, 10_000, opts);
  };
  const nothing = () => {};

  it('a burst of throttling', async () => {
    await survives('throttle', 'throttled', apiFault('throttle'), nothing);
  });

  it('5xx answers from the API', async () => {
    await survives('server', 'server', apiFault('server'), nothing);
  });

  it('access denied', async () => {
    await survives('denied', 'access-denied', apiFault('denied'), nothing);
  });

  it('an API that answers only after the timeout', async () => {
    await survives('slow', 'timeout', apiFault('slow', { delayMs: API_TIMEOUT_MS + 2500 }), nothing);
  });

  it('a password the registry rejects', async () => {
    await survives('badpw', 'login-rejected', apiFault('badpassword'), nothing, { faultMinutes: 3 });
  });

  it('the docker binary missing (toolPaths to a nonexistent file), then fixed', async () => {
    await survives(
      'nodocker',
      'tool-missing',
      (run) => {
        run.rk.keeper.updateSettings({ toolPaths: { docker: join(stack.dir, 'no-such-dir', 'docker') } });
      },
      (run) => {
        run.rk.keeper.updateSettings({ toolPaths: {} });
      },
    );
  });

  it('a docker that hangs: stopped at loginTimeoutSeconds, its process group gone, then fixed', async () => {
    const script = join(stack.dir, 'hanging-docker.sh');
    writeFileSync(script, '#!/bin/sh\n# reads nothing, answers nothing, never exits\nwhile :; do sleep 1; done\n');
    chmodSync(script, 0o755);
    const t0 = Date.now();
    await survives(
      'hang',
      'timeout',
      (run) => {
        run.rk.keeper.updateSettings({ loginTimeoutSeconds: 5, toolPaths: { docker: script } });
      },
      (run) => {
        // No hung login outlives its timeout: neither the script nor its sleep child.
        const alive = readdirSync('/proc')
          .filter((p) => /^\d+$/.test(p))
          .filter((p) => {
            try {
              return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(script);
            } catch {
              return false;
            }
          });
        assert.deepEqual(alive, [], 'hung docker processes left behind');
        run.rk.keeper.updateSettings({ toolPaths: {} });
      },
      { faultMinutes: 3 },
    );
    assert.ok(Date.now() - t0 < 120_000);
  });
});

describe('faults: `ecr-keeper watch` as a child process on the real clock', { skip }, () => {
  let stack: Stack;
  before(async () => {
    // An existing entry keeps docker on its plaintext file store (with an empty config docker
    // picks `pass` where it is installed, and the test's empty password store fails).
    stack = await startStack({
      registries: 1,
      dockerConfig: { auths: { 'ghcr.io': { auth: Buffer.from('u:theirs').toString('base64') } } },
    });
    for (const [i, h] of hostsOf(stack).entries()) {
      const r = await stack.cli(addArgs(stack, `w${i}`, h));
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(async () => {
    await stack?.stop();
  });

  it('keeps running through 5xx answers, retries spaced (no hot loop), recovers when they stop', async () => {
    stack.emu.fault('server', 10_000);
    const child = spawnCli(['watch'], { env: stack.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    try {
      await waitFor(
        'the first failure to be logged',
        () => /failure w1: /.test(out) && /failure w0: /.test(out),
        60_000,
      );
      const firstFailureCalls = stack.emu.calls.length;
      assert.ok(firstFailureCalls <= SDK_ATTEMPTS, `first attempt made ${firstFailureCalls} API calls`);
      // Fault still on for 10 s of real time: no retry may happen (backoff is >= 30 s).
      await sleep(10_000);
      assert.equal(stack.emu.calls.length, firstFailureCalls, 'no API call during the backoff');
      assert.equal(child.exitCode, null, 'still running');
      stack.emu.clearFaults();
      await waitFor(
        `the retry to log in; output so far:\n${out}${err}`,
        () => /login w0: Logged in/.test(out) && /login w1: Logged in/.test(out),
        60_000,
        200,
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${out}\n${err}`);
      });
      assert.ok(stack.emu.calls.length <= firstFailureCalls + SDK_ATTEMPTS, `calls: ${stack.emu.calls.length}`);
      const s = JSON.parse((await stack.cli(['status', '--json'])).stdout) as { state: string }[];
      assert.deepEqual(
        s.map((x) => x.state),
        ['valid', 'valid'],
      );
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('close', r));
    }
    assert.equal(child.exitCode, 0, out + err);
    assert.match(out, /failure w0: .*(5\d\d|internal error|server)/i);
    assert.deepEqual(leaks(out + err, stack.password), []);
  });
});
