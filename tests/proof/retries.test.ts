// Proof: retries are bounded and spaced. A day of a persistent failure on a FakeClock, counting
// every token call and login attempt: the gaps grow 30 s, 1, 2, 4, 8 min to the 15-minute cap
// and never shrink; there is no hot loop even when the failure is instant, and one failure
// notice per episode (not one per retry).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeKeeper, rejected } from '../helpers/keeper-harness';
import { KeeperError, type ErrorCategory } from '../../src/core/errors';
import { BACKOFF_MAX_MS, MIN_ATTEMPT_GAP_MS, MINUTE } from '../../src/core/scheduler';

const H = 60 * MINUTE;
const DAY = 24 * H;

function failingFor(category: ErrorCategory, n = 100_000) {
  return Array.from({ length: n }, () => new KeeperError(category, `injected ${category}`, 'wait'));
}

/** Attempt times (fake ms) per registry, from the keeper's failure entries. */
function attemptsByRegistry(entries: { at: string; kind: string; registryName?: string }[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const e of entries) {
    if (e.kind !== 'failure' && e.kind !== 'login') continue;
    const list = m.get(e.registryName!) ?? [];
    list.push(Date.parse(e.at));
    m.set(e.registryName!, list);
  }
  return m;
}

/** The most attempts the backoff allows in `span` ms: 30 s, 1, 2, 4, 8 min, then every 15 min (jitter 0.5 = no jitter). */
function maxAttempts(span: number): number {
  let t = 0;
  let n = 1;
  let gap = 30_000;
  while (t + gap <= span) {
    t += gap;
    n++;
    gap = Math.min(BACKOFF_MAX_MS, gap * 2);
  }
  return n;
}

for (const [category, where] of [
  ['throttled', 'token'],
  ['server', 'token'],
  ['network', 'token'],
  ['access-denied', 'token'],
  ['login-rejected', 'login'],
  ['tool-missing', 'login'],
  ['timeout', 'login'],
] as const) {
  test(`a day of ${category} (${where} side) for 20 registries: spaced, bounded, one notice per registry`, async () => {
    const { keeper, s, clock, notices } = makeKeeper();
    const entries: { at: string; kind: string; registryName?: string }[] = [];
    keeper.on('activity', (e) => entries.push(e));
    for (let i = 0; i < 20; i++)
      keeper.addRegistry({ name: `r${i}`, region: 'us-east-1', accountId: String(100000000000 + i) });
    if (where === 'token') s.tokenFailures.push(...failingFor(category));
    else
      s.loginFailures.push(
        ...(category === 'login-rejected' ? Array.from({ length: 100_000 }, rejected) : failingFor(category)),
      );
    keeper.start();
    await clock.advance(DAY);

    const perReg = attemptsByRegistry(entries);
    assert.equal(perReg.size, 20);
    const bound = maxAttempts(DAY);
    for (const [name, times] of perReg) {
      assert.ok(
        times.length >= bound - 1 && times.length <= bound,
        `${name}: ${times.length} attempts in a day (expected about ${bound})`,
      );
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      for (const g of gaps) assert.ok(g >= MIN_ATTEMPT_GAP_MS && g <= BACKOFF_MAX_MS + 1000, `${name}: gap ${g} ms`);
      for (let i = 1; i < gaps.length; i++)
        assert.ok(gaps[i] >= gaps[i - 1], `${name}: gaps never shrink (${gaps.join(',')})`);
    }
    // Every attempt is one token call (and one login when the token came back).
    const attempts = [...perReg.values()].reduce((a, t) => a + t.length, 0);
    assert.equal(s.tokenCalls.length, attempts);
    if (where === 'login') assert.equal(s.logins.length, attempts);
    else assert.equal(s.logins.length, 0);
    // 20 registries for a day: under 20 * ~100 calls, i.e. far from a hot loop (~1 call/min/registry at most).
    assert.ok(s.tokenCalls.length <= 20 * bound);
    const failed = notices.filter((n) => /fail/i.test(`${n.title} ${n.body}`));
    assert.ok(failed.length <= 20, `${failed.length} failure notices for 20 registries`);
    assert.ok(keeper.snapshot().registries.every((r) => r.state === 'error' && r.error?.category === category));

    // Recovery: the failure clears, the next scheduled retry (<= 15 min) logs in, and then quiet.
    s.tokenFailures.length = 0;
    s.loginFailures.length = 0;
    const callsAtClear = s.tokenCalls.length;
    await clock.advance(BACKOFF_MAX_MS + 1000);
    assert.ok(keeper.snapshot().registries.every((r) => r.state === 'valid'));
    assert.equal(s.tokenCalls.length - callsAtClear, 20);
    await clock.advance(11 * H);
    assert.equal(s.tokenCalls.length - callsAtClear, 20, 'no retries after recovery');
    await keeper.stop();
  });
}

test('manual refresh during backoff is allowed (a person asked) but concurrent clicks coalesce', async () => {
  const { keeper, s, clock } = makeKeeper();
  keeper.addRegistry({ name: 'a', region: 'us-east-1', accountId: '123456789012' });
  s.tokenFailures.push(...failingFor('server', 3));
  keeper.start();
  await clock.advance(1000);
  assert.equal(s.tokenCalls.length, 1);
  await Promise.all(Array.from({ length: 50 }, () => keeper.refresh('a')));
  assert.equal(s.tokenCalls.length, 2, '50 clicks at once: one attempt');
  await keeper.stop();
});
