// Builds the standalone `ecr-keeper` binary for servers and CI: one file, no Node install needed,
// and a faster start (docs/PERFORMANCE.md). `npm run build:standalone` writes
// release/cli/ecr-keeper (ecr-keeper.exe on Windows) for the platform it runs on.
//
// It is Node's single-executable application format: a copy of the Node binary that runs this
// build (`process.execPath`, Node 24 under .ci/run) with the CLI injected by postject. The CLI is
// bundled into one CommonJS file (src/cli/standalone.ts) and Node runs it at build time to take a
// V8 start-up snapshot (`useSnapshot`), so the AWS SDK is loaded once here instead of at every start.
// Built and tested on Linux here; the macOS and Windows steps follow Node's SEA documentation and
// run in the GitHub workflow (.github/workflows/ci.yml), not on the machines this is developed on.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inject } from 'postject';

/** Where `npm run build:standalone` puts the binary. */
export const STANDALONE_BINARY = resolve(
  'release',
  'cli',
  process.platform === 'win32' ? 'ecr-keeper.exe' : 'ecr-keeper',
);

// Node's fuse for single-executable applications (its documentation gives this exact string).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

// http, https and http2 hold native handles V8 cannot put in a snapshot, and the AWS SDK imports
// https and http2 when it loads (it uses them only when a client sends). Each becomes a stand-in
// that loads the real module on first use, after the snapshot. The SDK reaches them as a default
// import (`node_https.Agent`, read when a client is made), `import('node:http')` and `{ request }`
// of it, and reads `http2.constants` while loading: a property read while the snapshot is built
// is a stand-in too, for the real value once it runs.
const builtinsOnFirstUse = {
  name: 'builtins-on-first-use',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(https?|http2)$/ }, (a) =>
      a.namespace === 'builtin-on-first-use'
        ? { path: a.path, external: true } // the stand-in's own require of the real module
        : { path: a.path.replace(/^node:/, ''), namespace: 'builtin-on-first-use' },
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-on-first-use' }, (a) => ({
      loader: 'js',
      contents: `const { startupSnapshot } = require('node:v8');
let loaded;
const real = () => (loaded ??= require('node:${a.path}'));
const standIn = (load) =>
  new Proxy(function () {}, {
    get: (_, key) => (startupSnapshot.isBuildingSnapshot() ? standIn(() => load()[key]) : load()[key]),
    has: (_, key) => key in load(),
    apply: (_, self, args) => Reflect.apply(load(), self, args),
    construct: (_, args) => Reflect.construct(load(), args),
  });
export default standIn(real);
export function request(...args) { return real().request(...args); }
export function get(...args) { return real().get(...args); }`,
    }));
  },
};

// Dynamic imports of Node's built-ins (`import('node:stream')`) become `require`: a
// single-executable application runs CommonJS without an ES module loader, where `import()` fails.
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: /^node:|^[a-z_]+$/ }, (a) =>
      a.kind === 'dynamic-import' && isBuiltin(a.path) && a.namespace !== 'builtin-by-require'
        ? { path: a.path.replace(/^node:/, ''), namespace: 'builtin-by-require' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-by-require' }, (a) => ({
      loader: 'js',
      contents: `module.exports = require('node:${a.path}');`,
    }));
  },
};

