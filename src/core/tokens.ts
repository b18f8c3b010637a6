// The token source: GetAuthorizationToken for ECR and ECR Public, with an in-memory cache and one
// in-flight call per (kind, profile, region, endpoint). One ECR token serves every registry the
// principal can reach in a region, so registries sharing a key share one API call; this keeps us
// well under the ~20 TPS per-account throttle even when many registries refresh at once.
//
// It also resolves each registry's AWS profile (static keys, role chains, credential_process,
// web identity, SSO, MFA) and keeps temporary credentials in memory for their lifetime, so a
// person asked for an MFA code is not asked again on every refresh. Nothing here writes to disk.
import type { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { KeeperError, sanitize, type ErrorAction } from './errors';
import { PUBLIC_REGION, parseEcrHost, validateApiEndpoint } from './registry';
import { findProfile, profileEndpoints, sharedFileOptions, type EndpointService } from './aws-profiles';
import { mfaCancelledError, type MfaPrompt } from './mfa';

export type CredentialProvider = ReturnType<typeof fromNodeProviderChain>;
type Credentials = Awaited<ReturnType<CredentialProvider>>;

export interface AuthToken {
  username: string;
  password: string;
  expiresAt: Date;
  proxyEndpoint?: string;
}

export interface TokenRequest {
  kind: 'private' | 'public';
  region: string;
  profile?: string;
  apiEndpoint?: string;
}

/** What the API answered, before decoding. */
export interface RawAuthorizationData {
  authorizationToken?: string;
  expiresAt?: Date;
  proxyEndpoint?: string;
}

export interface TokenClientConfig {
  region: string;
  /** Only set when configured; otherwise the SDK's own endpoint resolution must run. */
  endpoint?: string;
  profile?: string;
  credentials: CredentialProvider;
  maxAttempts: number;
  requestTimeoutMs: number;
}

export interface TokenClient {
  getAuthorizationToken(signal: AbortSignal): Promise<RawAuthorizationData>;
  destroy?(): void;
}

export type TokenClientFactory = (
  kind: TokenRequest['kind'],
  config: TokenClientConfig,
) => Promise<TokenClient> | TokenClient;

export interface TokenSourceOptions {
  /** ms epoch. */
  clock?: () => number;
  credentials?: (profile?: string) => CredentialProvider;
  clientFactory?: TokenClientFactory;
  requestTimeoutMs?: number;
  /**
   * The environment to read AWS settings from. The SDK itself always reads process.env (and the
   * SSO token cache under process.env.HOME); when a different object is given, the settings we can
   * pass explicitly (shared file paths, endpoint URLs) are taken from it instead.
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Asks a person for an MFA code (profiles with mfa_serial). Without one, such profiles fail with
   * `signin-required`. Time spent waiting for the answer does not count against the timeout.
   */
  mfaPrompt?: MfaPrompt;
}

export interface GetOptions {
  minValidityMs?: number;
  force?: boolean;
}

export interface TokenSource {
  get(req: TokenRequest, opts?: GetOptions): Promise<AuthToken>;
  /**
   * Drops the tokens and temporary credentials cached for a profile (undefined: the default
   * chain), e.g. after `aws sso login` or new keys, so the next get resolves it afresh.
   */
  forget(profile?: string): void;
}

const DEFAULT_MIN_VALIDITY_MS = 5 * 60 * 1000;
const DEFAULT_TIMEOUT_MS = 20_000;
const ECR_TOKEN_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** Temporary credentials are reused until this close to their expiry (the SDK's own margin). */
const CREDENTIAL_MIN_VALIDITY_MS = 5 * 60 * 1000;
// The keeper runs its own backoff with jitter; SDK retries on top of that would multiply the
// calls made against a throttled account and hide how long a failure really took.
const MAX_ATTEMPTS = 2;

export function tokenKey(req: TokenRequest): string {
  // ECR Public answers only in us-east-1, so every public registry shares one token.
  const region = req.kind === 'public' ? PUBLIC_REGION : req.region;
  return JSON.stringify([req.kind, req.profile ?? '', region, req.apiEndpoint ?? '']);
}

export function accountFromProxyEndpoint(url: string): string | undefined {
  return parseEcrHost(url)?.accountId;
}

/** Counts MFA prompts waiting for a person, so timeouts can wait for them. */
class PromptGate {
  private active = 0;
  private waiters: (() => void)[] = [];
  get busy(): boolean {
    return this.active > 0;
  }
  async around<T>(fn: () => Promise<T>): Promise<T> {
    this.active += 1;
    try {
      return await fn();
    } finally {
      this.active -= 1;
      if (this.active === 0) for (const w of this.waiters.splice(0)) w();
    }
  }
  idle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

export function createTokenSource(opts: TokenSourceOptions = {}): TokenSource {
  const clock = opts.clock ?? Date.now;
  const env = opts.env ?? process.env;
  const gate = new PromptGate();
  const resolver = opts.credentials
    ? undefined
    : createCredentialResolver({ env, clock, gate, mfaPrompt: opts.mfaPrompt });
  const credentials = opts.credentials ?? ((profile?: string) => resolver!.provider(profile));
  const clientFactory = opts.clientFactory ?? defaultClientFactory;
  const timeoutMs = opts.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cache = new Map<string, AuthToken>();
  const inflight = new Map<string, Promise<AuthToken>>();

  const fetchToken = async (req: TokenRequest): Promise<AuthToken> => {
    const region = req.kind === 'public' ? PUBLIC_REGION : req.region;
    const envEndpoint = configuredEndpoint(req.kind, env);
    let endpoint = req.apiEndpoint ?? (env === process.env ? undefined : envEndpoint);
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    let client: TokenClient | undefined;
    try {
      // The timer covers credential resolution too: an SSO or IMDS lookup can hang as long as the
      // call. Time a person spends typing an MFA code does not count: when the timer fires during
      // a prompt, it starts over once the prompt is answered.
      const timeout = new Promise<never>((_, reject) => {
        const arm = () => {
          if (settled) return;
          timer = setTimeout(() => {
            if (gate.busy) {
              void gate.idle().then(arm);
              return;
            }
            ac.abort();
            reject(
              new KeeperError(
                'timeout',
                `The ${apiName(req)} did not answer within ${Math.round(timeoutMs / 1000)} s.`,
                'Check your network connection or proxy; the keeper will try again.',
              ),
            );
          }, timeoutMs);
        };
        // Not unref'd: it is cleared as soon as the call settles, and a call stuck on something
        // that holds no handle must still end in a timeout rather than a silent process exit.
        arm();
      });
      const work = (async () => {
        // Before anything connects: no endpoint, wherever it is configured, may carry a signed
        // request or a token over plain http to another machine.
        // Unreadable files are reported by credential resolution, with the file named.
        const ignore = (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true';
        const fromProfile =
          ignore || opts.credentials
            ? {}
            : await profileEndpoints(req.profile || env.AWS_PROFILE || 'default', env).catch(() => ({}));
        refuseInsecureEndpoints(req, env, fromProfile);
        // Environment variables win over the config file, as in the SDK.
        if (!endpoint && !envEndpoint && req.profile)
          endpoint = fromProfile[req.kind === 'public' ? 'ecr_public' : 'ecr'];
        client = await clientFactory(req.kind, {
          region,
          ...(endpoint ? { endpoint } : {}),
          ...(req.profile ? { profile: req.profile } : {}),
          credentials: credentials(req.profile),
          maxAttempts: MAX_ATTEMPTS,
          requestTimeoutMs: timeoutMs,
        });
        return client.getAuthorizationToken(ac.signal);
      })();
      work.catch(() => {
        /* reported through the race below; avoids an unhandled rejection after a timeout */
      });
      const raw = await Promise.race([work, timeout]);
      return decodeToken(raw, req, clock);
    } catch (err) {
      const k = classifyAwsError(err, req, env);
      // Rejected or expired temporary credentials must not be offered again on the next try.
      if (k.category === 'credentials' || k.category === 'clock-skew') resolver?.forget(req.profile);
      throw k;
    } finally {
      settled = true;
      clearTimeout(timer);
      try {
        client?.destroy?.();
      } catch {
        /* closing sockets is best effort */
      }
    }
  };

  return {
    get(req, o = {}) {
      const key = tokenKey(req);
      const minValidity = o.minValidityMs ?? DEFAULT_MIN_VALIDITY_MS;
      const cached = cache.get(key);
      if (!o.force && cached && cached.expiresAt.getTime() - clock() > minValidity) return Promise.resolve(cached);
      // Even a forced refresh joins a call already in flight: it will return a token just as fresh.
      const running = inflight.get(key);
      if (running) return running;
      const p = fetchToken(req)
        .then((token) => {
          cache.set(key, token);
          return token;
        })
        .finally(() => {
          inflight.delete(key);
        });
      inflight.set(key, p);
      return p;
    },
    forget(profile) {
      for (const key of [...cache.keys()]) {
        if ((JSON.parse(key) as string[])[1] === (profile ?? '')) cache.delete(key);
      }
      resolver?.forget(profile);
    },
  };
}

function apiName(req: TokenRequest): string {
  return req.kind === 'public' ? 'ECR Public API' : `ECR API in ${req.region}`;
}

function decodeToken(raw: RawAuthorizationData, req: TokenRequest, clock: () => number): AuthToken {
  const malformed = () =>
    new KeeperError(
      'server',
      `The ${apiName(req)} returned a malformed authorization token.`,
      'Try again later; if it persists, check the API endpoint setting.',
    );
  if (!raw.authorizationToken) throw malformed();
  const decoded = Buffer.from(raw.authorizationToken, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) throw malformed();
  const token: AuthToken = {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    // ECR always sends expiresAt; if an endpoint ever omits it, assume the documented 12 hours.
    expiresAt:
      raw.expiresAt instanceof Date && !Number.isNaN(raw.expiresAt.getTime())
        ? raw.expiresAt
        : new Date(clock() + ECR_TOKEN_LIFETIME_MS),
  };
  if (req.kind === 'private' && raw.proxyEndpoint) {
    // The registry address decides where the password goes when no host is configured: only a
    // real ECR host of the region asked is taken.
    const ecr = parseEcrHost(raw.proxyEndpoint);
    if (!ecr || ecr.region !== req.region) {
      throw new KeeperError(
        'server',
        `The ${apiName(req)} named ${sanitize(raw.proxyEndpoint).slice(0, 120)} as the registry, which is not an ECR registry in ${req.region}; the token was not used.`,
        'Check the API endpoint setting (--api-endpoint, AWS_ENDPOINT_URL_ECR, endpoint_url): it does not look like the ECR API. Set the account ID to log in to its ECR host.',
      );
    }
    token.proxyEndpoint = raw.proxyEndpoint;
  }
  return token;
}

/** The environment variables the SDK reads an endpoint from, per service, most specific first. */
const ENV_ENDPOINTS: Record<EndpointService, readonly string[]> = {
  ecr: ['AWS_ENDPOINT_URL_ECR', 'AWS_ENDPOINT_URL'],
  ecr_public: ['AWS_ENDPOINT_URL_ECR_PUBLIC', 'AWS_ENDPOINT_URL'],
  sts: ['AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL'],
  sso: ['AWS_ENDPOINT_URL_SSO', 'AWS_ENDPOINT_URL'],
  sso_oidc: ['AWS_ENDPOINT_URL_SSO_OIDC', 'AWS_ENDPOINT_URL'],
};

/**
 * One rule for every endpoint, wherever it comes from (the registry's setting, the environment,
 * the AWS profile) and whichever service it is for (ECR, ECR Public, and STS and SSO, which the
 * SDK calls to get credentials): https, or plain http only to this machine. Throws a `config`
 * error naming where the endpoint came from; nothing has connected yet.
 */
export function refuseInsecureEndpoints(
  req: Pick<TokenRequest, 'kind' | 'apiEndpoint' | 'profile'>,
  env: NodeJS.ProcessEnv,
  fromProfile: Partial<Record<EndpointService, string>>,
): void {
  const found: { source: string; url: string }[] = [];
  if (req.apiEndpoint) found.push({ source: "the registry's API endpoint setting", url: req.apiEndpoint });
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() !== 'true') {
    const services: EndpointService[] = [req.kind === 'public' ? 'ecr_public' : 'ecr', 'sts', 'sso', 'sso_oidc'];
    for (const name of new Set(services.flatMap((s) => ENV_ENDPOINTS[s]))) {
      const url = env[name];
      if (url) found.push({ source: `the environment variable ${name}`, url });
    }
    const profile = req.profile || env.AWS_PROFILE || 'default';
    for (const s of services) {
      const url = fromProfile[s];
      if (url) found.push({ source: `endpoint_url (${s}) of AWS profile "${profile}"`, url });
    }
  }
  for (const { source, url } of found) {
    const problem = validateApiEndpoint(url);
    if (problem) {
      throw new KeeperError(
        'config',
        `The endpoint ${sanitize(url).slice(0, 200)} from ${source} ${problem}`,
        `Use an https:// URL in ${source}: ECR Keeper sends AWS requests and tokens over plain http only to this machine (localhost).`,
      );
    }
  }
}

/** Mirrors the SDK's AWS_ENDPOINT_URL_<SERVICE> lookup for an injected environment. */
function configuredEndpoint(kind: TokenRequest['kind'], env: NodeJS.ProcessEnv): string | undefined {
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return undefined;
  const service = kind === 'public' ? env.AWS_ENDPOINT_URL_ECR_PUBLIC : env.AWS_ENDPOINT_URL_ECR;
  return service || env.AWS_ENDPOINT_URL || undefined;
}

// ---- credentials ----------------------------------------------------------------------------

interface ResolverDeps {
  env: NodeJS.ProcessEnv;
  clock: () => number;
  gate: PromptGate;
  mfaPrompt?: MfaPrompt;
}

interface CredentialResolver {
  provider(profile?: string): CredentialProvider;
  /** Drops the cached credentials of one profile (undefined: the default chain). */
  forget(profile?: string): void;
}

/**
 * Resolves a profile's credentials with the SDK's own providers, and keeps temporary ones (role,
 * SSO, MFA sessions) in memory until shortly before they expire. One resolution per profile runs
 * at a time, so registries in several regions sharing an MFA profile cause one prompt, not one each.
 * Long-lived keys are not cached: the files are re-read on each refresh.
 */
function createCredentialResolver(deps: ResolverDeps): CredentialResolver {
  const cache = new Map<string, Credentials>();
  const inflight = new Map<string, Promise<Credentials>>();
  const keyOf = (profile?: string) => profile ?? '';

  const mfaCodeProvider =
    (profile: string) =>
    async (mfaSerial: string): Promise<string> => {
      const req = { profile, mfaSerial };
      if (!deps.mfaPrompt) throw noPromptError(req);
      const code = await deps.gate.around(() => deps.mfaPrompt!(req));
      if (code === null || code === '') throw mfaCancelledError(req);
      return code;
    };

  const resolve = async (
    profile: string | undefined,
    props: Parameters<CredentialProvider>[0],
  ): Promise<Credentials> => {
    const providers = await import('@aws-sdk/credential-providers');
    const files = sharedFileOptions(deps.env);
    if (!profile) {
      // The default chain: env keys, then the default (or AWS_PROFILE) profile, SSO, process,
      // web identity, container and instance credentials.
      const label = deps.env.AWS_PROFILE || 'default';
      return providers.fromNodeProviderChain({ ...files, mfaCodeProvider: mfaCodeProvider(label) })(props);
    }
    // Checked first: fromIni reports a missing profile and a profile without keys with the same
    // message, and a named profile must not fall through to the whole chain (IMDS is slow).
    const info = await findProfile(profile, deps.env);
    if (info.type === 'sso') {
      // Direct, so the shared file paths from our environment reach the SSO provider (fromIni
      // passes only the profile name on to it).
      return providers.fromSSO({ profile, ...files })(props);
    }
    return providers.fromIni({ profile, ...files, mfaCodeProvider: mfaCodeProvider(profile) })(props);
  };

  const usable = (c: Credentials | undefined): c is Credentials =>
    Boolean(c?.expiration && c.expiration.getTime() - deps.clock() > CREDENTIAL_MIN_VALIDITY_MS);

  return {
    provider(profile) {
      const key = keyOf(profile);
      return async (props) => {
        const cached = cache.get(key);
        if (usable(cached)) return cached;
        let running = inflight.get(key);
        if (!running) {
          running = resolve(profile, props)
            .then((creds) => {
              // Only temporary credentials are kept, and only in memory.
              if (creds.expiration) cache.set(key, creds);
              else cache.delete(key);
              return creds;
            })
            .finally(() => inflight.delete(key));
          inflight.set(key, running);
        }
        return running;
      };
    },
    forget(profile) {
      cache.delete(keyOf(profile));
    },
  };
}

function noPromptError(req: { profile: string; mfaSerial: string }): KeeperError {
  // The temporary session lives in the memory of the process that asked for the code, so another
  // process's answer cannot help this one: only something that can ask here, or no MFA, can.
  return new KeeperError(
    'signin-required',
    `AWS profile "${req.profile}" needs an MFA code (device ${req.mfaSerial}) and nobody can be asked for it here (no terminal).`,
    'Run ecr-keeper watch in a terminal (it asks for the code there and reuses the session until it expires), use the ECR Keeper app (it asks in its window), or use a profile without mfa_serial, such as an SSO profile.',
    { action: { kind: 'enter-mfa', profile: req.profile } },
  );
}

/** A GetAuthorizationToken answer is a few KB; anything past this is refused, not buffered. */
export const MAX_API_ANSWER_BYTES = 1024 * 1024;

export function answerTooLarge(api: string): KeeperError {
  return new KeeperError(
    'server',
    `The ${api} sent an answer larger than ${MAX_API_ANSWER_BYTES / 1024 / 1024} MB; it was refused.`,
    'Check the API endpoint setting (AWS_ENDPOINT_URL_ECR, endpoint_url, --api-endpoint): it does not look like the ECR API.',
  );
}

/**
 * The SDK's HTTP handler with a bound on what one answer may hold: a declared length over the
 * bound fails at once; an undeclared one fails as soon as the bound is passed while streaming.
 */
async function cappedRequestHandler(
  api: string,
  options: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean },
) {
  const [{ NodeHttpHandler }, { Transform }] = await Promise.all([
    import('@smithy/node-http-handler'),
    import('node:stream'),
  ]);
  class CappedHttpHandler extends NodeHttpHandler {
    override async handle(...args: Parameters<InstanceType<typeof NodeHttpHandler>['handle']>) {
      const out = await super.handle(...args);
      const body = out.response.body as import('node:stream').Readable;
      const declared = Number(out.response.headers['content-length'] ?? out.response.headers['Content-Length']);
      if (Number.isFinite(declared) && declared > MAX_API_ANSWER_BYTES) {
        body.destroy?.();
        throw answerTooLarge(api);
      }
      let seen = 0;
      const capped = new Transform({
        transform(chunk: Buffer, _enc, done) {
          seen += chunk.length;
          if (seen > MAX_API_ANSWER_BYTES) {
            body.destroy();
            done(answerTooLarge(api));
          } else done(null, chunk);
        },
      });
      body.on('error', (err) => capped.destroy(err));
      out.response.body = body.pipe(capped);
      return out;
    }
  }
  return new CappedHttpHandler(options);
}

const defaultClientFactory: TokenClientFactory = async (kind, cfg) => {
  const common = {
    region: cfg.region,
    credentials: cfg.credentials,
    maxAttempts: cfg.maxAttempts,
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    ...(cfg.profile ? { profile: cfg.profile } : {}),
    requestHandler: await cappedRequestHandler(kind === 'public' ? 'ECR Public API' : 'ECR API', {
      connectionTimeout: Math.min(cfg.requestTimeoutMs, 10_000),
      requestTimeout: cfg.requestTimeoutMs,
      throwOnRequestTimeout: true,
    }),
  };
  if (kind === 'public') {
    const { ECRPUBLICClient, GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr-public');
    const client = new ECRPUBLICClient(common);
    return {
      async getAuthorizationToken(signal) {
        const out = await client.send(new GetAuthorizationTokenCommand({}), { abortSignal: signal });
        const data = out.authorizationData;
        return { authorizationToken: data?.authorizationToken, expiresAt: data?.expiresAt };
      },
      destroy: () => client.destroy(),
    };
  }
  const { ECRClient, GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr');
  const client = new ECRClient(common);
  return {
    async getAuthorizationToken(signal) {
      const out = await client.send(new GetAuthorizationTokenCommand({}), { abortSignal: signal });
      const data = out.authorizationData?.[0];
      return {
        authorizationToken: data?.authorizationToken,
        expiresAt: data?.expiresAt,
        proxyEndpoint: data?.proxyEndpoint,
      };
    },
    destroy: () => client.destroy(),
  };
};

// ---- error classification -------------------------------------------------------------------

interface ErrorShape {
  name: string;
  code: string;
  message: string;
  status: number | undefined;
  fault: string | undefined;
}

function shapeOf(err: unknown): ErrorShape {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as Record<string, unknown>;
  const cause = (typeof e.cause === 'object' && e.cause !== null ? e.cause : {}) as Record<string, unknown>;
  const meta = (typeof e.$metadata === 'object' && e.$metadata !== null ? e.$metadata : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const status =
    typeof meta.httpStatusCode === 'number'
      ? meta.httpStatusCode
      : typeof e.statusCode === 'number'
        ? e.statusCode
        : undefined;
  return {
    name: str(e.name) || str(e.__type),
    code: str(e.code) || str(e.Code) || str(cause.code),
    message: str(e.message) || str(e.Message),
    status,
    fault: str(e.$fault) || undefined,
  };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'ECONNABORTED',
  'EPROTO',
]);
const TLS_CODES =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/;
const INVALID_KEY_NAMES = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'AuthFailure',
  'MissingAuthenticationTokenException',
]);
const SKEW_NAMES = new Set(['RequestTimeTooSkewed', 'RequestExpired', 'RequestInTheFuture']);
const THROTTLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ThrottledException',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
]);

