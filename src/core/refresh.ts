// One refresh of one registry as a function: token -> login -> read-back, and the result
// classified as an Outcome that the keeper applies to its state in one place. It keeps no state and
// touches the world only through the token source and the login runner it is given.
//
// The password exists only in here: it is handed from the token source to the login runner and
// never stored, logged, emitted or persisted.
import { KeeperError, toErrorInfo, type ErrorInfo } from './errors';
import { parseEcrHost, registryHostOf, type LoginTool, type Registry, type RegistryKind } from './registry';
import type { CredentialStorage } from './snapshot';
import type { LoginRequest } from './login';

/** What the keeper needs from the token source (src/core/tokens.ts). */
export interface TokenProvider {
  get(
    req: { kind: RegistryKind; region: string; profile?: string; apiEndpoint?: string },
    opts?: { minValidityMs?: number; force?: boolean },
  ): Promise<{ username: string; password: string; expiresAt: Date; proxyEndpoint?: string }>;
  /** Drops tokens and temporary credentials cached for a profile (after sign-in or new keys). */
  forget?(profile?: string): void;
}

/** Where a host's login is on disk, where its tool reads it (src/core/login.ts). */
export interface DiskView {
  storage: { storage: 'ecr-login' | 'helper' | 'store' | 'plaintext' | 'none'; helper?: string };
  present: boolean;
  /** Hash of the plain-text entry in the file (memory only), to notice it being replaced. */
  fingerprint?: string;
  /** The file cannot be read or parsed. */
  error?: KeeperError;
}

/** What the keeper needs from the login runner (src/core/login.ts). */
export interface LoginProvider {
  login(req: LoginRequest): Promise<{ warnings: string[]; fingerprint?: string; storage?: DiskView['storage'] }>;
  /** What is on disk for a host now. Without it the keeper can only trust its own record. */
  inspect?(tool: LoginTool, host: string): Promise<DiskView>;
  /** The same for many hosts at once (each file read once, each helper listed once). */
  inspectAll?(targets: readonly { tool: LoginTool; host: string }[]): Promise<DiskView[]>;
  /** The credential file a tool writes (watched while the keeper runs). */
  credentialFileFor?(tool: LoginTool): string;
}

export interface RefreshDeps {
  tokens: TokenProvider;
  login: LoginProvider;
  /** Where the login was stored when last seen: what counts when the disk cannot be read now. */
  knownStorage: CredentialStorage;
  /** Ask AWS for a new token rather than reuse a cached one. */
  forceToken: boolean;
  /** A cached token is reused only if it stays valid this much longer. */
  minValidityMs: number;
  loginTimeoutMs: number;
  toolPath?: string;
}

/** What is learnt in any case: the token's account, and where the login was seen stored (if looked at). */
interface Learnt {
  tokenAccount?: string;
  storage?: CredentialStorage;
}

export type Outcome =
  /** The ecr-login credential helper handles the host: logging in would be pointless. */
  | ({ kind: 'helper-managed'; host: string } & Learnt)
  | ({ kind: 'logged-in'; host: string; expiresAt: number; fingerprint?: string; warnings: string[] } & Learnt)
  /** `host`: set once the login was about to start; `helperChecked`: the disk said no ecr-login helper. */
  | ({ kind: 'failed'; error: ErrorInfo; host?: string; helperChecked: boolean } & Learnt);

/** Where a disk view says the login is, in the snapshot's terms. */
export function storageOf(found: DiskView['storage']): CredentialStorage {
  return found.storage === 'none' ? 'unknown' : found.storage;
}

