// The standalone binary (scripts/build-standalone.mjs): Node's single-executable format with a
// V8 start-up snapshot of the CLI, built here into a temp folder and run on the real stack (the
// ECR API emulator, real docker, real registries). A snapshot freezes whatever the build saw, so
// these check what belongs to the run: the AWS files and profile (the build sends one request
// through the SDK to compile it, with AWS files and a home folder of its own), the time zone, signals
// and exit handlers, and that no Node is needed. The whole CLI suite also runs against the binary:
// `ECR_KEEPER_TEST_CLI=release/cli/ecr-keeper npm test -- tests/integration tests/proof` (README).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { buildStandalone, STANDALONE_BINARY, standaloneBuildUnsupported } from '../../scripts/build-standalone.mjs';
import { readConfigJson } from '../fixtures/registry';
import { addArgs, runCli, spawnCli, startStack, type Stack } from '../fixtures/stack';
import { needTools, TOOLS } from '../fixtures/tools';
import { assertStatusTruth } from '../proof/status-truth';

const skip = needTools(TOOLS.docker, TOOLS.registry);
/** Keys the emulator refuses. */
const OTHER_KEYS = '[default]\naws_access_key_id = AKIAOTHERFAKEEXAMPLE\naws_secret_access_key = not-the-real-one\n';
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

// CI runs Node 24 (.ci/run); a developer's older Node is told why, not shown a crash.
const unsupportedNode = standaloneBuildUnsupported();
if (unsupportedNode && process.env.CI === 'true') throw new Error(`CI cannot build the binary: ${unsupportedNode}`);

