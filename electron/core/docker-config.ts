// Reads docker's (and podman's) credential configuration to tell where a host's login ends up:
// in docker's ecr-login helper (so our login would be pointless), another helper or store, or
// base64 plaintext in the file (worth a warning). Pure functions except readDockerConfig.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isEcrHost } from './registry';

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

function homeOf(env: NodeJS.ProcessEnv): string {
  // Prefer the env's HOME so an injected environment (tests, the CLI's --env) is honoured.
  return env.HOME || env.USERPROFILE || homedir();
}

/** docker's config file: $DOCKER_CONFIG/config.json, else ~/.docker/config.json (as the docker CLI resolves it). */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG || join(homeOf(env), '.docker');
  return join(dir, 'config.json');
}

/**
 * podman's auth file: $REGISTRY_AUTH_FILE, else (Linux) $XDG_RUNTIME_DIR/containers/auth.json,
 * else ~/.config/containers/auth.json (macOS/Windows, and Linux without a runtime dir).
 */
export function podmanAuthPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.REGISTRY_AUTH_FILE) return env.REGISTRY_AUTH_FILE;
  if (platform === 'linux' && env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json');
  return join(homeOf(env), '.config', 'containers', 'auth.json');
}

/** A missing file is normal (never logged in); only an unreadable or corrupt one is an error. */
export async function readDockerConfig(path: string): Promise<{ config: DockerConfig | null; error?: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { config: null };
    return { config: null, error: `Cannot read ${path}: ${(err as Error).message}` };
  }
  // docker itself treats an empty file as an empty config.
  if (text.trim() === '') return { config: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { config: null, error: `${path} is not valid JSON (${(err as Error).message}); docker login will fail until it is fixed.` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { config: null, error: `${path} does not hold a JSON object; docker login will fail until it is fixed.` };
  }
  return { config: parsed as DockerConfig };
}

/**
 * Reduces an auths/credHelpers key to a bare host[:port]: people and old docker versions write
 * `https://HOST`, `HOST/v1/` or `https://HOST/v2/`, and docker matches them all to HOST.
 */
export function normalizeHostKey(key: string): string {
  return key.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/\/.*$/, '');
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
 * Where docker keeps (or would keep) the login for `host`. Follows docker's own precedence:
 * credHelpers[host], then credsStore, then the file. A stale plaintext entry under a credsStore
 * is not reported as plaintext because docker neither reads nor writes it any more.
 */
export function storageForHost(config: DockerConfig | null, host: string): HostStorage {
  if (!config) return { storage: 'none' };
  const helper = lookup(config.credHelpers, host);
  if (typeof helper === 'string' && helper !== '') return helperStorage(helper, 'helper');
  if (typeof config.credsStore === 'string' && config.credsStore !== '') return helperStorage(config.credsStore, 'store');
  const entry = lookup(config.auths, host);
  if (entry && typeof entry === 'object' && ((typeof entry.auth === 'string' && entry.auth !== '') || (typeof entry.identitytoken === 'string' && entry.identitytoken !== ''))) {
    return { storage: 'plaintext' };
  }
  return { storage: 'none' };
}

/** ECR hosts the user already logs in to (auths or credHelpers), offered on the first-run screen. */
export function ecrHostsInConfig(config: DockerConfig | null): string[] {
  if (!config) return [];
  const keys = [
    ...(config.auths && typeof config.auths === 'object' ? Object.keys(config.auths) : []),
    ...(config.credHelpers && typeof config.credHelpers === 'object' ? Object.keys(config.credHelpers) : []),
  ];
  const hosts = new Set<string>();
  for (const key of keys) {
    const host = normalizeHostKey(key).replace(/:443$/, '');
    if (isEcrHost(host)) hosts.add(host);
  }
  return [...hosts].sort();
}
