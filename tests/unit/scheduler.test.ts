import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Alarm,
  backoffDelay,
  BACKOFF_MAX_MS,
  MAX_TIMER_MS,
  MIN_ATTEMPT_GAP_MS,
  nextRefreshAt,
} from '../../src/core/scheduler';
import { FakeClock } from '../helpers/fake-clock';

const MIN = 60_000;

test('backoff grows from about 30 s to 15 min with bounded jitter', () => {
  assert.equal(backoffDelay(1, 0.5), 30_000);
  assert.equal(backoffDelay(2, 0.5), 60_000);
  assert.equal(backoffDelay(3, 0.5), 120_000);
  assert.equal(backoffDelay(50, 0.99), BACKOFF_MAX_MS);
  for (let n = 1; n < 30; n++) {
    for (const r of [0, 0.25, 0.5, 0.999]) {
      const d = backoffDelay(n, r);
      assert.ok(d >= 30_000 && d <= BACKOFF_MAX_MS, `${n} ${r} ${d}`);
    }
  }
  assert.notEqual(backoffDelay(4, 0), backoffDelay(4, 0.99));
});

test('refresh at expiry minus lead; never sooner than the attempt gap', () => {
  const now = 1_000_000_000;
  assert.equal(
    nextRefreshAt({ failures: 0, jitter: 0.5, expiresAt: now + 12 * 60 * MIN }, 30 * MIN, now),
    now + 11.5 * 60 * MIN,
  );
  // Never refreshed: now.
  assert.equal(nextRefreshAt({ failures: 0, jitter: 0.5 }, 30 * MIN, now), now);
  // Expiry already past (clock skew) right after an attempt: still waits the gap, no hot loop.
  assert.equal(
    nextRefreshAt({ failures: 0, jitter: 0.5, expiresAt: now - MIN, lastAttempt: now }, 30 * MIN, now),
    now + MIN_ATTEMPT_GAP_MS,
  );
  // Failure: backoff from the last attempt.
  assert.equal(nextRefreshAt({ failures: 2, jitter: 0.5, lastAttempt: now }, 30 * MIN, now), now + 60_000);
});

test('an instantly failing refresh loop is spaced: 100 failures take hours, not milliseconds', () => {
  let now = 0;
  let failures = 0;
  let attempts = 0;
  const horizon = 6 * 60 * MIN;
  while (now < horizon) {
    const at = nextRefreshAt({ failures, jitter: 0.5, lastAttempt: attempts ? now : undefined }, 30 * MIN, now);
    assert.ok(at > now || attempts === 0);
    now = at;
    attempts++;
    failures++;
  }
  assert.ok(attempts < 35, `attempts in 6 h: ${attempts}`);
});

test('alarm: one pending timer, capped at a minute, re-armed replaces', async () => {
  const clock = new FakeClock();
  let fired = 0;
  const alarm = new Alarm(clock, () => {
    fired++;
  });
  alarm.set(clock.now() + 10 * MIN);
  alarm.set(clock.now() + 5 * MIN);
  assert.equal(clock.pending, 1);
  await clock.advance(MAX_TIMER_MS - 1);
  assert.equal(fired, 0);
  await clock.advance(1);
  assert.equal(fired, 1);
  alarm.set(undefined);
  assert.equal(clock.pending, 0);
});
