// Every credential failure maps to a category, a message naming the profile, and a one-line fix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeeperError } from '../../src/core/errors';
import { classifyAwsError, type TokenRequest } from '../../src/core/tokens';
import { makeKeeper } from '../helpers/keeper-harness';

const REQ: TokenRequest = { kind: 'private', region: 'eu-west-1', profile: 'team' };
const PUB: TokenRequest = { kind: 'public', region: 'us-east-1', profile: 'team' };
const ENV = { AWS_CONFIG_FILE: '/cfg/config', AWS_SHARED_CREDENTIALS_FILE: '/cfg/credentials' };

const sdk = (name: string, message: string, status = 400) =>
  Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
const provider = (message: string, name = 'CredentialsProviderError') => Object.assign(new Error(message), { name });

interface Case {
  what: string;
  err: unknown;
  req?: TokenRequest;
  category: string;
  message: RegExp;
  fix: RegExp;
}

const CASES: Case[] = [
  {
    what: 'profile not found',
    err: provider('Profile team could not be found in shared credentials file.'),
    category: 'profile-not-found',
    message: /"team" was not found in \/cfg\/config or \/cfg\/credentials/,
    fix: /\[profile team\]/,
  },
  {
    what: 'SSO expired',
    err: provider(
      'The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.',
    ),
    category: 'signin-required',
    message: /SSO session for profile "team"/,
    fix: /^Run: aws sso login --profile team$/,
  },
  {
    what: 'SSO token rejected by the portal',
    err: provider('UnauthorizedException: Session token not found or invalid'),
    category: 'signin-required',
    message: /SSO/,
    fix: /aws sso login --profile team/,
  },
  {
    what: 'SSO role not assigned',
    err: provider('ForbiddenException: No access'),
    category: 'access-denied',
    message: /no access/,
    fix: /sso_account_id and sso_role_name/,
  },
  {
    what: 'MFA needed, no callback',
    err: provider('Profile team requires multi-factor authentication, but no MFA code callback was provided.'),
    category: 'mfa-required',
    message: /MFA code/,
    fix: /terminal|window/,
  },
  {
    what: 'MFA code wrong',
    err: sdk('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. ', 403),
    category: 'mfa-required',
    message: /did not accept the MFA code/,
    fix: /6-digit/,
  },
  {
    what: 'access denied: ecr',
    err: sdk(
      'AccessDeniedException',
      'User: arn:aws:iam::111122223333:user/x is not authorized to perform: ecr:GetAuthorizationToken on resource: *',
    ),
    category: 'access-denied',
    message: /ecr:GetAuthorizationToken/,
    fix: /allow ecr:GetAuthorizationToken/,
  },
  {
    what: 'access denied: ECR Public bearer token',
    req: PUB,
    err: sdk(
      'AccessDeniedException',
      'User: arn:aws:iam::111122223333:user/x is not authorized to perform: sts:GetServiceBearerToken on resource: *',
    ),
    category: 'access-denied',
    message: /sts:GetServiceBearerToken/,
    fix: /sts:GetServiceBearerToken/,
  },
  {
    what: 'access denied: assume role',
    err: sdk(
      'AccessDenied',
      'User: arn:aws:iam::111122223333:user/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/ecr',
      403,
    ),
    category: 'access-denied',
    message: /cannot assume role arn:aws:iam::111122223333:role\/ecr/,
    fix: /trust policy/,
  },
  {
    what: 'expired session keys',
    err: sdk('ExpiredTokenException', 'The security token included in the request is expired'),
    category: 'credentials',
    message: /expired/,
    fix: /aws sso login --profile team|new keys/,
  },
  {
    what: 'invalid keys',
    err: sdk('UnrecognizedClientException', 'The security token included in the request is invalid.'),
    category: 'credentials',
    message: /invalid or expired/,
    fix: /\/cfg\/credentials/,
  },
  {
    what: 'no credentials',
    err: provider('Could not resolve credentials using profile: [team] in configuration/credentials file(s).'),
    category: 'credentials',
    message: /No AWS credentials/,
    fix: /aws configure/,
  },
  {
    what: 'credential_process failed',
    err: provider('Command failed: /usr/bin/get-creds\nboom'),
    category: 'credentials',
    message: /credential_process/,
    fix: /credential_process command/,
  },
  {
    what: 'role chain loop',
    err: provider('Detected a cycle attempting to resolve credentials for profile team. Profiles visited: a, b'),
    category: 'config',
    message: /loop/,
    fix: /source_profile/,
  },
  {
    what: 'missing token file',
    err: Object.assign(new Error("ENOENT: no such file or directory, open '/var/run/token'"), { code: 'ENOENT' }),
    category: 'config',
    message: /\/var\/run\/token/,
    fix: /web_identity_token_file/,
  },
  {
    what: 'clock skew',
    err: sdk(
      'InvalidSignatureException',
      'Signature expired: 20240101T000000Z is now earlier than 20240101T010000Z (20240101T011500Z - 15 min.)',
      403,
    ),
    category: 'clock-skew',
    message: /clock/,
    fix: /NTP|network time/,
  },
  {
    what: 'no network',
    err: Object.assign(new Error('getaddrinfo ENOTFOUND api.ecr.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }),
    category: 'network',
    message: /Cannot reach/,
    fix: /online/,
  },
  {
    what: 'throttled',
    err: sdk('ThrottlingException', 'Rate exceeded'),
    category: 'throttled',
    message: /throttling/,
    fix: /retries later/,
  },
  {
    what: 'timeout',
    err: Object.assign(new Error('Request timed out'), { name: 'TimeoutError' }),
    category: 'timeout',
    message: /did not answer/,
    fix: /network/,
  },
];

it("the SDK's endpoint rules refusing the settings (FIPS with a custom API endpoint) is a settings problem", async () => {
  // The real SDK: its endpoint rules throw before anything is sent.
  const { ECRClient, GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr');
  const client = new ECRClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    useFipsEndpoint: true,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'not-a-real-secret' },
  });
  const err = await client.send(new GetAuthorizationTokenCommand({})).then(
    () => assert.fail('the SDK sent it'),
    (e: unknown) => e,
  );
  client.destroy();
  const k = classifyAwsError(err, REQ, ENV);
  assert.equal(k.category, 'config');
  assert.match(k.message, /^The settings for the ECR API in eu-west-1 do not go together: .*FIPS and custom endpoint/);
  assert.match(k.fix, /use_fips_endpoint and use_dualstack_endpoint for profile "team" in \/cfg\/config/);
});

