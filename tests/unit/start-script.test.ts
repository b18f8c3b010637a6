// `npm start` (scripts/start.mjs) where Electron's binary is missing and cannot be fetched: a few
// lines saying what is missing, why, and the command that fixes it; no stack trace; exit 1. Run
// against a copy of the electron package without its dist/ (so it also holds where the binary is
// installed, as in CI), with the download pointed at a closed loopback port and an empty cache.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = resolve('.');
const START = join(ROOT, 'scripts', 'start.mjs');
const work = mkdtempSync(join(tmpdir(), 'ek-start-'));
after(() => rmSync(work, { recursive: true, force: true }));

function project(name: string, withElectron: boolean): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  if (withElectron) {
    const pkg = join(ROOT, 'node_modules', 'electron');
    for (const f of ['package.json', 'index.js', 'install.js', 'cli.js', 'checksums.json'])
      cpSync(join(pkg, f), join(dir, 'node_modules', 'electron', f));
    // The downloader and extractor, as installed (their own dependencies resolve from their real paths).
    for (const scope of ['@electron', '@electron-internal'])
      symlinkSync(join(ROOT, 'node_modules', scope), join(dir, 'node_modules', scope), 'junction');
  }
  return dir;
}

function start(cwd: string, env: NodeJS.ProcessEnv) {
  const clean = { ...process.env };
  delete clean.ELECTRON_OVERRIDE_DIST_PATH;
  const r = spawnSync(process.execPath, [START], { cwd, env: { ...clean, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function assertExplains(r: { code: number | null; out: string; err: string }, ...needles: RegExp[]) {
  assert.equal(r.code, 1, r.err);
  assert.doesNotMatch(r.err, /^\s+at /m, 'no stack trace');
  assert.ok(r.err.trim().split('\n').length <= 7, `a few lines, not ${r.err.trim().split('\n').length}:\n${r.err}`);
  for (const n of needles) assert.match(r.err, n);
}

describe('npm start without Electron’s binary', () => {
  let closedPort = 0;
  before(async () => {
    const srv = createServer();
    closedPort = await new Promise<number>((ok) =>
      srv.listen(0, '127.0.0.1', () => ok((srv.address() as { port: number }).port)),
    );
    await new Promise((ok) => srv.close(ok));
  });

  it('tries the download once, then says what is missing, why, and the fix', () => {
    const dir = project('no-binary', true);
    const r = start(dir, {
      ELECTRON_MIRROR: `http://127.0.0.1:${closedPort}/`,
      electron_config_cache: join(work, 'empty-cache'),
    });
    assertExplains(
      r,
      /Electron 45\.5\.0's binary is missing from node_modules\/electron\/dist, and downloading it failed: \S/,
      /downloads its binary on first use/,
      /Fix, on a connection that reaches it: node node_modules\/electron\/install\.js/,
    );
  });

  it('an ELECTRON_OVERRIDE_DIST_PATH without a binary is named as the cause', () => {
    const dir = project('override', true);
    const r = start(dir, { ELECTRON_OVERRIDE_DIST_PATH: join(work, 'nothing-here') });
    assertExplains(
      r,
      /ELECTRON_OVERRIDE_DIST_PATH is .*nothing-here/,
      /unset it and run: node node_modules\/electron\/install\.js/,
    );
  });

  it('no electron package at all: npm install', () => {
    const r = start(project('no-package', false), {});
    assertExplains(r, /electron package is not installed/, /Fix: npm install/);
  });
});
