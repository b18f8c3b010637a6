// Proof: sleep and clock changes. With an injected FakeClock (advance = time passing with timers
// firing; jump = the wall clock moving with no timer firing, as in a suspended laptop or an NTP
// step) the right registries refresh, each exactly once, and nothing refreshes that should not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeKeeper } from '../helpers/keeper-harness';
import { KeeperError } from '../../src/core/errors';
import { MINUTE } from '../../src/core/scheduler';

const H = 60 * MINUTE;
const N = 20;

function setup(n = N) {
  const h = makeKeeper();
  for (let i = 0; i < n; i++)
    h.keeper.addRegistry({ name: `r${i}`, region: 'us-east-1', accountId: String(100000000000 + i) });
  return h;
}

/** Logins per host since index `from`. */
function perHost(logins: { host: string }[], from = 0): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of logins.slice(from)) m.set(l.host, (m.get(l.host) ?? 0) + 1);
  return m;
}

test('start: every registry logs in once; then nothing until expiry minus the lead, then each once', async () => {
  const { keeper, s, clock } = setup();
  keeper.start();
  await clock.advance(1000);
  assert.equal(s.logins.length, N);
  assert.equal(perHost(s.logins).size, N);
  // 12 h tokens, 30 min lead: nothing for 11 h 29 min.
  await clock.advance(11 * H + 29 * MINUTE - 1000);
  assert.equal(s.logins.length, N);
  await clock.advance(2 * MINUTE);
  assert.equal(s.logins.length, 2 * N);
  assert.deepEqual([...perHost(s.logins, N).values()], Array(N).fill(1));
  await keeper.stop();
});

test('suspend spanning the expiry: on resume every registry refreshes at once, exactly once', async () => {
  const { keeper, s, clock } = setup();
  keeper.start();
  await clock.advance(1000);
  clock.jump(13 * H); // asleep: no timer fired
  assert.ok(keeper.snapshot().registries.every((r) => r.state === 'expired'));
  // Resume, unlock and network-online may all arrive together.
  keeper.reevaluate();
  keeper.reevaluate();
  keeper.reevaluate();
  await clock.advance(100);
  assert.equal(s.logins.length, 2 * N);
  assert.deepEqual([...perHost(s.logins, N).values()], Array(N).fill(1));
  assert.ok(keeper.snapshot().registries.every((r) => r.state === 'valid'));
  await clock.advance(11 * H);
  assert.equal(s.logins.length, 2 * N, 'no second refresh before the new tokens are due');
  await keeper.stop();
});

test('suspend spanning the expiry with no resume event (the CLI): the capped alarm catches it within a minute, once', async () => {
  const { keeper, s, clock } = setup();
  keeper.start();
  await clock.advance(1000);
  clock.jump(13 * H);
  await clock.advance(60_000);
  assert.equal(s.logins.length, 2 * N);
  await clock.advance(60 * MINUTE);
  assert.equal(s.logins.length, 2 * N);
  await keeper.stop();
});

test('suspend ending inside the refresh window (before expiry): refreshed on resume, once', async () => {
  const { keeper, s, clock } = setup();
  keeper.start();
  await clock.advance(1000);
  clock.jump(11 * H + 45 * MINUTE);
  assert.ok(keeper.snapshot().registries.every((r) => r.state === 'valid' || r.state === 'expiring'));
  keeper.reevaluate();
  await clock.advance(100);
  assert.equal(s.logins.length, 2 * N);
  await clock.advance(2 * H);
  assert.equal(s.logins.length, 2 * N);
  await keeper.stop();
});

test('clock jumps forward (not past the refresh time): no refresh early; each refreshes once when due', async () => {
  const { keeper, s, clock } = setup();
  keeper.start();
  await clock.advance(1000);
  const before = keeper.snapshot().registries.map((r) => r.nextRefresh);
  clock.jump(4 * H);
  keeper.reevaluate();
  await clock.advance(100);
  assert.equal(s.logins.length, N);
  // Deadlines are wall-clock: the jump brought them 4 h closer, it did not move them.
  assert.deepEqual(
    keeper.snapshot().registries.map((r) => r.nextRefresh),
    before,
  );
  await clock.advance(7 * H + 28 * MINUTE);
  assert.equal(s.logins.length, N);
  await clock.advance(2 * MINUTE);
  assert.equal(s.logins.length, 2 * N);
  await keeper.stop();
});

test('clock jumps backward: no extra refresh; the next one happens once when the wall clock reaches it', async () => {
  const { keeper, s, clock } = setup();
  keeper.start();
  await clock.advance(1000);
  clock.jump(-3 * H);
  keeper.reevaluate();
  await clock.advance(100);
  assert.equal(s.logins.length, N);
  // Expiry is still 12 h after the login in wall time, now 15 h away.
  await clock.advance(14 * H + 29 * MINUTE - 2000);
  assert.equal(s.logins.length, N);
  await clock.advance(2 * MINUTE);
  assert.equal(s.logins.length, 2 * N);
  assert.deepEqual([...perHost(s.logins, N).values()], Array(N).fill(1));
  await keeper.stop();
});

test('clock jumps backward and forward repeatedly while idle: still exactly one refresh per due time', async () => {
  const { keeper, s, clock } = setup(5);
  keeper.start();
  await clock.advance(1000);
  for (let i = 0; i < 10; i++) {
    clock.jump(i % 2 ? 2 * H : -2 * H);
    keeper.reevaluate();
    await clock.advance(10 * MINUTE);
  }
  assert.equal(s.logins.length, 5, 'no refresh from the jumps themselves');
  await clock.advance(12 * H);
  assert.equal(s.logins.length, 10);
  await keeper.stop();
});

test('clock jumps backward while a registry is failing: the retry still comes within its backoff', async () => {
  const { keeper, s, clock } = setup(1);
  s.tokenFailures.push(new KeeperError('network', 'offline', 'reconnect'));
  keeper.start();
  await clock.advance(1000);
  assert.equal(keeper.snapshot().registries[0].state, 'error');
  clock.jump(-3 * H);
  keeper.reevaluate();
  await clock.advance(2 * MINUTE);
  assert.equal(s.logins.length, 1, 'retried within 2 minutes despite the backward jump');
  await keeper.stop();
});