/**
 * Maps anything the SDK or a credential provider throws to a KeeperError with a category and a fix
 * a person can act on. Pure: the environment only names the shared files in messages.
 */
export function classifyAwsError(err: unknown, req: TokenRequest, env: NodeJS.ProcessEnv = process.env): KeeperError {
  if (err instanceof KeeperError) return err;
  const { name, code, message, status, fault } = shapeOf(err);
  // One line: provider messages (credential_process output) can span several.
  const text = sanitize(message).replace(/\s+/g, ' ').slice(0, 300);
  const api = apiName(req);
  const profileArg = req.profile ? ` --profile ${req.profile}` : '';
  // A registry without a profile uses the default chain, whose profile AWS_PROFILE may name.
  const profileLabel = req.profile
    ? `profile "${req.profile}"`
    : env.AWS_PROFILE
      ? `profile "${env.AWS_PROFILE}" (from AWS_PROFILE)`
      : 'the default AWS profile';
  const configFile = env.AWS_CONFIG_FILE || '~/.aws/config';
  const credsFile = env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials';
  const make = (
    category: ConstructorParameters<typeof KeeperError>[0],
    msg: string,
    fix: string,
    action?: ErrorAction,
  ) => new KeeperError(category, msg, fix, { cause: err, action });
  const mfa: ErrorAction | undefined = req.profile ? { kind: 'enter-mfa', profile: req.profile } : undefined;

  if (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    code === 'ETIMEDOUT' ||
    code === 'ESOCKETTIMEDOUT' ||
    /\btimed out\b/i.test(message)
  ) {
    return make(
      'timeout',
      `The ${api} did not answer in time.`,
      'Check your network connection or proxy; the keeper will try again.',
    );
  }

  // The SDK's endpoint rules refused the settings before anything was sent (FIPS or dual-stack
  // asked for with a custom API endpoint, or where AWS has no such endpoint): trying again cannot help.
  if (name === 'EndpointError') {
    return make(
      'config',
      `The settings for the ${api} do not go together: ${text}`,
      `Check use_fips_endpoint and use_dualstack_endpoint for ${profileLabel} in ${configFile} (or AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT) against the registry's region and API endpoint.`,
    );
  }

  // Credential-provider failures come first: their messages mention profiles and SSO, not ECR.
  const missingProfile = /Profile '?([^'\s]+?)'? (?:could not be found|was not found)/.exec(message);
  if (missingProfile) {
    const p = missingProfile[1] ?? req.profile ?? 'default';
    return make(
      'profile-not-found',
      `AWS profile "${p}" was not found in ${configFile} or ${credsFile}.`,
      `Add a [profile ${p}] section to ${configFile} (or [${p}] to ${credsFile}), or choose an existing profile.`,
    );
  }
  const missingSession = /Sso session '([^']+)' (?:could not be found|is missing required property '([^']+)')/.exec(
    message,
  );
  if (missingSession) {
    return make(
      'config',
      `The SSO session "${missingSession[1]}" used by ${profileLabel} is not configured correctly in ${configFile}.`,
      `Run aws configure sso${profileArg} to set it up again.`,
    );
  }
  if (/requires multi-factor authentication/i.test(message)) {
    // The SDK says this only when no MFA callback was given (our resolver always gives one).
    return make(
      'mfa-required',
      `${cap(profileLabel)} needs an MFA code.`,
      'Run ecr-keeper login in a terminal or use the ECR Keeper window to enter the code from your MFA device.',
      mfa,
    );
  }
  // STS AssumeRole with a wrong, stale or reused code (AccessDenied, so before the generic rule).
  if (/MultiFactorAuthentication failed|invalid MFA one time pass code|unable to validate MFA code/i.test(message)) {
    return make(
      'mfa-required',
      `AWS did not accept the MFA code for ${profileLabel} (wrong, expired or already used).`,
      'Refresh again and enter the current 6-digit code from your MFA device (each code works once).',
      mfa,
    );
  }
  if (
    /SSO session (?:associated with this profile )?(?:has expired|is invalid)|SSO session token|Token is expired|SSO Token|sso.*aws sso login|Session token not found or invalid/i.test(
      message,
    ) ||
    (name === 'UnauthorizedException' && /session|token/i.test(message))
  ) {
    return make(
      'signin-required',
      `The AWS SSO session for ${profileLabel} has expired or is missing.`,
      `Run: aws sso login${profileArg}`,
      req.profile ? { kind: 'sso-login', profile: req.profile } : undefined,
    );
  }
  // GetRoleCredentials refused: the SSO user is not assigned this account / permission set.
  if (
    /^ForbiddenException\b|ForbiddenException: /.test(
      name === 'ForbiddenException' ? `ForbiddenException: ${message}` : message,
    )
  ) {
    return make(
      'access-denied',
      `AWS SSO refused role credentials for ${profileLabel}: your SSO user has no access to its sso_account_id / sso_role_name.`,
      `Check sso_account_id and sso_role_name of ${req.profile ? `[profile ${req.profile}]` : 'the profile'} in ${configFile}, or ask your administrator to assign that permission set.`,
    );
  }
  if (/Detected a cycle attempting to resolve credentials/i.test(message)) {
    return make(
      'config',
      `The source_profile settings of ${profileLabel} form a loop.`,
      `Fix source_profile in ${configFile} so the role chain ends at a profile with keys (or SSO).`,
    );
  }
  if (
    /Unsupported credential source|Conflicting SSO|is configured with invalid SSO credentials|is not configured with SSO credentials/i.test(
      message,
    )
  ) {
    return make(
      'config',
      `${cap(profileLabel)} is not configured correctly: ${text}`,
      `Fix the profile in ${configFile} (aws configure${profileArg === '' ? '' : ` sso${profileArg}`} can rewrite it).`,
    );
  }
  if (/credential_process|Command failed:/i.test(message)) {
    return make(
      'credentials',
      `The credential_process of ${profileLabel} failed: ${text}`,
      `Run the credential_process command from ${configFile} in a terminal to see why it fails.`,
    );
  }
  if (code === 'ENOENT' || /ENOENT: no such file/.test(message)) {
    const path = /'([^']+)'/.exec(message)?.[1];
    return make(
      'config',
      `A file named in the AWS configuration of ${profileLabel} does not exist${path ? `: ${path}` : ''}.`,
      `Fix the path (e.g. web_identity_token_file) in ${configFile}, or create the file.`,
    );
  }
  if (
    name === 'CredentialsProviderError' ||
    /Could not load credentials|Could not resolve credentials using profile/i.test(message)
  ) {
    return make(
      'credentials',
      `No AWS credentials found for ${profileLabel}.`,
      req.profile
        ? `Give profile "${req.profile}" credentials in ${credsFile} or ${configFile} (run aws configure${profileArg}, or aws configure sso${profileArg}).`
        : 'Choose an AWS profile for this registry, or run aws configure (or aws configure sso) to set up credentials.',
    );
  }

  // Real AWS reports a stale clock as InvalidSignatureException "Signature expired: ..." (JSON
  // protocols) or SignatureDoesNotMatch/RequestExpired with a time hint (query protocols).
  if (
    SKEW_NAMES.has(name) ||
    /Signature expired|Signature not yet current|time ?(?:too )?skew|clock skew|request time/i.test(message)
  ) {
    return make(
      'clock-skew',
      `The ${api} rejected the request because this computer's clock is off.`,
      'Set the system clock automatically (enable NTP / network time), then try again.',
    );
  }
  if (name.startsWith('ExpiredToken') || /security token included in the request is expired/i.test(message)) {
    return make(
      'credentials',
      `The AWS session credentials for ${profileLabel} have expired.`,
      `Refresh the session credentials${req.profile ? ` of profile "${req.profile}"` : ''} (new keys, a new MFA session, or aws sso login${profileArg}).`,
    );
  }
  if (INVALID_KEY_NAMES.has(name)) {
    return make(
      'credentials',
      `AWS rejected the keys of ${profileLabel}: the keys are invalid or expired.`,
      `Update the access keys in ${credsFile} (aws configure${profileArg}) with an active key pair.`,
    );
  }
  if (
    /^AccessDenied/.test(name) ||
    name === 'UnauthorizedOperation' ||
    (status === 403 && /not authorized/i.test(message))
  ) {
    const perm =
      /perform: ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(message)?.[1] ??
      (req.kind === 'public'
        ? 'ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken'
        : 'ecr:GetAuthorizationToken');
    if (perm === 'sts:AssumeRole') {
      const role = /on resource: (arn:[^\s]+)/.exec(message)?.[1];
      return make(
        'access-denied',
        `Access denied: ${profileLabel} cannot assume ${role ? `role ${role}` : 'its role'} (sts:AssumeRole).${text ? ` AWS said: ${text}` : ''}`,
        "Check role_arn and source_profile in the AWS config, and ask your administrator to allow this identity in the role's trust policy.",
      );
    }
    const also =
      req.kind === 'public' && !perm.includes('sts:GetServiceBearerToken') && !perm.startsWith('sts:')
        ? ' (ECR Public also needs sts:GetServiceBearerToken)'
        : '';
    return make(
      'access-denied',
      `Access denied: ${profileLabel} is not allowed to call ${perm}${also}.${text ? ` AWS said: ${text}` : ''}`,
      `Ask your AWS administrator to allow ${perm}${also} on resource "*" for this identity, or use another profile.`,
    );
  }
  if (THROTTLE_NAMES.has(name) || status === 429) {
    return make(
      'throttled',
      `The ${api} is throttling requests (too many calls for this account and region).`,
      'Nothing to do: the keeper retries later with backoff. If it persists, stop other tools calling GetAuthorizationToken in a tight loop.',
    );
  }
  if (
    NETWORK_CODES.has(code) ||
    /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH)\b/.test(message) ||
    name === 'NetworkingError'
  ) {
    return make(
      'network',
      `Cannot reach the ${api}${req.apiEndpoint ? ` at ${req.apiEndpoint}` : ''} (${code || 'network error'}).`,
      req.apiEndpoint
        ? 'Check that the API endpoint is right and reachable, and that you are online.'
        : 'Check that you are online and that DNS and any proxy (HTTPS_PROXY) work; the keeper will try again.',
    );
  }
  if (TLS_CODES.test(code)) {
    return make(
      'network',
      `The TLS certificate of the ${api} could not be verified (${code}).`,
      'If you are behind a TLS-inspecting proxy, point NODE_EXTRA_CA_CERTS at its CA certificate.',
    );
  }
  if (
    (status !== undefined && status >= 500) ||
    fault === 'server' ||
    /^(ServerException|InternalFailure|InternalError|ServiceUnavailable(Exception)?)$/.test(name)
  ) {
    return make(
      'server',
      `The ${api} had an internal error${status ? ` (HTTP ${status})` : ''}.`,
      'Nothing to do: AWS-side problem; the keeper retries later.',
    );
  }
  if (/Region is missing|Invalid region/i.test(message)) {
    return make('config', `No valid AWS region for ${profileLabel}.`, 'Set the region on the registry.');
  }
  return make(
    'internal',
    `The ${api} call failed: ${name ? `${name}: ` : ''}${text || 'unknown error'}`,
    'Try again; if it keeps happening, report it with the activity log.',
  );
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
