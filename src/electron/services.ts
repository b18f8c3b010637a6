// The main process's side services for the IPC handler table (src/electron/handlers.ts): the window's
// profile list, "detect account", MFA answers and SSO sign-in.
// Electron-free, so it runs under plain Node; the token source is injectable.
import type { Keeper } from '../core/keeper';
import type { HandlerServices } from './handlers';
import { listProfiles, toProfileView } from '../core/aws-profiles';
import { KeeperError } from '../core/errors';
import type { MfaBroker } from '../core/mfa';
import { accountFromProxyEndpoint, type TokenSource } from '../core/tokens';

export interface ServiceDeps {
  keeper: Pick<Keeper, 'signIn'>;
  configDir: string;
  env: NodeJS.ProcessEnv;
  mfa: Pick<MfaBroker, 'answer'>;
  /** The keeper's own token source: one credential cache, so "detect account" never asks for an MFA code again. */
  tokens: Pick<TokenSource, 'get'>;
  /** Electron's shell.openExternal: the system browser, never the app's window. */
  openExternal?: (url: string) => Promise<void>;
  /** Electron's clipboard.writeText. */
  writeClipboard?: (text: string) => Promise<void> | void;
}

export function createServices(deps: ServiceDeps): HandlerServices {
  const { tokens } = deps;
  return {
    configDir: deps.configDir,
    env: deps.env,
    async listProfiles() {
      return (await listProfiles(deps.env)).map(toProfileView);
    },
    async detectAccount(profile, region) {
      // The password in this token is dropped right here: only the proxy endpoint's account is used.
      const t = await tokens.get({ kind: 'private', region, ...(profile ? { profile } : {}) });
      const account = t.proxyEndpoint ? accountFromProxyEndpoint(t.proxyEndpoint) : undefined;
      if (!account)
        throw new KeeperError(
          'config',
          'AWS did not say which account this profile belongs to.',
          'Enter the 12-digit account ID yourself.',
        );
      return account;
    },
    answerMfa: (requestId, code) => deps.mfa.answer(requestId, code),
    ...(deps.openExternal ? { openExternal: deps.openExternal } : {}),
    ...(deps.writeClipboard ? { writeClipboard: deps.writeClipboard } : {}),
    async signIn(profile) {
      // The keeper runs `aws sso login` (core/signin.ts), logs it, then refreshes the profile's registries.
      await deps.keeper.signIn(profile);
      return true;
    },
  };
}
