// Resume / unlock / back online -> keeper.reevaluate(), once per burst. Timers are stand-ins the
// test advances by hand, so nothing waits on real time.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { watchPower } from '../../src/electron/power';
import { FakeClock } from '../helpers/fake-clock';
import { makeKeeper } from '../helpers/keeper-harness';

/** Hand-driven timers: `advance(ms)` runs what has come due. */
function standInTimers() {
  let now = 0;
  let seq = 0;
  const timeouts = new Map<number, { at: number; fn: () => void }>();
  const intervals = new Map<number, { every: number; next: number; fn: () => void }>();
  return {
    setTimeout: (fn: () => void, ms: number) => {
      timeouts.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (h: unknown) => {
      timeouts.delete(h as number);
    },
    setInterval: (fn: () => void, ms: number) => {
      intervals.set(++seq, { every: ms, next: now + ms, fn });
      return seq;
    },
    clearInterval: (h: unknown) => {
      intervals.delete(h as number);
    },
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...timeouts.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        const iv = [...intervals.values()].filter((i) => i.next <= end).sort((a, b) => a.next - b.next)[0];
        if (!due && !iv) break;
        if (due && (!iv || due[1].at <= iv.next)) {
          now = due[1].at;
          timeouts.delete(due[0]);
          due[1].fn();
        } else if (iv) {
          now = iv.next;
          iv.next += iv.every;
          iv.fn();
        }
      }
      now = end;
    },
    pending: () => timeouts.size + intervals.size,
  };
}

function setup(online = () => true) {
  const pm = new EventEmitter();
  const timers = standInTimers();
  let calls = 0;
  const w = watchPower({
    powerMonitor: pm,
    isOnline: online,
    reevaluate: () => {
      calls++;
    },
    settleMs: 3000,
    pollMs: 10_000,
    ...timers,
  });
  return { pm, timers, w, calls: () => calls };
}

describe('watchPower', () => {
  it('resume + unlock + more within the quiet time: one reevaluate, after the burst settles', () => {
    const { pm, timers, w, calls } = setup();
    pm.emit('resume');
    timers.advance(1000);
    pm.emit('unlock-screen');
    timers.advance(1000);
    pm.emit('resume');
    timers.advance(2999);
    assert.equal(calls(), 0, 'still settling');
    timers.advance(1);
    assert.equal(calls(), 1);
    assert.deepEqual(w.reasons, ['resume', 'unlock-screen', 'resume']);
    timers.advance(60_000);
    assert.equal(calls(), 1, 'nothing fires twice');
  });

  it('two separate bursts: two reevaluates', () => {
    const { pm, timers, calls } = setup();
    pm.emit('resume');
    timers.advance(5000);
    pm.emit('unlock-screen');
    timers.advance(5000);
    assert.equal(calls(), 2);
  });

  it('offline -> online (polled: main has no online event) triggers once; staying online does not', () => {
    let online = false;
    const { timers, w, calls } = setup(() => online);
    timers.advance(30_000);
    assert.equal(calls(), 0);
    online = true;
    timers.advance(10_000 + 3000);
    assert.equal(calls(), 1);
    assert.deepEqual(w.reasons, ['online']);
    timers.advance(60_000);
    assert.equal(calls(), 1);
  });

  it('resume followed by the network coming back is one burst', () => {
    let online = false;
    const { pm, timers, calls } = setup(() => online);
    timers.advance(9000);
    pm.emit('resume');
    timers.advance(500);
    online = true; // next poll at 10 s sees it, within the quiet time
    timers.advance(600);
    timers.advance(3000);
    assert.equal(calls(), 1);
  });

  it('dispose removes listeners and timers', () => {
    const { pm, timers, w, calls } = setup();
    pm.emit('resume');
    w.dispose();
    assert.equal(pm.listenerCount('resume') + pm.listenerCount('unlock-screen'), 0);
    assert.equal(timers.pending(), 0);
    timers.advance(60_000);
    assert.equal(calls(), 0);
  });

  it('with a real keeper: a token that expired during sleep refreshes once on resume', async () => {
    const clock = new FakeClock();
    const { keeper, s } = makeKeeper({ clock });
    keeper.addRegistry({ name: 'prod', region: 'us-east-1', accountId: '123456789012' });
    await keeper.refreshAll();
    keeper.start();
    await new Promise((r) => setImmediate(r));
    assert.equal(s.logins.length, 1);
    const pm = new EventEmitter();
    const timers = standInTimers();
    watchPower({ powerMonitor: pm, isOnline: () => true, reevaluate: () => keeper.reevaluate(), ...timers });
    // Asleep for 13 hours: the wall clock jumps, no timer ran meanwhile.
    clock.jump(13 * 3600_000);
    pm.emit('resume');
    pm.emit('unlock-screen');
    timers.advance(3000);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(s.logins.length, 2, 'refreshed once at wake-up');
    assert.equal(keeper.snapshot().registries[0].state, 'valid');
    await keeper.stop();
  });
});
