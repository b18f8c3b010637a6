// A controllable clock for tests (the scheduler's Clock), kept out of the shipped code.
import type { Clock } from '../../src/core/scheduler';

/**
 * A controllable clock for tests: `advance` moves time and fires due timers in order;
 * `jump` moves the wall clock without firing anything, as a suspended laptop or an NTP step does.
 */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  constructor(start = Date.UTC(2026, 10, 27, 9, 0, 0)) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  /** Moves time forward by ms, firing timers as their time comes (awaiting microtasks between). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    // Let work already started (a refresh in flight) finish and arm its timers before time moves.
    await settle();
    for (;;) {
      let nextId: number | undefined;
      let next: { at: number; fn: () => void } | undefined;
      for (const [id, tm] of this.timers)
        if (tm.at <= end && (!next || tm.at < next.at)) {
          next = tm;
          nextId = id;
        }
      if (!next || nextId === undefined) break;
      this.timers.delete(nextId);
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
  /** Wall clock jumps (forwards or backwards); pending timers keep their relative delays. */
  jump(ms: number): void {
    this.t += ms;
    for (const tm of this.timers.values()) tm.at += ms;
  }
}

/** Lets pending promise chains and immediates run (a refresh in flight reaching its next await). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}
