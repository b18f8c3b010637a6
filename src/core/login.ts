// Runs `docker login` / `podman login` / `helm registry login` with the ECR password, through the one write path for
// credential files (see cred-file.ts and ../../shared DESIGN "Credential files: one write path"):
//
//   1. the tool logs in against a private staging file (a temporary DOCKER_CONFIG holding only the
//      user's credsStore/credHelpers; podman's --authfile; helm's --registry-config, seeded like
//      docker's), so it checks the password with the
//      registry and puts the secret in the user's credential store if one is configured, but never
//      rewrites the user's file;
//   2. one merge per credential file and batch puts our hosts' entries into the real file under a
//      cross-process lock (updateCredentialFile), keeping everything else;
//   3. read-back: a login counts only once the credential is retrievable where the tool reads it
//      (the entry in the file, or the store listing the host).
//
// Staged logins write separate files, so they run concurrently (bounded); logins through a
// credential helper that is not known to be safe concurrently run one at a time per helper.
// The password goes to the tool's stdin and nowhere else: not argv (visible in /proc and `ps`),
// not the environment (inherited by every credential helper), not logs.
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { readdir, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import { envForTool, explicitProgram, findProgram } from './find-program';
import { runProgram, type Spawner } from './run-program';
import { canonicalPath, fileAccessError, readCredentialFile, updateCredentialFile, valueOf } from './cred-file';
import {
  containsAuth,
  credentialFilePath,
  usesCredsStore,
  normalizeHostKey,
  plaintextAuth,
  storageForHost,
  type DockerAuthEntry,
  type DockerConfig,
  type HostStorage,
} from './docker-config';
import { listStore, isStoreName } from './cred-stores';
import { KeeperError, sanitize } from './errors';
import { isLoopbackRegistryHost, validateHostPort, type LoginTool } from './registry';
import { LIMITS, PARALLEL_LOGINS_PER_CORE } from './settings-model';

export interface LoginRequest {
  tool: LoginTool;
  host: string;
  username: string;
  password: string;
  /** Default 30000. */
  timeoutMs?: number;
  /** Explicit path from settings. */
  toolPath?: string;
}

export interface LoginResult {
  host: string;
  tool: LoginTool;
  credentialFile: string;
  /** e.g. docker's "stored unencrypted" warning, sanitized. */
  warnings: string[];
  /** Where the login is now, as read back from disk. */
  storage: HostStorage;
  /** A hash of the entry written into the file itself (memory only), to notice it being replaced. */
  fingerprint?: string;
}

export interface LoginRunnerOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Injected for tests. */
  spawn?: Spawner;
  extraSearchDirs?: string[];
  /**
   * The credential helper a host should be mapped to that it is not mapped to yet (ECR Keeper's
   * logins were moved to a store: storage-migration.ts), or undefined. Read before each login.
   */
  mapTo?: (tool: LoginTool, host: string, credentialFile: string, current: DockerConfig) => Promise<string | undefined>;
  /** How many staged logins run at once (default: defaultParallelLogins()), read before each login. */
  concurrency?: number | (() => number | undefined);
  /** What a credential helper holds (default: `docker-credential-X list`); null when it cannot tell. */
  listHelper?: (helper: string) => Promise<Record<string, string> | null>;
  /** Where staging folders are made (default: defaultStagingRoot()). */
  stagingRoot?: string;
}

export interface LoginRunner {
  login(req: LoginRequest): Promise<LoginResult>;
  findTool(tool: LoginTool, explicitPath?: string): string | null;
  credentialFileFor(tool: LoginTool): string;
  /** Where `host`'s login is on disk now, with the fingerprint of a plain-text entry. */
  inspect(tool: LoginTool, host: string): Promise<DiskCredential>;
  /** The same for many hosts: each file read once, each credential helper listed once. */
  inspectAll(targets: readonly { tool: LoginTool; host: string }[]): Promise<DiskCredential[]>;
}

/** What is on disk for one host, where its tool reads it. */
export interface DiskCredential {
  storage: HostStorage;
  /** Whether the tool can retrieve a credential for the host (entry in the file, or listed by the store). */
  present: boolean;
  fingerprint?: string;
  /** The file could not be read or parsed: nothing can be said (and nothing will be written). */
  error?: KeeperError;
}

/** The login's entry as the tool wrote it into the staging file, to be merged into the real one. */
interface StagedLogin {
  tool: LoginTool;
  host: string;
  /** auths[host] from the staging file ({} when the secret went to a store), absent when none was written. */
  entry?: DockerAuthEntry;
  /** The helper the host is being mapped to (storage move), if any. */
  mapTo?: string;
  /** A credsStore docker picked by itself (its platform default) because the real file held no auth. */
  detectedStore?: string;
}

/** A login tool that cannot be run: its install hint, and the action of setting its path. */
function toolMissing(tool: LoginTool, message: string): KeeperError {
  return new KeeperError('tool-missing', message, INSTALL_HINT[tool], { action: { kind: 'set-tool-path', tool } });
}

