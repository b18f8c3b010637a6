// The settings model: types, defaults, limits and the validation of a settings patch. Free of
// Node APIs so the CLI, the IPC handlers and the window's settings form share one definition
// (and so one set of messages). Persistence lives in settings.ts.
import type { Registry } from './registry';

export const SETTINGS_VERSION = 1;

export interface Settings {
  version: number;
  registries: Registry[];
  autoRefresh: boolean;
  /** Refresh this long before the token expires. */
  refreshLeadMinutes: number;
  /** Warn this long before expiry when nothing will refresh in time. */
  notifyLeadMinutes: number;
  loginTimeoutSeconds: number;
  startAtLogin: boolean;
  notifications: { expiring: boolean; failed: boolean; recovered: boolean };
  /** Explicit paths for the login tools, for installs the search does not find. */
  toolPaths: { docker?: string; podman?: string; helm?: string };
  /** How many logins run at once (unset: the number of cores, at most LIMITS.parallelLogins.max). */
  parallelLogins?: number;
}

export const DEFAULT_SETTINGS: Settings = {
  version: SETTINGS_VERSION,
  registries: [],
  autoRefresh: true,
  refreshLeadMinutes: 30,
  notifyLeadMinutes: 15,
  loginTimeoutSeconds: 30,
  startAtLogin: false,
  notifications: { expiring: true, failed: true, recovered: true },
  toolPaths: {},
};

/** Limits shared by the CLI, IPC and the settings form. Tokens last 12 h, so leads stay well under. */
export const LIMITS = {
  refreshLeadMinutes: { min: 5, max: 360 },
  notifyLeadMinutes: { min: 1, max: 360 },
  loginTimeoutSeconds: { min: 5, max: 300 },
  // Each login is a docker/podman process of its own; past 8 they only queue for the CPU.
  parallelLogins: { min: 1, max: 8 },
} as const;


/**
 * What the window calls each setting (its labels and its error messages). The CLI names settings
 * by key instead, as `config` takes them; this is the one place that maps keys to labels.
 */
export const SETTING_LABELS: Record<string, string> = {
  autoRefresh: 'Refresh logins automatically',
  refreshLeadMinutes: 'Refresh before expiry',
  notifyLeadMinutes: 'Warn before expiry',
  loginTimeoutSeconds: 'Login timeout',
  startAtLogin: 'Start ECR Keeper when I log in to this computer',
  notifications: 'Notifications',
  'notifications.expiring': 'A login is about to expire',
  'notifications.failed': 'A refresh failed',
  'notifications.recovered': 'A failed registry works again',
  toolPaths: 'Login tool paths',
  'toolPaths.docker': 'docker path',
  'toolPaths.podman': 'podman path',
  'toolPaths.helm': 'helm path',
};

/** How a problem names a setting: by its key (CLI) or by the label the window shows. */
export type SettingNames = 'key' | 'label';

export function settingName(key: string, names: SettingNames): string {
  return names === 'label' ? SETTING_LABELS[key] ?? key : key;
}

/** Validates a settings patch from the CLI, IPC or the form; returns problems, changes nothing. */
export function validateSettingsPatch(patch: unknown, names: SettingNames = 'key'): { ok: true; value: Partial<Settings> } | { ok: false, errors: { field: string; message: string }[] } {
  const n = (key: string) => settingName(key, names);
  const errors: { field: string; message: string }[] = [];
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    return { ok: false, errors: [{ field: 'input', message: 'Settings must be an object.' }] };
  }
  const p = patch as Record<string, unknown>;
  const out: Partial<Settings> = {};
  const allowed = new Set(['autoRefresh', 'refreshLeadMinutes', 'notifyLeadMinutes', 'loginTimeoutSeconds', 'parallelLogins', 'startAtLogin', 'notifications', 'toolPaths']);
  for (const k of Object.keys(p)) if (!allowed.has(k)) errors.push({ field: 'input', message: `Unknown setting "${k.slice(0, 40)}".` });
  for (const k of ['autoRefresh', 'startAtLogin'] as const) {
    if (k in p) {
      if (typeof p[k] !== 'boolean') errors.push({ field: k, message: `${n(k)} must be true or false.` });
      else out[k] = p[k] as boolean;
    }
  }
  for (const k of ['refreshLeadMinutes', 'notifyLeadMinutes', 'loginTimeoutSeconds', 'parallelLogins'] as const) {
    if (k in p) {
      const v = p[k];
      const { min, max } = LIMITS[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        errors.push({ field: k, message: `${n(k)} must be a whole number from ${min} to ${max}.` });
      } else out[k] = v;
    }
  }
  if ('notifications' in p) {
    const nt = p.notifications;
    if (typeof nt !== 'object' || nt === null || Array.isArray(nt)) errors.push({ field: 'notifications', message: `${n('notifications')} must be an object.` });
    else {
      const nn: Partial<Settings['notifications']> = {};
      for (const [k, v] of Object.entries(nt)) {
        if (!['expiring', 'failed', 'recovered'].includes(k)) errors.push({ field: 'notifications', message: `Unknown notification kind "${k.slice(0, 40)}".` });
        else if (typeof v !== 'boolean') errors.push({ field: `notifications.${k}`, message: `${n(`notifications.${k}`)} must be true or false.` });
        else nn[k as keyof Settings['notifications']] = v;
      }
      out.notifications = nn as Settings['notifications'];
    }
  }
  if ('toolPaths' in p) {
    const t = p.toolPaths;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) errors.push({ field: 'toolPaths', message: `${n('toolPaths')} must be an object.` });
    else {
      const tp: Settings['toolPaths'] = {};
      for (const [k, v] of Object.entries(t)) {
        if (k !== 'docker' && k !== 'podman' && k !== 'helm') { errors.push({ field: 'toolPaths', message: `Unknown tool "${k.slice(0, 40)}": use docker, podman or helm.` }); continue; }
        if (v === '' || v === null || v === undefined) continue;
        if (typeof v !== 'string' || v.length > 1024 || !/^(\/|[A-Za-z]:\\|~\/)/.test(v) || /[\0\n\r]/.test(v)) {
          errors.push({ field: `toolPaths.${k}`, message: `${names === 'label' ? `The ${n(`toolPaths.${k}`)}` : `toolPaths.${k}`} must be an absolute path to the program, like /usr/local/bin/${k}.` });
        } else tp[k] = v;
      }
      out.toolPaths = tp;
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: out };
}
