// `npm run smoke`: boots the built main-process bundle (dist/main.js) under plain Node with a
// recording stand-in for the `electron` module (tests/fixtures/electron-standin, resolved through a
// node:module register() hook given with --import) and walks one life of the app: whenReady ->
// single-instance lock -> tray with a menu from the real keeper -> window with dist/preload.cjs
// and the CSP'd page -> the snapshot IPC handler answering the window and refusing others -> a
// notification for a failing registry -> before-quit waiting for a login in flight -> exit.
// It does so twice: from the project folder (development: app.isPackaged false) and from a copy
// laid out as the installers lay it out (<resources>/app from electron-builder.yml's `files`, no
// node_modules, app.isPackaged true, process.resourcesPath set); then once more as a second copy
// that does not get the single-instance lock. The keeper is real: the test stack's ECR API
// emulator, a loopback docker-registry and the real docker CLI, with a temporary config folder.
// Exit 0 only if every step of every walk happened.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addArgs, startStack, type Stack } from '../tests/fixtures/stack';
import { seedDockerConfig } from '../tests/fixtures/registry';
import { layOutPackagedApp } from './packaged-layout';

const ROOT = resolve('.');
const REGISTER = join(ROOT, 'tests', 'fixtures', 'electron-standin', 'register.mjs');
const WALK = join(ROOT, 'scripts', 'smoke-walk.mjs');
const OK = 'smoke-ok';
const BAD = 'smoke-bad';
/** How long the emulated ECR API holds the walk's login: long enough to quit in the middle of it. */
const IN_FLIGHT_MS = 1500;

interface Walk {
  name: string;
  code: number | null;
  lines: string[];
}

function runApp(name: string, appDir: string, env: NodeJS.ProcessEnv): Promise<Walk> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ['--import', REGISTER, '--import', WALK, join(appDir, 'dist', 'main.js')], {
      cwd: appDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        console.log(line.startsWith('smoke[') ? line : `  [${name}] ${line}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const kill = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(kill);
      if (buf) onData(Buffer.from('\n'));
      done({ name, code, lines });
    });
  });
}

/** A fresh config folder with a registry that logs in and one whose AWS profile does not exist. */
async function configure(stack: Stack, configDir: string): Promise<NodeJS.ProcessEnv> {
  const env = { ...stack.env, ECR_KEEPER_CONFIG_DIR: configDir };
  const host = stack.registries[0].host;
  // Two names for one registry server: two registries may not share a host and tool.
  const alias = `localhost:${stack.registries[0].port}`;
  for (const args of [addArgs(stack, OK, host), addArgs(stack, BAD, alias, ['--profile', 'smoke-no-such-profile'])]) {
    const r = await stack.cli(args, { env });
    if (r.code !== 0) throw new Error(`ecr-keeper ${args.join(' ')} failed: ${r.stderr}`);
  }
  // smoke-ok refreshes only when the walk asks (tray "Refresh now"), so its login is the one in
  // flight at quit; smoke-bad refreshes (and fails) on start.
  const file = join(configDir, 'config.json');
  const cfg = JSON.parse(readFileSync(file, 'utf8')) as { registries: { name: string; autoRefresh: boolean }[] };
  for (const r of cfg.registries) if (r.name === OK) r.autoRefresh = false;
  writeFileSync(file, JSON.stringify(cfg, null, '\t'));
  // The walk checks that the login lands: start each walk without it.
  seedDockerConfig(env, {
    auths: { 'registry.example.invalid': { auth: Buffer.from('someone:else').toString('base64') } },
  });
  return { ...env, SMOKE_OK: OK, SMOKE_BAD: BAD };
}

async function main(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'ek-smoke-'));
  const stack = await startStack();
  const walks: Walk[] = [];
  try {
    const layout = layOutPackagedApp(ROOT, join(work, 'installed'));
    console.log(
      `smoke: packaged layout at ${layout.resources} (${layout.appDir} holds what electron-builder.yml's files list puts in app.asar)`,
    );
    const runs: { name: string; appDir: string; extra: NodeJS.ProcessEnv }[] = [
      { name: 'dev', appDir: ROOT, extra: {} },
      { name: 'packaged', appDir: layout.appDir, extra: { STANDIN_PACKAGED: '1' } },
    ];
    for (const run of runs) {
      const env = await configure(stack, join(work, `config-${run.name}`));
      stack.emu.fault('slow', 1, { delayMs: IN_FLIGHT_MS });
      walks.push(await runApp(run.name, run.appDir, { ...env, ...run.extra }));
      stack.emu.clearFaults();
    }
    const env = await configure(stack, join(work, 'config-second'));
    walks.push(
      await runApp('second-instance', ROOT, { ...env, SMOKE_MODE: 'second-instance', STANDIN_LOCK_HELD: '1' }),
    );
  } finally {
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const failed = walks.filter(
    (w) => w.code !== 0 || !w.lines.some((l) => / all \d+ steps passed$| ok 1\/1 second-instance:/.test(l)),
  );
  for (const w of walks) console.log(`smoke: ${w.name}: ${w.code === 0 ? 'passed' : `FAILED (exit ${w.code})`}`);
  if (failed.length) {
    console.log(`smoke: FAILED (${failed.map((w) => w.name).join(', ')})`);
    return 1;
  }
  console.log(`smoke: passed (${walks.length} runs of dist/main.js)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`smoke: could not run: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
