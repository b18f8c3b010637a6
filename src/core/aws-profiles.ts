// The user's AWS profiles, read from the same shared files the SDK reads (~/.aws/config and
// ~/.aws/credentials, or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE): for the window's profile
// list, for "which profiles need `aws sso login`", and for a "profile not found" that names the
// files actually searched. Never returns secrets: only names, kinds and regions.
import { expandHome, homeDir } from './home';
import { join } from 'node:path';
import { KeeperError, stripControl } from './errors';

export type AwsProfileType = 'sso' | 'mfa' | 'role' | 'static' | 'process' | 'web-identity' | 'other';

export interface AwsProfileInfo {
  name: string;
  type: AwsProfileType;
  region: string | null;
  /** SSO: the sso-session name (new form) or undefined (legacy form). */
  ssoSession?: string;
  /** Role profiles with MFA: the device serial / ARN (not a secret). */
  mfaSerial?: string;
  /** Role profiles: where the source credentials come from. */
  sourceProfile?: string;
}

export interface AwsFiles {
  configFile: string;
  credentialsFile: string;
}

type Section = Record<string, string | undefined>;

/** The shared files the SDK reads for this environment, with `~` expanded. */
export function awsFiles(env: NodeJS.ProcessEnv = process.env): AwsFiles {
  const home = homeDir(env);
  return {
    configFile: expandHome(env.AWS_CONFIG_FILE || join(home, '.aws', 'config'), env),
    credentialsFile: expandHome(env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'), env),
  };
}

/** Options for @smithy/shared-ini-file-loader and the SDK's fromIni, for this environment. */
export function sharedFileOptions(env: NodeJS.ProcessEnv = process.env): {
  filepath: string;
  configFilepath: string;
  ignoreCache: true;
} {
  const f = awsFiles(env);
  // The app runs for days: re-read the files so `aws configure` or `aws sso login` after a
  // failure is picked up on the next refresh instead of after a restart.
  return { filepath: f.credentialsFile, configFilepath: f.configFile, ignoreCache: true };
}

/**
 * The kind of credentials a profile section yields, in the order the SDK's fromIni tries them
 * (a role with source_profile wins over keys in the same section, and so on).
 */
export function profileType(section: Section): AwsProfileType {
  const has = (k: string) => typeof section[k] === 'string' && section[k] !== '';
  if (has('role_arn') && has('web_identity_token_file')) return 'web-identity';
  if (has('role_arn') && (has('source_profile') || has('credential_source'))) return has('mfa_serial') ? 'mfa' : 'role';
  if (has('aws_access_key_id') && has('aws_secret_access_key')) return 'static';
  if (has('credential_process')) return 'process';
  if (has('sso_session') || has('sso_start_url') || has('sso_account_id') || has('sso_role_name')) return 'sso';
  return 'other';
}

function infoOf(name: string, section: Section): AwsProfileInfo {
  const type = profileType(section);
  const info: AwsProfileInfo = { name, type, region: section.region || null };
  if (type === 'sso' && section.sso_session) info.ssoSession = section.sso_session;
  if (section.mfa_serial && (type === 'mfa' || type === 'role')) info.mfaSerial = section.mfa_serial;
  if (section.source_profile) info.sourceProfile = section.source_profile;
  return info;
}

// The loader keeps [sso-session X] and [services X] sections under these prefixed keys.
const NOT_PROFILES = /^(?:sso-session|services)\./;

async function readSections(env: NodeJS.ProcessEnv): Promise<Record<string, Section>> {
  const { parseKnownFiles } = await import('@smithy/shared-ini-file-loader');
  // Missing files read as empty; an unreadable one (permissions) throws, and says which file.
  const all = (await parseKnownFiles(sharedFileOptions(env))) as Record<string, Section>;
  const out: Record<string, Section> = {};
  for (const [name, section] of Object.entries(all))
    if (!NOT_PROFILES.test(name) && name !== '__proto__') out[name] = section;
  return out;
}

/** Every profile in the shared files, `default` first, then by name. */
export async function listProfiles(env: NodeJS.ProcessEnv = process.env): Promise<AwsProfileInfo[]> {
  let sections: Record<string, Section>;
  try {
    sections = await readSections(env);
  } catch (err) {
    const f = awsFiles(env);
    throw new KeeperError(
      'config',
      `Could not read the AWS configuration (${f.configFile}, ${f.credentialsFile}): ${(err as Error).message}`,
      'Check that the files are readable and well-formed (aws configure list-profiles shows what the AWS CLI sees).',
      { cause: err },
    );
  }
  return Object.keys(sections)
    .map((n) => infoOf(n, sections[n] ?? {}))
    .sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name)));
}

