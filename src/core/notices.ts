// What ECR Keeper tells about registries, as pure functions:
// - noticesFor: the notices a registry's card (and `status`) shows, from what the keeper knows
//   about its login (where it is stored, the tool's warnings, whether it went missing);
// - planNotices, the notification planner: from (what we already told the user, the current
//   snapshot, settings, now) to the notifications to raise. It decides *once per episode*: a
//   failure is told when it starts, not on every retry; recovery is told once; an expiring token
//   is told once per expiry. The shell (Electron Notification) and the CLI only display.
import { withFix } from './errors';
import type { LoginTool } from './registry';
import type { Settings } from './settings-model';
import {
  isActive,
  type CredentialStorage,
  type KeeperSnapshot,
  type RegistryNotice,
  type RegistrySnapshot,
} from './snapshot';
import { formatLeft } from './time-text';

/** What a registry's notices follow from. */
export interface NoticeFacts {
  tool: LoginTool;
  host: string | null;
  storage: CredentialStorage;
  /** The login tool's warnings at our last login. */
  toolWarnings: readonly string[];
  /** We logged in to it at least once: an entry someone else left is not "the login" a card is about. */
  loggedIn: boolean;
  /** Why the login is not where its tool reads it, while it is not. */
  missing?: string;
}

export function noticesFor(f: NoticeFacts): RegistryNotice[] {
  const notices: RegistryNotice[] = [];
  if (f.missing)
    notices.push({
      kind: 'credential-missing',
      message: f.missing,
      fix: 'ECR Keeper logs in again by itself; if this keeps happening, find the program that removes it.',
    });
  for (const w of f.toolWarnings) notices.push({ kind: 'tool-warning', message: w });
  if (f.storage === 'plaintext' && f.loggedIn) {
    notices.push({
      kind: 'plaintext-credentials',
      message: `The login for ${f.host} is stored unencrypted (base64) in the ${f.tool} config file.`,
      fix: 'Move it into a credential store: `ecr-keeper storage` lists the ones that work here (osxkeychain, wincred, desktop, secretservice, pass), then `ecr-keeper storage use STORE`.',
    });
  } else if (f.storage === 'ecr-login') {
    notices.push({
      kind: 'helper-managed',
      message: `${f.host} is mapped to the ecr-login credential helper, which fetches tokens itself.`,
      fix: 'Nothing to do; remove the credHelpers entry for this host if you want ECR Keeper to manage it.',
    });
  }
  return notices;
}

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

/** The planner's preferences from the settings. */
export function noticePrefsOf(s: Pick<Settings, 'notifyLeadMinutes' | 'notifications'>): NoticePrefs {
  const n = s.notifications;
  return { notifyLeadMs: s.notifyLeadMinutes * 60_000, expiring: n.expiring, failed: n.failed, recovered: n.recovered };
}

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
    if (!isActive(r)) {
      failing.delete(r.id);
      continue;
    }
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
          notices.push({
            kind: 'recovered',
            registryId: r.id,
            title: `${r.name}: logged in again`,
            body: `${r.host ?? r.name} is fresh again.`,
            refreshAction: false,
          });
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
