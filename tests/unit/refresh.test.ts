// refreshRegistry: one refresh as a function of the registry and stand-ins for the token source and
// the login runner (named as such), checked by the Outcome it returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeeperError } from '../../src/core/errors';
import {
  refreshRegistry,
  type DiskView,
  type LoginProvider,
  type RefreshDeps,
  type TokenProvider,
} from '../../src/core/refresh';
import type { Registry } from '../../src/core/registry';

const PASSWORD = 'stand-in-password-0123456789';
const reg = (over: Partial<Registry> = {}): Registry => ({
  id: 'r1',
  name: 'prod',
  kind: 'private',
  region: 'eu-west-1',
  accountId: '123456789012',
  tool: 'docker',
  enabled: true,
  autoRefresh: true,
  ...over,
});

function standIns(
  opts: {
    storage?: DiskView['storage']['storage'];
    tokenError?: KeeperError;
    loginError?: KeeperError;
    proxyAccount?: string;
    noInspect?: boolean;
  } = {},
) {
  const calls = { tokens: 0, logins: [] as string[] };
  const tokens: TokenProvider = {
    get() {
      calls.tokens += 1;
      if (opts.tokenError) return Promise.reject(opts.tokenError);
      return Promise.resolve({
        username: 'AWS',
        password: PASSWORD,
        expiresAt: new Date(Date.UTC(2026, 0, 1, 12)),
        proxyEndpoint: `https://${opts.proxyAccount ?? '123456789012'}.dkr.ecr.eu-west-1.amazonaws.com`,
      });
    },
  };
  const login: LoginProvider = {
    login(req) {
      calls.logins.push(req.host);
      if (opts.loginError) return Promise.reject(opts.loginError);
      return Promise.resolve({ warnings: ['WARNING! Your password will be stored unencrypted'], fingerprint: 'fp-1' });
    },
    ...(opts.noInspect
      ? {}
      : {
          inspect: () =>
            Promise.resolve<DiskView>({ storage: { storage: opts.storage ?? 'plaintext' }, present: true }),
        }),
  };
  const deps = (over: Partial<RefreshDeps> = {}): RefreshDeps => ({
    tokens,
    login,
    knownStorage: 'unknown',
    forceToken: false,
    minValidityMs: 0,
    loginTimeoutMs: 1000,
    ...over,
  });
  return { calls, deps };
}

test('a login: host, expiry, where it is stored, the token account; the password nowhere in the outcome', async () => {
  const { calls, deps } = standIns({ storage: 'store' });
  const o = await refreshRegistry(reg(), deps());
  assert.equal(o.kind, 'logged-in');
  assert.deepEqual(calls.logins, ['123456789012.dkr.ecr.eu-west-1.amazonaws.com']);
  assert.equal(o.host, '123456789012.dkr.ecr.eu-west-1.amazonaws.com');
  assert.equal(o.kind === 'logged-in' && o.expiresAt, Date.UTC(2026, 0, 1, 12));
  assert.equal(o.storage, 'store');
  assert.equal(o.tokenAccount, '123456789012');
  assert.ok(!JSON.stringify(o).includes(PASSWORD));
});

test('a host handled by the ecr-login helper: no token is fetched, nothing logged in', async () => {
  const { calls, deps } = standIns({ storage: 'ecr-login' });
  const o = await refreshRegistry(reg(), deps());
  assert.deepEqual(
    [o.kind, o.host, o.storage],
    ['helper-managed', '123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'ecr-login'],
  );
  assert.deepEqual([calls.tokens, calls.logins.length], [0, 0]);
});

test('the disk cannot be read: where the login was last seen decides about the helper', async () => {
  const { calls, deps } = standIns({ noInspect: true });
  assert.equal((await refreshRegistry(reg(), deps({ knownStorage: 'ecr-login' }))).kind, 'helper-managed');
  const o = await refreshRegistry(reg(), deps({ knownStorage: 'store' }));
  assert.equal(o.kind, 'logged-in');
  assert.equal(o.storage, undefined, 'not looked at, so not reported');
  assert.equal(calls.logins.length, 1);
});

test('no account configured: the host comes from the token, then the helper check runs on it', async () => {
  const { calls, deps } = standIns({ storage: 'ecr-login', proxyAccount: '210987654321' });
  const o = await refreshRegistry(reg({ accountId: undefined }), deps());
  assert.deepEqual(
    [o.kind, o.host, o.tokenAccount],
    ['helper-managed', '210987654321.dkr.ecr.eu-west-1.amazonaws.com', '210987654321'],
  );
  assert.equal(calls.tokens, 1);
});

test('a token failure: stage aws, no host to name, the helper check counted', async () => {
  const { deps } = standIns({ tokenError: new KeeperError('access-denied', 'Denied.', 'Grant it.') });
  const o = await refreshRegistry(reg(), deps());
  assert.equal(o.kind, 'failed');
  if (o.kind !== 'failed') return;
  assert.deepEqual(
    [o.error.category, o.error.stage, o.host, o.helperChecked],
    ['access-denied', 'aws', undefined, true],
  );
});

test('a login that cannot reach another account than the token is for says so (stage registry)', async () => {
  const { deps } = standIns({
    proxyAccount: '210987654321',
    loginError: new KeeperError(
      'network',
      'docker login could not reach the registry: no such host',
      'Check the network.',
    ),
  });
  const o = await refreshRegistry(reg(), deps());
  assert.equal(o.kind, 'failed');
  if (o.kind !== 'failed') return;
  assert.deepEqual(
    [o.error.category, o.error.stage, o.host, o.tokenAccount],
    ['account-mismatch', 'registry', '123456789012.dkr.ecr.eu-west-1.amazonaws.com', '210987654321'],
  );
  assert.match(
    o.error.message,
    /set to account 123456789012, but the default AWS credentials sign in to account 210987654321/,
  );
});