export function profileNotFound(profile: string, env: NodeJS.ProcessEnv = process.env): KeeperError {
  const f = awsFiles(env);
  return new KeeperError(
    'profile-not-found',
    `AWS profile "${profile}" was not found in ${f.configFile} or ${f.credentialsFile}.`,
    `Add a [profile ${profile}] section to ${f.configFile} (or [${profile}] to ${f.credentialsFile}), or choose an existing profile (aws configure list-profiles lists them; ecr-keeper edit NAME --profile P switches).`,
  );
}

/** The profile's description; a clear `profile-not-found` naming the files searched if it does not exist. */
export async function findProfile(profile: string, env: NodeJS.ProcessEnv = process.env): Promise<AwsProfileInfo> {
  const sections = await readSections(env);
  if (!Object.prototype.hasOwnProperty.call(sections, profile)) throw profileNotFound(profile, env);
  return infoOf(profile, sections[profile] ?? {});
}

/** The view the window's profile list shows (contract's AwsProfileView). */
export function toProfileView(p: AwsProfileInfo): { name: string; type: string; region: string | null } {
  // Names and regions come from the user's files: no terminal control into the window.
  return { name: stripControl(p.name), type: p.type, region: p.region === null ? null : stripControl(p.region) };
}

/**
 * The endpoint a profile configures for a service: `endpoint_url` in the profile's `services`
 * section (e.g. `ecr =` / `  endpoint_url = ...`), else a top-level `endpoint_url`. The SDK reads
 * these only for the default profile (AWS_PROFILE), not for a profile passed to a client, so the
 * token source looks them up for each registry's profile itself.
 */
export async function profileEndpoint(
  profile: string,
  service: EndpointService,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  return (await profileEndpoints(profile, env))[service];
}

/** The services whose endpoint a profile or the environment can set and that we (or the SDK for us) call. */
export type EndpointService = 'ecr' | 'ecr_public' | 'sts' | 'sso' | 'sso_oidc';
const ENDPOINT_SERVICES: readonly EndpointService[] = ['ecr', 'ecr_public', 'sts', 'sso', 'sso_oidc'];

/** Every endpoint a profile configures, per service (its `services` section first, then `endpoint_url`). */
export async function profileEndpoints(
  profile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Partial<Record<EndpointService, string>>> {
  const { loadSharedConfigFiles, parseKnownFiles } = await import('@smithy/shared-ini-file-loader');
  const files = sharedFileOptions(env);
  const section = ((await parseKnownFiles(files)) as Record<string, Section>)[profile];
  if (!section || (section.ignore_configured_endpoint_urls ?? '').toLowerCase() === 'true') return {};
  const services = section.services
    ? ((await loadSharedConfigFiles(files)).configFile as Record<string, Section>)[`services.${section.services}`]
    : undefined;
  const out: Partial<Record<EndpointService, string>> = {};
  for (const s of ENDPOINT_SERVICES) {
    const url = services?.[`${s}.endpoint_url`] || section.endpoint_url;
    if (url) out[s] = url;
  }
  return out;
}

/** A profile and the AWS account its credentials belong to, where the files say so. */
export interface ProfileAccountHint {
  name: string;
  type: AwsProfileType;
  /** From role_arn (the role's account, which is what a token is for), else sso_account_id; null when the files do not say. */
  accountId: string | null;
}

const ROLE_ARN_ACCOUNT = /^arn:aws[a-z-]*:iam::(\d{12}):role\//;

/** Pure: the account of one profile section (role_arn wins: an assumed role's token is the role account's). */
export function accountOfSection(section: Section): string | null {
  const role = ROLE_ARN_ACCOUNT.exec((section.role_arn ?? '').trim());
  if (role) return role[1];
  const sso = (section.sso_account_id ?? '').trim();
  return /^\d{12}$/.test(sso) ? sso : null;
}

/** Every profile with the account its files name (for `discover`'s profile suggestion). Reads only local files. */
export async function profileAccountHints(env: NodeJS.ProcessEnv = process.env): Promise<ProfileAccountHint[]> {
  const sections = await readSections(env);
  return Object.entries(sections).map(([name, s]) => ({ name, type: profileType(s), accountId: accountOfSection(s) }));
}
