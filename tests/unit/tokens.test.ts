import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeeperError } from '../../src/core/errors';
import {
  accountFromProxyEndpoint,
  classifyAwsError,
  createTokenSource,
  tokenKey,
  type RawAuthorizationData,
  type TokenClientConfig,
  type TokenClientFactory,
  type TokenRequest,
} from '../../src/core/tokens';

const PRIVATE: TokenRequest = { kind: 'private', region: 'eu-west-1', profile: 'prod' };
const PUBLIC: TokenRequest = { kind: 'public', region: 'us-east-1' };
const NO_ENV = {};

/** An error shaped like the SDK's ServiceException (name, $fault, $metadata). */
function sdkError(
  name: string,
  message: string,
  status = 400,
  fault: 'client' | 'server' = status >= 500 ? 'server' : 'client',
): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status, requestId: 'r-1', attempts: 1, totalRetryDelay: 0 },
    __type: name,
  });
}
/** Credential providers throw plain errors named CredentialsProviderError / TokenProviderError. */
function providerError(message: string, name = 'CredentialsProviderError'): Error {
  return Object.assign(new Error(message), { name, tryNextLink: false });
}
function nodeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, errno: -111, syscall: 'connect', $metadata: { attempts: 2 } });
}

function categoryOf(err: unknown, req: TokenRequest = PRIVATE): string {
  const k = classifyAwsError(err, req, NO_ENV);
  assert.ok(k instanceof KeeperError);
  assert.ok(k.fix.length > 0 && !k.fix.includes('\n'), 'fix is one line');
  return k.category;
}

