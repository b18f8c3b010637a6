// AWS SSO sign-in: runs `aws sso login --profile P` (the AWS CLI opens the browser and writes the
// token cache the SDK reads), then lets the keeper refresh every registry using that profile.
// We never handle the SSO token ourselves: the AWS CLI owns that flow and its cache.
import { join } from 'node:path';
import { KeeperError, sanitize } from './errors';
import { runProgram, type Spawner } from './run-program';
import { findProfile } from './aws-profiles';
import { isProfileName } from './registry';
import { isExecutableFile, programCandidates } from './find-program';

export type { Spawner };

export interface SignInOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  spawn?: Spawner;
  /** Use this `aws` instead of searching PATH and the usual install places. */
  awsPath?: string;
  /**
   * 'inherit' for a terminal (the person sees the AWS CLI's prompts and device code);
   * 'pipe' for the window, with each output line passed to onOutput.
   */
  stdio?: 'inherit' | 'pipe';
  onOutput?: (line: string) => void;
  /** How long a person may take in the browser (default 10 minutes). */
  timeoutMs?: number;
}

export interface AwsCli {
  path: string;
  version: string;
  major: number;
}

const VERSION_TIMEOUT_MS = 15_000;
const DEFAULT_SIGNIN_TIMEOUT_MS = 10 * 60_000;
// Same rule as registry validation; also guarantees the name cannot be read as an option.
const INSTALL_FIX =
  'Install AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html), then sign in again.';

export function ssoLoginCommand(profile: string): string {
  return `aws sso login --profile ${profile}`;
}

/** Where `aws` may live: PATH first, then the places installers put it (GUI apps get a short PATH). */
export function awsCandidates(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string[] {
  return programCandidates('aws', {
    env,
    platform,
    fileNames: platform === 'win32' ? ['aws.exe', 'aws.cmd'] : ['aws'],
    lastDirs:
      platform === 'win32'
        ? [join(env.ProgramFiles || 'C:\\Program Files', 'Amazon', 'AWSCLIV2')]
        : ['/usr/local/aws-cli/v2/current/bin', '/opt/homebrew/bin', '/usr/local/bin'],
  });
}

function findAws(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  return awsCandidates(env, platform).find((c) => isExecutableFile(c, platform));
}

/** Parses `aws --version` output, e.g. "aws-cli/2.15.30 Python/3.11.8 Linux/6.5 exe/x86_64". */
export function parseAwsVersion(output: string): { version: string; major: number } | null {
  const m = /aws-cli\/(\d+)\.(\d+)\.(\d+)/.exec(output);
  return m ? { version: `${m[1]}.${m[2]}.${m[3]}`, major: Number(m[1]) } : null;
}

/** Finds the AWS CLI and checks it is v2 (v1 has no `aws sso login`). Throws `tool-missing`. */
export async function detectAwsCli(opts: SignInOptions = {}): Promise<AwsCli> {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const path = opts.awsPath ?? findAws(env, platform);
  if (!path)
    throw new KeeperError(
      'tool-missing',
      'The AWS CLI (aws) was not found; it is needed to sign in to AWS SSO.',
      INSTALL_FIX,
    );
  const r = await runProgram(path, ['--version'], { env, timeoutMs: VERSION_TIMEOUT_MS, spawn: opts.spawn });
  if (r.spawnError === 'ENOENT')
    throw new KeeperError('tool-missing', `The AWS CLI was not found at ${path}.`, INSTALL_FIX);
  const parsed = parseAwsVersion(`${r.stdout}\n${r.stderr}`);
  if (!parsed) {
    throw new KeeperError(
      'tool-missing',
      `Could not tell the version of the AWS CLI at ${path}${r.timedOut ? ' (it did not answer)' : ''}.`,
      `Check that \`${path} --version\` works, or reinstall AWS CLI v2.`,
    );
  }
  if (parsed.major < 2) {
    throw new KeeperError(
      'tool-missing',
      `The AWS CLI at ${path} is version ${parsed.version}; AWS SSO sign-in (aws sso login) needs version 2.`,
      INSTALL_FIX,
    );
  }
  return { path, ...parsed };
}

/**
 * Runs `aws sso login --profile P` (no shell: the profile is one argv entry). Resolves when the
 * AWS CLI reports success; otherwise throws a KeeperError with the command to run by hand.
 */
export async function runSsoLogin(profile: string, opts: SignInOptions = {}): Promise<void> {
  const env = opts.env ?? process.env;
  if (!isProfileName(profile)) {
    throw new KeeperError(
      'invalid-input',
      `"${profile.slice(0, 60)}" is not a valid AWS profile name.`,
      'Use the profile name shown in the registry, e.g. dev-sso.',
    );
  }
  const info = await findProfile(profile, env);
  if (info.type !== 'sso') {
    const hint =
      info.type === 'mfa'
        ? 'It uses MFA: refresh the registry and enter the code when asked.'
        : `Fix its credentials instead (aws configure --profile ${profile}).`;
    throw new KeeperError(
      'invalid-input',
      `AWS profile "${profile}" does not use AWS SSO, so there is nothing to sign in to.`,
      hint,
    );
  }
  const cli = await detectAwsCli(opts);
  const r = await runProgram(cli.path, ['sso', 'login', '--profile', profile], {
    env,
    stdio: opts.stdio ?? 'pipe',
    timeoutMs: opts.timeoutMs ?? DEFAULT_SIGNIN_TIMEOUT_MS,
    // The URL and code to enter when no browser opens: kept in full (the last 8 KiB).
    maxOutput: 8 * 1024,
    onLine: opts.onOutput,
    spawn: opts.spawn,
  });
  const manual = `Run ${ssoLoginCommand(profile)} in a terminal to see what went wrong.`;
  if (r.spawnError)
    throw new KeeperError(
      'tool-missing',
      `Could not start the AWS CLI at ${cli.path}: ${sanitize(r.spawnError)}`,
      INSTALL_FIX,
    );
  if (r.timedOut)
    throw new KeeperError(
      'signin-required',
      `AWS SSO sign-in for profile "${profile}" was not completed in time.`,
      `Sign in again and finish in the browser, or run ${ssoLoginCommand(profile)}.`,
    );
  if (r.code !== 0) {
    const last = sanitize(`${r.stdout}\n${r.stderr}`)
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop();
    throw new KeeperError(
      'signin-required',
      `AWS SSO sign-in for profile "${profile}" failed (exit ${r.code ?? 'signal'})${last ? `: ${last.slice(0, 300)}` : ''}.`,
      manual,
    );
  }
}

export interface SignInDeps extends SignInOptions {
  /** Called after a successful sign-in: refresh every registry using the profile (the keeper does this itself). */
  refreshProfile?: (profile: string) => Promise<unknown>;
}

/**
 * The engine's `signIn(profile)`: one sign-in per profile at a time (a second click joins the
 * first), then the profile's registries are refreshed.
 */
export function createSignIn(deps: SignInDeps): (profile: string) => Promise<void> {
  const running = new Map<string, Promise<void>>();
  return (profile) => {
    const existing = running.get(profile);
    if (existing) return existing;
    const p = (async () => {
      await runSsoLogin(profile, deps);
      await deps.refreshProfile?.(profile);
    })().finally(() => running.delete(profile));
    running.set(profile, p);
    return p;
  };
}
