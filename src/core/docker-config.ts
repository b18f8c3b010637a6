// Reads docker's (and podman's) credential configuration to tell where a host's login ends up:
// in docker's ecr-login helper (so our login would be pointless), another helper or store, or
// base64 plaintext in the file (worth a warning), and whether it is there at all. Pure functions
// except readDockerConfig.
import { homeDir } from './home';
import { join, posix, win32 } from 'node:path';
import { readCredentialFile } from './cred-file';
import type { LoginTool } from './registry';

export interface DockerAuthEntry {
  auth?: string;
  identitytoken?: string;
  [key: string]: unknown;
}

export interface DockerConfig {
  auths?: Record<string, DockerAuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
}

export type HostStorage = { storage: 'ecr-login' | 'helper' | 'store' | 'plaintext' | 'none'; helper?: string };

const ECR_LOGIN_HELPER = 'ecr-login';

/** docker's config file: $DOCKER_CONFIG/config.json, else ~/.docker/config.json (as the docker CLI resolves it). */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG || join(homeDir(env), '.docker');
  return join(dir, 'config.json');
}

/**
 * The file `podman login` writes, as podman (containers/common's GetDefaultAuthFile, then
 * containers/image) resolves it: $REGISTRY_AUTH_FILE; else $DOCKER_CONFIG/config.json when
 * DOCKER_CONFIG is set (podman 4 writes docker's own file then: checked with podman 4.3 in
 * tests/integration/cred-write-path.test.ts); else, on Linux, $XDG_RUNTIME_DIR/containers/auth.json
 * or /run/containers/UID/auth.json without a runtime dir; on macOS and Windows
 * ~/.config/containers/auth.json.
 */
export function podmanAuthPath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  uid: number = process.getuid?.() ?? 0,
): string {
  if (env.REGISTRY_AUTH_FILE) return env.REGISTRY_AUTH_FILE;
  if (env.DOCKER_CONFIG) return join(env.DOCKER_CONFIG, 'config.json');
  if (platform !== 'linux') return join(homeDir(env), '.config', 'containers', 'auth.json');
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json');
  return `/run/containers/${uid}/auth.json`;
}

/**
 * The file `helm registry login` writes, as helm resolves it (pkg/cli/environment.go and
 * pkg/helmpath, the same in helm 3.8 to 3.19 and helm 4): $HELM_REGISTRY_CONFIG; else
 * <config home>/registry/config.json, where the config home is $HELM_CONFIG_HOME, else
 * $XDG_CONFIG_HOME/helm (honoured on every platform), else ~/.config/helm on Linux,
 * ~/Library/Preferences/helm on macOS and %APPDATA%\helm on Windows.
 */
export function helmRegistryConfigPath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.HELM_REGISTRY_CONFIG) return env.HELM_REGISTRY_CONFIG;
  const j = (...parts: string[]) => (platform === 'win32' ? win32 : posix).join(...parts);
  let home: string;
  if (env.HELM_CONFIG_HOME) home = env.HELM_CONFIG_HOME;
  else if (env.XDG_CONFIG_HOME) home = j(env.XDG_CONFIG_HOME, 'helm');
  else if (platform === 'darwin') home = j(homeDir(env), 'Library', 'Preferences', 'helm');
  else if (platform === 'win32') home = j(env.APPDATA || j(homeDir(env), 'AppData', 'Roaming'), 'helm');
  else home = j(homeDir(env), '.config', 'helm');
  return j(home, 'registry', 'config.json');
}

/** The file a tool keeps its logins in. */
export function credentialFilePath(
  tool: LoginTool,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (tool === 'docker') return dockerConfigPath(env);
  if (tool === 'helm') return helmRegistryConfigPath(env, platform);
  return podmanAuthPath(env, platform);
}

/**
 * Whether the tool stores logins in `credsStore` (and, for a file with no auth at all, in the
 * platform's default store) the way docker does. helm does: helm 3.8-3.17 loads its file with
 * docker's own configfile code (oras-go v1 pkg/auth/docker: DetectDefaultStore when
 * !ContainsAuth), helm 3.18+ and 4 with oras-go v2 credentials.NewStore (credHelpers, then
 * credsStore, then DetectDefaultNativeStore when !IsAuthConfigured, and it writes the detected
 * credsStore into the file). podman (containers/image) honours only credHelpers.
 */
export function usesCredsStore(tool: LoginTool): boolean {
  return tool !== 'podman';
}

/** A missing file is normal (never logged in); only an unreadable or corrupt one is an error. */
export async function readDockerConfig(path: string): Promise<{ config: DockerConfig | null; error?: string }> {
  const file = await readCredentialFile(path);
  if (file.kind === 'missing') return { config: null };
  if (file.kind === 'invalid') return { config: null, error: file.error.message };
  return { config: file.value };
}

/**
 * Reduces an auths/credHelpers key to a bare host[:port]: people and old docker versions write
 * `https://HOST`, `HOST/v1/` or `https://HOST/v2/`, and docker matches them all to HOST.
 */
export function normalizeHostKey(key: string): string {
  return key
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/\/.*$/, '');
}

function lookup<T>(map: Record<string, T> | undefined, host: string): T | undefined {
  if (!map || typeof map !== 'object') return undefined;
  const want = normalizeHostKey(host);
  // An exact key wins over a URL-form one, as in docker.
  if (Object.prototype.hasOwnProperty.call(map, host)) return map[host];
  for (const [key, value] of Object.entries(map)) {
    if (normalizeHostKey(key) === want) return value;
  }
  return undefined;
}

function helperStorage(helper: string, kind: 'helper' | 'store'): HostStorage {
  return helper === ECR_LOGIN_HELPER ? { storage: 'ecr-login', helper } : { storage: kind, helper };
}

/**
 * Where the tool keeps (or would keep) the login for `host`. docker's (and helm's) precedence:
 * credHelpers[host], then credsStore, then the file. podman (containers/image) honours
 * credHelpers but not credsStore. A stale plaintext entry under a store is not reported as
 * plaintext because the tool neither reads nor writes it any more.
 */
export function storageForHost(config: DockerConfig | null, host: string, tool: LoginTool = 'docker'): HostStorage {
  if (!config) return { storage: 'none' };
  const helper = lookup(config.credHelpers, host);
  if (typeof helper === 'string' && helper !== '') return helperStorage(helper, 'helper');
  if (usesCredsStore(tool) && typeof config.credsStore === 'string' && config.credsStore !== '')
    return helperStorage(config.credsStore, 'store');
  return plaintextAuth(config, host) ? { storage: 'plaintext' } : { storage: 'none' };
}

/** The secret the file itself holds for `host` (base64 user:password, or an identity token), if any. */
export function plaintextAuth(config: DockerConfig | null, host: string): string | undefined {
  const entry = lookup(config?.auths, host);
  if (!entry || typeof entry !== 'object') return undefined;
  if (typeof entry.auth === 'string' && entry.auth !== '') return entry.auth;
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') return entry.identitytoken;
  return undefined;
}

/**
 * Whether docker would fall back to the platform's default credential store for this file:
 * docker/cli's LoadDefaultConfigFile does so when the file has no credsStore, no credHelpers and
 * no auths at all (ContainsAuth is false). A staging config must keep that answer the same.
 */
export function containsAuth(config: DockerConfig | null): boolean {
  if (!config) return false;
  const size = (v: unknown) => (v && typeof v === 'object' ? Object.keys(v).length : 0);
  return (
    (typeof config.credsStore === 'string' && config.credsStore !== '') ||
    size(config.credHelpers) > 0 ||
    size(config.auths) > 0
  );
}
