import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { makeKeeper, rejected } from '../helpers/keeper-harness';
import { settle } from '../helpers/fake-clock';
import { KeeperError, InputError } from '../../src/core/errors';

const MIN = 60_000;
const H = 60 * MIN;

test('a refresh logs in with the token and reports valid with expiry, last and next refresh', async () => {
  const { keeper, s, clock } = makeKeeper();
  const reg = keeper.addRegistry({ name: 'prod', region: 'us-east-1', accountId: '123456789012' });
  const snap = await keeper.refresh('prod');
  assert.equal(snap.state, 'valid');
  assert.equal(snap.host, '123456789012.dkr.ecr.us-east-1.amazonaws.com');
  assert.equal(snap.expiresAt, new Date(clock.now() + 12 * H).toISOString());
  assert.equal(snap.lastRefresh, new Date(clock.now()).toISOString());
  assert.equal(snap.nextRefresh, new Date(clock.now() + 11.5 * H).toISOString());
  assert.deepEqual(
    s.logins.map((l) => l.host),
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com'],
  );
  assert.equal(reg.name, 'prod');
});

test('concurrent refreshes of one registry are coalesced into one login', async () => {
  const { keeper, s } = makeKeeper();
  keeper.addRegistry({ name: 'prod', region: 'us-east-1', accountId: '123456789012' });
  const all = await Promise.all([
    keeper.refresh('prod'),
    keeper.refresh('prod'),
    keeper.refreshAll(),
    keeper.refresh('PROD'),
  ]);
  assert.equal(s.logins.length, 1);
  assert.equal(all[0].state, 'valid');
});

test('without an account id the host comes from the token proxy endpoint', async () => {
  const { keeper, s } = makeKeeper();
  keeper.addRegistry({ name: 'auto', region: 'us-east-1' });
  const snap = await keeper.refresh('auto');
  assert.equal(snap.host, '123456789012.dkr.ecr.us-east-1.amazonaws.com');
  assert.equal(s.logins[0].host, snap.host);
});

test('auto-refresh fires at expiry minus the lead, once, and the password never reaches snapshot, state or activity', async () => {
  const { keeper, s, clock, statePath, settingsPath } = makeKeeper();
  keeper.addRegistry({ name: 'prod', region: 'us-east-1', accountId: '123456789012' });
  keeper.start();
  await clock.advance(1000);
  assert.equal(s.logins.length, 1, 'never-refreshed registry refreshes at start');
  await clock.advance(11.5 * H - 2 * MIN);
  assert.equal(s.logins.length, 1);
  await clock.advance(3 * MIN);
  assert.equal(s.logins.length, 2);
  await clock.advance(10 * MIN);
  assert.equal(s.logins.length, 2);
  await keeper.stop();
  const everything =
    JSON.stringify(keeper.snapshot()) +
    JSON.stringify(keeper.activity()) +
    readFileSync(statePath, 'utf8') +
    readFileSync(settingsPath, 'utf8');
  assert.equal(everything.includes('stand-in-password'), false);
});

test('failures back off with jitter up to 15 min: no hot loop, one failure notice per episode, then recovery', async () => {
  const { keeper, s, clock, notices } = makeKeeper();
  keeper.addRegistry({ name: 'prod', region: 'us-east-1', accountId: '123456789012' });
  for (let i = 0; i < 1000; i++) s.loginFailures.push(rejected());
  keeper.start();
  await clock.advance(2 * H);
  const attempts = s.logins.length;
  // 30 s, 1, 2, 4, 8, then every 15 min: about 12 attempts in 2 hours.
  assert.ok(attempts >= 8 && attempts <= 14, `attempts in 2 h: ${attempts}`);
  assert.deepEqual(
    notices.map((n) => n.kind),
    ['failed'],
  );
  const snap = keeper.snapshot().registries[0];
  assert.equal(snap.state, 'error');
  assert.equal(snap.error?.category, 'login-rejected');
  assert.ok(snap.error?.retryAt && Date.parse(snap.error.retryAt) > clock.now());
  s.loginFailures.length = 0;
  await clock.advance(16 * MIN);
  assert.equal(keeper.snapshot().registries[0].state, 'valid');
  assert.deepEqual(
    notices.map((n) => n.kind),
    ['failed', 'recovered'],
  );
  await keeper.stop();
});

