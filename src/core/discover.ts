// `discover`: the ECR registries a person already uses, found in the credential files their tools
// keep (docker, podman, helm), with the AWS profile that most likely signs in to each. No network:
// only local files are read. The decisions (which keys are ECR hosts, which profile matches, what
// to name an added registry) are pure functions over the files' contents, so they are tested
// without a machine to look at; `discoverOnMachine` only gathers the inputs.
import { homeDir } from './home';
import { join } from 'node:path';
import {
  dockerConfigPath,
  normalizeHostKey,
  podmanAuthPath,
  readDockerConfig,
  storageForHost,
  type DockerConfig,
} from './docker-config';
import { parseEcrHost, PUBLIC_HOST, PUBLIC_REGION, type LoginTool, type Registry, type RegistryKind } from './registry';

export type CredentialTool = 'docker' | 'podman' | 'helm';

export interface CredentialFile {
  tool: CredentialTool;
  path: string;
}

export interface ReadCredentialFile extends CredentialFile {
  config: DockerConfig | null;
  /** The file exists but cannot be read or parsed (reported, never written). */
  error?: string;
}

export interface DiscoveredHost {
  host: string;
  /** null for ECR Public. */
  accountId: string | null;
  region: string | null;
  kind: RegistryKind;
  fips: boolean;
  dualStack: boolean;
  /** The credential files the host appears in. */
  foundIn: string[];
  /** The tools whose files those are. */
  tools: CredentialTool[];
  /** The credential helper or store that handles it (credHelpers / credsStore), if any. */
  helper: string | null;
  /** The one profile that matches the account, or null (none, or several: see `candidates`). */
  profile: string | null;
  /** Every profile that matches the account; never chosen from silently when there are several. */
  candidates: string[];
  /** An ECR Keeper registry already keeps this host. */
  kept: boolean;
}

/** A profile with the account its files name (role_arn, sso_account_id), see aws-profiles.ts. */
export interface ProfileHint {
  name: string;
  type: string;
  accountId: string | null;
}

/** An account learned from a previous token (its proxyEndpoint) for a profile (null: the default chain). */
export interface KnownAccount {
  profile: string | null;
  accountId: string;
}

/**
 * helm's registry config, resolved as helm 3/4 resolve it (pkg/cli/environment.go and
 * pkg/helmpath/lazypath*.go): $HELM_REGISTRY_CONFIG, else <config home>/registry/config.json,
 * where the config home is $HELM_CONFIG_HOME, else $XDG_CONFIG_HOME/helm, else the platform's
 * default (~/.config/helm, ~/Library/Preferences/helm, %APPDATA%\helm).
 */
export function helmRegistryConfigPath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.HELM_REGISTRY_CONFIG) return env.HELM_REGISTRY_CONFIG;
  let configHome: string;
  if (env.HELM_CONFIG_HOME) configHome = env.HELM_CONFIG_HOME;
  else if (env.XDG_CONFIG_HOME) configHome = join(env.XDG_CONFIG_HOME, 'helm');
  else if (platform === 'darwin') configHome = join(homeDir(env), 'Library', 'Preferences', 'helm');
  else if (platform === 'win32') configHome = join(env.APPDATA || join(homeDir(env), 'AppData', 'Roaming'), 'helm');
  else configHome = join(homeDir(env), '.config', 'helm');
  return join(configHome, 'registry', 'config.json');
}

/**
 * The credential files to look in. podman reads its auth file and, when a host is not there,
 * $XDG_CONFIG_HOME/containers/auth.json (~/.config/containers/auth.json): both are listed.
 */
export function credentialFiles(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): CredentialFile[] {
  const podmanFallback = join(env.XDG_CONFIG_HOME || join(homeDir(env), '.config'), 'containers', 'auth.json');
  const files: CredentialFile[] = [
    { tool: 'docker', path: dockerConfigPath(env) },
    { tool: 'podman', path: podmanAuthPath(env, platform) },
    { tool: 'podman', path: podmanFallback },
    { tool: 'helm', path: helmRegistryConfigPath(env, platform) },
  ];
  const seen = new Set<string>();
  return files.filter((f) => (seen.has(f.path) ? false : (seen.add(f.path), true)));
}

/** A credential-file key as an ECR host, or null for anything else (look-alikes included). */
export function ecrHostOfKey(
  key: string,
): Pick<DiscoveredHost, 'host' | 'accountId' | 'region' | 'kind' | 'fips' | 'dualStack'> | null {
  const host = normalizeHostKey(key).replace(/:443$/, '');
  if (host === PUBLIC_HOST)
    return { host, accountId: null, region: null, kind: 'public', fips: false, dualStack: false };
  const p = parseEcrHost(host);
  if (!p) return null;
  return { host, accountId: p.accountId, region: p.region, kind: 'private', fips: p.fips, dualStack: p.dualStack };
}

