// Shows the core planner's notices (src/core/notices.ts decides what and when) as Electron
// Notifications. Clicking one opens the window at that registry; where the platform supports
// action buttons (macOS, Windows) a "Refresh now" button refreshes without opening anything.
import type { NativeImage, Notification, NotificationConstructorOptions } from 'electron';
import type { NoticeKind, PlannedNotice } from '../core/notices';
import type { Settings } from '../core/settings';

/** Which settings switch governs each kind: sign-in needed is a kind of failure. */
export const PREF_OF_KIND: Record<NoticeKind, keyof Settings['notifications']> = {
  expiring: 'expiring',
  failed: 'failed',
  'signin-required': 'failed',
  recovered: 'recovered',
};

export const REFRESH_ACTION_TEXT = 'Refresh now';

export function supportsActions(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

export function notificationOptions(
  n: PlannedNotice,
  platform: NodeJS.Platform,
  icon?: NativeImage | string,
): NotificationConstructorOptions {
  const opts: NotificationConstructorOptions = {
    title: n.title,
    body: n.body,
    // Good news should not make a sound; failures should be noticed.
    silent: n.kind === 'recovered',
  };
  // macOS always uses the app icon. Elsewhere a NativeImage, not a path: libnotify cannot read
  // files inside the packaged app.asar.
  if (icon && platform !== 'darwin') opts.icon = icon;
  if (platform === 'linux') opts.urgency = n.kind === 'failed' || n.kind === 'signin-required' ? 'critical' : 'normal';
  if (n.refreshAction && supportsActions(platform)) opts.actions = [{ type: 'button', text: REFRESH_ACTION_TEXT }];
  return opts;
}

export interface NotifierDeps {
  Notification: (new (options: NotificationConstructorOptions) => Notification) & { isSupported(): boolean };
  platform: NodeJS.Platform;
  icon?: NativeImage | string;
  /** The current switches; read at show time so a change in settings applies at once. */
  prefs(): Settings['notifications'];
  focusRegistry(id: string): void;
  refresh(id: string): void;
}

export interface Notifier {
  show(n: PlannedNotice): boolean;
}

/** Keep at most this many live notifications referenced. */
const KEEP = 20;

export function createNotifier(deps: NotifierDeps): Notifier {
  // A Notification that is garbage-collected loses its click/action handlers (a known Electron
  // pitfall), so the recent ones are referenced here until closed.
  const live = new Set<Notification>();
  const forget = (n: Notification) => live.delete(n);
  return {
    show(notice) {
      // The planner already honours the switches; this re-check covers a switch turned off
      // between planning and showing, and keeps the rule visible at the point of display.
      if (!deps.prefs()[PREF_OF_KIND[notice.kind]]) return false;
      if (!deps.Notification.isSupported()) return false;
      const n = new deps.Notification(notificationOptions(notice, deps.platform, deps.icon));
      n.on('click', () => {
        forget(n);
        deps.focusRegistry(notice.registryId);
      });
      n.on('action', () => {
        forget(n);
        deps.refresh(notice.registryId);
      });
      n.on('close', () => forget(n));
      live.add(n);
      if (live.size > KEEP) forget(live.values().next().value as Notification);
      n.show();
      return true;
    },
  };
}
