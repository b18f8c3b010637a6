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
} as const;


/** Validates a settings patch from the CLI, IPC or the form; returns problems, changes nothing. */
export function validateSettingsPatch(patch: unknown): { ok: true; value: Partial<Settings> } | { ok: false, errors: { field: string; message: string }[] } {
  const errors: { field: string; message: string }[] = [];
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    return { ok: false, errors: [{ field: 'input', message: 'Settings must be an object.' }] };
  }
  const p = patch as Record<string, unknown>;
  const out: Partial<Settings> = {};
  const allowed = new Set(['autoRefresh', 'refreshLeadMinutes', 'notifyLeadMinutes', 'loginTimeoutSeconds', 'startAtLogin', 'notifications', 'toolPaths']);
  for (const k of Object.keys(p)) if (!allowed.has(k)) errors.push({ field: 'input', message: `Unknown setting "${k.slice(0, 40)}".` });
  for (const k of ['autoRefresh', 'startAtLogin'] as const) {
    if (k in p) {
      if (typeof p[k] !== 'boolean') errors.push({ field: k, message: `${k} must be true or false.` });
      else out[k] = p[k] as boolean;
    }
  }
  for (const k of ['refreshLeadMinutes', 'notifyLeadMinutes', 'loginTimeoutSeconds'] as const) {
    if (k in p) {
      const v = p[k];
      const { min, max } = LIMITS[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        errors.push({ field: k, message: `${k} must be a whole number from ${min} to ${max}.` });
      } else out[k] = v;
    }
  }
  if ('notifications' in p) {
    const n = p.notifications;
    if (typeof n !== 'object' || n === null || Array.isArray(n)) errors.push({ field: 'notifications', message: 'notifications must be an object.' });
    else {
      const nn: Partial<Settings['notifications']> = {};
      for (const [k, v] of Object.entries(n)) {
        if (!['expiring', 'failed', 'recovered'].includes(k)) errors.push({ field: 'notifications', message: `Unknown notification kind "${k.slice(0, 40)}".` });
        else if (typeof v !== 'boolean') errors.push({ field: 'notifications', message: `notifications.${k} must be true or false.` });
        else nn[k as keyof Settings['notifications']] = v;
      }
      out.notifications = nn as Settings['notifications'];
    }
  }
  if ('toolPaths' in p) {
    const t = p.toolPaths;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) errors.push({ field: 'toolPaths', message: 'toolPaths must be an object.' });
    else {
      const tp: Settings['toolPaths'] = {};
      for (const [k, v] of Object.entries(t)) {
        if (k !== 'docker' && k !== 'podman' && k !== 'helm') { errors.push({ field: 'toolPaths', message: `Unknown tool "${k.slice(0, 40)}": use docker, podman or helm.` }); continue; }
        if (v === '' || v === null || v === undefined) continue;
        if (typeof v !== 'string' || v.length > 1024 || !/^(\/|[A-Za-z]:\\|~\/)/.test(v) || /[\0\n\r]/.test(v)) {
          errors.push({ field: `toolPaths.${k}`, message: `The ${k} path must be an absolute path to the program, like /usr/local/bin/${k}.` });
        } else tp[k] = v;
      }
      out.toolPaths = tp;
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: out };
}
