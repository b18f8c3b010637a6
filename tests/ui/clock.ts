// An injected clock for a started keeper in the UI tests: it runs with real time, and `advance`
// jumps it forward (as a sleep or a long wait would) in the keeper and the page together, firing
// whatever came due. The keeper's timers are this clock's; the page's are Playwright's fake clock.
import type { Page } from 'playwright';
import type { Clock } from '../../src/core/scheduler';

export class TestClock implements Clock {
  private offset = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private readonly pages: Page[] = [];
  // Timers that come due as real time passes fire too (the keeper's alarm is at most a minute out).
  private readonly poll = setInterval(() => this.fireDue(), 50);

  now(): number {
    return Date.now() + this.offset;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.now() + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Puts a page on this clock: its Date and timers start at `now()` and move when the clock jumps. */
  async attach(page: Page): Promise<void> {
    await page.clock.install({ time: this.now() });
    this.pages.push(page);
  }

  /** Jumps forward by `ms` in the keeper and every attached page; due timers fire. */
  async advance(ms: number): Promise<void> {
    this.offset += ms;
    this.fireDue();
    for (const p of this.pages) if (!p.isClosed()) await p.clock.fastForward(ms);
  }

  private fireDue(): void {
    const now = this.now();
    for (const [id, t] of [...this.timers]) {
      if (t.at > now) continue;
      this.timers.delete(id);
      t.fn();
    }
  }

  stop(): void {
    clearInterval(this.poll);
    this.timers.clear();
  }
}