describe('the standalone ecr-keeper binary', { skip: unsupportedNode ?? false }, () => {
  const work = mkdtempSync(join(tmpdir(), 'ek-standalone-test-'));
  let bin: readonly [string];
  // The build's home folder. While it builds, its AWS files hold keys the emulator refuses and FIPS
  // endpoints, which a custom endpoint (the emulator's) cannot be used with.
  const buildHome = join(work, 'home');
  before(async () => {
    mkdirSync(join(buildHome, '.aws'), { recursive: true });
    writeFileSync(join(buildHome, '.aws', 'credentials'), OTHER_KEYS);
    writeFileSync(join(buildHome, '.aws', 'config'), '[default]\nuse_fips_endpoint = true\n');
    // The name the build gives it on this platform (ecr-keeper, or ecr-keeper.exe on Windows).
    bin = [await buildStandalone(join(work, basename(STANDALONE_BINARY)), { ...process.env, HOME: buildHome })];
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  // Needs no docker or registry: also run where those are missing (macOS and Windows in CI).
  it('runs with no Node anywhere on PATH: version and help', () => {
    const env = { PATH: join(work, 'no-such-dir') };
    const version = spawnSync(bin[0], ['--version'], { env, encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout.trim(), VERSION);
    const help = spawnSync(bin[0], ['help', 'login'], { env, encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    const onNode = spawnSync(process.execPath, ['dist/cli.js', 'help', 'login'], { encoding: 'utf8' });
    assert.equal(help.stdout, onNode.stdout, 'the same help as dist/cli.js');
  });

  describe('on the real stack', { skip }, () => {
    let stack: Stack;
    const run = (args: string[], env: NodeJS.ProcessEnv = stack.env) => runCli(args, env, 60_000, bin);
    before(async () => {
      stack = await startStack({ registries: 2 });
    });
    after(async () => {
      await stack?.stop();
    });
    // The proof suite's invariant after every test here: what a fresh status calls valid has its
    // credential where docker reads it, and it opens the registry (read through dist/cli.js).
    afterEach(async () => {
      await assertStatusTruth(stack.env);
    });

    it('logs in on the real stack, and what its status calls valid opens the registry', async () => {
      for (const [i, r] of stack.registries.entries()) {
        const add = await run(addArgs(stack, `r${i}`, r.host));
        assert.equal(add.code, 0, add.stderr);
      }
      const login = await run(['login', '--all']);
      assert.equal(login.code, 0, login.stdout + login.stderr);
      assert.equal((login.stdout.match(/^ok /gm) ?? []).length, 2);
      const auths = readConfigJson(stack.dockerConfigFile).auths!;
      for (const r of stack.registries)
        assert.equal(Buffer.from(auths[r.host].auth!, 'base64').toString(), `AWS:${stack.password}`);
      assert.ok(auths['registry.example.invalid'], "someone else's login kept");
      // Checked independently here too (and after each test), for the count: both registries.
      const rows = await assertStatusTruth(stack.env);
      assert.equal(rows.length, 2);
    });

    // The build ran commands in a folder of its own (the engine's warm-up, which adds a registry):
    // a relative path is the run's working folder, not the build's, and each run draws ids afresh.
    it("resolves a relative --config-dir against the run's working folder; each run its own ids", async () => {
      const ids: string[] = [];
      for (const cwd of [mkdtempSync(join(work, 'cwd-')), mkdtempSync(join(work, 'cwd-'))]) {
        const inCwd = (args: string[]) => runCli([...args, '--config-dir', 'settings'], stack.env, 60_000, bin, cwd);
        const add = await inCwd(addArgs(stack, 'relative', stack.registries[0].host));
        assert.equal(add.code, 0, add.stderr);
        const login = await inCwd(['login', 'relative']);
        assert.equal(login.code, 0, login.stdout + login.stderr);
        const settings = join(cwd, 'settings');
        const saved = JSON.parse(readFileSync(join(settings, 'config.json'), 'utf8')) as {
          registries: { name: string; id: string }[];
        };
        assert.deepEqual(
          saved.registries.map((r) => r.name),
          ['relative'],
        );
        ids.push(saved.registries[0].id);
        // What a fresh status of that folder calls valid is where docker reads it, and opens the registry.
        assert.equal((await assertStatusTruth(stack.env, settings)).length, 1);
      }
      assert.notEqual(ids[0], ids[1]);
    });

    it('reads the time zone, the AWS profile and the AWS files of the run, not of the build', async () => {
      const kolkata = await run(['login', 'r0'], { ...stack.env, TZ: 'Asia/Kolkata' });
      assert.equal(kolkata.code, 0, kolkata.stderr);
      assert.match(kolkata.stdout, /until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\+5:30\)/);
      const ny = await run(['status'], { ...stack.env, TZ: 'America/New_York' });
      assert.match(ny.stdout, /r0 .*valid .* E[SD]T$/m);

      const noProfile = await run(['login', 'r1'], { ...stack.env, AWS_PROFILE: 'not-on-this-machine' });
      assert.equal(noProfile.code, 1, noProfile.stdout);
      assert.match(
        noProfile.stdout + noProfile.stderr,
        /credentials: .*profile "not-on-this-machine" \(from AWS_PROFILE\)/,
      );

      // Other AWS files holding other keys: the emulator refuses them, so they were read.
      const other = join(work, 'aws-credentials-other');
      writeFileSync(other, OTHER_KEYS);
      const wrongKeys = await run(['login', 'r1'], { ...stack.env, AWS_SHARED_CREDENTIALS_FILE: other });
      assert.equal(wrongKeys.code, 1, wrongKeys.stdout);
      const back = await run(['login', 'r1']);
      assert.equal(back.code, 0, back.stdout + back.stderr);

      // The AWS files in the home folder of the run are the ones read, though the build had the
      // same home folder (`before`) holding other keys and settings then, and sent a request through
      // the SDK (its warm-up, src/cli/standalone.ts, which looks in a home folder of its own).
      const inHome = {
        ...stack.env,
        HOME: buildHome,
        AWS_SHARED_CREDENTIALS_FILE: undefined,
        AWS_CONFIG_FILE: undefined,
      };
      writeFileSync(join(buildHome, '.aws', 'credentials'), readFileSync(stack.env.AWS_SHARED_CREDENTIALS_FILE!));
      writeFileSync(join(buildHome, '.aws', 'config'), readFileSync(stack.env.AWS_CONFIG_FILE!));
      const fromHome = await run(['login', 'r1'], inHome);
      assert.equal(fromHome.code, 0, fromHome.stdout + fromHome.stderr);
    });

    it('watch stops cleanly on SIGTERM (signal handlers are the run’s) and leaves no temp file', async (t) => {
      const child = spawnCli(['watch'], { env: stack.env, stdio: ['ignore', 'pipe', 'pipe'] }, bin);
      const closed = new Promise((r) => child.on('close', r));
      // A failed check below must not leave it running (the test would never end).
      t.after(() => child.kill('SIGKILL'));
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      const deadline = Date.now() + 20_000;
      while (!/watching 2 registries/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.match(out, /watching 2 registries/);
      // Still running a while after it said so (its timers keep it alive), until it is stopped.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(child.exitCode, null, `watch ended by itself:\n${out}`);
      // The handlers the engine's libraries install when they load (signal-exit's, for the file
      // locks; when-exit's, for atomically's temp files) are installed in the run, the build having
      // kept them aside: the binary catches the same signals as dist/cli.js.
      if (process.platform === 'linux') {
        const caught = (pid: number | undefined) =>
          /^SigCgt:\s*(\w+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        const binary = caught(child.pid);
        const onNode = spawnCli(['watch'], { env: stack.env, stdio: ['ignore', 'pipe', 'pipe'] });
        const nodeClosed = new Promise((r) => onNode.on('close', r));
        try {
          let nodeOut = '';
          onNode.stdout.on('data', (d) => {
            nodeOut += d;
          });
          while (!/watching/.test(nodeOut) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
          assert.ok(binary, "the binary's caught signals");
          assert.equal(binary, caught(onNode.pid), 'the binary catches the same signals as dist/cli.js');
        } finally {
          onNode.kill('SIGTERM');
          await nodeClosed;
        }
      }
      child.kill('SIGTERM');
      const code = await closed;
      assert.equal(code, 0, out);
      assert.match(out, /stopped\n$/);
      const leftovers = readdirSync(stack.configDir).filter((f) => f.includes('.tmp'));
      assert.deepEqual(leftovers, []);
    });
  });
});
