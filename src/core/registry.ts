// The registry model, its validation, and the ECR host rules for every partition.
// This is the one validation module: the CLI, the IPC handlers and the window's form all call
// validateRegistryInput, so the same bad input gets the same message everywhere.
import SDK_PARTITIONS from './aws-regions.json';
import {
  labelOf,
  REGISTRY_FIELD_NAMES,
  REGISTRY_FIELDS,
  LOGIN_TOOLS,
  type LoginTool,
  type Registry,
  type RegistryField,
  type RegistryInput,
  type RegistryKind,
} from './registry-fields';

// The fields themselves (names, labels, types, identity) are in registry-fields.ts.
export * from './registry-fields';

export interface FieldError {
  field: RegistryField;
  message: string;
}

/** Accepted, but worth saying (a region the SDK does not know yet, a profile not in the AWS files). */
export type FieldWarning = FieldError;

export type Validation<T> = { ok: true; value: T; warnings: FieldWarning[] } | { ok: false; errors: FieldError[] };

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b' | 'aws-iso-e' | 'aws-iso-f';

export const PUBLIC_HOST = 'public.ecr.aws';
export const PUBLIC_REGION = 'us-east-1';

const REGION_RE = /^(?:[a-z]{2}-(?:gov-|iso-|isob-|isoe-|isof-)?[a-z]+-\d{1,2})$/;

/** Every region in the AWS SDK's partition data (scripts/aws-regions.mjs extracts it at build time). */
export const KNOWN_REGIONS: readonly string[] = SDK_PARTITIONS.partitions
  .flatMap((p) => p.regions)
  .filter((r) => REGION_RE.test(r));
// The words regions are made of (east, southeast, gov, isob...): a region built only from these, in a
// partition's own pattern, is plausibly a region newer than the SDK; anything else is a typo.
const REGION_WORDS = new Set(KNOWN_REGIONS.flatMap((r) => r.split('-').slice(1, -1)));
const PARTITION_PATTERNS = SDK_PARTITIONS.partitions.map((p) => new RegExp(p.regionRegex));

/** Optimal-string-alignment distance: like Levenshtein, with a swap of two neighbours costing 1 (esat -> east). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[a.length][b.length];
}

/** The known region closest to a mistyped one (at most 2 edits away), for "did you mean". */
export function closestRegion(region: string): string | undefined {
  // Regions are short: anything long is not a typo of one (and would cost length x region count).
  if (region.length > 30) return undefined;
  let best: string | undefined;
  let bestD = 3;
  for (const r of KNOWN_REGIONS) {
    const dist = editDistance(region.toLowerCase(), r);
    if (dist < bestD) {
      best = r;
      bestD = dist;
    }
  }
  return best;
}

/**
 * A region the SDK knows is fine; one shaped like a region (a partition's pattern, known words) is
 * accepted with a warning, as AWS adds regions before our SDK knows them; anything else is refused,
 * naming the likely region.
 */
export function checkRegion(region: string): { ok: true; warning?: string } | { ok: false; message: string } {
  if (KNOWN_REGIONS.includes(region)) return { ok: true };
  const words = region.split('-').slice(1, -1);
  if (
    REGION_RE.test(region) &&
    PARTITION_PATTERNS.some((re) => re.test(region)) &&
    words.every((w) => REGION_WORDS.has(w))
  ) {
    return {
      ok: true,
      warning: `Region "${region}" is not in the region list of this ECR Keeper's AWS SDK (${SDK_PARTITIONS.source}): fine if it is a new region, otherwise check the spelling.`,
    };
  }
  const near = closestRegion(region);
  return {
    ok: false,
    message: `Region "${region.slice(0, 40)}" is not an AWS region: ${near ? `did you mean ${near}?` : 'expected something like us-east-1, eu-west-1 or cn-north-1.'}`,
  };
}
const ACCOUNT_RE = /^\d{12}$/;
const NAME_MAX = 63;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
// AWS profile names: letters, digits and a few punctuation marks; no spaces or shell metacharacters.
const PROFILE_RE = /^[A-Za-z0-9][A-Za-z0-9_.@+=,-]{0,127}$/;
const HOST_LABEL = '(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)';
const HOSTNAME_RE = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);
const IPV4_RE = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** A well-formed AWS region name (any partition; new regions need no update here). */
export function isRegionName(v: unknown): boolean {
  return typeof v === 'string' && REGION_RE.test(v);
}

