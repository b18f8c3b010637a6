// Finding a program (docker, podman, docker-credential-*, aws) the way a GUI app must: a desktop
// app started from Finder, the Dock or a desktop menu gets a minimal PATH (often /usr/bin:/bin),
// so PATH alone misses Homebrew, Docker Desktop and Rancher Desktop installs. One search for all.
import { accessSync, constants, statSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import { expandHome, homeDir } from './home';

/** Places the container tools (and their credential helpers) are installed to, per platform. */
export function usualToolDirs(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  const home = homeDir(env);
  if (platform === 'darwin') {
    return [
      '/usr/local/bin',
      '/opt/homebrew/bin',
      '/Applications/Docker.app/Contents/Resources/bin',
      posix.join(home, '.docker', 'bin'),
      '/opt/podman/bin',
      posix.join(home, '.rd', 'bin'),
    ];
  }
  if (platform === 'win32') {
    const pf = env.ProgramFiles || env.PROGRAMFILES || 'C:\\Program Files';
    return [win32.join(pf, 'Docker', 'Docker', 'resources', 'bin'), win32.join(pf, 'RedHat', 'Podman')];
  }
  return ['/usr/bin', '/usr/local/bin', '/snap/bin', posix.join(home, '.local', 'bin')];
}

export function isExecutableFile(path: string, platform: NodeJS.Platform = process.platform): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    // Windows has no execute bit; existence of the .exe is what counts there.
    accessSync(path, platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A program path someone set (settings): no search, a set path is authoritative (silently running
 * some other docker would hide the mistake and could write to a different credential store).
 * ~/... is the home folder: what people type, and what the Settings view and `config set` in
 * quotes pass on unexpanded. The full path if an executable file is there, else null.
 */
export function explicitProgram(path: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | null {
  const full = expandHome(path, env);
  return isExecutableFile(full, platform) ? full : null;
}

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Searched after PATH and before the usual places. */
  extraDirs?: string[];
  /** Searched last (program-specific install places). */
  lastDirs?: string[];
  /** File names to try in each folder; default NAME (NAME.exe on Windows). */
  fileNames?: string[];
}

/** Every candidate path, in search order: PATH, extraDirs, the usual places, lastDirs. */
export function programCandidates(name: string, opts: FindOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const path = platform === 'win32' ? win32 : posix;
  const names = opts.fileNames ?? [platform === 'win32' ? `${name}.exe` : name];
  const dirs = [
    // Relative PATH entries would resolve against our working directory: never run a tool from there.
    ...(env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':').filter((d) => d && path.isAbsolute(d)),
    ...(opts.extraDirs ?? []),
    ...usualToolDirs(platform, env),
    ...(opts.lastDirs ?? []),
  ];
  const out: string[] = [];
  for (const d of dirs)
    for (const n of names) {
      const p = path.join(d, n);
      if (!out.includes(p)) out.push(p);
    }
  return out;
}

export function findProgram(name: string, opts: FindOptions = {}): string | null {
  const platform = opts.platform ?? process.platform;
  return programCandidates(name, opts).find((c) => isExecutableFile(c, platform)) ?? null;
}

/**
 * The environment for a tool we start: its PATH also holds the tool's own folder and the usual
 * places. docker itself looks up `docker-credential-*` helpers on PATH, so with a GUI launch's
 * minimal PATH a docker found in /usr/local/bin or Docker.app would fail to find the
 * osxkeychain/desktop helper that sits right beside it.
 */
export function envForTool(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, toolPath?: string): NodeJS.ProcessEnv {
  const path = platform === 'win32' ? win32 : posix;
  const sep = platform === 'win32' ? ';' : ':';
  const key = platform === 'win32' ? (Object.keys(env).find((k) => k.toLowerCase() === 'path') ?? 'Path') : 'PATH';
  const parts = (env[key] ?? '').split(sep).filter(Boolean);
  for (const d of [...(toolPath ? [path.dirname(toolPath)] : []), ...usualToolDirs(platform, env)]) {
    if (!parts.includes(d)) parts.push(d);
  }
  return { ...env, [key]: parts.join(sep) };
}