export async function refreshRegistry(r: Registry, deps: RefreshDeps): Promise<Outcome> {
  const learnt: Learnt = {};
  let helperChecked = false;
  let loginHost: string | undefined;
  let stage: ErrorInfo['stage'] = 'aws';
  /** Looks where the login is stored; true when the ecr-login helper handles the host. */
  const handledByHelper = async (host: string): Promise<boolean> => {
    const seen = await lookAt(deps.login, r.tool, host);
    if (seen) learnt.storage = seen;
    helperChecked = true;
    return (learnt.storage ?? deps.knownStorage) === 'ecr-login';
  };
  try {
    let host = registryHostOf(r, undefined);
    if (host && (await handledByHelper(host))) return { kind: 'helper-managed', host, ...learnt };

    const token = await deps.tokens.get(
      { kind: r.kind, region: r.region, profile: r.profile, apiEndpoint: r.apiEndpoint },
      { minValidityMs: deps.minValidityMs, force: deps.forceToken },
    );
    const account = parseEcrHost(token.proxyEndpoint ?? '')?.accountId;
    if (account) learnt.tokenAccount = account;
    if (!host) {
      host = registryHostOf(r, token.proxyEndpoint?.replace(/^https?:\/\//, '').replace(/\/.*$/, ''));
      if (!host) {
        throw new KeeperError(
          'config',
          `AWS did not say which registry host belongs to "${r.name}".`,
          `Set the account ID (or the registry host): ecr-keeper edit ${r.name} --account ID, or Edit in the window.`,
        );
      }
      if (await handledByHelper(host)) return { kind: 'helper-managed', host, ...learnt };
    }
    // Known now, whatever the login does: the card and any error name the same host.
    loginHost = host;
    stage = 'registry';
    const result = await deps.login
      .login({
        tool: r.tool,
        host,
        username: token.username,
        password: token.password,
        timeoutMs: deps.loginTimeoutMs,
        toolPath: deps.toolPath,
      })
      .catch((err: unknown) => {
        throw accountMismatch(r, host, token.proxyEndpoint, err) ?? err;
      });
    const stored = result.storage ? storageOf(result.storage) : await lookAt(deps.login, r.tool, host);
    if (stored) learnt.storage = stored;
    return {
      kind: 'logged-in',
      host,
      expiresAt: token.expiresAt.getTime(),
      fingerprint: result.fingerprint,
      warnings: result.warnings,
      ...learnt,
    };
  } catch (err) {
    return {
      kind: 'failed',
      error: { ...toErrorInfo(err), stage },
      helperChecked,
      ...(loginHost ? { host: loginHost } : {}),
      ...learnt,
    };
  }
}

/** Where the login for a host is stored, or undefined when that cannot be told. */
async function lookAt(login: LoginProvider, tool: LoginTool, host: string): Promise<CredentialStorage | undefined> {
  if (!login.inspect) return undefined;
  try {
    return storageOf((await login.inspect(tool, host)).storage);
  } catch {
    return undefined;
  }
}

/**
 * A login that could not reach a registry in another account than the token's: that difference is
 * the likely cause (a typo in the account), so say it instead of the tool's symptom (an unknown
 * host reads as "check the VPN"). Cross-account logins that work are fine, and failures that have
 * nothing to do with the host (docker missing, a timeout, a rejected password) keep their own category.
 */
function accountMismatch(
  r: Registry,
  host: string,
  proxyEndpoint: string | undefined,
  cause: unknown,
): KeeperError | null {
  const want = parseEcrHost(host)?.accountId ?? r.accountId;
  const got = parseEcrHost(proxyEndpoint ?? '')?.accountId;
  const why = toErrorInfo(cause);
  if (!want || !got || want === got || why.category !== 'network') return null;
  const creds = r.profile ? `AWS profile ${r.profile}` : 'the default AWS credentials';
  return new KeeperError(
    'account-mismatch',
    `${r.name} is set to account ${want}, but ${creds} sign in to account ${got}; logging in to ${host} failed (${why.category}: ${why.message})`,
    `If ${want} is a typo: ecr-keeper edit ${r.name} --account ${got} (or fix it in the window). If you pull from ${want} on purpose, its repository policy must allow account ${got}.`,
    { cause },
  );
}