/** A well-formed AWS profile name: no spaces or shell metacharacters. */
export function isProfileName(v: unknown): boolean {
  return typeof v === 'string' && PROFILE_RE.test(v);
}

export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (/^[a-z]{2}-isoe-/.test(region)) return 'aws-iso-e';
  if (/^[a-z]{2}-isof-/.test(region)) return 'aws-iso-f';
  return 'aws';
}

/** DNS suffix of the standard (IPv4) ECR registry hosts in each partition. */
const STANDARD_SUFFIX: Record<Partition, string> = {
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
  'aws-iso-e': 'cloud.adc-e.uk',
  'aws-iso-f': 'csp.hci.ic.gov',
};

/** DNS suffix of the dual-stack ECR hosts, where the partition has them. */
const DUALSTACK_SUFFIX: Partial<Record<Partition, string>> = {
  aws: 'on.aws',
  'aws-us-gov': 'on.aws',
  'aws-cn': 'on.amazonwebservices.com.cn',
};

export interface HostOptions {
  fips?: boolean;
  dualStack?: boolean;
}

/** The registry host for an account in a region, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com. */
export function deriveHost(accountId: string, region: string, opts: HostOptions = {}): string {
  const partition = partitionOf(region);
  const fips = opts.fips ? '-fips' : '';
  if (opts.dualStack) {
    const suffix = DUALSTACK_SUFFIX[partition];
    if (!suffix) throw new Error(`Dual-stack ECR endpoints are not available in partition ${partition}.`);
    return `${accountId}.dkr-ecr${fips}.${region}.${suffix}`;
  }
  return `${accountId}.dkr.ecr${fips}.${region}.${STANDARD_SUFFIX[partition]}`;
}

export interface EcrHost {
  accountId: string;
  region: string;
  partition: Partition;
  fips: boolean;
  dualStack: boolean;
}

const ECR_HOST_RE = /^(\d{12})\.(dkr\.ecr|dkr-ecr)(-fips)?\.([a-z0-9-]+)\.(.+)$/;

/**
 * Recognises a private ECR registry host (optionally given as a URL, as proxyEndpoint is).
 * The suffix must be exactly the partition's suffix, so look-alikes such as
 * `...amazonaws.com.evil.example` are rejected.
 */
export function parseEcrHost(hostOrUrl: string): EcrHost | null {
  let host = hostOrUrl.trim().toLowerCase();
  host = host
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/:443$/, '');
  const m = ECR_HOST_RE.exec(host);
  if (!m) return null;
  const [, accountId, service, fips, region, suffix] = m as unknown as [
    string,
    string,
    string,
    string | undefined,
    string,
    string,
  ];
  if (!REGION_RE.test(region)) return null;
  const partition = partitionOf(region);
  const dualStack = service === 'dkr-ecr';
  const expected = dualStack ? DUALSTACK_SUFFIX[partition] : STANDARD_SUFFIX[partition];
  if (!expected || suffix !== expected) return null;
  return { accountId, region, partition, fips: Boolean(fips), dualStack };
}

/** Host names in AWS's namespaces must be real ECR hosts; anything else (a mirror, localhost) is free-form. */
function looksLikeAws(host: string): boolean {
  const h = host.replace(/:\d+$/, '');
  return (
    /(^|\.)dkr[.-]ecr/.test(h) ||
    /amazonaws\.com/.test(h) ||
    /\.on\.aws$/.test(h) ||
    /amazonwebservices\.com/.test(h) ||
    h.endsWith('.ecr.aws')
  );
}

/** Interface VPC endpoint names, e.g. vpce-0abc-1234.dkr.ecr.us-east-1.vpce.amazonaws.com. */
export function isVpcEndpointHost(host: string): boolean {
  return /^vpce-[a-z0-9-]+\.dkr\.ecr\.[a-z0-9-]+\.vpce\.amazonaws\.com(\.cn)?$/.test(host.replace(/:\d+$/, ''));
}

export function isEcrHost(host: string): boolean {
  return parseEcrHost(host) !== null || host.trim().toLowerCase() === PUBLIC_HOST;
}

/**
 * The host a registry logs in to. Private registries without an account id get theirs from the
 * token's proxyEndpoint, passed as `fallbackHost`.
 */
