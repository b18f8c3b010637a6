// The installed app's folder layout, made from build/electron-builder.yml without Electron: the
// `files` patterns copied into <resources>/app (unpacked; electron-builder puts the same files in
// app.asar) and the `extraResources` entries (top-level plus the platform's) copied into
// <resources>. The smoke walk boots dist/main.js from this copy (no node_modules beside it, as in
// the installers) and the launcher test runs the CLI launcher from it. The patterns are matched
// with the js-yaml and minimatch that electron-builder itself uses to read them.
import { cpSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

const require = createRequire(import.meta.url);

type Minimatch = (path: string, pattern: string, opts?: { dot?: boolean }) => boolean;
interface ResourceEntry {
  from: string;
  to?: string;
  filter?: string[];
}
interface BuilderConfig {
  productName: string;
  files: string[];
  extraResources?: ResourceEntry[];
  linux?: { executableName?: string; extraResources?: ResourceEntry[] };
  mac?: { extraResources?: ResourceEntry[] };
  win?: { extraResources?: ResourceEntry[] };
}

export type Platform = 'linux' | 'darwin' | 'win32';

export interface PackagedLayout {
  /** What holds resources/ (the deb's /opt/ECR Keeper, or ECR Keeper.app/Contents). */
  installDir: string;
  /** process.resourcesPath in the packaged app. */
  resources: string;
  /** app.getAppPath(): <resources>/app here, <resources>/app.asar in the installers. */
  appDir: string;
  /** Where the app's executable goes (not created here). */
  executable: string;
}

export function builderConfig(root = '.'): BuilderConfig {
  const yaml = require('js-yaml') as { load(s: string): unknown };
  return yaml.load(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

function minimatch(): Minimatch {
  const mod = require('minimatch') as { minimatch: Minimatch };
  return mod.minimatch;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Files under `base` (relative, '/'-separated) kept by electron-builder-style patterns ('!' excludes). */
export function matchFiles(base: string, patterns: string[], skipDirs: string[] = []): string[] {
  const mm = minimatch();
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const top = readdirSync(base).filter((n) => !skipDirs.includes(n));
  const all = top
    .flatMap((n) => {
      const p = join(base, n);
      return statSync(p).isDirectory() ? walk(p) : [p];
    })
    .map((p) => relative(base, p).split(sep).join('/'));
  return all.filter(
    (f) => include.some((p) => mm(f, p, { dot: true })) && !exclude.some((p) => mm(f, p, { dot: true })),
  );
}

function copyEntry(root: string, resources: string, e: ResourceEntry): void {
  const from = resolve(root, e.from);
  const files = statSync(from).isDirectory() ? matchFiles(from, e.filter ?? ['**/*']) : [''];
  for (const f of files) {
    const src = f ? join(from, f) : from;
    const dest = f ? join(resources, e.to ?? '', f) : join(resources, e.to ?? e.from);
    mkdirSync(dirname(dest), { recursive: true });
    cpSync(src, dest, { preserveTimestamps: true });
  }
}

/**
 * Lays out the installed app for `platform` under `dest` from the project at `root` (which must
 * have been built: dist/ exists). Returns where things are.
 */
export function layOutPackagedApp(root: string, dest: string, platform: Platform = 'linux'): PackagedLayout {
  const cfg = builderConfig(root);
  const installDir =
    platform === 'darwin' ? join(dest, `${cfg.productName}.app`, 'Contents') : join(dest, cfg.productName);
  const resources = join(installDir, platform === 'darwin' ? 'Resources' : 'resources');
  const appDir = join(resources, 'app');
  for (const f of matchFiles(root, cfg.files, ['node_modules', '.git', '.cache', 'release'])) {
    mkdirSync(dirname(join(appDir, f)), { recursive: true });
    cpSync(join(root, f), join(appDir, f), { preserveTimestamps: true });
  }
  const perPlatform = platform === 'darwin' ? cfg.mac : platform === 'win32' ? cfg.win : cfg.linux;
  for (const e of [...(cfg.extraResources ?? []), ...(perPlatform?.extraResources ?? [])])
    copyEntry(root, resources, e);
  const executable =
    platform === 'darwin'
      ? join(installDir, 'MacOS', cfg.productName)
      : platform === 'win32'
        ? join(installDir, `${cfg.productName}.exe`)
        : join(installDir, cfg.linux?.executableName ?? cfg.productName);
  return { installDir, resources, appDir, executable };
}