describe('classifyAwsError', () => {
  it('throttling', () => {
    assert.equal(categoryOf(sdkError('ThrottlingException', 'Rate exceeded')), 'throttled');
    assert.equal(categoryOf(sdkError('TooManyRequestsException', 'Too many requests', 429)), 'throttled');
    assert.equal(categoryOf(sdkError('SomethingElse', 'slow down', 429)), 'throttled');
  });

  it('access denied names the permission AWS says is missing', () => {
    const k = classifyAwsError(
      sdkError(
        'AccessDeniedException',
        'User: arn:aws:iam::123456789012:user/x is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action',
      ),
      PRIVATE,
      NO_ENV,
    );
    assert.equal(k.category, 'access-denied');
    assert.match(k.message, /ecr:GetAuthorizationToken/);
    assert.match(k.fix, /ecr:GetAuthorizationToken/);
  });

  it('access denied on ECR Public names sts:GetServiceBearerToken', () => {
    const sts = classifyAwsError(
      sdkError(
        'AccessDeniedException',
        'User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:GetServiceBearerToken on resource: *',
      ),
      PUBLIC,
      NO_ENV,
    );
    assert.equal(sts.category, 'access-denied');
    assert.match(sts.fix, /sts:GetServiceBearerToken/);
    const pub = classifyAwsError(
      sdkError(
        'AccessDeniedException',
        'User: arn:aws:iam::123456789012:user/x is not authorized to perform: ecr-public:GetAuthorizationToken on resource: *',
      ),
      PUBLIC,
      NO_ENV,
    );
    assert.match(pub.fix, /ecr-public:GetAuthorizationToken/);
    assert.match(pub.fix, /sts:GetServiceBearerToken/);
    const bare = classifyAwsError(sdkError('AccessDenied', 'Access Denied', 403), PUBLIC, NO_ENV);
    assert.match(bare.fix, /ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken/);
  });

  it('invalid or expired keys are a credentials problem', () => {
    for (const [name, msg] of [
      ['UnrecognizedClientException', 'The security token included in the request is invalid.'],
      ['InvalidClientTokenId', 'The security token included in the request is invalid.'],
      ['ExpiredTokenException', 'The security token included in the request is expired'],
      ['ExpiredToken', 'The security token included in the request is expired'],
      [
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      ],
    ] as const) {
      const k = classifyAwsError(
        sdkError(name, msg, name === 'InvalidSignatureException' ? 403 : 400),
        PRIVATE,
        NO_ENV,
      );
      assert.equal(k.category, 'credentials', name);
    }
    assert.match(
      classifyAwsError(
        sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
        PRIVATE,
        NO_ENV,
      ).message,
      /invalid or expired/,
    );
  });

  it('clock skew', () => {
    assert.equal(
      categoryOf(
        sdkError(
          'InvalidSignatureException',
          'Signature expired: 20240101T000000Z is now earlier than 20240101T010000Z (20240101T011500Z - 15 min.)',
          403,
        ),
      ),
      'clock-skew',
    );
    assert.equal(
      categoryOf(
        sdkError(
          'SignatureDoesNotMatch',
          'Signature not yet current: 20240101T020000Z is still later than 20240101T011500Z',
          403,
        ),
      ),
      'clock-skew',
    );
    assert.equal(
      categoryOf(
        sdkError(
          'RequestTimeTooSkewed',
          'The difference between the request time and the current time is too large.',
          403,
        ),
      ),
      'clock-skew',
    );
  });

  it('no credentials at all', () => {
    const k = classifyAwsError(
      providerError('Could not load credentials from any providers'),
      { kind: 'private', region: 'us-east-1' },
      NO_ENV,
    );
    assert.equal(k.category, 'credentials');
    assert.match(k.fix, /aws configure/);
    assert.equal(
      categoryOf(
        providerError('Could not resolve credentials using profile: [prod] in configuration/credentials file(s).'),
      ),
      'credentials',
    );
  });

  it('profile not found names the shared files, honouring AWS_CONFIG_FILE', () => {
    const k = classifyAwsError(
      providerError('Profile prod could not be found in shared credentials file.'),
      PRIVATE,
      NO_ENV,
    );
    assert.equal(k.category, 'profile-not-found');
    assert.match(k.message, /~\/\.aws\/config/);
    assert.match(k.message, /~\/\.aws\/credentials/);
    const e = classifyAwsError(providerError('Profile prod was not found.'), PRIVATE, {
      AWS_CONFIG_FILE: '/etc/aws/cfg',
      AWS_SHARED_CREDENTIALS_FILE: '/etc/aws/creds',
    });
    assert.equal(e.category, 'profile-not-found');
    assert.match(e.fix, /\/etc\/aws\/cfg/);
    assert.match(e.fix, /\/etc\/aws\/creds/);
    assert.equal(
      categoryOf(providerError("Profile 'prod' could not be found in shared credentials file.", 'TokenProviderError')),
      'profile-not-found',
    );
  });

  it('SSO session expired or missing asks for aws sso login with the profile', () => {
    for (const err of [
      providerError(
        'The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.',
      ),
      providerError(
        "Token is expired. To refresh this SSO session run 'aws sso login' with the corresponding profile.",
        'TokenProviderError',
      ),
      providerError(
        "Value not present for 'accessToken' in SSO Token. To refresh this SSO session run 'aws sso login' with the corresponding profile.",
        'TokenProviderError',
      ),
      providerError(
        "The SSO session token associated with profile=prod was not found or is invalid. To refresh this SSO session run 'aws sso login' with the corresponding profile.",
        'TokenProviderError',
      ),
      sdkError('UnauthorizedException', 'Session token not found or invalid', 401),
    ]) {
      const k = classifyAwsError(err, PRIVATE, NO_ENV);
      assert.equal(k.category, 'signin-required', err.message);
      assert.equal(k.fix, 'Run: aws sso login --profile prod');
    }
  });

  it('MFA needed', () => {
    assert.equal(
      categoryOf(
        providerError('Profile prod requires multi-factor authentication, but no MFA code callback was provided.'),
      ),
      'mfa-required',
    );
  });

  it('network failures', () => {
    assert.equal(categoryOf(nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')), 'network');
    assert.equal(
      categoryOf(nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.ecr.eu-west-1.amazonaws.com')),
      'network',
    );
    assert.equal(
      categoryOf(nodeError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN api.ecr.eu-west-1.amazonaws.com')),
      'network',
    );
    assert.equal(categoryOf(Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNRESET' } })), 'network');
    assert.equal(
      categoryOf(nodeError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain')),
      'network',
    );
  });

  it('timeouts', () => {
    assert.equal(
      categoryOf(
        Object.assign(
          new Error(
            '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 20000 ms requestTimeout.',
          ),
          { name: 'TimeoutError', code: 'ETIMEDOUT' },
        ),
      ),
      'timeout',
    );
    assert.equal(categoryOf(Object.assign(new Error('Request aborted'), { name: 'AbortError' })), 'timeout');
  });

  it('server errors', () => {
    assert.equal(categoryOf(sdkError('ServerException', 'We encountered an internal error.', 500)), 'server');
    assert.equal(categoryOf(sdkError('ServiceUnavailable', 'Service Unavailable', 503)), 'server');
  });

  it('anything else is internal, and KeeperErrors pass through', () => {
    assert.equal(categoryOf(new TypeError('x is undefined')), 'internal');
    const ke = new KeeperError('timeout', 'm', 'f');
    assert.equal(classifyAwsError(ke, PRIVATE, NO_ENV), ke);
  });

  it('does not echo long secrets from messages', () => {
    const secretish = 'QVdTOnNlY3JldA'.repeat(8);
    const k = classifyAwsError(sdkError('Weird', `oops ${secretish}`), PRIVATE, NO_ENV);
    assert.ok(!k.message.includes(secretish));
  });
});

describe('accountFromProxyEndpoint / tokenKey', () => {
  it('parses the account from ECR proxy endpoints and rejects look-alikes', () => {
    assert.equal(accountFromProxyEndpoint('https://123456789012.dkr.ecr.eu-west-1.amazonaws.com'), '123456789012');
    assert.equal(accountFromProxyEndpoint('https://210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn'), '210987654321');
    assert.equal(accountFromProxyEndpoint('123456789012.dkr.ecr.us-gov-west-1.amazonaws.com'), '123456789012');
    assert.equal(
      accountFromProxyEndpoint('https://123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example'),
      undefined,
    );
    assert.equal(accountFromProxyEndpoint('https://public.ecr.aws'), undefined);
    assert.equal(accountFromProxyEndpoint('not a url'), undefined);
  });

  it('keys by kind, profile, region and endpoint; every public registry shares one key', () => {
    assert.notEqual(tokenKey(PRIVATE), tokenKey({ ...PRIVATE, profile: 'dev' }));
    assert.notEqual(tokenKey(PRIVATE), tokenKey({ ...PRIVATE, region: 'eu-west-2' }));
    assert.notEqual(tokenKey(PRIVATE), tokenKey({ ...PRIVATE, apiEndpoint: 'https://vpce.example' }));
    assert.equal(tokenKey({ kind: 'public', region: 'us-east-1' }), tokenKey({ kind: 'public', region: 'eu-west-1' }));
  });
});

describe('createTokenSource with a fake client', () => {
  const HOUR = 3600_000;
  function fake(opts: { lifetimeMs?: number; delayMs?: number; fail?: () => unknown } = {}) {
    let now = Date.UTC(2025, 0, 1);
    const seen: { kind: string; config: TokenClientConfig }[] = [];
    let n = 0;
    const factory: TokenClientFactory = (kind, config) => {
      seen.push({ kind, config });
      return {
        async getAuthorizationToken(): Promise<RawAuthorizationData> {
          n += 1;
          if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
          if (opts.fail) throw opts.fail();
          return {
            authorizationToken: Buffer.from(`AWS:pw-${n}`).toString('base64'),
            expiresAt: new Date(now + (opts.lifetimeMs ?? 12 * HOUR)),
            proxyEndpoint:
              kind === 'private' ? `https://123456789012.dkr.ecr.${config.region}.amazonaws.com` : undefined,
          };
        },
      };
    };
    const source = createTokenSource({
      clock: () => now,
      clientFactory: factory,
      credentials: () => () =>
        Promise.resolve({
          accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        }),
      env: {},
    });
    // API calls made, counted where they arrive: the client's getAuthorizationToken.
    return {
      source,
      seen,
      calls: () => n,
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  it('decodes the token', async () => {
    const { source, seen } = fake();
    const t = await source.get(PRIVATE);
    assert.equal(t.username, 'AWS');
    assert.equal(t.password, 'pw-1');
    assert.equal(t.proxyEndpoint, 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com');
    assert.equal(seen[0].config.region, 'eu-west-1');
    assert.equal(seen[0].config.profile, 'prod');
    assert.ok(!('endpoint' in seen[0].config), 'no explicit endpoint unless configured');
    assert.ok(seen[0].config.maxAttempts <= 3);
  });

  it('ten concurrent gets make one call', async () => {
    const { source, calls, seen } = fake({ delayMs: 20 });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => source.get(PRIVATE)));
    assert.equal(seen.length, 1);
    assert.equal(calls(), 1);
    assert.ok(tokens.every((t) => t === tokens[0]));
  });

  it('different keys make separate calls; public always goes to us-east-1 without proxyEndpoint', async () => {
    const { source, calls, seen } = fake();
    await Promise.all([
      source.get(PRIVATE),
      source.get({ ...PRIVATE, region: 'us-west-2' }),
      source.get({ kind: 'public', region: 'eu-west-1' }),
    ]);
    assert.equal(calls(), 3);
    const pub = seen.find((s) => s.kind === 'public')!;
    assert.equal(pub.config.region, 'us-east-1');
    const t = await source.get(PUBLIC);
    assert.equal(t.proxyEndpoint, undefined);
    assert.equal(calls(), 3, 'cached');
  });

  it('reuses the cached token until it gets within minValidityMs of expiry', async () => {
    const { source, calls, advance } = fake();
    const a = await source.get(PRIVATE);
    advance(11 * HOUR);
    assert.equal(await source.get(PRIVATE), a, 'one hour left > 5 min default');
    assert.equal(calls(), 1);
    const b = await source.get(PRIVATE, { minValidityMs: 2 * HOUR });
    assert.notEqual(b, a);
    assert.equal(b.password, 'pw-2');
    assert.equal(calls(), 2);
    advance(12 * HOUR - 4 * 60_000);
    await source.get(PRIVATE);
    assert.equal(calls(), 3, 'under 5 minutes left forces a new call');
  });

  it('force bypasses the cache but joins a call in flight', async () => {
    const { source, calls } = fake({ delayMs: 20 });
    await source.get(PRIVATE);
    await source.get(PRIVATE, { force: true });
    assert.equal(calls(), 2);
    const [x, y] = await Promise.all([source.get(PRIVATE, { force: true }), source.get(PRIVATE, { force: true })]);
    assert.equal(x, y);
    assert.equal(calls(), 3);
    source.forget(PRIVATE.profile);
    await source.get(PRIVATE);
    assert.equal(calls(), 4, 'a forgotten profile is fetched again');
  });

  it('a failure is classified, shared by joiners, not cached', async () => {
    const { source, calls } = fake({ delayMs: 10, fail: () => sdkError('ThrottlingException', 'Rate exceeded') });
    const results = await Promise.allSettled([source.get(PRIVATE), source.get(PRIVATE)]);
    assert.equal(calls(), 1);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.equal((r.reason as KeeperError).category, 'throttled');
    }
    await assert.rejects(source.get(PRIVATE));
    assert.equal(calls(), 2);
  });

  it('times out a call that never answers', async () => {
    const source = createTokenSource({
      requestTimeoutMs: 50,
      env: {},
      credentials: () => () => Promise.resolve({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' }),
      clientFactory: () => ({
        getAuthorizationToken: (signal) =>
          new Promise((_, reject) =>
            signal.addEventListener('abort', () =>
              reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })),
            ),
          ),
      }),
    });
    await assert.rejects(source.get(PRIVATE), (e: KeeperError) => e.category === 'timeout');
  });

  it('a malformed token is reported without its contents', async () => {
    const source = createTokenSource({
      env: {},
      credentials: () => () => Promise.resolve({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' }),
      clientFactory: () => ({
        getAuthorizationToken: () =>
          Promise.resolve({
            authorizationToken: Buffer.from('no-colon-secret').toString('base64'),
            expiresAt: new Date(),
          }),
      }),
    });
    await assert.rejects(
      source.get(PRIVATE),
      (e: KeeperError) => e.category === 'server' && !e.message.includes('no-colon-secret'),
    );
  });

  it('an injected environment supplies AWS_ENDPOINT_URL_ECR; apiEndpoint wins over it', async () => {
    const seen: TokenClientConfig[] = [];
    const source = createTokenSource({
      env: { AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:9/ecr', AWS_ENDPOINT_URL: 'http://127.0.0.1:9/all' },
      credentials: () => () => Promise.resolve({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' }),
      clientFactory: (_k, c) => {
        seen.push(c);
        return {
          getAuthorizationToken: () =>
            Promise.resolve({
              authorizationToken: Buffer.from('AWS:p').toString('base64'),
              expiresAt: new Date(Date.now() + 3600_000),
            }),
        };
      },
    });
    await source.get({ kind: 'private', region: 'us-east-1' });
    await source.get({ kind: 'public', region: 'us-east-1' });
    await source.get({ kind: 'private', region: 'us-east-2', apiEndpoint: 'http://127.0.0.1:9/explicit' });
    assert.deepEqual(
      seen.map((c) => c.endpoint),
      ['http://127.0.0.1:9/ecr', 'http://127.0.0.1:9/all', 'http://127.0.0.1:9/explicit'],
    );
  });
});