describe('credential failures: category, message, one-line fix', () => {
  for (const c of CASES) {
    it(c.what, () => {
      const k = classifyAwsError(c.err, c.req ?? REQ, ENV);
      assert.ok(k instanceof KeeperError);
      assert.equal(k.category, c.category);
      assert.match(k.message, c.message);
      assert.match(k.fix, c.fix);
      assert.ok(k.fix.length > 10 && !k.fix.includes('\n'), 'one line');
      assert.ok(!k.message.includes('\n'), 'message is one line too');
    });
  }

  it('no credentials for a registry on the default chain names the profile AWS_PROFILE picked', () => {
    const err = provider('Could not load credentials from any providers');
    const req: TokenRequest = { kind: 'private', region: 'eu-west-1' };
    assert.match(
      classifyAwsError(err, req, { ...ENV, AWS_PROFILE: 'ci' }).message,
      /profile "ci" \(from AWS_PROFILE\)/,
    );
    assert.match(classifyAwsError(err, req, ENV).message, /the default AWS profile/);
  });

  it('throttling: the snapshot says when the keeper tries again', async () => {
    const { keeper, s } = makeKeeper();
    keeper.addRegistry({ name: 'prod', region: 'eu-west-1', accountId: '111122223333', profile: 'team' });
    s.tokenFailures.push(classifyAwsError(sdk('ThrottlingException', 'Rate exceeded'), REQ, ENV));
    const snap = await keeper.refresh('prod');
    assert.equal(snap.state, 'error');
    assert.equal(snap.error?.category, 'throttled');
    assert.ok(
      snap.error?.retryAt && Date.parse(snap.error.retryAt) > Date.parse(snap.lastAttempt!),
      'a retry time in the future',
    );
  });

  it('SSO expiry and MFA put the registry in signin-required; refreshProfile retries that profile only', async () => {
    const { keeper, s } = makeKeeper();
    keeper.addRegistry({ name: 'a', region: 'eu-west-1', accountId: '111122223333', profile: 'team' });
    keeper.addRegistry({ name: 'b', region: 'us-east-1', accountId: '111122223333', profile: 'team' });
    // Another account: two registries may not share a host and tool.
    keeper.addRegistry({ name: 'c', region: 'us-east-1', accountId: '444455556666', profile: 'other' });
    const expired = classifyAwsError(
      provider(
        'The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.',
      ),
      REQ,
      ENV,
    );
    s.tokenFailures.push(expired, expired);
    const first = await Promise.all([keeper.refresh('a'), keeper.refresh('b')]);
    assert.deepEqual(
      first.map((r) => r.state),
      ['signin-required', 'signin-required'],
    );
    assert.equal(first[0].error?.fix, 'Run: aws sso login --profile team');
    s.tokenCalls.length = 0;
    const again = await keeper.refreshProfile('team');
    assert.deepEqual(
      again.map((r) => [r.name, r.state]),
      [
        ['a', 'valid'],
        ['b', 'valid'],
      ],
    );
    assert.deepEqual(
      s.tokenCalls.map((c) => c.profile),
      ['team', 'team'],
      'registry c untouched',
    );
  });

  it('keeper.signIn runs the injected sign-in, then refreshes; a failed sign-in is reported and thrown', async () => {
    const { keeper } = makeKeeper();
    await assert.rejects(keeper.signIn('team'), (e: unknown) => e instanceof KeeperError, 'no sign-in wired');
  });
});