// Our engine is in the snapshot too (src/cli/standalone.ts), and two of the libraries it loads
// hook the process as soon as they load: proper-lockfile registers a lock cleanup with
// signal-exit, and atomically's when-exit listens for exit and signals (temp-file cleanup). A
// signal listener is a native handle V8 cannot put in a snapshot, so each becomes a stand-in:
// while the snapshot is built it keeps what it is asked to register, and the run registers all
// of it with the real module before the CLI starts (a deserialize callback); in a run it is the
// real module.
const processHooksAtRunTime = {
  name: 'process-hooks-at-run-time',
  setup(b) {
    b.onResolve({ filter: /^(signal-exit|when-exit)$/ }, (a) =>
      a.namespace === 'process-hooks-at-run-time'
        ? undefined // the stand-in's own require of the real module, resolved from its importer
        : { path: a.path, namespace: 'process-hooks-at-run-time', pluginData: a.resolveDir },
    );
    b.onLoad({ filter: /.*/, namespace: 'process-hooks-at-run-time' }, (a) => ({
      loader: 'js',
      resolveDir: a.pluginData,
      contents: `const { startupSnapshot } = require('node:v8');
let loaded;
const real = () => {
  if (!loaded) { const m = require('${a.path}'); loaded = typeof m === 'function' ? m : m.default; }
  return loaded;
};
const kept = new Set();
if (startupSnapshot.isBuildingSnapshot())
  startupSnapshot.addDeserializeCallback(() => { for (const k of kept) k.remove = real()(...k.args); });
function register(...args) {
  if (!startupSnapshot.isBuildingSnapshot()) return real()(...args);
  const k = { args, remove: undefined };
  kept.add(k);
  return () => { kept.delete(k); if (k.remove) k.remove(); };
}
module.exports = register;
module.exports.default = register;`,
    }));
    // proper-lockfile reaches the file system through graceful-fs, which replaces process.cwd
    // with one that keeps its first answer when it loads: in a snapshot, the build's folder. For
    // the calls proper-lockfile makes (mkdir, rmdir, stat, utimes, realpath) graceful-fs is
    // Node's fs unchanged, so in the binary it gets Node's fs.
    b.onResolve({ filter: /^graceful-fs$/ }, () => ({ path: 'fs', external: true }));
  },
};

/**
 * Why this Node cannot build the binary, or null. Node 24 builds it (.ci/run fetches one into
 * .cache/node). Older ones fail while taking the snapshot: Node 22 crashes in its snapshot
 * builder (std::length_error), Node 20 has a module read FORCE_COLOR while loading, which the
 * build refuses (src/cli/standalone.ts).
 */
export function standaloneBuildUnsupported(version = process.versions.node) {
  const major = Number(version.split('.')[0]);
  return major >= 24
    ? null
    : `the standalone binary is built with Node 24 or later; this is Node ${version} (run it with Node 24: bash .ci/run fetches one into .cache/node)`;
}

/**
 * Builds the binary at `outFile` (default STANDALONE_BINARY) and returns its path. `env`: the
 * environment the snapshot is taken in (default this process's; a test gives it a home folder).
 */
export async function buildStandalone(outFile = STANDALONE_BINARY, env = process.env) {
  const unsupported = standaloneBuildUnsupported();
  if (unsupported) throw new Error(`Cannot build: ${unsupported}.`);
  const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
  const work = mkdtempSync(join(tmpdir(), 'ek-standalone-'));
  try {
    const script = join(work, 'ecr-keeper.cjs');
    await build({
      entryPoints: ['src/cli/standalone.ts'],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      mainFields: ['module', 'main'],
      define: { __VERSION__: JSON.stringify(version) },
      plugins: [processHooksAtRunTime, builtinsOnFirstUse, builtinsByRequire],
      // The snapshot holds the bundle's source text, and each start deserialises all of it:
      // minified, the binary is 1 MB smaller and starts ~10 ms sooner, a login ~15 ms (25
      // interleaved runs). keepNames: functions and classes keep their names, in case anything
      // reads them. (dist/cli.js gains nothing from it: Node's compile cache already skips parsing.)
      minify: true,
      keepNames: true,
      legalComments: 'none',
      logLevel: 'warning',
    });
    const blob = join(work, 'sea.blob');
    const config = join(work, 'sea-config.json');
    writeFileSync(
      config,
      JSON.stringify({ main: script, output: blob, useSnapshot: true, disableExperimentalSEAWarning: true }),
    );
    const prep = spawnSync(process.execPath, ['--experimental-sea-config', config], { encoding: 'utf8', env });
    if (prep.status !== 0) throw new Error(`node --experimental-sea-config failed:\n${prep.stderr}${prep.stdout}`);

    // Written beside the target and renamed into place: a running binary is never half-written.
    mkdirSync(dirname(outFile), { recursive: true });
    const tmp = `${outFile}.tmp-${process.pid}`;
    copyFileSync(process.execPath, tmp);
    chmodSync(tmp, 0o755);
    const mac = process.platform === 'darwin';
    if (mac) run('codesign', ['--remove-signature', tmp]);
    await inject(tmp, 'NODE_SEA_BLOB', readFileSync(blob), {
      sentinelFuse: SEA_FUSE,
      ...(mac ? { machoSegmentName: 'NODE_SEA' } : {}),
    });
    if (mac) run('codesign', ['--sign', '-', tmp]);
    renameSync(tmp, outFile);
    return outFile;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const out = await buildStandalone(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`built ${out} (Node ${process.version})`);
}