test('suspend across the expiry: reevaluate on resume refreshes at once, exactly once', async () => {
  const { keeper, s, clock } = makeKeeper();
  keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '123456789012' });
  keeper.addRegistry({ name: 'b', region: 'us-east-1', accountId: '210987654321' });
  keeper.start();
  await clock.advance(1000);
  assert.equal(s.logins.length, 2);
  clock.jump(13 * H); // the laptop slept; no timer fired
  assert.equal(keeper.snapshot().registries[0].state, 'expired');
  keeper.reevaluate();
  keeper.reevaluate();
  keeper.reevaluate();
  await clock.advance(10);
  assert.equal(s.logins.length, 4);
  await clock.advance(30 * MIN);
  assert.equal(s.logins.length, 4);
  await keeper.stop();
});

test('a missed deadline is caught by the capped alarm even without a resume event', async () => {
  const { keeper, s, clock } = makeKeeper();
  keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '123456789012' });
  keeper.start();
  await clock.advance(1000);
  clock.jump(12 * H);
  await clock.advance(61_000);
  assert.equal(s.logins.length, 2);
  await keeper.stop();
});

test('clock jumping backwards causes no extra refresh', async () => {
  const { keeper, s, clock } = makeKeeper();
  keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '123456789012' });
  keeper.start();
  await clock.advance(1000);
  clock.jump(-3 * H);
  keeper.reevaluate();
  await clock.advance(3 * H);
  assert.equal(s.logins.length, 1);
  await keeper.stop();
});

test('expiring notice when auto-refresh is off, once', async () => {
  const { keeper, clock, notices } = makeKeeper();
  keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '123456789012' });
  await keeper.refresh('a');
  keeper.updateSettings({ autoRefresh: false });
  keeper.start();
  await clock.advance(11 * H + 50 * MIN);
  assert.deepEqual(
    notices.map((n) => n.kind),
    ['expiring'],
  );
  await clock.advance(5 * MIN);
  assert.equal(notices.length, 1);
  assert.equal(keeper.snapshot().registries[0].state, 'expiring');
  await keeper.stop();
});

test('state survives a restart so countdowns continue', async () => {
  const first = makeKeeper();
  first.keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '123456789012' });
  const before = await first.keeper.refresh('a');
  const second = makeKeeper({ dir: first.dir, clock: first.clock });
  const after = second.keeper.snapshot().registries[0];
  assert.equal(after.expiresAt, before.expiresAt);
  assert.equal(after.lastRefresh, before.lastRefresh);
  assert.equal(after.state, 'valid');
});

test('hosts handled by the ecr-login credential helper are reported, not logged in', async () => {
  const { keeper, s } = makeKeeper();
  s.storage = 'ecr-login';
  keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '123456789012' });
  const snap = await keeper.refresh('a');
  assert.equal(snap.state, 'helper-managed');
  assert.equal(s.tokenCalls.length, 0);
  assert.equal(s.logins.length, 0);
  assert.equal(snap.notices[0]?.kind, 'helper-managed');
});

test('plain-text storage is surfaced as a notice', async () => {
  const { keeper, s } = makeKeeper();
  s.storage = 'plaintext';
  keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '123456789012' });
  const snap = await keeper.refresh('a');
  assert.equal(snap.state, 'valid');
  assert.equal(snap.storage, 'plaintext');
  assert.match(snap.notices[0].message, /stored unencrypted/);
});

test("docker's own unencrypted warning is not repeated beside our notice; storage is re-checked on demand", async () => {
  const { keeper, s } = makeKeeper();
  s.storage = 'plaintext';
  // The login runner passes on docker's "stored unencrypted" warning only (parseLoginWarnings).
  s.loginWarnings = ["Your credentials are stored unencrypted in '/x/config.json'."];
  keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '123456789012' });
  const snap = await keeper.refresh('a');
  assert.deepEqual(
    snap.notices.map((n) => n.kind),
    ['plaintext-credentials'],
    'one notice, ours, decided by kind and storage',
  );
  s.storage = 'helper';
  await keeper.recheckStorage();
  const after = keeper.snapshot().registries[0];
  assert.equal(after.storage, 'helper');
  assert.equal(
    after.notices.some((n) => n.kind === 'plaintext-credentials'),
    false,
  );
  assert.equal(s.logins.length, 1, 're-checking storage logs nothing in');
});

