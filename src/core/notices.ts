// The notification planner: a pure function from (what we already told the user, the current
// snapshot, settings, now) to the notifications to raise. It decides *once per episode*: a
// failure is told when it starts, not on every retry; recovery is told once; an expiring token
// is told once per expiry. The shell (Electron Notification) and the CLI only display.
import { withFix } from './errors';
import { isActive, type KeeperSnapshot, type RegistrySnapshot } from './snapshot';
import { formatLeft } from './time-text';

export type NoticeKind = 'expiring' | 'failed' | 'signin-required' | 'recovered';

export interface PlannedNotice {
  kind: NoticeKind;
  registryId: string;
  title: string;
  body: string;
  /** Offer a "Refresh now" action where the platform supports actions. */
  refreshAction: boolean;
}

export interface NoticePrefs {
  notifyLeadMs: number;
  expiring: boolean;
  failed: boolean;
  recovered: boolean;
}

/** What the planner remembers between calls: which episodes it already told about. */
export interface PlannerMemory {
  /** Registries currently in a failure episode that was announced (or suppressed by prefs). */
  failing: string[];
  /** `${id}@${expiresAt}` for each expiry already warned about. */
  warnedExpiry: string[];
}

export const emptyMemory = (): PlannerMemory => ({ failing: [], warnedExpiry: [] });

function isFailing(r: RegistrySnapshot): boolean {
  return r.state === 'error' || r.state === 'signin-required';
}

export function planNotices(
  memory: PlannerMemory,
  snap: KeeperSnapshot,
  prefs: NoticePrefs,
  now: number,
): { notices: PlannedNotice[]; memory: PlannerMemory } {
  const notices: PlannedNotice[] = [];
  const failing = new Set(memory.failing);
  const warned = new Set(memory.warnedExpiry);
  const present = new Set(snap.registries.map((r) => r.id));

  for (const r of snap.registries) {
    if (!isActive(r)) { failing.delete(r.id); continue; }
    if (isFailing(r) && !r.refreshing) {
      if (!failing.has(r.id)) {
        failing.add(r.id);
        if (prefs.failed && r.error) {
          const signin = r.state === 'signin-required';
          notices.push({
            kind: signin ? 'signin-required' : 'failed',
            registryId: r.id,
            title: signin ? `${r.name}: sign-in needed` : `${r.name}: refresh failed`,
            body: withFix(r.error.message, r.error.fix),
            refreshAction: !signin,
          });
        }
      }
    } else if (r.state === 'valid' || r.state === 'expiring') {
      if (failing.has(r.id)) {
        failing.delete(r.id);
        if (prefs.recovered) {
          notices.push({ kind: 'recovered', registryId: r.id, title: `${r.name}: logged in again`, body: `${r.host ?? r.name} is fresh again.`, refreshAction: false });
        }
      }
    }

    // Expiry warning: only when nothing will refresh in time (auto-refresh off, or failing).
    if (r.expiresAt) {
      const exp = Date.parse(r.expiresAt);
      const left = exp - now;
      const key = `${r.id}@${r.expiresAt}`;
      const autoWillRefresh = snap.autoRefresh && r.autoRefresh && !isFailing(r);
      if (left > 0 && left <= prefs.notifyLeadMs && !autoWillRefresh && !warned.has(key)) {
        warned.add(key);
        if (prefs.expiring) {
          notices.push({
            kind: 'expiring',
            registryId: r.id,
            title: `${r.name}: login expires in ${formatLeft(left)}`,
            body: `The ECR login for ${r.host ?? r.name} expires soon. Refresh now to keep pulling.`,
            refreshAction: true,
          });
        }
      }
    }
  }

  // Forget registries that are gone and expiries that have passed, so memory stays small.
  const keptWarned = [...warned].filter((k) => {
    const at = k.lastIndexOf('@');
    const id = k.slice(0, at);
    return present.has(id) && Date.parse(k.slice(at + 1)) > now - 60_000;
  });
  return { notices, memory: { failing: [...failing].filter((id) => present.has(id)), warnedExpiry: keptWarned } };
}