function keysOf(config: DockerConfig | null): string[] {
  if (!config) return [];
  const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : []);
  return [...obj(config.auths), ...obj(config.credHelpers)];
}

/**
 * The profiles whose account is `accountId`: those the AWS files name it for (role_arn,
 * sso_account_id), and those a previous token showed it for (static keys say nothing about
 * their account until a token comes back).
 */
export function matchingProfiles(
  accountId: string,
  hints: readonly ProfileHint[],
  known: readonly KnownAccount[],
): string[] {
  const out = new Set<string>();
  for (const h of hints) if (h.accountId === accountId) out.add(h.name);
  const hinted = new Set(hints.map((h) => h.name));
  for (const k of known) {
    // Only profiles that still exist in the files; the default chain has no name to suggest.
    if (k.accountId === accountId && k.profile && hinted.has(k.profile)) out.add(k.profile);
  }
  return [...out].sort();
}

/** Pure: every ECR host in the files, with where it was found and what would sign in to it. */
export function discoverHosts(
  files: readonly ReadCredentialFile[],
  hints: readonly ProfileHint[],
  known: readonly KnownAccount[],
  keptHosts: readonly string[],
): DiscoveredHost[] {
  const kept = new Set(keptHosts.map((h) => h.toLowerCase()));
  const byHost = new Map<string, DiscoveredHost>();
  for (const f of files) {
    for (const key of keysOf(f.config)) {
      const e = ecrHostOfKey(key);
      if (!e) continue;
      let d = byHost.get(e.host);
      if (!d) {
        const candidates = e.accountId ? matchingProfiles(e.accountId, hints, known) : [];
        d = {
          ...e,
          foundIn: [],
          tools: [],
          helper: null,
          profile: candidates.length === 1 ? candidates[0] : null,
          candidates,
          kept: kept.has(e.host),
        };
        byHost.set(e.host, d);
      }
      if (!d.foundIn.includes(f.path)) d.foundIn.push(f.path);
      if (!d.tools.includes(f.tool)) d.tools.push(f.tool);
      if (!d.helper) {
        const where = storageForHost(f.config, e.host);
        if (where.helper) d.helper = where.helper;
      }
    }
  }
  return [...byHost.values()].sort((a, b) => a.host.localeCompare(b.host));
}

/** The `--json` shape the issue promises: {host, accountId, region, kind, foundIn, helper, profile, kept} (+ candidates). */
export function discoveredJson(d: DiscoveredHost) {
  return {
    host: d.host,
    accountId: d.accountId,
    region: d.region,
    kind: d.kind,
    foundIn: d.foundIn,
    helper: d.helper,
    profile: d.profile,
    candidates: d.candidates,
    kept: d.kept,
  };
}

export interface PlannedAddition {
  host: string;
  /** What to hand to keeper.addRegistry (validated there like any other input). */
  input: Pick<Registry, 'name' | 'kind' | 'region' | 'accountId' | 'profile' | 'tool' | 'registryHost'>;
  /** Handled by the ecr-login helper: added, but ECR Keeper will report it rather than log in. */
  ecrLogin: boolean;
  discovered: DiscoveredHost;
}

/** A readable registry name for a host, e.g. 111122223333-eu-west-1, ecr-public. */
export function nameForHost(d: Pick<DiscoveredHost, 'kind' | 'accountId' | 'region' | 'fips' | 'dualStack'>): string {
  if (d.kind === 'public') return 'ecr-public';
  return `${d.accountId}-${d.region}${d.fips ? '-fips' : ''}${d.dualStack ? '-dualstack' : ''}`;
}

