// Asking a person for an MFA code. The engine only sees an injected MfaPrompt: the CLI asks on
// the terminal, the window asks through a small dialog (the broker below turns a prompt into an
// `mfa:request` event and an `mfa:answer` reply), and where nobody can answer the prompt fails
// at once with `signin-required` rather than letting a refresh hang.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { KeeperError } from './errors';

export interface MfaPromptRequest {
  profile: string;
  mfaSerial: string;
}

/** Resolves to the code, or null when the person cancels. May throw a KeeperError. */
export type MfaPrompt = (req: MfaPromptRequest) => Promise<string | null>;

/** AWS virtual and hardware MFA devices give 6-digit codes. */
export const MFA_CODE_RE = /^\d{6}$/;

export function normalizeMfaCode(raw: string): string | null {
  const code = raw.replace(/\s+/g, '');
  return MFA_CODE_RE.test(code) ? code : null;
}

export function noTerminalError(req: MfaPromptRequest): KeeperError {
  return new KeeperError(
    'signin-required',
    `AWS profile "${req.profile}" needs an MFA code (device ${req.mfaSerial}) and there is no terminal to ask for it.`,
    // The temporary session lives in the memory of the process that asked: another process's
    // answer cannot help this one.
    'Run ecr-keeper watch in a terminal (it asks for the code there and reuses the session until it expires), use the ECR Keeper app (it asks in its window), or use a profile without mfa_serial, such as an SSO profile.',
    { action: { kind: 'enter-mfa', profile: req.profile } },
  );
}

export function mfaCancelledError(req: MfaPromptRequest): KeeperError {
  return new KeeperError(
    'mfa-required',
    `No MFA code was entered for AWS profile "${req.profile}".`,
    'Refresh again and enter the 6-digit code from your MFA device when asked.',
    { action: { kind: 'enter-mfa', profile: req.profile } },
  );
}

/** A prompt for contexts with nobody to ask (a service, CI): fails fast instead of hanging. */
export const noPrompt: MfaPrompt = (req) => Promise.reject(noTerminalError(req));

/** Runs prompts one at a time: two registries needing codes must not both read the terminal. */
export function serializePrompts(prompt: MfaPrompt): MfaPrompt {
  let tail: Promise<unknown> = Promise.resolve();
  return (req) => {
    const run = tail.then(() => prompt(req));
    tail = run.catch(() => undefined);
    return run;
  };
}

export interface TerminalPromptOptions {
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream;
  /** Tries per prompt before giving up on malformed input. */
  attempts?: number;
}

/**
 * The CLI's prompt: asks on stderr (stdout stays machine-readable), reads one line from stdin.
 * Without a terminal on stdin it throws `signin-required` immediately.
 */
export function terminalMfaPrompt(opts: TerminalPromptOptions = {}): MfaPrompt {
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stderr;
  const attempts = opts.attempts ?? 3;
  const askOnce = async (question: string) => {
    // Loaded when a code is asked for (rare), not at every start of the CLI (~2 ms).
    const { createInterface } = await import('node:readline');
    return new Promise<string | null>((resolve) => {
      const rl = createInterface({ input, output, terminal: Boolean(input.isTTY) });
      let done = false;
      const finish = (v: string | null) => {
        if (done) return;
        done = true;
        rl.close();
        resolve(v);
      };
      rl.once('close', () => finish(null)); // Ctrl-D or stdin closed: cancelled
      rl.once('SIGINT', () => {
        finish(null);
        // Readline swallowed Ctrl-C; pass it on so the CLI stops as it would have without a prompt.
        process.kill(process.pid, 'SIGINT');
      });
      rl.question(question, (answer) => finish(answer));
    });
  };
  return serializePrompts(async (req) => {
    if (!input.isTTY) throw noTerminalError(req);
    for (let i = 0; i < attempts; i++) {
      const answer = await askOnce(`MFA code for AWS profile "${req.profile}" (${req.mfaSerial}): `);
      if (answer === null || answer.trim() === '') return null;
      const code = normalizeMfaCode(answer);
      if (code) return code;
      output.write('The code is the 6 digits your MFA device shows now.\n');
    }
    return null;
  });
}

export interface MfaBrokerRequest extends MfaPromptRequest {
  requestId: string;
}

export interface MfaBrokerOptions {
  /** Unanswered requests are cancelled after this long (default 5 minutes). */
  timeoutMs?: number;
  newId?: () => string;
}

/**
 * For the window: `prompt` emits a `request` (send it as the `mfa:request` event) and waits for
 * `answer(requestId, code)` (the `mfa:answer` handler). With no window listening, requests fail
 * fast with `signin-required`.
 */
export class MfaBroker extends EventEmitter<{
  request: [MfaBrokerRequest];
  ended: [{ requestId: string; reason: 'timeout' | 'cancelled' }];
}> {
  private readonly pending = new Map<string, { resolve: (code: string | null) => void; timer: NodeJS.Timeout }>();
  private readonly timeoutMs: number;
  private readonly newId: () => string;

  constructor(opts: MfaBrokerOptions = {}) {
    super();
    this.timeoutMs = opts.timeoutMs ?? 5 * 60_000;
    this.newId = opts.newId ?? randomUUID;
  }

  readonly prompt: MfaPrompt = (req) => {
    if (this.listenerCount('request') === 0) return Promise.reject(noTerminalError(req));
    const requestId = this.newId();
    return new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => {
        // Tell the window, so a dialog nobody answered does not stay open for a request that ended.
        if (this.settle(requestId, null)) this.emit('ended', { requestId, reason: 'timeout' });
      }, this.timeoutMs);
      timer.unref();
      this.pending.set(requestId, { resolve, timer });
      this.emit('request', { requestId, profile: req.profile, mfaSerial: req.mfaSerial });
    });
  };

  /** Returns false for an unknown or already answered request, or a malformed code. */
  answer(requestId: string, code: string | null): boolean {
    if (!this.pending.has(requestId)) return false;
    if (code === null) return this.settle(requestId, null);
    const normalized = typeof code === 'string' ? normalizeMfaCode(code) : null;
    if (!normalized) return false;
    return this.settle(requestId, normalized);
  }

  /** Requests still waiting (e.g. to re-show the dialog when the window reopens). */
  waiting(): string[] {
    return [...this.pending.keys()];
  }

  cancelAll(): void {
    for (const id of [...this.pending.keys()])
      if (this.settle(id, null)) this.emit('ended', { requestId: id, reason: 'cancelled' });
  }

  private settle(requestId: string, code: string | null): boolean {
    const p = this.pending.get(requestId);
    if (!p) return false;
    this.pending.delete(requestId);
    clearTimeout(p.timer);
    p.resolve(code);
    return true;
  }
}