test('a refused or cancelled MFA code is not retried on a timer (no prompt every 30 s); a manual refresh asks again', async () => {
  const { keeper, s, clock, notices } = makeKeeper();
  keeper.addRegistry({ name: 'mfa', region: 'us-east-1', accountId: '123456789012', profile: 'with-mfa' });
  s.tokenFailures.push(new KeeperError('mfa-required', 'The MFA prompt was cancelled.', 'Refresh to enter the code.'));
  keeper.start();
  await clock.advance(1000);
  const snap = keeper.snapshot().registries[0];
  assert.equal(snap.state, 'signin-required');
  assert.equal(snap.nextRefresh, null);
  await clock.advance(3 * H);
  assert.equal(s.tokenCalls.length, 1, 'no automatic retry');
  assert.deepEqual(
    notices.map((n) => n.kind),
    ['signin-required'],
  );
  assert.equal((await keeper.refresh('mfa')).state, 'valid');
  assert.equal(s.tokenCalls.length, 2);
  await keeper.stop();
});

test('invalid input changes nothing; edits and removal work', () => {
  const { keeper, settingsPath } = makeKeeper();
  keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '123456789012' });
  const before = readFileSync(settingsPath, 'utf8');
  assert.throws(
    () => keeper.addRegistry({ name: 'a', region: 'us-east-1' }),
    (e: unknown) => e instanceof InputError && /already exists/.test(e.message),
  );
  assert.throws(() => keeper.addRegistry({ name: 'b', region: 'nowhere' }), InputError);
  assert.throws(() => keeper.updateRegistry('a', { accountId: 'x' }), InputError);
  assert.throws(() => keeper.updateSettings({ refreshLeadMinutes: -1 }), InputError);
  assert.equal(readFileSync(settingsPath, 'utf8'), before);
  const upd = keeper.updateRegistry('a', { name: 'renamed', profile: 'dev' });
  assert.equal(upd.name, 'renamed');
  assert.equal(upd.accountId, '123456789012');
  const cleared = keeper.updateRegistry('renamed', { profile: '' });
  assert.equal(cleared.profile, undefined);
  keeper.removeRegistry('renamed');
  assert.equal(keeper.registries().length, 0);
});

test('the activity log keeps the last 200 entries', () => {
  const { keeper } = makeKeeper();
  for (let i = 0; i < 120; i++) {
    keeper.addRegistry({ name: `r${i}`, region: 'us-east-1' });
    keeper.removeRegistry(`r${i}`);
  }
  const log = keeper.activity();
  assert.equal(log.length, 200);
  assert.match(log[199].message, /Removed registry r119/);
});

test('a registry never logged in does not say "Stored unencrypted" about an entry someone else left', async () => {
  const { keeper, s } = makeKeeper();
  s.storage = 'plaintext';
  s.tokenFailures.push(new KeeperError('network', 'Cannot reach AWS.', 'Check the network.'));
  keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '123456789012' });
  const failed = await keeper.refresh('a');
  assert.equal(failed.state, 'error');
  assert.equal(
    failed.notices.some((n) => n.kind === 'plaintext-credentials'),
    false,
  );
  await keeper.recheckStorage();
  assert.equal(
    keeper.snapshot().registries[0].notices.some((n) => n.kind === 'plaintext-credentials'),
    false,
  );
  const ok = await keeper.refresh('a');
  assert.equal(
    ok.notices.some((n) => n.kind === 'plaintext-credentials'),
    true,
    'our own login in plain text is pointed out',
  );
});

test('re-checking storage follows a host handed to (and taken back from) the ecr-login helper', async () => {
  const { keeper, s } = makeKeeper();
  keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '123456789012' });
  assert.equal((await keeper.refresh('a')).state, 'valid');
  s.storage = 'ecr-login';
  await keeper.recheckStorage();
  assert.equal(keeper.snapshot().registries[0].state, 'helper-managed');
  s.storage = 'none';
  await keeper.recheckStorage();
  assert.equal(keeper.snapshot().registries[0].state, 'valid');
});

