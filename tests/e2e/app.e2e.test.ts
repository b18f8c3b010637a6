// The built app in a real Electron, driven by Playwright's _electron: launch, the tray exists, a
// second launch shows the window, and a refresh made through the window's IPC bridge against the
// test stack (ECR API emulator + loopback docker-registry + real docker) lands in the credential
// file. Runs wherever an Electron binary is installed; elsewhere it skips and says so. Electron's
// binary cannot be downloaded on the machines this project is built on, so there this spec does
// not run and must not be counted as run. Where it must run (the CI workflow sets
// ECR_KEEPER_E2E=required), a missing binary or display fails it instead of skipping. The refresh
// test also needs docker and docker-registry (Linux); the others need only Electron.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ElectronApplication, Page } from 'playwright';
import { addArgs, startStack, type Stack } from '../fixtures/stack';
import { needTools, TOOLS } from '../fixtures/tools';

const ROOT = resolve('.');

/**
 * Where the electron package's binary is, read the way node_modules/electron/index.js reads it.
 * Not `require('electron')`: that tries to download the binary when it is missing.
 */
function electronBinary(): string | null {
  const pkg = join(ROOT, 'node_modules', 'electron');
  let rel: string | undefined;
  try {
    rel = readFileSync(join(pkg, 'path.txt'), 'utf8').trim();
  } catch {
    rel = undefined;
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const bin = override ? join(override, rel || 'electron') : rel ? join(pkg, 'dist', rel) : null;
  if (!bin) return null;
  try {
    accessSync(bin, constants.X_OK);
    return bin;
  } catch {
    return null;
  }
}

function skipReason(): string | false {
  const bin = electronBinary();
  let why: string | false = false;
  if (!bin) {
    why =
      "Electron's binary is not installed on this machine (node_modules/electron has no dist/ and ELECTRON_OVERRIDE_DIST_PATH is unset; `node node_modules/electron/install.js` fetches it), so this Electron spec did not run.";
  } else if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    why =
      'Electron is installed but there is no display (DISPLAY/WAYLAND_DISPLAY unset); run under xvfb-run. This spec did not run.';
  }
  if (why && process.env.ECR_KEEPER_E2E === 'required') throw new Error(`ECR_KEEPER_E2E=required, but: ${why}`);
  return why;
}

const skip = skipReason();
if (skip) console.log(`# e2e skipped: ${skip}`);
// Only the refresh test logs in; without these tools it alone skips (and under CI=true, fails).
const skipLogin = skip ? false : needTools(TOOLS.docker, TOOLS.registry);
// Chromium will not start as root with its sandbox (the CI's Debian container runs as root).
const rootArgs = process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox'] : [];

/** Polls `fn` until it returns true or `ms` pass. */
async function until(fn: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

type Hooks = {
  trayExists(): boolean;
  trayMenuLabels(): string[];
  windowVisible(): boolean;
  hideWindow(): void;
  registryIds(): string[];
};

// A skipped describe is not counted in the runner's "skipped" total; a skipped test is, so the
// summary shows that this spec did not run.
if (skip) it('ECR Keeper in Electron: launch, tray, second instance, refresh through IPC', { skip }, () => {});
else
  describe('ECR Keeper in Electron', () => {
    let stack: Stack;
    let app: ElectronApplication;
    let page: Page;
    let env: NodeJS.ProcessEnv;
    const hook = <K extends keyof Hooks>(name: K) =>
      app.evaluate(
        (_electron, n) =>
          (globalThis as unknown as { __ecrKeeperTest: Record<string, () => unknown> }).__ecrKeeperTest[n](),
        name,
      ) as Promise<ReturnType<Hooks[K]>>;

    before(async () => {
      const { _electron } = await import('playwright');
      stack = await startStack({ registries: skipLogin ? 0 : 1 });
      // Without a registry (macOS/Windows CI) the registry is named but never logged in to.
      const added = await stack.cli(addArgs(stack, 'e2e', stack.registries[0]?.host ?? '127.0.0.1:9'));
      assert.equal(added.code, 0, added.stderr);
      // Auto-refresh off, so the only login is the one this spec makes through IPC.
      const cfgFile = join(stack.configDir, 'config.json');
      writeFileSync(
        cfgFile,
        JSON.stringify({ ...JSON.parse(readFileSync(cfgFile, 'utf8')), autoRefresh: false }, null, '\t'),
      );
      env = { ...stack.env, ECR_KEEPER_TEST_HOOKS: '1' };
      app = await _electron.launch({
        executablePath: electronBinary()!,
        args: [...rootArgs, ROOT],
        env: env as Record<string, string>,
        cwd: ROOT,
        timeout: 30_000,
      });
      page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
    });

    after(async () => {
      await app?.close().catch(() => {});
      await stack?.stop();
    });

    it('launches with our page in a sandboxed, isolated window', async () => {
      assert.equal(await page.title(), 'ECR Keeper');
      assert.match(page.url(), /^file:\/\/.*\/dist\/renderer\/index\.html/);
      const probe = await page.evaluate(() => ({
        api: typeof window.ecrKeeper?.refresh,
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
      }));
      assert.deepEqual(probe, { api: 'function', require: 'undefined', process: 'undefined' });
    });

    it('the tray exists and its menu lists the registry', async () => {
      assert.equal(await hook('trayExists'), true);
      const labels = await hook('trayMenuLabels');
      assert.ok(
        labels.some((l) => l.startsWith('e2e: ')),
        labels.join(' | '),
      );
      assert.ok(labels.includes('Quit ECR Keeper'));
    });

    it('a second launch exits and shows the first instance’s window', async () => {
      await hook('hideWindow');
      assert.equal(await hook('windowVisible'), false);
      const second = spawn(electronBinary()!, [...rootArgs, ROOT], { env, cwd: ROOT, stdio: 'ignore' });
      const code = await new Promise<number | null>((r) => second.on('exit', (c) => r(c)));
      assert.equal(code, 0, 'the second instance quits on its own');
      await until(async () => (await hook('windowVisible')) === true, 10_000, 'the window to be shown');
    });

    it('a refresh through IPC lands in the docker credential file', { skip: skipLogin }, async () => {
      const [id] = await hook('registryIds');
      const r = await page.evaluate((rid) => window.ecrKeeper.refresh(rid), id);
      assert.ok('result' in r, JSON.stringify(r));
      assert.equal(r.result.state, 'valid', JSON.stringify(r.result.error));
      assert.ok(!JSON.stringify(r).includes(stack.password), 'no password crosses IPC');
      const cfg = JSON.parse(readFileSync(stack.dockerConfigFile, 'utf8')) as {
        auths?: Record<string, { auth?: string }>;
      };
      const entry = cfg.auths?.[stack.registries[0].host];
      assert.ok(
        entry?.auth,
        `docker config has ${stack.registries[0].host}: ${JSON.stringify(Object.keys(cfg.auths ?? {}))}`,
      );
      assert.equal(Buffer.from(entry.auth, 'base64').toString(), `AWS:${stack.password}`);
    });
  });