const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_CONCURRENT_LOGINS = LIMITS.parallelLogins.max;
/**
 * How many staged logins run at once when the setting is unset: PARALLEL_LOGINS_PER_CORE (4) per core, at most
 * MAX_CONCURRENT_LOGINS. A login spends most of its time waiting, not computing: on the tool's
 * process start (exec, page faults), on the registry's round trips and its password check, on
 * the staging file. Measured on 2 cores (docs/PERFORMANCE.md, refreshAll of 40 in a running
 * keeper, paired runs): 2 at once 1.03x the sequential floor, 4 0.83x, 6 0.74x, 8 0.64x. More
 * than 8 is not allowed: registries throttle, and the ECR registry is one host per account.
 */
export function defaultParallelLogins(): number {
  return Math.min(PARALLEL_LOGINS_PER_CORE * availableParallelism(), MAX_CONCURRENT_LOGINS);
}
/** Staging folders older than this are left over from a crash and are removed. */
const STALE_STAGING_MS = 15 * 60_000;
/** A key in a staging config's auths so docker keeps its file store when the real file does (see containsAuth). */
const SEED_KEY = 'ecr-keeper-staging.invalid';
/**
 * Credential helpers that are safe to run concurrently: each `store` is one call into an OS
 * keychain API that serialises itself. Every other helper runs one login at a time: `pass` keeps
 * a git repository in many setups (concurrent commits fail on .git/index.lock), and
 * secretservice and unknown helpers have not been shown to be safe.
 */
const CONCURRENT_SAFE_HELPERS = new Set(['osxkeychain', 'wincred', 'desktop']);

/** Time a tool gets to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2_000;
/** Bound on captured output: enough for any error, not enough to hold a runaway tool's spew. */
const MAX_OUTPUT = 64 * 1024;

/** helm 3.8 made OCI registries (`helm registry login`) generally available; older ones need an experiment flag. */
export const MIN_HELM: readonly [number, number, number] = [3, 8, 0];
/** helm 3.18 added `registry login --plain-http`; before it, `--insecure` lets the login fall back to HTTP. */
const HELM_PLAIN_HTTP_SINCE: readonly [number, number, number] = [3, 18, 0];

/** The file a fix names, per tool (helm keeps credsStore/credHelpers in its own file, not docker's). */
const CONFIG_NAME: Record<LoginTool, string> = {
  docker: 'the docker config.json',
  podman: 'the podman auth file',
  helm: "helm's registry config (registry/config.json)",
};

/** What a person types to log in by hand, for fixes. */
const LOGIN_COMMAND: Record<LoginTool, string> = {
  docker: 'docker login',
  podman: 'podman login',
  helm: 'helm registry login',
};

const INSTALL_HINT: Record<LoginTool, string> = {
  docker:
    'Install Docker (https://docs.docker.com/get-docker/) or set the docker path in Settings (CLI: ecr-keeper config set toolPaths.docker /path/to/docker).',
  podman:
    'Install Podman (https://podman.io/docs/installation) or set the podman path in Settings (CLI: ecr-keeper config set toolPaths.podman /path/to/podman).',
  helm: `Install Helm ${MIN_HELM.join('.')} or later (https://helm.sh/docs/intro/install/) or set the helm path in Settings (CLI: ecr-keeper config set toolPaths.helm /path/to/helm).`,
};

// Re-exported: the tool search is shared with the credential-store and AWS CLI lookups.
export { usualToolDirs } from './find-program';

/** Lines that are docker's internal retry chatter (`time=... level=info msg=...`), not the error itself. */
const CHATTER_RE = /^time="[^"]*"\s+level=(?:debug|info|warning|warn)\b/;
/** docker's and podman's TTY-free success lines, never worth showing as an error. */
const SUCCESS_RE = /^Login Succeeded!?$/i;

/** The lines that carry the tool's actual error, without retry chatter or docker's advice boilerplate. */
function errorLines(output: string): string[] {
  const lines = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !SUCCESS_RE.test(l));
  const primary = lines.filter((l) => !CHATTER_RE.test(l));
  return primary.length ? primary : lines;
}

/** Secrets to scrub: the password and the base64 forms docker puts in config files and headers. */
function secretsOf(password: string): string[] {
  if (!password) return [];
  const b64 = Buffer.from(password).toString('base64');
  return [password, b64, Buffer.from(`AWS:${password}`).toString('base64')];
}

function detailOf(output: string, password: string): string {
  const text = sanitize(errorLines(output).join(' | '), secretsOf(password));
  const clipped = text.length > 600 ? `...${text.slice(-600)}` : text;
  return clipped || '(no output)';
}

