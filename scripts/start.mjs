// `npm start`: make sure Electron's binary is there, build dist/, then run `electron .`.
// Electron 45's npm package has no install step: its binary (about 100 MB, from GitHub) is fetched
// the first time something asks for it. Fetching it here first, with its output captured, means a
// machine that cannot reach GitHub gets a few lines saying what is missing and how to fix it,
// instead of the package's `TypeError: fetch failed` stack trace.
// Paths are resolved from the working directory (npm runs scripts at the package root).
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.cwd();
const pkgDir = join(root, 'node_modules', 'electron');
const FIX_INSTALL = 'node node_modules/electron/install.js';

/** Prints the explanation and exits non-zero; never a stack trace. */
function fail(lines) {
  console.error(['npm start: cannot start ECR Keeper.', ...lines].join('\n'));
  process.exit(1);
}

function readPkg() {
  try {
    return JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  } catch {
    return fail([
      'The electron package is not installed (node_modules/electron/package.json is missing).',
      'Fix: npm install',
    ]);
  }
}

/** The binary the electron package would run, found the way its index.js finds it (without its download). */
function binary() {
  let rel;
  try {
    rel = readFileSync(join(pkgDir, 'path.txt'), 'utf8').trim();
  } catch {
    rel = '';
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const path = override ? join(override, rel || 'electron') : rel ? join(pkgDir, 'dist', rel) : null;
  if (!path) return { path: null, override };
  try {
    accessSync(path, constants.X_OK);
    return { path, override };
  } catch {
    return { path: null, override, wanted: path };
  }
}

const { version } = readPkg();
let found = binary();
if (!found.path && found.override) {
  // The package never downloads into an override folder, so there is nothing to fetch.
  fail([
    `ELECTRON_OVERRIDE_DIST_PATH is ${found.override}, but there is no Electron binary at ${found.wanted ?? found.override}.`,
    `Fix: point it at an unpacked Electron ${version} folder, or unset it and run: ${FIX_INSTALL}`,
  ]);
}
if (!found.path) {
  console.error(
    `npm start: Electron ${version}'s binary is not downloaded yet; fetching it once (about 100 MB from GitHub)…`,
  );
  const r = spawnSync(process.execPath, [join(pkgDir, 'install.js')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  found = binary();
  if (r.status !== 0 || !found.path) {
    // install.js prints the error's stack; its first line says what went wrong.
    const why =
      `${r.stderr ?? ''}\n${r.error?.message ?? ''}`
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l && !l.startsWith('at ')) ?? `exit code ${r.status}`;
    fail([
      `Electron ${version}'s binary is missing from ${relative(root, pkgDir) || pkgDir}/dist, and downloading it failed: ${why}`,
      'Electron 45 downloads its binary on first use (npm install does not fetch it) from github.com or $ELECTRON_MIRROR.',
      `Fix, on a connection that reaches it: ${FIX_INSTALL}`,
      `(or set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron ${version} folder). The CLI needs no binary: npm run cli -- --help`,
    ]);
  }
}

const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

// The package's own launcher forwards signals and the exit code.
const child = spawn(process.execPath, [join(pkgDir, 'cli.js'), '.', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
