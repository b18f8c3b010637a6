// Runs `docker login` / `podman login` with the ECR password. The password goes to the tool's
// stdin and nowhere else: not argv (visible in /proc and `ps`), not the environment (inherited
// by every credential helper), not logs. Logins that write the same credential file are
// serialised because the tools read-modify-write it without a lock and lose entries otherwise.
import { envForTool, findProgram, isExecutableFile } from './find-program';
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { dockerConfigPath, podmanAuthPath, readDockerConfig, storageForHost } from './docker-config';
import { KeeperError, sanitize } from './errors';
import { validateHostPort, type LoginTool } from './registry';

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
}

export interface LoginRunnerOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Injected for tests. */
  spawn?: typeof nodeSpawn;
  extraSearchDirs?: string[];
  /**
   * Runs inside the credential file's queue right before each login, so a change it makes to the
   * file (mapping the host to a credential store) cannot be overwritten by a concurrent login.
   */
  beforeLogin?: (tool: LoginTool, host: string, credentialFile: string) => Promise<unknown>;
}

export interface LoginRunner {
  login(req: LoginRequest): Promise<LoginResult>;
  findTool(tool: LoginTool, explicitPath?: string): string | null;
  credentialFileFor(tool: LoginTool): string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Time a tool gets to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2_000;
/** Bound on captured output: enough for any error, not enough to hold a runaway tool's spew. */
const MAX_OUTPUT = 64 * 1024;

const INSTALL_HINT: Record<LoginTool, string> = {
  docker: 'Install Docker (https://docs.docker.com/get-docker/) or set the docker path in Settings (CLI: ecr-keeper config set toolPaths.docker /path/to/docker).',
  podman: 'Install Podman (https://podman.io/docs/installation) or set the podman path in Settings (CLI: ecr-keeper config set toolPaths.podman /path/to/podman).',
};

// Re-exported: the tool search is shared with the credential-store and AWS CLI lookups.
export { usualToolDirs } from './find-program';

/** Lines that are docker's internal retry chatter (`time=... level=info msg=...`), not the error itself. */
const CHATTER_RE = /^time="[^"]*"\s+level=(?:debug|info|warning|warn)\b/;
/** docker's and podman's TTY-free success lines, never worth showing as an error. */
const SUCCESS_RE = /^Login Succeeded!?$/i;

