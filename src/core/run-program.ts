// The one way ECR Keeper runs another program (docker/podman login, docker-credential-* helpers,
// the AWS CLI): no shell, a time limit, bounded output, never throws. Secrets go on stdin only.
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export type Spawner = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed (default: nothing). Ignored with stdio 'inherit'. */
  input?: string;
  timeoutMs: number;
  /** 'inherit': the program talks to our terminal (aws sso login in the CLI). Default 'pipe'. */
  stdio?: 'pipe' | 'inherit';
  /**
   * Runs the program in a process group of its own and signals the whole group on timeout, so
   * helpers it started (docker's credential helpers) end with it. Not on Windows.
   */
  group?: boolean;
  /** After the timeout's SIGTERM, SIGKILL follows this much later (default: at once). */
  killGraceMs?: number;
  /** How much of stdout and stderr is kept, each (default 64 KiB): enough for any error. */
  maxOutput?: number;
  /** Called with each complete non-empty output line (stdout and stderr alike). */
  onLine?: (line: string) => void;
  /** Injected for tests. */
  spawn?: Spawner;
}

/** What happened: the exit code (null when killed or not started) and what it printed. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the program could not be started at all (its errno code, e.g. ENOENT). */
  spawnError?: string;
}

const DEFAULT_MAX_OUTPUT = 64 * 1024;
/** A grandchild holding our pipes open must not keep us waiting after the program itself exited. */
const PIPE_DRAIN_MS = 2_000;

export function runProgram(program: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const max = opts.maxOutput ?? DEFAULT_MAX_OUTPUT;
  const group = (opts.group ?? false) && process.platform !== 'win32';
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = (opts.spawn ?? nodeSpawn)(program, args, {
        env: opts.env,
        shell: false,
        windowsHide: opts.stdio !== 'inherit',
        stdio: opts.stdio === 'inherit' ? 'inherit' : ['pipe', 'pipe', 'pipe'],
        detached: group,
      });
    } catch (err) {
      resolve({
        code: null,
        stdout: '',
        stderr: '',
        timedOut: false,
        spawnError: (err as NodeJS.ErrnoException).code ?? (err as Error).message,
      });
      return;
    }
    let stdout = '';
    let stderr = '';
    let partial = '';
    let timedOut = false;
    let exitCode: number | null = null;
    let settled = false;
    const take = (which: 'out' | 'err') => (d: Buffer) => {
      const s = d.toString('utf8');
      if (which === 'out') {
        if (stdout.length < max) stdout += s;
      } else if (stderr.length < max) stderr += s;
      if (!opts.onLine) return;
      partial += s;
      const lines = partial.split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) opts.onLine(l);
    };
    child.stdout?.on('data', take('out'));
    child.stderr?.on('data', take('err'));

    const signal = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        if (group) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        try {
          child.kill(sig);
        } catch {
          /* already gone */
        }
      }
    };
    let hardKill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      signal('SIGTERM');
      hardKill = setTimeout(() => signal('SIGKILL'), opts.killGraceMs ?? 0);
    }, opts.timeoutMs);

    const finish = (r: Omit<RunResult, 'stdout' | 'stderr' | 'timedOut'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (hardKill) clearTimeout(hardKill);
      // Stragglers in the group (a helper that ignored SIGTERM) must not outlive the run.
      if (timedOut) signal('SIGKILL');
      if (opts.onLine && partial.trim()) opts.onLine(partial);
      resolve({ ...r, stdout, stderr, timedOut });
    };
    child.on('error', (err: NodeJS.ErrnoException) => finish({ code: null, spawnError: err.code ?? err.message }));
    child.on('exit', (code) => {
      exitCode = code;
      setTimeout(() => finish({ code: exitCode }), timedOut ? 0 : PIPE_DRAIN_MS).unref();
    });
    child.on('close', (code) => finish({ code: code ?? exitCode }));
    if (child.stdin) {
      // A program that exits before reading stdin (wrong path, usage error) causes EPIPE: not
      // a failure of ours to report.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input ?? '');
    }
  });
}
