// When to refresh: pure decisions from wall-clock times, plus one timer that wakes the keeper.
// (The tests' controllable clock is tests/helpers/fake-clock.ts.)
//
// Node timers are monotonic and drift across sleep, so nothing here counts down: every decision
// compares absolute wall-clock deadlines with clock.now(). The single timer is only an alarm for
// "look again"; it is capped so a laptop that slept through a deadline notices within a minute
// even where no resume event arrives (the CLI has no powerMonitor).

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // The alarm alone never keeps a process alive; the CLI's watch keeps itself alive explicitly.
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export const MINUTE = 60_000;
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_MAX_MS = 15 * MINUTE;
/** Even when a deadline is already past (clock skew, an instantly failing tool) attempts are this far apart. */
export const MIN_ATTEMPT_GAP_MS = 30_000;
/** The alarm never sleeps longer than this, so missed deadlines are caught after sleep. */
export const MAX_TIMER_MS = MINUTE;

/** Exponential backoff with jitter: ~30 s, 1 min, 2 min, ... capped at 15 min. `random` in [0,1). */
export function backoffDelay(failures: number, random: number): number {
  const n = Math.max(1, failures);
  const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(n - 1, 20));
  // +/-20% jitter spreads retries of many registries that failed together (one throttled account).
  const jittered = exp * (0.8 + 0.4 * random);
  return Math.round(Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_BASE_MS, jittered)));
}

export interface RefreshFacts {
  /** Token expiry of the current login (ms epoch), if any. */
  expiresAt?: number;
  /** When the last attempt (success or failure) started. */
  lastAttempt?: number;
  /** Consecutive failures; 0 when the last attempt succeeded. */
  failures: number;
  /** Jitter drawn once per failure so the decision is stable between re-evaluations. */
  jitter: number;
  /** The login went missing from disk (logged out, overwritten): log in again soon. */
  missing?: boolean;
}

/** How soon after the last attempt a login that went missing from disk is repaired. */
export const REPAIR_GAP_MS = 3_000;

/**
 * The wall-clock time at which a registry should next be refreshed automatically.
 * `leadMs` is how long before expiry to refresh.
 */
export function nextRefreshAt(f: RefreshFacts, leadMs: number, now: number): number {
  const earliest = f.lastAttempt !== undefined ? f.lastAttempt + MIN_ATTEMPT_GAP_MS : now;
  if (f.failures > 0) {
    const backoff = (f.lastAttempt ?? now) + backoffDelay(f.failures, f.jitter);
    return Math.max(earliest, backoff);
  }
  // A repair does not wait for the usual gap, but still cannot loop hot against a tool that
  // keeps removing the entry.
  if (f.missing) return Math.max(now, (f.lastAttempt ?? now) + REPAIR_GAP_MS);
  if (f.expiresAt === undefined) return Math.max(earliest, now);
  return Math.max(earliest, f.expiresAt - leadMs);
}

/** One alarm for the earliest of many deadlines. */
export class Alarm {
  private handle: unknown = undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onFire: () => void,
  ) {}

  /** Arms the alarm for `at` (ms epoch), replacing any earlier arming; undefined disarms. */
  set(at: number | undefined): void {
    this.clear();
    if (at === undefined) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.clock.now()));
    this.handle = this.clock.setTimeout(() => {
      this.handle = undefined;
      this.onFire();
    }, delay);
  }

  clear(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }
}
