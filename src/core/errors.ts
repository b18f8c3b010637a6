// Every failure the engine reports carries a category (so the UI can pick an icon and
// the planner can decide what to tell) and a one-line fix a person can act on.

export type ErrorCategory =
  | 'invalid-input' // bad user input; nothing was changed
  | 'config' // a settings/state/docker config problem
  | 'config-invalid' // a credential file that does not parse: left untouched
  | 'file-access' // a file or folder we must read or write: no permission, read-only, not a folder
  | 'profile-not-found' // the AWS profile named by a registry does not exist
  | 'credentials' // no credentials, or expired/invalid keys
  | 'signin-required' // SSO session missing/expired, or MFA needed with nobody to ask
  | 'mfa-required' // an MFA code is needed (or the one given was wrong)
  | 'access-denied' // the principal lacks ecr:GetAuthorizationToken (or sts:GetServiceBearerToken)
  | 'throttled' // AWS throttling; retried later
  | 'clock-skew' // the local clock is too far off for SigV4
  | 'network' // cannot reach AWS (DNS, refused, offline)
  | 'server' // AWS answered 5xx
  | 'timeout' // the API or the login tool took too long
  | 'tool-missing' // docker/podman/helm not found (or helm too old)
  | 'credential-store' // docker's credential store (credsStore/credHelpers) failed
  | 'login-rejected' // the registry refused the username/password
  | 'credential-missing' // the login is not (or no longer) where its tool reads it
  | 'account-mismatch' // the registry's account is not the one the credentials are for, and the login failed
  | 'internal'; // a bug: anything we did not expect

/**
 * What a person can do about an error, as data: set where the error is made, so the CLI and the
 * window decide what to offer (a Sign in button, an MFA prompt, a tool path field) from this and
 * never from the wording of the message or the fix.
 */
export type ErrorAction =
  | { kind: 'sso-login'; profile: string }
  | { kind: 'enter-mfa'; profile: string }
  | { kind: 'set-tool-path'; tool: 'docker' | 'podman' | 'helm' };

export const ACTION_KINDS: readonly ErrorAction['kind'][] = ['sso-login', 'enter-mfa', 'set-tool-path'];

/** An action read back from a file (the state file): kept only if it has the right shape. */
export function parseAction(v: unknown): ErrorAction | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const a = v as Record<string, unknown>;
  if (
    (a.kind === 'sso-login' || a.kind === 'enter-mfa') &&
    typeof a.profile === 'string' &&
    /^[A-Za-z0-9_.@+=,-]{1,128}$/.test(a.profile)
  )
    return { kind: a.kind, profile: a.profile };
  if (a.kind === 'set-tool-path' && (a.tool === 'docker' || a.tool === 'podman' || a.tool === 'helm'))
    return { kind: a.kind, tool: a.tool };
  return undefined;
}

export interface ErrorInfo {
  category: ErrorCategory;
  message: string;
  fix: string;
  /** What the person can do, for the CLI and the window to offer. */
  action?: ErrorAction;
  /** When the keeper will try again on its own (ISO 8601), if it will: set by its snapshot, from its schedule. */
  retryAt?: string | null;
  /** What failed: getting the token from AWS, or logging in to the registry with it. */
  stage?: 'aws' | 'registry';
}

export class KeeperError extends Error {
  readonly category: ErrorCategory;
  readonly fix: string;
  readonly action?: ErrorAction;
  constructor(
    category: ErrorCategory,
    message: string,
    fix: string,
    options?: { cause?: unknown; action?: ErrorAction },
  ) {
    super(message, options);
    this.name = 'KeeperError';
    this.category = category;
    this.fix = fix;
    if (options?.action) this.action = options.action;
  }
  toInfo(): ErrorInfo {
    return {
      category: this.category,
      message: this.message,
      fix: this.fix,
      ...(this.action ? { action: this.action } : {}),
    };
  }
}

/** Turns anything thrown into an ErrorInfo; unknown errors become `internal` without their stack. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof KeeperError) return err.toInfo();
  const message = err instanceof Error ? err.message : String(err);
  return {
    category: 'internal',
    message: sanitize(message).slice(0, 500),
    fix: 'This is unexpected. Try again; if it keeps happening, report it with the activity log.',
  };
}

/**
 * Removes terminal control from text that came from outside (API errors, tool output, files):
 * whole escape sequences (ESC [ ... CSI, ESC ] ... OSC up to BEL or ST, other ESC pairs), then any
 * other C0 or C1 control character. A carriage return could overwrite a line on the terminal
 * ("Login Succeeded"), so it goes too; newlines and tabs stay (tabs as spaces).
 */
export function stripControl(text: string): string {
  return (
    text
      .replace(
        // Escape sequences are control characters by definition: matching them is the point.
        // eslint-disable-next-line no-control-regex
        /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]|\u009d[^\u0007\u009c]*(?:\u0007|\u009c)?|\u001b[@-_]?/g,
        '',
      )
      .replace(/\t/g, ' ')
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '')
  );
}

/**
 * Removes anything that could be a secret from text that came from a tool or an API before it is
 * shown or logged: the exact password when we know it, base64 blobs long enough to be tokens,
 * and AWS secret-looking strings.
 */
export function sanitize(text: string, secrets: readonly string[] = []): string {
  let out = stripControl(text);
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  out = out.replace(/[A-Za-z0-9+/=_-]{80,}/g, '[redacted]');
  out = out.replace(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '[redacted-key-id]');
  return out.trim().slice(0, 2000);
}

/**
 * A message and its fix as one text (a notification, a screen-reader announcement, a log line):
 * a message that does not end a sentence ("... 401 Unauthorized") gets a full stop, so the fix
 * does not read as its continuation.
 */
export function withFix(message: string, fix?: string | null): string {
  const m = message.trim();
  const f = (fix ?? '').trim();
  if (!f) return m;
  if (!m) return f;
  return `${/[.!?…:]$/.test(m) ? m : `${m}.`} ${f}`;
}

export interface InputProblem {
  field: string;
  message: string;
}

/** Bad input: carries every field problem so the form can show each next to its field. */
export class InputError extends KeeperError {
  readonly problems: InputProblem[];
  constructor(problems: InputProblem[]) {
    super('invalid-input', problems.map((p) => p.message).join(' '), 'Correct the highlighted values and try again.');
    this.name = 'InputError';
    this.problems = problems;
  }
}