test("the token's account is recorded per profile (survives a restart) for discover; a failed login to another account says so", async () => {
  const h = makeKeeper();
  h.keeper.addRegistry({ name: 'a', region: 'us-east-1', profile: 'keys', registryHost: 'localhost:5000' });
  await h.keeper.refresh('a');
  assert.deepEqual(h.keeper.knownAccounts(), [{ profile: 'keys', accountId: '123456789012' }]);
  const again = makeKeeper({ dir: h.dir });
  assert.deepEqual(again.keeper.knownAccounts(), [{ profile: 'keys', accountId: '123456789012' }]);
  again.keeper.addRegistry({ name: 'other', region: 'us-east-1', accountId: '999988887777' });
  again.s.loginFailures.push(new KeeperError('network', 'no such host', 'Check the VPN.'));
  const snap = await again.keeper.refresh('other');
  assert.equal(snap.error!.category, 'account-mismatch');
  assert.match(
    snap.error!.message,
    /set to account 999988887777, but the default AWS credentials sign in to account 123456789012/,
  );
  // A cross-account login that works is fine.
  assert.equal((await again.keeper.refresh('other')).state, 'valid');
});

test('with nobody listening no snapshot is built per change; a listener that comes later hears the next change and the notice it was not given', async () => {
  const { keeper, s } = makeKeeper();
  keeper.removeAllListeners();
  let built = 0;
  const snapshot = keeper.snapshot.bind(keeper);
  keeper.snapshot = () => {
    built++;
    return snapshot();
  };
  keeper.addRegistry({ name: 'prod', region: 'us-east-1', accountId: '123456789012' });
  s.loginFailures.push(rejected());
  await keeper.refresh('prod');
  await keeper.refresh('prod');
  assert.equal(built, 0, 'no snapshot of every registry at each start and end of a refresh');

  const changes: string[] = [];
  const notices: string[] = [];
  keeper.on('change', (snap) => changes.push(snap.registries[0].state));
  keeper.on('notify', (n) => notices.push(n.kind));
  s.loginFailures.push(rejected());
  await keeper.refresh('prod');
  assert.equal(changes.at(-1), 'error');
  assert.deepEqual(notices, ['failed'], 'the failure it was not told of');
  await keeper.stop();
});

test('a batch publishes one change for all its starts; its ends at most one per 100 ms, the last at once', async () => {
  const { keeper, s, clock } = makeKeeper();
  const accounts = ['111111111111', '222222222222', '333333333333', '444444444444'];
  accounts.forEach((accountId, i) => keeper.addRegistry({ name: 'abcd'[i], region: 'us-east-1', accountId }));
  const release = new Map<string, () => void>();
  s.loginHold = (host) => new Promise((r) => release.set(host.slice(0, 12), r));
  const end = async (account: string) => {
    release.get(account)!();
    await settle();
  };
  const changes: string[][] = [];
  keeper.on('change', (snap) => changes.push(snap.registries.map((r) => r.state)));
  const done = keeper.refreshAll();
  assert.deepEqual(changes, [['refreshing', 'refreshing', 'refreshing', 'refreshing']], 'one change for the starts');
  await settle();
  assert.equal(release.size, 4);

  await end(accounts[0]);
  assert.deepEqual(changes.at(-1), ['valid', 'refreshing', 'refreshing', 'refreshing'], 'the first end at once');
  await end(accounts[1]);
  assert.equal(changes.length, 2, 'an end within 100 ms of the last waits');
  await clock.advance(100);
  assert.equal(changes.length, 3);
  assert.deepEqual(changes.at(-1), ['valid', 'valid', 'refreshing', 'refreshing'], '100 ms on, it is published');
  await end(accounts[2]);
  assert.equal(changes.length, 3);
  await end(accounts[3]);
  await done;
  assert.equal(changes.length, 4, 'the last end at once, carrying the one that waited');
  assert.deepEqual(changes.at(-1), ['valid', 'valid', 'valid', 'valid']);
  await clock.advance(1000);
  assert.equal(changes.length, 4, 'and nothing is published twice');
  await keeper.stop();
});

test('with nobody listening, the ends of a batch arm no timer', async () => {
  const { keeper, s, clock } = makeKeeper();
  keeper.removeAllListeners('notify');
  keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '111111111111' });
  keeper.addRegistry({ name: 'b', region: 'us-east-1', accountId: '222222222222' });
  keeper.addRegistry({ name: 'c', region: 'us-east-1', accountId: '333333333333' });
  const pending = clock.pending;
  await keeper.refreshAll();
  assert.equal(s.logins.length, 3);
  assert.equal(clock.pending, pending);
});
