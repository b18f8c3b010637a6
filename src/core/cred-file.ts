// The one write path for credential files that are not ours (docker's config.json, podman's
// auth.json) and the lock our own settings files share with it.
//
// docker, podman and helm each rewrite their whole file without a lock, and other processes (our
// CLI beside the tray app, the user's own `docker login`) write the same files. So nothing of ours
// writes a user's file except `updateCredentialFile`: it takes a cross-process lock on the file
// (resolved by real path, so two names for one file share one lock), re-reads it inside the lock,
// applies a change to our hosts' entries only, keeps every other key, and replaces the file
// atomically with its mode kept. A file that does not parse is never written.
import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeFile as writeFileAtomic } from 'atomically';
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import lockfile from 'proper-lockfile';
import { KeeperError, sanitize } from './errors';

/** A lock older than this belongs to a process that died (live holders refresh it every half of it). */
const STALE_MS = 10_000;
/** How long a writer waits for another process's lock before giving up with an error. */
const LOCK_WAIT_MS = 30_000;

export type CredentialFile =
  | { kind: 'missing'; path: string }
  | { kind: 'ok'; path: string; text: string; value: Record<string, unknown> }
  | { kind: 'invalid'; path: string; error: KeeperError };

/**
 * The path every process uses for one file: its real path when it exists, else the real path of
 * its folder plus its name. Symlinked dotfiles and `..` spellings all map to one lock.
 */
export function canonicalPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

/** Line and column (1-based) of a character offset, for a message a person can follow. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

/**
 * Parses a credential file strictly: what JSON.parse refuses (trailing commas, comments, a byte
 * order mark) docker refuses too, and then ignores the file and writes a fresh one over it on
 * the next login. So such a file is an error with its position, never something to write over.
 */
export function parseCredentialFile(path: string, text: string): CredentialFile {
  // docker treats an empty file as an empty config.
  if (text.trim() === '') return { kind: 'ok', path, text, value: {} };
  let problem: { what: string; offset: number } | null = null;
  let value: unknown;
  if (text.charCodeAt(0) === 0xfeff) {
    problem = { what: 'it starts with a byte order mark (BOM), which docker cannot read', offset: 0 };
  } else {
    try {
      value = JSON.parse(text);
    } catch {
      // JSON.parse says what is wrong only in prose; a real parser gives the offset.
      const errors: ParseError[] = [];
      parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
      const first = errors[0];
      // 'PropertyNameExpected' -> 'property name expected'
      const words = first
        ? printParseErrorCode(first.error)
            .replace(/([a-z])([A-Z])/g, '$1 $2')
            .toLowerCase()
        : 'unexpected text';
      problem = { what: `it is not valid JSON: ${words}`, offset: first?.offset ?? 0 };
    }
  }
  if (!problem && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    problem = { what: 'it does not hold a JSON object', offset: 0 };
  }
  if (problem) {
    const { line, column } = lineColumn(text, problem.offset);
    return {
      kind: 'invalid',
      path,
      error: new KeeperError(
        'config-invalid',
        `${path} cannot be read (line ${line}, column ${column}: ${sanitize(problem.what)}); ECR Keeper changes nothing in a file it cannot parse.`,
        `Fix ${path} at line ${line}, column ${column} (or move it aside), then refresh again.`,
      ),
    };
  }
  return { kind: 'ok', path, text, value: value as Record<string, unknown> };
}

/**
 * Reads a credential file without a lock. A missing file is normal; an unreadable one is an error.
 * Read synchronously (behind the async signature): these files are a few KB on a local disk, and
 * a read through fs/promises costs several times the CPU on our thread (open, stat, read and
 * close each hop to the thread pool and back), which a batch of logins pays more than once per login.
 */
export function readCredentialFile(path: string): Promise<CredentialFile> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve({ kind: 'missing', path });
    return Promise.resolve({ kind: 'invalid', path, error: fileAccessError(path, err, 'read') });
  }
  return Promise.resolve(parseCredentialFile(path, text));
}

/** The value of a readable file ({} when it does not exist); throws the file's own error otherwise. */
export function valueOf(file: CredentialFile): Record<string, unknown> {
  if (file.kind === 'invalid') throw file.error;
  return file.kind === 'ok' ? file.value : {};
}

/**
 * A file we cannot read, write or lock for a reason of the file system (permission, read-only,
 * a file where a folder should be): `file-access`, with the path and what to change.
 */
