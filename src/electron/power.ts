// Node timers drift across sleep and a laptop can wake with every token expired. Like stretchly,
// we re-check the schedule from absolute times whenever the world may have moved: resume from
// sleep, screen unlock, and the network coming back. These arrive in bursts (resume, then unlock,
// then the Wi-Fi reconnects), so they are coalesced: one reevaluate() per burst, a moment after
// the last of them, when the network has had a chance to come up.
export interface PowerMonitorLike {
  on(event: 'resume' | 'unlock-screen', listener: () => void): unknown;
  removeListener(event: 'resume' | 'unlock-screen', listener: () => void): unknown;
}

export interface PowerDeps {
  powerMonitor: PowerMonitorLike;
  /** Electron's net.isOnline(). The main process has no 'online' event, so it is polled. */
  isOnline: (this: void) => boolean;
  reevaluate(): void;
  /** Quiet time that ends a burst. */
  settleMs?: number;
  pollMs?: number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (h: unknown) => void;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (h: unknown) => void;
}

export const SETTLE_MS = 3_000;
export const ONLINE_POLL_MS = 10_000;

export interface PowerWatcher {
  /** Why the last burst fired (for the activity log and tests). */
  readonly reasons: string[];
  dispose(): void;
}

export function watchPower(deps: PowerDeps): PowerWatcher {
  const settle = deps.settleMs ?? SETTLE_MS;
  const later = deps.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
  const cancel = deps.clearTimeout ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  const every = deps.setInterval ?? ((fn, ms) => setInterval(fn, ms));
  const stopEvery = deps.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout));

  let pending: unknown = null;
  let burst: string[] = [];
  const reasons: string[] = [];

  const trigger = (why: string) => {
    burst.push(why);
    // Each event restarts the quiet period: the burst fires once, after its last event.
    if (pending !== null) cancel(pending);
    pending = later(() => {
      pending = null;
      reasons.splice(0, reasons.length, ...burst);
      burst = [];
      deps.reevaluate();
    }, settle);
  };

  const onResume = () => trigger('resume');
  const onUnlock = () => trigger('unlock-screen');
  deps.powerMonitor.on('resume', onResume);
  deps.powerMonitor.on('unlock-screen', onUnlock);

  let online = safeOnline(deps.isOnline);
  const poll = every(() => {
    const now = safeOnline(deps.isOnline);
    if (now && !online) trigger('online');
    online = now;
  }, deps.pollMs ?? ONLINE_POLL_MS);

  return {
    reasons,
    dispose() {
      deps.powerMonitor.removeListener('resume', onResume);
      deps.powerMonitor.removeListener('unlock-screen', onUnlock);
      stopEvery(poll);
      if (pending !== null) cancel(pending);
      pending = null;
    },
  };
}

function safeOnline(isOnline: PowerDeps['isOnline']): boolean {
  try {
    return isOnline();
  } catch {
    return true; // unknown: assume online so a later "offline" reading cannot invent an edge
  }
}