/** The lines that carry the tool's actual error, without retry chatter or docker's advice boilerplate. */
function errorLines(output: string): string[] {
  const lines = output.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !SUCCESS_RE.test(l));
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
  if (named) return `docker-credential-${named[1]!.replace(/["'`.]+$/, '')}`;
  if (/pass not initialized|password store is empty|pass init/i.test(output)) return 'docker-credential-pass';
  if (/secretservice|org\.freedesktop\.secrets|D-Bus/i.test(output)) return 'docker-credential-secretservice';
  if (/keychain/i.test(output)) return 'docker-credential-osxkeychain';
  if (/wincred|credential manager/i.test(output)) return 'docker-credential-wincred';
  return undefined;
}

const CREDENTIAL_STORE_RE = /error (?:storing|getting|saving|erasing) credentials|credentials store|docker-credential-[A-Za-z0-9_.-]+.*(?:not found|no such file)|pass not initialized/i;
const REJECTED_RE = /\b401\b|unauthorized|incorrect username or password|invalid username\/password|authentication required|\bdenied:|authorization token has expired|\b403 Forbidden\b/i;
const NETWORK_RE = /connection refused|no such host|network is unreachable|no route to host|i\/o timeout|TLS handshake timeout|connection reset|server misbehaving|Client\.Timeout exceeded|x509:|certificate signed by unknown authority|server gave HTTP response to HTTPS client|dial tcp|proxyconnect/i;

/**
 * Decides what a failed login means and what the person should do. Pure, so it is tested
 * against real tool outputs. `helperHint` names the configured docker credential helper when
 * the output does not (docker often prints only "error storing credentials - err: exit status 1").
 * The returned message never contains the password.
 */
export function classifyLoginFailure(tool: LoginTool, exitCode: number | null, output: string, password: string, helperHint?: string): KeeperError {
  const detail = detailOf(output, password);
  const lines = errorLines(output).join('\n');
  const code = exitCode === null ? 'no exit code' : `exit code ${exitCode}`;

  // Checked first: docker's store failure happens after a successful auth, and its output also
  // carries retry chatter about http/https that would otherwise look like a network problem.
  if (CREDENTIAL_STORE_RE.test(lines)) {
    const helper = helperFromOutput(lines) ?? (helperHint ? `docker-credential-${helperHint.replace(/^docker-credential-/, '')}` : undefined);
    const name = helper ?? 'the docker credential helper';
    let fix = `Fix or install ${name}, or remove "credsStore"/"credHelpers" for this host from the docker config.json, then refresh again.`;
    if (helper === 'docker-credential-pass') fix = 'Initialise pass ("pass init <gpg-id>") so docker-credential-pass can store the login, or remove "credsStore" from the docker config.json.';
    else if (helper && /not found|no such file/i.test(lines)) fix = `Install ${helper} (or put it on PATH), or remove "credsStore"/"credHelpers" naming it from the docker config.json.`;
    return new KeeperError('credential-store', `${tool} login could not save the credentials with ${name}: ${detail}`, fix);
  }
  if (REJECTED_RE.test(lines)) {
    return new KeeperError('login-rejected', `The registry rejected the ${tool} login: ${detail}`,
      'Check that the registry host matches the account and region of its AWS profile, then refresh again.');
  }
  if (NETWORK_RE.test(lines)) {
    return new KeeperError('network', `${tool} login could not reach the registry: ${detail}`,
      'Check the network, VPN or proxy and that the registry host is spelled correctly; the keeper will retry.');
  }
  if (/executable file not found|command not found|no such file or directory/i.test(lines) && exitCode === 127) {
    return new KeeperError('tool-missing', `${tool} could not be run: ${detail}`, INSTALL_HINT[tool]);
  }
  return new KeeperError('internal', `${tool} login failed (${code}): ${detail}`,
    `Run "${tool} login" by hand to see the full error; if it works there, report this with the activity log.`);
}

/** docker's plaintext-storage warning, reduced to one sanitized line for the window and CLI. */
export function parseLoginWarnings(output: string, password: string): string[] {
  const warnings: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^\s*WARNING!\s*(.*(?:stored unencrypted|will be stored unencrypted).*)$/i.exec(line);
    if (m) warnings.push(sanitize(`${m[1]!.trim()} Configure a credential helper to keep it out of the file.`, secretsOf(password)));
  }
  return warnings;
}

function checkRequest(req: LoginRequest): void {
  const problem = validateHostPort(req.host);
  // The host is the one positional argument; anything not a plain host[:port] could be taken as a flag.
  if (problem) throw new KeeperError('invalid-input', `Registry host "${sanitize(req.host.slice(0, 100))}" ${problem}`, 'Correct the registry host: Edit in the window, or ecr-keeper edit NAME --registry-host HOST.');
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/.test(req.username)) {
    throw new KeeperError('invalid-input', 'The login user name is not valid.', 'ECR logins use the user name AWS; check the registry settings.');
  }
  if (!req.password || /[\r\n]/.test(req.password)) {
    // Both tools strip one trailing newline from stdin; an embedded one would silently truncate.
    throw new KeeperError('internal', 'The registry password is empty or contains a line break.', 'Refresh again; if it keeps happening, report it with the activity log.');
  }
}

export function createLoginRunner(opts: LoginRunnerOptions = {}): LoginRunner {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const spawn = opts.spawn ?? nodeSpawn;
  /** Tail of each credential file's queue. */
  const tails = new Map<string, Promise<void>>();

  function findTool(tool: LoginTool, explicitPath?: string): string | null {
    // A path set in settings is authoritative: silently running some other docker would hide
    // the mistake and could write to a different credential store.
    if (explicitPath && explicitPath.trim() !== '') {
      return isExecutableFile(explicitPath, platform) ? explicitPath : null;
    }
    return findProgram(tool, { env, platform, extraDirs: opts.extraSearchDirs });
  }

  function credentialFileFor(tool: LoginTool): string {
    return tool === 'docker' ? dockerConfigPath(env) : podmanAuthPath(env, platform);
  }

  function enqueue<T>(key: string, job: () => Promise<T>): Promise<T> {
    const prev = tails.get(key) ?? Promise.resolve();
    const result = prev.then(job);
    const tail = result.then(() => undefined, () => undefined);
    tails.set(key, tail);
    void tail.then(() => { if (tails.get(key) === tail) tails.delete(key); });
    return result;
  }

  /** Names the configured helper for messages when docker's own output does not. */
  async function configuredHelper(tool: LoginTool, file: string, host: string): Promise<string | undefined> {
    if (tool !== 'docker') return undefined;
    const { config } = await readDockerConfig(file);
    return storageForHost(config, host).helper;
  }

  function run(tool: LoginTool, toolPath: string, req: LoginRequest, credentialFile: string): Promise<LoginResult> {
    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<LoginResult>((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(toolPath, ['login', '--username', req.username, '--password-stdin', req.host], {
          env: envForTool(env, platform, toolPath),
          shell: false,
          windowsHide: true,
          stdio: ['pipe', 'pipe', 'pipe'],
          // Own process group, so a timeout also ends credential helpers the tool started.
          detached: process.platform !== 'win32',
        });
      } catch (err) {
        reject(new KeeperError('tool-missing', `${tool} at ${toolPath} could not be started: ${sanitize((err as Error).message)}`, INSTALL_HINT[tool]));
        return;
      }
      let output = '';
      let settled = false;
      let timedOut = false;
      let exitCode: number | null = null;
      const append = (d: Buffer) => { if (output.length < MAX_OUTPUT) output += d.toString('utf8'); };
      child.stdout?.on('data', append);
      child.stderr?.on('data', append);

      const signal = (sig: NodeJS.Signals) => {
        if (child.pid === undefined) return;
        try {
          if (process.platform !== 'win32') process.kill(-child.pid, sig);
          else child.kill(sig);
        } catch {
          try { child.kill(sig); } catch { /* already gone */ }
        }
      };
      let hardKill: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        signal('SIGTERM');
        hardKill = setTimeout(() => signal('SIGKILL'), KILL_GRACE_MS);
      }, timeoutMs);

      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (hardKill) clearTimeout(hardKill);
        fn();
      };

      child.on('error', (err: NodeJS.ErrnoException) => {
        finish(() => {
          const why = err.code === 'ENOENT' ? 'was not found' : err.code === 'EACCES' ? 'is not executable' : `could not be started (${err.code ?? err.message})`;
          reject(new KeeperError('tool-missing', `${tool} at ${toolPath} ${why}.`, INSTALL_HINT[tool]));
        });
      });

      const settle = () => finish(() => {
        if (timedOut) {
          // Stragglers in the group (a helper that ignored SIGTERM) must not outlive the refresh.
          signal('SIGKILL');
          reject(new KeeperError('timeout', `${tool} login to ${req.host} did not finish within ${Math.round(timeoutMs / 100) / 10} s and was stopped.`,
            `Check that ${tool} works ("${tool} login ${req.host}" by hand) and that no credential helper is waiting for input; the keeper will retry.`));
          return;
        }
        if (exitCode === 0) {
          resolve({ host: req.host, tool, credentialFile, warnings: parseLoginWarnings(output, req.password) });
          return;
        }
        configuredHelper(tool, credentialFile, req.host)
          .catch(() => undefined)
          .then((hint) => reject(classifyLoginFailure(tool, exitCode, output, req.password, hint)));
      });

      child.on('exit', (code) => {
        exitCode = code;
        // Normally 'close' follows once the pipes drain; a grandchild holding them open must not stall us.
        const fallback = setTimeout(settle, timedOut ? 0 : 2000);
        fallback.unref();
      });
      child.on('close', settle);

      if (child.stdin) {
        // A tool that exits before reading stdin (wrong path, usage error) causes EPIPE: not our failure to report.
        child.stdin.on('error', () => undefined);
        child.stdin.end(req.password);
      }
    });
  }

  async function login(req: LoginRequest): Promise<LoginResult> {
    checkRequest(req);
    const toolPath = findTool(req.tool, req.toolPath);
    if (!toolPath) {
      const where = req.toolPath ? `The ${req.tool} path set in Settings (${req.toolPath}) is not an executable file.` : `${req.tool} was not found on PATH or in the usual install places.`;
      throw new KeeperError('tool-missing', where, INSTALL_HINT[req.tool]);
    }
    const credentialFile = credentialFileFor(req.tool);
    return enqueue(credentialFile, async () => {
      if (opts.beforeLogin) await opts.beforeLogin(req.tool, req.host, credentialFile);
      return run(req.tool, toolPath, req, credentialFile);
    });
  }

  return { login, findTool, credentialFileFor };
}