export function fileAccessError(path: string, err: unknown, doing: 'read' | 'write' | 'lock'): KeeperError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'EROFS'
        ? 'the file system is read-only'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : code === 'ENOTDIR'
            ? 'a part of its path is a file, not a folder (check DOCKER_CONFIG, REGISTRY_AUTH_FILE and HELM_REGISTRY_CONFIG)'
            : code === 'ENOSPC'
              ? 'the disk is full'
              : sanitize((err as Error).message);
  const fix =
    code === 'ENOTDIR' || code === 'EISDIR'
      ? `Point the variable at a folder (docker: DOCKER_CONFIG is the folder holding config.json), or move ${path} aside, then refresh again.`
      : `Make ${path} and its folder yours and writable (for example chmod u+rw "${path}"), then refresh again.`;
  return new KeeperError(
    'file-access',
    `${path} cannot be ${doing === 'read' ? 'read' : doing === 'write' ? 'written' : 'locked for writing'}: ${why}.`,
    fix,
  );
}

function lockError(path: string, err: unknown): KeeperError {
  if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') return fileAccessError(path, err, 'lock');
  return new KeeperError(
    'config',
    `Could not lock ${path} for writing: another process holds ${path}.lock.`,
    `If no ECR Keeper is running, remove the folder ${path}.lock and try again.`,
  );
}

/**
 * Runs `job` holding the cross-process lock of `path` (a `.lock` folder beside the real file, by
 * proper-lockfile: mkdir is atomic on every file system, and a lock whose holder died is taken
 * over once it is stale). Waits for other holders up to LOCK_WAIT_MS.
 */
export async function withFileLock<T>(path: string, job: () => Promise<T>): Promise<T> {
  const target = canonicalPath(path);
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  try {
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    release = await lockfile.lock(target, {
      realpath: false,
      stale: STALE_MS,
      retries: { retries: Math.ceil(LOCK_WAIT_MS / 100), factor: 1.2, minTimeout: 5, maxTimeout: 250, randomize: true },
      // The default throws from a timer and would crash the process; the job's result is
      // refused below instead.
      onCompromised: (err) => {
        compromised = err;
      },
    });
  } catch (err) {
    throw lockError(target, err);
  }
  try {
    const result = await job();
    if (compromised) throw lockError(target, compromised);
    return result;
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * The same lock, taken synchronously: conf and electron-store read and write our settings files
 * synchronously, and the keeper's settings commands are synchronous.
 */
export function withFileLockSync<T>(path: string, job: () => T): T {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const target = canonicalPath(path);
  const until = Date.now() + LOCK_WAIT_MS;
  let release: () => void;
  for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
    try {
      release = lockfile.lockSync(target, { realpath: false, stale: STALE_MS });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED' || Date.now() > until) throw lockError(target, err);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
    }
  }
  try {
    return job();
  } finally {
    try {
      release();
    } catch {
      /* the lock was taken over as stale: nothing left to release */
    }
  }
}

/** JSON in the file's own style: its indentation (docker and podman write tabs) and trailing newline. */
export function formatLike(original: string | null, value: unknown): string {
  let indent: string | number = '\t';
  let newline = false;
  if (original !== null && original.trim() !== '') {
    const m = /^\{[ \t]*\r?\n([ \t]+)\S/.exec(original);
    if (m) indent = m[1]!;
    else if (!/\n/.test(original.trim())) indent = 0;
    newline = /\n$/.test(original);
  }
  const text = indent === 0 ? JSON.stringify(value) : JSON.stringify(value, null, indent);
  return newline ? `${text}\n` : text;
}

/**
 * Atomic replace through symlinks (dotfile repos keep their link), keeping the file's mode and
 * owner; a new file is created 0600 because it holds credentials.
 */
export async function writeFileKeepingMode(path: string, data: string | Buffer, mode?: number): Promise<void> {
  const target = canonicalPath(path);
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  let existingMode: number | undefined;
  try {
    existingMode = (await stat(target)).mode & 0o777;
  } catch {
    /* new file */
  }
  await writeFileAtomic(target, data, { mode: mode ?? existingMode ?? 0o600 });
}

/**
 * Read-modify-write of a credential file under its lock. `change` gets the current value (a
 * fresh copy, {} when the file does not exist) and returns the next one, or null to leave the
 * file alone. A file that does not parse or cannot be read is left byte-identical and its error
 * thrown. Returns the value now on disk.
 */
export async function updateCredentialFile(
  path: string,
  change: (current: Record<string, unknown>) => Record<string, unknown> | null,
): Promise<Record<string, unknown>> {
  return withFileLock(path, async () => {
    const file = await readCredentialFile(canonicalPath(path));
    const current = valueOf(file);
    const next = change(structuredClone(current));
    if (next === null) return current;
    try {
      await writeFileKeepingMode(path, formatLike(file.kind === 'ok' ? file.text : null, next));
    } catch (err) {
      throw fileAccessError(path, err, 'write');
    }
    return next;
  });
}
