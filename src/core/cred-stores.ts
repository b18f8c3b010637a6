// Which of docker's credential stores work on this machine. A store is a `docker-credential-NAME`
// program (docker-credential-helpers); it "works" when it is installed and answers `list`, plus
// the checks `list` alone misses: docker-credential-pass answers `{}` even with no password store,
// and only fails later, when docker tries to save a login.
import { runProgram, type RunResult } from './run-program';
import { readFileSync } from 'node:fs';
import { homeDir } from './home';
import { posix } from 'node:path';
import { envForTool, findProgram } from './find-program';

export type StoreName = 'osxkeychain' | 'wincred' | 'desktop' | 'secretservice' | 'pass';
export const STORE_NAMES: readonly StoreName[] = ['osxkeychain', 'wincred', 'desktop', 'secretservice', 'pass'];

export function isStoreName(value: unknown): value is StoreName {
  return typeof value === 'string' && (STORE_NAMES as readonly string[]).includes(value);
}

export interface StoreStatus {
  store: StoreName;
  /** Where its docker-credential-* program is, when found. */
  program: string | null;
  works: boolean;
  /** Why it does not work (or, when it works, null). */
  reason: string | null;
  /** What to do about it. */
  fix: string | null;
}

export type { RunResult };

export type Runner = (
  program: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; input?: string; timeoutMs: number },
) => Promise<RunResult>;

export interface DetectOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Injected for tests. */
  run?: Runner;
  /** Default 5000: a keyring that waits for an unlock prompt must not hang `ecr-keeper storage`. */
  timeoutMs?: number;
  extraSearchDirs?: string[];
}

const DEFAULT_TIMEOUT_MS = 5_000;
const MAX_OUTPUT = 64 * 1024;

const PLATFORMS: Record<StoreName, readonly NodeJS.Platform[] | null> = {
  osxkeychain: ['darwin'],
  wincred: ['win32'],
  desktop: null,
  secretservice: ['linux', 'freebsd', 'openbsd'],
  pass: ['linux', 'freebsd', 'openbsd', 'darwin'],
};

const INSTALL: Record<StoreName, string> = {
  osxkeychain: 'Install it with Docker Desktop, or "brew install docker-credential-helper".',
  wincred:
    'Install it with Docker Desktop, or put docker-credential-wincred.exe from github.com/docker/docker-credential-helpers on PATH.',
  desktop: 'It comes with Docker Desktop; install Docker Desktop to use it.',
  secretservice:
    'Install the "golang-docker-credential-helpers" package (Debian/Ubuntu) or docker-credential-secretservice from github.com/docker/docker-credential-helpers.',
  pass: 'Install the "golang-docker-credential-helpers" and "pass" packages (Debian/Ubuntu), or "brew install docker-credential-helper pass".',
};

const OS_NAME: Partial<Record<NodeJS.Platform, string>> = { darwin: 'macOS', win32: 'Windows', linux: 'Linux' };

/** Runs a helper (run-program.ts) with the PATH a GUI launch lacks: the helpers start pass/gpg themselves. */
export const runHelper: Runner = (program, args, opts) =>
  runProgram(program, args, {
    env: envForTool(opts.env, process.platform, program),
    input: opts.input,
    timeoutMs: opts.timeoutMs,
    maxOutput: MAX_OUTPUT,
  });

/** Finds `docker-credential-NAME` where login.ts finds docker: PATH, then the usual install places. */
export function findHelper(
  name: string,
  opts: Pick<DetectOptions, 'env' | 'platform' | 'extraSearchDirs'> = {},
): string | null {
  return findProgram(`docker-credential-${name}`, {
    env: opts.env,
    platform: opts.platform,
    extraDirs: opts.extraSearchDirs,
  });
}

function firstLine(text: string): string {
  const line =
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '') ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

/** The password store pass uses, as pass resolves it. */
export function passStoreDir(env: NodeJS.ProcessEnv): string {
  return env.PASSWORD_STORE_DIR || posix.join(homeDir(env), '.password-store');
}