/** Which credential helper docker was talking to, when its output says so. */
function helperFromOutput(output: string): string | undefined {
  const named = /docker-credential-([A-Za-z0-9_.-]+)/.exec(output);
  if (named) return `docker-credential-${named[1].replace(/["'`.]+$/, '')}`;
  if (/pass not initialized|password store is empty|pass init/i.test(output)) return 'docker-credential-pass';
  if (/secretservice|org\.freedesktop\.secrets|D-Bus/i.test(output)) return 'docker-credential-secretservice';
  if (/keychain/i.test(output)) return 'docker-credential-osxkeychain';
  if (/wincred|credential manager/i.test(output)) return 'docker-credential-wincred';
  return undefined;
}

const CREDENTIAL_STORE_RE =
  /error (?:storing|getting|saving|erasing) credentials|credentials store|docker-credential-[A-Za-z0-9_.-]+.*(?:not found|no such file)|pass not initialized/i;
const REJECTED_RE =
  /\b401\b|unauthorized|incorrect username or password|invalid username\/password|authentication required|\bdenied:|authorization token has expired|\b403 Forbidden\b/i;
const NETWORK_RE =
  /connection refused|no such host|network is unreachable|no route to host|i\/o timeout|TLS handshake timeout|connection reset|server misbehaving|Client\.Timeout exceeded|x509:|certificate signed by unknown authority|dial tcp|proxyconnect/i;
/** Go's net/http error when a registry answers an https request in plain HTTP (docker, podman and helm all print it). */
const PLAIN_HTTP_RE = /server gave HTTP response to HTTPS client/i;

/** What to do about a registry that speaks only plain HTTP, per tool (loopback hosts never get here: they are plain HTTP already). */
const PLAIN_HTTP_FIX: Record<LoginTool, string> = {
  podman:
    'If this registry is meant to be plain HTTP, mark it insecure for podman, buildah and skopeo in registries.conf ([[registry]] with location = "HOST:PORT" and insecure = true, in /etc/containers/registries.conf or ~/.config/containers/registries.conf); otherwise check the registry host and port.',
  docker:
    'If this registry is meant to be plain HTTP, add it to "insecure-registries" in the docker daemon\'s daemon.json (podman, buildah, skopeo: insecure = true in registries.conf); otherwise check the registry host and port.',
  helm: 'ECR Keeper logs helm in over plain HTTP only to registries on this machine; serve this registry over HTTPS, or check the registry host and port.',
};

/**
 * Decides what a failed login means and what the person should do. Pure, so it is tested
 * against real tool outputs. `helperHint` names the configured docker credential helper when
 * the output does not (docker often prints only "error storing credentials - err: exit status 1").
 * The returned message never contains the password.
 */
export function classifyLoginFailure(
  tool: LoginTool,
  exitCode: number | null,
  output: string,
  password: string,
  helperHint?: string,
): KeeperError {
  const detail = detailOf(output, password);
  const lines = errorLines(output).join('\n');
  const code = exitCode === null ? 'no exit code' : `exit code ${exitCode}`;

  // Checked first: docker's store failure happens after a successful auth, and its output also
  // carries retry chatter about http/https that would otherwise look like a network problem.
  if (CREDENTIAL_STORE_RE.test(lines)) {
    const helper =
      helperFromOutput(lines) ??
      (helperHint ? `docker-credential-${helperHint.replace(/^docker-credential-/, '')}` : undefined);
    const name = helper ?? 'the docker credential helper';
    const file = CONFIG_NAME[tool];
    let fix = `Fix or install ${name}, or remove "credsStore"/"credHelpers" for this host from ${file}, then refresh again.`;
    if (helper === 'docker-credential-pass')
      fix = `Initialise pass ("pass init <gpg-id>") so docker-credential-pass can store the login, or remove "credsStore" from ${file}.`;
    else if (helper && /not found|no such file/i.test(lines))
      fix = `Install ${helper} (or put it on PATH), or remove "credsStore"/"credHelpers" naming it from ${file}.`;
    return new KeeperError(
      'credential-store',
      `${tool} login could not save the credentials with ${name}: ${detail}`,
      fix,
    );
  }
  if (REJECTED_RE.test(lines)) {
    return new KeeperError(
      'login-rejected',
      `The registry rejected the ${tool} login: ${detail}`,
      'Check that the registry host matches the account and region of its AWS profile, then refresh again.',
    );
  }
  // Before the network check: the registry was reached, it just does not speak TLS, and retrying
  // or a VPN will not change that.
  if (PLAIN_HTTP_RE.test(lines)) {
    return new KeeperError(
      'config',
      `The registry answered ${tool} in plain HTTP, not HTTPS: ${detail}`,
      PLAIN_HTTP_FIX[tool],
    );
  }
  if (NETWORK_RE.test(lines)) {
    return new KeeperError(
      'network',
      `${tool} login could not reach the registry: ${detail}`,
      'Check the network, VPN or proxy and that the registry host is spelled correctly; the keeper will retry.',
    );
  }
  if (/executable file not found|command not found|no such file or directory/i.test(lines) && exitCode === 127) {
    return toolMissing(tool, `${tool} could not be run: ${detail}`);
  }
  return new KeeperError(
    'internal',
    `${tool} login failed (${code}): ${detail}`,
    `Run "${LOGIN_COMMAND[tool]}" by hand to see the full error; if it works there, report this with the activity log.`,
  );
}

/**
 * docker's plaintext-storage warning, reduced to one sanitized line for the window and CLI. It is
 * the only warning kept (the keeper relies on that: a tool warning means "stored unencrypted").
 */
export function parseLoginWarnings(output: string, password: string): string[] {
  const warnings: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^\s*WARNING!\s*(.*(?:stored unencrypted|will be stored unencrypted).*)$/i.exec(line);
    if (m)
      warnings.push(
        sanitize(`${m[1].trim()} Configure a credential helper to keep it out of the file.`, secretsOf(password)),
      );
  }
  return warnings;
}

function checkRequest(req: LoginRequest): void {
  const problem = validateHostPort(req.host);
  // The host is the one positional argument; anything not a plain host[:port] could be taken as a flag.
  if (problem)
    throw new KeeperError(
      'invalid-input',
      `Registry host "${sanitize(req.host.slice(0, 100))}" ${problem}`,
      'Correct the registry host: Edit in the window, or ecr-keeper edit NAME --registry-host HOST.',
    );
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/.test(req.username)) {
    throw new KeeperError(
      'invalid-input',
      'The login user name is not valid.',
      'ECR logins use the user name AWS; check the registry settings.',
    );
  }
  if (!req.password || /[\r\n]/.test(req.password)) {
    // Both tools strip one trailing newline from stdin; an embedded one would silently truncate.
    throw new KeeperError(
      'internal',
      'The registry password is empty or contains a line break.',
      'Refresh again; if it keeps happening, report it with the activity log.',
    );
  }
}

export type HelmVersion = readonly [number, number, number];

/** The version in `helm version --short` output ("v3.14.2+gc309b6f", "v4.0.1+g..."), or null. */
export function parseHelmVersion(output: string): HelmVersion | null {
  const m = /\bv?(\d+)\.(\d+)\.(\d+)/.exec(output);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function atLeast(v: HelmVersion, min: HelmVersion): boolean {
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i] > min[i];
  return true;
}

/**
 * The login command line (never the password: it goes to stdin). Registries on this machine are
 * spoken to in plain HTTP by every tool, as docker does by itself for 127.0.0.0/8; any other host
 * keeps TLS. podman: --tls-verify=false. helm 3.18+ and 4: --plain-http; helm 3.8-3.17 have no
 * --plain-http, and their --insecure lets the login fall back to HTTP (docker's registry code).
 */
export function loginArgs(
  tool: LoginTool,
  host: string,
  username: string,
  stageFile: string,
  helm?: HelmVersion,
): string[] {
  const loopback = isLoopbackRegistryHost(host);
  if (tool === 'docker') return ['login', '--username', username, '--password-stdin', host];
  if (tool === 'podman') {
    return [
      'login',
      '--authfile',
      stageFile,
      ...(loopback ? ['--tls-verify=false'] : []),
      '--username',
      username,
      '--password-stdin',
      host,
    ];
  }
  const plain = !loopback ? [] : helm && !atLeast(helm, HELM_PLAIN_HTTP_SINCE) ? ['--insecure'] : ['--plain-http'];
  return [
    'registry',
    'login',
    '--registry-config',
    stageFile,
    ...plain,
    '--username',
    username,
    '--password-stdin',
    host,
  ];
}

export function fingerprintOf(secret: string | undefined): string | undefined {
  return secret ? createHash('sha256').update(secret).digest('hex').slice(0, 16) : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Drops the plain-text secrets the file keeps for `host` (any key spelling); other fields stay. */
export function withoutPlaintext(config: DockerConfig, host: string): DockerConfig {
  if (!isObject(config.auths)) return config;
  const auths: Record<string, DockerAuthEntry> = { ...config.auths };
  let changed = false;
  for (const [key, entry] of Object.entries(auths)) {
    if (normalizeHostKey(key) !== host || !isObject(entry)) continue;
    const rest: DockerAuthEntry = { ...entry };
    for (const secret of ['auth', 'password', 'identitytoken', 'registrytoken']) delete rest[secret];
    if (Object.keys(rest).length === Object.keys(entry).length) continue;
    changed = true;
    // An entry left with nothing in it goes entirely; other fields (email, ...) stay.
    if (Object.keys(rest).length === 0) delete auths[key];
    else auths[key] = rest;
  }
  return changed ? { ...config, auths } : config;
}

/** Maps `host` to `helper` in credHelpers, keeping every other entry (a URL-form key for the same host goes). */
export function withHelper(config: DockerConfig, host: string, helper: string): DockerConfig {
  const helpers: Record<string, string> = isObject(config.credHelpers) ? { ...config.credHelpers } : {};
  for (const key of Object.keys(helpers)) if (key !== host && normalizeHostKey(key) === host) delete helpers[key];
  helpers[host] = helper;
  return { ...config, credHelpers: helpers };
}

/**
 * The staging config a tool logs in against: only what decides where the secret goes (the
 * user's credsStore/credHelpers, plus the host's new mapping), never anyone's logins.
 */
export function stagingConfig(tool: LoginTool, real: DockerConfig, host: string, mapTo?: string): DockerConfig {
  const out: DockerConfig = {};
  if (isObject(real.credHelpers)) out.credHelpers = { ...real.credHelpers };
  if (mapTo) Object.assign(out, withHelper(out, host, mapTo));
  if (usesCredsStore(tool)) {
    if (typeof real.credsStore === 'string' && real.credsStore !== '') out.credsStore = real.credsStore;
    // docker picks its platform's store by itself only for a file with no auth at all: keep
    // that decision the same for the staging file as for the real one.
    if (containsAuth(real) && !containsAuth(out)) out.auths = { [SEED_KEY]: {} };
  }
  return out;
}

/**
 * Puts staged logins into the current content of the real file: only our hosts' entries and
 * mappings change. Pure; the caller holds the file's lock.
 */
export function mergeStaged(current: DockerConfig, staged: readonly StagedLogin[]): DockerConfig {
  let next: DockerConfig = current;
  for (const s of staged) {
    if (s.mapTo) next = withoutPlaintext(withHelper(next, s.host, s.mapTo), s.host);
    if (s.entry) next = { ...next, auths: { ...(isObject(next.auths) ? next.auths : {}), [s.host]: s.entry } };
    else if (storageForHost(next, s.host, s.tool).storage !== 'plaintext') next = withoutPlaintext(next, s.host);
    // docker moved the secret to its platform default store because the file held no auth: say
    // so in the file, as docker itself would have. Not over plain-text logins of others, which
    // a credsStore would hide from docker.
    if (s.detectedStore && usesCredsStore(s.tool) && !next.credsStore && !hasPlaintext(next))
      next = { ...next, credsStore: s.detectedStore };
  }
  return next;
}

function hasPlaintext(config: DockerConfig): boolean {
  return isObject(config.auths) && Object.keys(config.auths).some((k) => plaintextAuth(config, k) !== undefined);
}

/** Whether the credential for `host` is retrievable where the tool reads it, given what each helper lists. */
function readBack(
  config: DockerConfig | null,
  host: string,
  tool: LoginTool,
  listed: Map<string, Set<string> | null>,
): DiskCredential {
  const storage = storageForHost(config, host, tool);
  if (storage.storage === 'plaintext')
    return { storage, present: true, fingerprint: fingerprintOf(plaintextAuth(config, host)) };
  if (storage.storage === 'helper' || storage.storage === 'store') {
    const hosts = listed.get(storage.helper!);
    // A helper that cannot list (a custom one) is trusted: its `store` succeeded in the login.
    return { storage, present: hosts === null || hosts === undefined ? true : hosts.has(host) };
  }
  return { storage, present: storage.storage === 'ecr-login' };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Where staging folders go. On Linux, a file system in memory when there is one: the user's
 * runtime folder (XDG_RUNTIME_DIR, private to the user) or /dev/shm. A staged login (docker's
 * entry with the password in base64, until the merge) then never reaches a disk, and a folder
 * per login costs no disk blocks (on ext4 with online discard, making and removing one took
 * ~0.5 ms of our thread per login). Elsewhere the OS temp folder (per user on macOS and Windows).
 */
export function defaultStagingRoot(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const user = process.getuid?.() ?? 'user';
  if (platform === 'linux') {
    const runtime = env.XDG_RUNTIME_DIR;
    if (runtime && isAbsolute(runtime) && isDirectory(runtime)) return join(runtime, 'ecr-keeper');
    if (isDirectory('/dev/shm')) return join('/dev/shm', `ecr-keeper-${user}`);
  }
  return join(tmpdir(), `ecr-keeper-${user}`);
}

/**
 * Makes the staging root, or takes the one there once it is sure to be ours alone: in a shared
 * folder (/tmp, /dev/shm) another account could have made it first, or put a symlink there, to
 * read or redirect staged logins. Ours with looser permissions is tightened.
 */
function ensurePrivateFolder(root: string): void {
  try {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    if (process.platform === 'win32') return;
    const st = lstatSync(root);
    const uid = process.getuid?.();
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) {
      throw new KeeperError(
        'file-access',
        `The staging folder ${root} is not ECR Keeper's own: it is ${st.isSymbolicLink() ? 'a symbolic link' : st.isDirectory() ? "another account's folder" : 'not a folder'}, so no login is staged there.`,
        `Remove ${root} (another account or program made it), then refresh again.`,
      );
    }
    if ((st.mode & 0o077) !== 0) chmodSync(root, 0o700);
  } catch (err) {
    throw err instanceof KeeperError ? err : fileAccessError(root, err, 'write');
  }
}