export function registryHostOf(reg: Registry, fallbackHost?: string): string | undefined {
  if (reg.registryHost) return reg.registryHost;
  if (reg.kind === 'public') return PUBLIC_HOST;
  if (reg.accountId) {
    const opts = endpointHostOptions(reg.apiEndpoint);
    return deriveHost(reg.accountId, reg.region, opts);
  }
  return fallbackHost;
}

/** A FIPS or dual-stack API endpoint implies the same flavour of registry host. */
function endpointHostOptions(apiEndpoint: string | undefined): HostOptions {
  if (!apiEndpoint) return {};
  let host: string;
  try {
    host = new URL(apiEndpoint).hostname;
  } catch {
    return {};
  }
  return {
    fips: /(^|\.)(api\.)?ecr-fips\./.test(host) || host.includes('ecr-fips'),
    dualStack: host.endsWith('.api.aws'),
  };
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Whether a registry host[:port] is on this machine (127.0.0.0/8, [::1], localhost): such
 * registries are spoken to in plain HTTP, as docker does by default; every other host keeps TLS.
 */
export function isLoopbackRegistryHost(hostPort: string): boolean {
  if (validateHostPort(hostPort) !== null) return false;
  const m = /^(\[[0-9a-fA-F:]+\]|[^:/\s]+)(?::\d{1,5})?$/.exec(hostPort);
  if (!m) return false;
  const h = m[1].toLowerCase();
  // A real dotted quad only: "127.0.0.256" is a (useless) host name, not an address.
  return h === 'localhost' || h === '[::1]' || (IPV4_RE.test(h) && h.startsWith('127.'));
}

export function validateHostPort(value: string): string | null {
  if (value.length > 253) return 'is too long (at most 253 characters).';
  const m = /^(\[[0-9a-fA-F:]+\]|[^:/\s]+)(?::(\d{1,5}))?$/.exec(value);
  if (!m)
    return 'must be a host name with an optional port, like 123456789012.dkr.ecr.us-east-1.amazonaws.com or localhost:5000 (no scheme, path or spaces).';
  const [, host, port] = m as unknown as [string, string, string | undefined];
  const h = host.toLowerCase();
  if (!(h.startsWith('[') || IPV4_RE.test(h) || HOSTNAME_RE.test(h))) {
    return `has an invalid host name "${host}": use letters, digits, dots and hyphens only.`;
  }
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return 'has a port outside 1-65535.';
  return null;
}

export function validateApiEndpoint(value: string): string | null {
  if (value.length > 2048) return 'is too long.';
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'must be a URL like https://api.ecr.us-east-1.amazonaws.com.';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'must start with https://.';
  if (u.protocol === 'http:' && !isLoopback(u.hostname))
    return 'must use https:// (plain http is allowed only for localhost).';
  if (u.username || u.password) return 'must not contain a user name or password.';
  if (u.search || u.hash) return 'must not contain a query or fragment.';
  if (/[\s'"`$;|&<>\\]/.test(value)) return 'contains characters that are not allowed in a URL.';
  return null;
}

export interface ValidateOptions {
  /** Registries already configured (for unique names). */
  existing?: readonly Registry[];
  /** The id of the registry being edited, so it does not collide with itself. */
  editingId?: string;
  /** For edits: values not given keep the current registry's values. */
  base?: Registry;
  /** The host an existing registry logs in to, including one learnt from a token (default: from its settings). */
  hostOf?: (r: Registry) => string | undefined;
  /** The profiles in the AWS files and those files: a profile not among them is accepted with a warning. */
  profiles?: { names: readonly string[]; files: readonly string[] };
  /** A registry read back from the settings file: accepted at the door once, so only its shape is checked (a stricter rule or other SDK data must not drop it). */
  stored?: boolean;
}

/**
 * Validates and normalises user input into a Registry (without id). Returns every problem at once,
 * each naming what is wrong and what is expected.
 */
export function validateRegistryInput(input: unknown, opts: ValidateOptions = {}): Validation<Omit<Registry, 'id'>> {
  const errors: FieldError[] = [];
  const warnings: FieldWarning[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      errors: [{ field: 'input', message: 'Registry details must be an object with a name and a region.' }],
    };
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(REGISTRY_FIELDS, key))
      errors.push({ field: 'input', message: `Unknown field "${key.slice(0, 40)}".` });
  }
  const pick = (k: keyof RegistryInput): unknown => (Object.prototype.hasOwnProperty.call(raw, k) ? raw[k] : undefined);
  const base = opts.base;
  for (const f of REGISTRY_FIELD_NAMES) {
    const v = pick(f);
    const type = REGISTRY_FIELDS[f].type;
    if (v === undefined || v === null || typeof v === (type === 'text' ? 'string' : 'boolean')) continue;
    errors.push({
      field: f,
      message: `${labelOf(f)} must be a ${type === 'text' ? 'text value' : 'true/false value'}.`,
    });
  }

  const has = (k: keyof RegistryInput) => pick(k) !== undefined;
  const val = (k: keyof RegistryInput, current: string | undefined) => (has(k) ? str(pick(k)) : current);

  const name = val('name', base?.name);
  const kindRaw = val('kind', base?.kind) ?? 'private';
  const toolRaw = val('tool', base?.tool) ?? 'docker';
  const accountRaw = val('accountId', base?.accountId);
  // The AWS console shows account IDs as 1234-5678-9012; people paste them that way (or with spaces).
  const accountId =
    accountRaw !== undefined && /^[\d\s-]+$/.test(accountRaw) ? accountRaw.replace(/[\s-]/g, '') : accountRaw;
  const profile = val('profile', base?.profile);
  const registryHost = val('registryHost', base?.registryHost)?.toLowerCase();
  const apiEndpoint = val('apiEndpoint', base?.apiEndpoint);
  let region = val('region', base?.region);

  if (!name)
    errors.push({ field: 'name', message: 'Name is required: a short label such as "prod" or "team-images".' });
  else if (name.length > NAME_MAX)
    errors.push({ field: 'name', message: `Name is too long (${name.length} characters): use at most ${NAME_MAX}.` });
  else if (!NAME_RE.test(name))
    errors.push({
      field: 'name',
      message: `Name "${name.slice(0, 70)}" is not valid: use 1-63 letters, digits, dots, dashes or underscores, starting with a letter or digit.`,
    });
  else if (opts.existing?.some((r) => r.name.toLowerCase() === name.toLowerCase() && r.id !== opts.editingId)) {
    errors.push({ field: 'name', message: `A registry named "${name}" already exists: choose another name.` });
  }

  if (kindRaw !== 'private' && kindRaw !== 'public')
    errors.push({ field: 'kind', message: `Kind "${kindRaw.slice(0, 40)}" is not valid: use "private" or "public".` });
  const kind = kindRaw as RegistryKind;
  if (kind === 'public') region = region ?? PUBLIC_REGION;

  if (!region) errors.push({ field: 'region', message: 'Region is required, like us-east-1 or eu-west-1.' });
  else if (kind === 'public' && region !== PUBLIC_REGION)
    errors.push({
      field: 'region',
      message: `ECR Public tokens come only from ${PUBLIC_REGION}: set the region to ${PUBLIC_REGION}.`,
    });
  else if (opts.stored) {
    if (!REGION_RE.test(region))
      errors.push({ field: 'region', message: `Region "${region.slice(0, 40)}" is not an AWS region.` });
  } else {
    const rc = checkRegion(region);
    if (!rc.ok) errors.push({ field: 'region', message: rc.message });
    else if (rc.warning) warnings.push({ field: 'region', message: rc.warning });
  }

  if (accountId !== undefined && !ACCOUNT_RE.test(accountId)) {
    errors.push({
      field: 'accountId',
      message: `Account ID "${accountRaw!.slice(0, 40)}" is not valid: it must be exactly 12 digits, like 123456789012 (dashes and spaces are fine).`,
    });
  }
  if (kind === 'public' && accountId !== undefined)
    errors.push({ field: 'accountId', message: 'ECR Public registries have no account ID: leave it empty.' });

  if (profile !== undefined && !PROFILE_RE.test(profile)) {
    errors.push({
      field: 'profile',
      message: `Profile "${profile.slice(0, 40)}" is not a valid AWS profile name: use letters, digits and - _ . @ + = , only.`,
    });
  } else if (profile !== undefined && opts.profiles && !opts.profiles.names.includes(profile)) {
    // Accepted: the files may gain the profile later (aws configure sso), but say so now rather than at the first refresh.
    warnings.push({
      field: 'profile',
      message: `AWS profile "${profile}" is not in ${opts.profiles.files.join(' or ')}: refreshes will fail with profile-not-found until it is added there.`,
    });
  }

  if (!LOGIN_TOOLS.includes(toolRaw as LoginTool))
    errors.push({
      field: 'tool',
      message: `Login tool "${toolRaw.slice(0, 40)}" is not supported: use ${LOGIN_TOOLS.map((t) => `"${t}"`).join(', ')}.`,
    });

  if (registryHost !== undefined) {
    const problem = validateHostPort(registryHost);
    if (problem) errors.push({ field: 'registryHost', message: `Registry host ${problem}` });
    else if (looksLikeAws(registryHost) && !isEcrHost(registryHost) && !isVpcEndpointHost(registryHost)) {
      // Looks like an ECR host but is not one of ours: a typo or a look-alike such as ...amazonaws.com.evil.example
      errors.push({
        field: 'registryHost',
        message: `Registry host "${registryHost.slice(0, 100)}" looks like an ECR host but is not one: expected ACCOUNT.dkr.ecr.REGION.amazonaws.com (or .amazonaws.com.cn, or ACCOUNT.dkr-ecr.REGION.on.aws).`,
      });
    } else if (!isEcrHost(registryHost) && !isVpcEndpointHost(registryHost) && !isLoopbackRegistryHost(registryHost)) {
      // Allowed (mirrors, test registries), but the person should know where the password goes
      // when it leaves this machine.
      warnings.push({
        field: 'registryHost',
        message: `The ECR password will be sent to ${registryHost}, which is not an ECR registry host: use this only for a VPC endpoint, a mirror or a test registry you trust.`,
      });
    } else if (region && REGION_RE.test(region)) {
      const parsed = parseEcrHost(registryHost);
      if (parsed && parsed.region !== region) {
        errors.push({
          field: 'registryHost',
          message: `Registry host is in ${parsed.region} but the region is ${region}: make them match.`,
        });
      } else if (parsed && accountId && parsed.accountId !== accountId) {
        errors.push({
          field: 'registryHost',
          message: `Registry host belongs to account ${parsed.accountId} but the account ID is ${accountId}: make them match.`,
        });
      }
    }
  }
  if (apiEndpoint !== undefined) {
    const problem = validateApiEndpoint(apiEndpoint);
    if (problem) errors.push({ field: 'apiEndpoint', message: `API endpoint ${problem}` });
  }

  if (errors.length) return { ok: false, errors };
  const enabledV = pick('enabled');
  const autoV = pick('autoRefresh');
  const value: Omit<Registry, 'id'> = {
    name: name!,
    kind,
    region: region!,
    tool: toolRaw as LoginTool,
    enabled: typeof enabledV === 'boolean' ? enabledV : (base?.enabled ?? true),
    autoRefresh: typeof autoV === 'boolean' ? autoV : (base?.autoRefresh ?? true),
  };
  if (accountId) value.accountId = accountId;
  if (profile) value.profile = profile;
  if (registryHost) value.registryHost = registryHost;
  if (apiEndpoint) value.apiEndpoint = apiEndpoint;
  // Two registries logging the same tool in to one host would overwrite each other's entry.
  const host = registryHostOf({ id: '', ...value });
  const clash = host
    ? opts.existing?.find(
        (r) => r.id !== opts.editingId && r.tool === value.tool && (opts.hostOf ?? registryHostOf)(r) === host,
      )
    : undefined;
  if (clash) {
    const field: RegistryField = registryHost ? 'registryHost' : kind === 'public' ? 'kind' : 'accountId';
    return {
      ok: false,
      errors: [
        {
          field,
          message: `Registry "${clash.name}" already logs ${value.tool} in to ${host}: two would overwrite each other's login. Edit "${clash.name}" instead.`,
        },
      ],
    };
  }
  return { ok: true, value, warnings };
}

/** A stored registry is re-checked on load; this tells whether it is still well-formed. */
export function isRegistry(v: unknown): v is Registry {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  if (typeof r.id !== 'string' || !r.id) return false;
  const { id: _id, ...rest } = r;
  return validateRegistryInput(rest, { stored: true }).ok;
}