function unique(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base}-${i}`;
  taken.add(name.toLowerCase());
  return name;
}

/**
 * Pure: what `discover --add` (and the window's "Add from this machine") adds for the hosts not
 * yet kept. The tool is the one whose file holds the host: docker's when docker's file has it, or
 * when only helm's does (helm 3.15+ falls back to docker's credentials); podman when only podman's does.
 */
export function planAdditions(
  found: readonly DiscoveredHost[],
  existing: readonly Pick<Registry, 'name'>[],
  only?: readonly string[],
): PlannedAddition[] {
  const taken = new Set(existing.map((r) => r.name.toLowerCase()));
  const want = only ? new Set(only.map((h) => h.toLowerCase())) : null;
  const out: PlannedAddition[] = [];
  for (const d of found) {
    if (d.kept || (want && !want.has(d.host))) continue;
    const tool: LoginTool = d.tools.includes('docker') || !d.tools.includes('podman') ? 'docker' : 'podman';
    const input: PlannedAddition['input'] =
      d.kind === 'public'
        ? { name: unique(nameForHost(d), taken), kind: 'public', region: PUBLIC_REGION, tool }
        : { name: unique(nameForHost(d), taken), kind: 'private', region: d.region!, accountId: d.accountId!, tool };
    // The keeper derives the standard host from account and region; FIPS and dual-stack hosts are kept as found.
    if (d.fips || d.dualStack) input.registryHost = d.host;
    if (d.profile) input.profile = d.profile;
    out.push({ host: d.host, input, ecrLogin: d.helper === 'ecr-login', discovered: d });
  }
  return out;
}

export interface DiscoverDeps {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Hosts ECR Keeper already keeps. */
  keptHosts: readonly string[];
  /** Accounts known from previous tokens, per profile. */
  knownAccounts?: readonly KnownAccount[];
}

export interface DiscoverResult {
  hosts: DiscoveredHost[];
  /** Files that exist but could not be read or parsed, and AWS files that could not be read. */
  warnings: string[];
  /** Every file looked in. */
  searched: string[];
}

/** Reads the credential files and the AWS files (no network) and finds the ECR hosts in them. */
export async function discoverOnMachine(deps: DiscoverDeps): Promise<DiscoverResult> {
  const env = deps.env ?? process.env;
  const files = credentialFiles(env, deps.platform);
  const warnings: string[] = [];
  const read = await Promise.all(
    files.map(async (f): Promise<ReadCredentialFile> => {
      const r = await readDockerConfig(f.path);
      if (r.error) warnings.push(r.error);
      return { ...f, config: r.config, ...(r.error ? { error: r.error } : {}) };
    }),
  );
  let hints: ProfileHint[] = [];
  try {
    hints = await (await import('./aws-profiles')).profileAccountHints(env);
  } catch (err) {
    warnings.push(`Could not read the AWS configuration to suggest profiles: ${(err as Error).message}`);
  }
  return {
    hosts: discoverHosts(read, hints, deps.knownAccounts ?? [], deps.keptHosts),
    warnings,
    searched: files.map((f) => f.path),
  };
}

/** How to let ECR Keeper keep a host that the ecr-login helper handles (nothing is changed for the person). */
export function handOverHint(d: DiscoveredHost): string {
  // credentialFiles lists docker's file first, so this is the file whose credHelpers maps the host.
  const file = d.foundIn[0] ?? 'the docker config';
  return `${d.host} is handled by the ecr-login credential helper, so ECR Keeper reports it instead of logging in. To let ECR Keeper keep it, remove its "ecr-login" entry from "credHelpers" (or "credsStore") in ${file}; \`ecr-keeper storage\` shows where each login lives.`;
}

export interface AddedFromDiscovery {
  id: string;
  name: string;
  host: string;
  tool: LoginTool;
  profile: string | null;
  /** What the person should know: several matching profiles, or an ecr-login host to hand over. */
  notes: { kind: 'several-profiles' | 'ecr-login'; message: string }[];
}

/**
 * Adds the planned registries through the keeper (its validation applies as for any add): the
 * CLI's `discover --add` and the window's "Add from this machine" both come here.
 */
export function addDiscovered(
  keeper: { registries(): Registry[]; addRegistry(input: unknown): Registry },
  found: readonly DiscoveredHost[],
  only?: readonly string[],
): { added: AddedFromDiscovery[]; failed: { host: string; message: string }[] } {
  const added: AddedFromDiscovery[] = [];
  const failed: { host: string; message: string }[] = [];
  for (const p of planAdditions(found, keeper.registries(), only)) {
    let reg: Registry;
    try {
      reg = keeper.addRegistry(p.input);
    } catch (err) {
      failed.push({ host: p.host, message: (err as Error).message });
      continue;
    }
    const notes: AddedFromDiscovery['notes'] = [];
    if (p.discovered.candidates.length > 1) {
      notes.push({
        kind: 'several-profiles',
        message: `several profiles match account ${p.discovered.accountId} (${p.discovered.candidates.join(', ')}); choose one: ecr-keeper edit ${reg.name} --profile PROFILE (or Edit in the window)`,
      });
    }
    if (p.ecrLogin) notes.push({ kind: 'ecr-login', message: handOverHint(p.discovered) });
    added.push({ id: reg.id, name: reg.name, host: p.host, tool: reg.tool, profile: reg.profile ?? null, notes });
  }
  return { added, failed };
}