export function createLoginRunner(opts: LoginRunnerOptions = {}): LoginRunner {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const spawn = opts.spawn;
  const stagingRoot = opts.stagingRoot ?? defaultStagingRoot(env, platform);
  const bound = () => {
    const wanted = typeof opts.concurrency === 'function' ? opts.concurrency() : opts.concurrency;
    return Math.max(1, Math.min(wanted ?? defaultParallelLogins(), MAX_CONCURRENT_LOGINS));
  };
  // The bound is read at each login (the setting may change; it may not be readable yet here).
  const limit = pLimit(MAX_CONCURRENT_LOGINS);
  const perHelper = new Map<string, LimitFunction>();
  const mergers = new Map<string, Merger>();
  const listHelper =
    opts.listHelper ?? (async (helper: string) => (isStoreName(helper) ? listStore(helper, { env, platform }) : null));
  let swept = false;

  function findTool(tool: LoginTool, explicitPath?: string): string | null {
    if (explicitPath && explicitPath.trim() !== '') return explicitProgram(explicitPath, env, platform);
    return findProgram(tool, { env, platform, extraDirs: opts.extraSearchDirs });
  }

  function credentialFileFor(tool: LoginTool): string {
    return credentialFilePath(tool, env, platform);
  }

  /** Runs `job` within the global bound, and one at a time per helper that is not concurrency-safe. */
  function schedule<T>(helper: string | undefined, job: () => Promise<T>): Promise<T> {
    // The setting may have changed since the last login (p-limit applies a new bound at once).
    limit.concurrency = bound();
    if (!helper || CONCURRENT_SAFE_HELPERS.has(helper)) return limit(job);
    let serial = perHelper.get(helper);
    if (!serial) {
      serial = pLimit(1);
      perHelper.set(helper, serial);
    }
    return serial(() => limit(job));
  }

  async function listAll(helpers: Iterable<string>): Promise<Map<string, Set<string> | null>> {
    const out = new Map<string, Set<string> | null>();
    await Promise.all(
      [...new Set(helpers)].map(async (h) => {
        const held = await listHelper(h).catch(() => null);
        out.set(h, held ? new Set(Object.keys(held).map(normalizeHostKey)) : null);
      }),
    );
    return out;
  }

  /** Many hosts at once: each credential file read once, each helper listed once. */
  async function inspectAll(targets: readonly { tool: LoginTool; host: string }[]): Promise<DiskCredential[]> {
    const files = new Map<string, Promise<Awaited<ReturnType<typeof readCredentialFile>>>>();
    const read = (tool: LoginTool) => {
      const path = credentialFileFor(tool);
      let f = files.get(path);
      if (!f) {
        f = readCredentialFile(path);
        files.set(path, f);
      }
      return f;
    };
    const configs = await Promise.all(
      targets.map(async (t) => {
        const file = await read(t.tool);
        return file.kind === 'invalid' ? file.error : file.kind === 'ok' ? file.value : null;
      }),
    );
    const helpers = targets.flatMap((t, i) => {
      const c = configs[i];
      if (c instanceof KeeperError) return [];
      const st = storageForHost(c ?? null, t.host, t.tool);
      return st.storage === 'helper' || st.storage === 'store' ? [st.helper!] : [];
    });
    const listed = await listAll(helpers);
    return targets.map((t, i) => {
      const c = configs[i];
      if (c instanceof KeeperError) return { storage: { storage: 'none' as const }, present: false, error: c };
      return readBack(c ?? null, t.host, t.tool, listed);
    });
  }

  async function inspect(tool: LoginTool, host: string): Promise<DiskCredential> {
    return (await inspectAll([{ tool, host }]))[0];
  }

  /**
   * One merger per real file: staged logins that finish while a merge is running are merged
   * together in the next one, so a batch costs one locked write and one read-back per file.
   */
  class Merger {
    private pending: { staged: StagedLogin; resolve: (d: DiskCredential) => void; reject: (e: unknown) => void }[] = [];
    private draining = false;
    constructor(private readonly file: string) {}

    submit(staged: StagedLogin): Promise<DiskCredential> {
      return new Promise((resolve, reject) => {
        this.pending.push({ staged, resolve, reject });
        if (!this.draining) void this.drain();
      });
    }

    private async drain(): Promise<void> {
      this.draining = true;
      while (this.pending.length) {
        const batch = this.pending.splice(0);
        try {
          await updateCredentialFile(this.file, (cur) =>
            mergeStaged(
              cur,
              batch.map((b) => b.staged),
            ),
          );
          // Read back after the lock is released: what every other process sees now.
          const file = await readCredentialFile(this.file);
          const config = valueOf(file) as DockerConfig;
          const helpers = batch.flatMap((b) => {
            const st = storageForHost(config, b.staged.host, b.staged.tool);
            return st.storage === 'helper' || st.storage === 'store' ? [st.helper!] : [];
          });
          const listed = await listAll(helpers);
          for (const b of batch) b.resolve(readBack(config, b.staged.host, b.staged.tool, listed));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
      this.draining = false;
    }
  }

  function mergerFor(file: string): Merger {
    const key = canonicalPath(file);
    let m = mergers.get(key);
    if (!m) {
      m = new Merger(file);
      mergers.set(key, m);
    }
    return m;
  }

  /**
   * A private folder for one login's staging file; leftovers of crashed runs are swept once. It is
   * made and seeded synchronously: a few syscalls on a local folder, where fs/promises costs each
   * login ~0.5 ms more CPU on our thread. (Its removal stays asynchronous: outside memory, freeing
   * blocks can wait on the disk.)
   */
  async function stagingDir(): Promise<string> {
    if (!swept) {
      ensurePrivateFolder(stagingRoot);
      swept = true;
      const now = Date.now();
      for (const name of await readdir(stagingRoot).catch(() => [] as string[])) {
        const p = join(stagingRoot, name);
        const st = await stat(p).catch(() => null);
        if (st && now - st.mtimeMs > STALE_STAGING_MS)
          await rm(p, { recursive: true, force: true }).catch(() => undefined);
      }
    }
    try {
      return mkdtempSync(join(stagingRoot, 'login-'));
    } catch (err) {
      // The folder was removed since (a temp cleaner): make it again, once.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fileAccessError(stagingRoot, err, 'write');
      ensurePrivateFolder(stagingRoot);
      return mkdtempSync(join(stagingRoot, 'login-'));
    }
  }

  /** Removes a staging folder: its file and the folder, or all of it when the tool left more there. */
  async function removeStaging(dir: string, stageFile: string): Promise<void> {
    // Not written (the login failed first), or already gone: the folder's removal says the rest.
    await unlink(stageFile).catch(() => undefined);
    await rmdir(dir).catch(() => rm(dir, { recursive: true, force: true }).catch(() => undefined));
  }

  /** Runs the tool's login against the staging file; the password goes to its stdin only. */
  async function runTool(
    tool: LoginTool,
    toolPath: string,
    req: LoginRequest,
    stageFile: string,
    helm?: HelmVersion,
  ): Promise<{ warnings: string[] }> {
    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const args = loginArgs(tool, req.host, req.username, stageFile, helm);
    const toolEnv = envForTool(env, platform, toolPath);
    if (tool === 'docker') toolEnv.DOCKER_CONFIG = join(stageFile, '..');
    // docker, podman and helm are Go programs, and a login is one short exchange done in sequence.
    // By default the Go runtime schedules on every core and spins idle threads looking for work;
    // with several logins at once that spinning competes with the logins themselves. One
    // scheduler per login measured 9-13 % faster refreshes of 40 and 100 registries on 2 cores
    // (paired runs, docs/PERFORMANCE.md). A GOMAXPROCS the user set is kept.
    toolEnv.GOMAXPROCS ??= '1';
    const r = await runProgram(toolPath, args, {
      env: toolEnv,
      input: req.password,
      timeoutMs,
      spawn,
      // Its own process group, so a timeout also ends credential helpers the tool started.
      group: true,
      killGraceMs: KILL_GRACE_MS,
      maxOutput: MAX_OUTPUT,
    });
    if (r.spawnError) {
      const why =
        r.spawnError === 'ENOENT'
          ? 'was not found'
          : r.spawnError === 'EACCES'
            ? 'is not executable'
            : `could not be started (${sanitize(r.spawnError)})`;
      throw toolMissing(tool, `${tool} at ${toolPath} ${why}.`);
    }
    if (r.timedOut) {
      throw new KeeperError(
        'timeout',
        `${tool} login to ${req.host} did not finish within ${Math.round(timeoutMs / 100) / 10} s and was stopped.`,
        `Check that ${tool} works ("${LOGIN_COMMAND[tool]} ${req.host}" by hand) and that no credential helper is waiting for input; the keeper will retry.`,
      );
    }
    const output = `${r.stdout}\n${r.stderr}`;
    if (r.code === 0) return { warnings: parseLoginWarnings(output, req.password) };
    throw Object.assign(new Error('login failed'), { exitCode: r.code, output });
  }

  const helmVersions = new Map<string, Promise<HelmVersion | null>>();

  /** `helm version --short`, once per helm binary (keyed by path and modification time, so an upgrade is seen). */
  function helmVersionOf(toolPath: string): Promise<HelmVersion | null> {
    let mtime = 0;
    try {
      mtime = statSync(toolPath).mtimeMs;
    } catch {
      /* the run below reports it */
    }
    const key = `${toolPath}\0${mtime}`;
    let v = helmVersions.get(key);
    if (!v) {
      v = runProgram(toolPath, ['version', '--short'], {
        env: envForTool(env, platform, toolPath),
        timeoutMs: 10_000,
        maxOutput: 4096,
        spawn,
      }).then((r) => (r.code === 0 ? parseHelmVersion(r.stdout) : null));
      helmVersions.set(key, v);
      // A failed probe is asked again next time (helm may be fixed meanwhile).
      void v.then((r) => {
        if (!r) helmVersions.delete(key);
      });
    }
    return v;
  }

  /** helm's version, or tool-missing for a helm that cannot say or is older than MIN_HELM. */
  async function checkedHelm(toolPath: string): Promise<HelmVersion> {
    const v = await helmVersionOf(toolPath);
    const min = MIN_HELM.join('.');
    if (!v)
      throw toolMissing('helm', `helm at ${toolPath} did not report its version ("helm version --short" failed).`);
    if (!atLeast(v, MIN_HELM)) {
      throw toolMissing(
        'helm',
        `helm ${v.join('.')} at ${toolPath} is too old: ECR Keeper needs helm ${min} or later (OCI registry logins).`,
      );
    }
    return v;
  }

  /** Step 1: the tool logs in against a staging file; returns what it wrote there. */
  async function stage(
    req: LoginRequest,
    toolPath: string,
    real: DockerConfig,
    mapTo: string | undefined,
    helper: string | undefined,
    helm?: HelmVersion,
  ): Promise<StagedLogin & { warnings: string[] }> {
    const dir = await stagingDir();
    const stageFile = join(dir, req.tool === 'podman' ? 'auth.json' : 'config.json');
    try {
      const seed = stagingConfig(req.tool, real, req.host, mapTo);
      if (Object.keys(seed).length) writeFileSync(stageFile, JSON.stringify(seed), { mode: 0o600 });
      let warnings: string[];
      try {
        ({ warnings } = await runTool(req.tool, toolPath, req, stageFile, helm));
      } catch (err) {
        if (err instanceof KeeperError) throw err;
        const { exitCode, output } = err as { exitCode: number | null; output: string };
        throw classifyLoginFailure(req.tool, exitCode, output, req.password, helper);
      }
      const written = valueOf(await readCredentialFile(stageFile)) as DockerConfig;
      const entry = isObject(written.auths) ? written.auths[req.host] : undefined;
      const detectedStore =
        usesCredsStore(req.tool) &&
        !seed.credsStore &&
        typeof written.credsStore === 'string' &&
        written.credsStore !== ''
          ? written.credsStore
          : undefined;
      return {
        tool: req.tool,
        host: req.host,
        entry: isObject(entry) ? entry : undefined,
        mapTo,
        detectedStore,
        warnings,
      };
    } finally {
      await removeStaging(dir, stageFile);
    }
  }

  async function login(req: LoginRequest): Promise<LoginResult> {
    checkRequest(req);
    const toolPath = findTool(req.tool, req.toolPath);
    if (!toolPath) {
      const where = req.toolPath
        ? `The ${req.tool} path set in Settings (${req.toolPath}) is not an executable file.`
        : `${req.tool} was not found on PATH or in the usual install places.`;
      throw toolMissing(req.tool, where);
    }
    const helm = req.tool === 'helm' ? await checkedHelm(toolPath) : undefined;
    const credentialFile = credentialFileFor(req.tool);
    // A file that does not parse fails the login before anything runs: the tool would ignore it
    // and we could not merge into it.
    const real = valueOf(await readCredentialFile(credentialFile)) as DockerConfig;
    const mapTo = await opts.mapTo?.(req.tool, req.host, credentialFile, real);
    const helper = mapTo ?? storageForHost(real, req.host, req.tool).helper;
    const staged = await schedule(helper, () => stage(req, toolPath, real, mapTo, helper, helm));
    if (!staged.entry && !staged.mapTo && !helper && !staged.detectedStore) {
      throw new KeeperError(
        'internal',
        `${req.tool} reported a successful login to ${req.host} but wrote no credential for it.`,
        `Run "${LOGIN_COMMAND[req.tool]} ${req.host}" by hand to see what it does; if it works there, report this with the activity log.`,
      );
    }
    const disk = await mergerFor(credentialFile).submit(staged);
    if (!disk.present) {
      const where =
        disk.storage.storage === 'helper' || disk.storage.storage === 'store'
          ? `docker-credential-${disk.storage.helper} does not list it`
          : `${credentialFile} has no entry for it`;
      throw new KeeperError(
        'credential-missing',
        `${req.tool} logged in to ${req.host}, but the login is not where ${req.tool} reads it: ${where}.`,
        `Check ${credentialFile} (credsStore/credHelpers for ${req.host}) and the credential helper, then refresh again.`,
      );
    }
    return {
      host: req.host,
      tool: req.tool,
      credentialFile,
      warnings: staged.warnings,
      storage: disk.storage,
      fingerprint: disk.fingerprint,
    };
  }

  return { login, findTool, credentialFileFor, inspect, inspectAll };
}
