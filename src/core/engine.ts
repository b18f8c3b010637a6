// Wires the real parts into a Keeper: the settings files, the AWS token source, the login runner
// and the docker/podman config inspector. The tray app and the CLI both build their keeper here,
// differing only in the JSON store they pass (electron-store vs json-store.ts, same files).
import { Keeper } from './keeper';
import { openSettings, type StoreOpener } from './settings';
import { createTokenSource, type TokenSource } from './tokens';
import { createLoginRunner, type LoginRunner } from './login';
import { storeMappingFor } from './storage-migration';
import type { Clock } from './scheduler';
import type { MfaPrompt } from './mfa';
import { createSignIn, type SignInOptions } from './signin';

export interface EngineOptions {
  configDir: string;
  openStore: StoreOpener;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** How long one GetAuthorizationToken may take (default 20 s; the proof suite shortens it). */
  requestTimeoutMs?: number;
  /** Asks for MFA codes (terminal for the CLI, a dialog for the window); without it MFA profiles need sign-in. */
  mfaPrompt?: MfaPrompt;
  /** For commands that only look (list, status): no file is moved or written, corrupt or not. */
  readOnly?: boolean;
  /** How `aws sso login` runs: 'inherit' in a terminal, 'pipe' (output lines to onOutput) in the app. */
  signIn?: Pick<SignInOptions, 'stdio' | 'onOutput' | 'timeoutMs' | 'awsPath'>;
}

export interface Engine {
  keeper: Keeper;
  warnings: string[];
  settingsPath: string;
  statePath: string;
  tokens: TokenSource;
  login: LoginRunner;
}

export function createKeeper(opts: EngineOptions): Engine {
  const env = opts.env ?? process.env;
  const { repo, state, warnings } = openSettings(opts.openStore, opts.configDir, undefined, {
    readOnly: opts.readOnly,
  });
  const tokens = createTokenSource({
    env,
    clock: opts.clock ? () => opts.clock!.now() : undefined,
    mfaPrompt: opts.mfaPrompt,
    requestTimeoutMs: opts.requestTimeoutMs,
  });
  // Registries added after `ecr-keeper storage use STORE` follow the same credHelpers mapping.
  const login = createLoginRunner({
    env,
    mapTo: (tool, host, file, current) => storeMappingFor(host, file, current, tool),
    // Read at each login, so a changed setting applies without a restart.
    concurrency: () => keeper.setting('parallelLogins'),
  });
  const keeper = new Keeper({
    settings: repo,
    state,
    tokens,
    login,
    clock: opts.clock,
    warnings,
    // In the app there is no terminal: what `aws sso login` prints (the URL and code to enter if
    // no browser opened) goes to the activity log the window shows.
    signIn: createSignIn({ env, onOutput: (line) => keeper.recordSignInOutput(line), ...opts.signIn }),
  });
  return { keeper, warnings, settingsPath: repo.path, statePath: state.path, tokens, login };
}