/** The gpg ids in the store's top-level .gpg-id (what pass encrypts docker's entries for). */
function passGpgIds(env: NodeJS.ProcessEnv): string[] | null {
  try {
    return readFileSync(posix.join(passStoreDir(env), '.gpg-id'), 'utf8')
      .split(/\r?\n/)
      .map((l) => l.replace(/#.*$/, '').trim())
      .filter(Boolean);
  } catch {
    return null;
  }
}

/**
 * docker-credential-pass answers `list` without a password store, so also check that pass is
 * initialised and that gpg has a usable encryption key for every id it encrypts to. Read-only:
 * a trial `store` would add commits to a git-backed password store.
 */
async function checkPass(
  status: StoreStatus,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  run: Runner,
  timeoutMs: number,
): Promise<StoreStatus> {
  const initFix =
    'Create a gpg key if you have none ("gpg --quick-gen-key \'Your Name <you@example.com>\'"), then run "pass init <gpg-key-id>".';
  if (!findProgram('pass', { env, platform })) {
    return {
      ...status,
      works: false,
      reason: 'pass is not installed (docker-credential-pass runs it).',
      fix: INSTALL.pass,
    };
  }
  const ids = passGpgIds(env);
  if (!ids || ids.length === 0) {
    return {
      ...status,
      works: false,
      reason: `no initialised password store (no .gpg-id in ${passStoreDir(env)}).`,
      fix: initFix,
    };
  }
  const gpg = findProgram('gpg', { env, platform }) ?? findProgram('gpg2', { env, platform });
  if (!gpg)
    return { ...status, works: false, reason: 'gpg is not installed (pass encrypts with it).', fix: 'Install gnupg.' };
  for (const id of ids) {
    const r = await run(gpg, ['--batch', '--with-colons', '--list-keys', '--', id], { env, timeoutMs });
    // Field 12 of the pub line holds the key's overall capabilities; an upper-case E means some
    // valid (not expired, not revoked) key in it can encrypt.
    const pub = r.code === 0 ? r.stdout.split(/\r?\n/).find((l) => l.startsWith('pub:')) : undefined;
    const caps = pub?.split(':')[11] ?? '';
    if (!pub || !caps.includes('E')) {
      const why = !pub
        ? `gpg has no key for "${id}"`
        : `the gpg key "${id}" cannot encrypt (expired, revoked or disabled)`;
      return {
        ...status,
        works: false,
        reason: `the password store is initialised for ${ids.join(', ')} but ${why}.`,
        fix: `Import or create that key, or re-run "pass init <gpg-key-id>" with a key you have. ${r.timedOut ? '(gpg did not answer in time.)' : ''}`.trim(),
      };
    }
  }
  return { ...status, works: true, reason: null, fix: null };
}

/** Checks one store: installed, answers `list`, and the store-specific preconditions. */
export async function detectStore(store: StoreName, opts: DetectOptions = {}): Promise<StoreStatus> {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const run = opts.run ?? runHelper;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base: StoreStatus = { store, program: null, works: false, reason: null, fix: null };

  const platforms = PLATFORMS[store];
  if (platforms && !platforms.includes(platform)) {
    const where = platforms
      .map((p) => OS_NAME[p] ?? p)
      .filter((v, i, a) => a.indexOf(v) === i)
      .join(', ');
    return { ...base, reason: `only available on ${where}.`, fix: null };
  }
  const program = findHelper(store, { env, platform, extraSearchDirs: opts.extraSearchDirs });
  if (!program) return { ...base, reason: `docker-credential-${store} is not installed.`, fix: INSTALL[store] };
  const status: StoreStatus = { ...base, program };

  if (store === 'secretservice' && !env.DBUS_SESSION_BUS_ADDRESS) {
    // Without a session bus there is no keyring to talk to (SSH sessions, servers, containers).
    return {
      ...status,
      reason: 'no keyring session (DBUS_SESSION_BUS_ADDRESS is not set, e.g. over SSH or on a server).',
      fix: 'Use it from a desktop session with GNOME Keyring or KWallet running, or choose "pass".',
    };
  }

  const r = await run(program, ['list'], { env, timeoutMs });
  if (r.spawnError)
    return {
      ...status,
      reason: `docker-credential-${store} could not be started (${r.spawnError}).`,
      fix: INSTALL[store],
    };
  if (r.timedOut) {
    return {
      ...status,
      reason: `docker-credential-${store} did not answer "list" within ${Math.round(timeoutMs / 1000)} s (a locked keyring waiting for a prompt?).`,
      fix:
        store === 'secretservice'
          ? 'Unlock the login keyring, then try again.'
          : 'Check that it works by hand: "docker-credential-' + store + ' list".',
    };
  }
  let listed = false;
  if (r.code === 0) {
    try {
      const parsed: unknown = JSON.parse(r.stdout.trim() || 'null');
      listed = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    } catch {
      /* reported below */
    }
  }
  if (!listed) {
    const said = firstLine(r.stderr) || firstLine(r.stdout) || `exit code ${r.code}`;
    if (store === 'secretservice') {
      return {
        ...status,
        reason: `no keyring session: docker-credential-secretservice failed (${said}).`,
        fix: 'Start or unlock GNOME Keyring / KWallet in this desktop session, or choose "pass".',
      };
    }
    if (store === 'pass') {
      return {
        ...status,
        reason: `no initialised password store: docker-credential-pass failed (${said}).`,
        fix: 'Run "pass init <gpg-key-id>".',
      };
    }
    if (store === 'desktop') {
      return {
        ...status,
        reason: `Docker Desktop's credential store did not answer (${said}).`,
        fix: 'Start Docker Desktop, then try again.',
      };
    }
    return {
      ...status,
      reason: `docker-credential-${store} failed "list" (${said}).`,
      fix: `Check it by hand: "docker-credential-${store} list".`,
    };
  }
  if (store === 'pass') return checkPass(status, env, platform, run, timeoutMs);
  return { ...status, works: true };
}

/** Every known store, in a fixed order; the ones that cannot exist on this OS say so. */
export async function detectStores(opts: DetectOptions = {}): Promise<StoreStatus[]> {
  return Promise.all(STORE_NAMES.map((s) => detectStore(s, opts)));
}

/** The helper's own view of what it holds: `list` maps server URL -> user name. */
export async function listStore(store: StoreName, opts: DetectOptions = {}): Promise<Record<string, string> | null> {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const program = findHelper(store, { env, platform, extraSearchDirs: opts.extraSearchDirs });
  if (!program) return null;
  const r = await (opts.run ?? runHelper)(program, ['list'], { env, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  if (r.code !== 0) return null;
  try {
    const parsed: unknown = JSON.parse(r.stdout);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, string>)
      : null;
  } catch {
    return null;
  }
}
