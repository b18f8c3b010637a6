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
  /** How many logins run at once (unset: defaultParallelLogins() in login.ts, four per core, at most LIMITS.parallelLogins.max). */
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

/** Logins at once when parallelLogins is unset: this many per core (login.ts says why), at most the max. */
export const PARALLEL_LOGINS_PER_CORE = 4;
const PARALLEL_LOGINS_MAX = 8;

/** How one setting is described; the kind of description must fit the setting's type. */
type SpecFor<T> = [T] extends [boolean]
  ? { type: 'boolean'; label: string }
  : [T] extends [number]
    ? { type: 'integer'; label: string; min: number; max: number; automatic?: string }
    : [T] extends [Record<string, boolean>]
      ? { type: 'switches'; label: string; keys: { [K in keyof T]-?: string }; unknown: (key: string) => string }
      : { type: 'paths'; label: string; keys: { [K in keyof T]-?: string }; unknown: (key: string) => string };

type SettingKey = Exclude<keyof Settings, 'version' | 'registries'>;

/**
 * Every preference, written once: what the window calls it (its labels and the problems' wording;
 * the CLI names settings by key instead) and what is accepted. The patch check, the settings file's
 * check (settings.ts), the limits, the labels and the CLI's config keys all derive from this, and
 * the `satisfies` ties it to Settings: a preference added to one and not the other does not
 * compile. In the order `ecr-keeper config` lists them and problems are reported.
 */
export const SETTING_FIELDS = {
  autoRefresh: { type: 'boolean', label: 'Refresh logins automatically' },
  // Tokens last 12 h, so leads stay well under.
  refreshLeadMinutes: { type: 'integer', label: 'Refresh before expiry', min: 5, max: 360 },
  notifyLeadMinutes: { type: 'integer', label: 'Warn before expiry', min: 1, max: 360 },
  loginTimeoutSeconds: { type: 'integer', label: 'Login timeout', min: 5, max: 300 },
  // Each login is a docker/podman process of its own; past 8 they only queue for the CPU. Unset
  // means automatic (defaultParallelLogins in login.ts); null in a patch goes back to it.
  parallelLogins: {
    type: 'integer',
    label: 'Logins at the same time',
    min: 1,
    max: PARALLEL_LOGINS_MAX,
    automatic: `${PARALLEL_LOGINS_PER_CORE} per core, at most ${PARALLEL_LOGINS_MAX}`,
  },
  startAtLogin: { type: 'boolean', label: 'Start ECR Keeper when I log in to this computer' },
  notifications: {
    type: 'switches',
    label: 'Notifications',
    keys: {
      expiring: 'A login is about to expire',
      failed: 'A refresh failed',
      recovered: 'A failed registry works again',
    },
    unknown: (k) => `Unknown notification kind "${k}".`,
  },
  toolPaths: {
    type: 'paths',
    label: 'Login tool paths',
    keys: { docker: 'docker path', podman: 'podman path', helm: 'helm path' },
    unknown: (k) => `Unknown tool "${k}": use docker, podman or helm.`,
  },
} as const satisfies { [K in SettingKey]-?: SpecFor<NonNullable<Settings[K]>> };

export const SETTING_KEYS = Object.keys(SETTING_FIELDS) as SettingKey[];

type IntegerKey = { [K in SettingKey]: (typeof SETTING_FIELDS)[K] extends { type: 'integer' } ? K : never }[SettingKey];

/** The whole-number settings' ranges (the settings form's min and max, the login pool's size). */
export const LIMITS = Object.fromEntries(
  SETTING_KEYS.flatMap((k) => {
    const f = SETTING_FIELDS[k];
    return f.type === 'integer' ? [[k, { min: f.min, max: f.max }]] : [];
  }),
) as { readonly [K in IntegerKey]: { readonly min: number; readonly max: number } };

/** Setting key ("refreshLeadMinutes", "notifications.failed") -> what the window calls it. */
export const SETTING_LABELS: Readonly<Record<string, string>> = Object.fromEntries(
  SETTING_KEYS.flatMap((k): [string, string][] => {
    const f = SETTING_FIELDS[k];
    return [
      [k, f.label],
      ...('keys' in f
        ? Object.entries(f.keys).map(([sub, label]): [string, string] => [`${k}.${sub}`, String(label)])
        : []),
    ];
  }),
);

/** How a problem names a setting: by its key (CLI) or by the label the window shows. */
export type SettingNames = 'key' | 'label';

export function settingName(key: string, names: SettingNames): string {
  return names === 'label' ? (SETTING_LABELS[key] ?? key) : key;
}

export interface SettingProblem {
  field: string;
  message: string;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// A program's path: absolute (or in the home folder, ~/...), one line, not absurdly long.
export function isToolPath(v: unknown): v is string {
  return typeof v === 'string' && v.length <= 1024 && /^(\/|[A-Za-z]:\\|~\/)/.test(v) && !/[\0\n\r]/.test(v);
}

/**
 * Checks the settings in `p` by SETTING_FIELDS, returning the problems and the accepted values.
 * `strict` (a patch) refuses keys it does not know; a settings file passes them over, as a newer
 * version of ECR Keeper may have written them.
 */
export function checkSettings(
  p: Record<string, unknown>,
  names: SettingNames,
  strict: boolean,
): { errors: SettingProblem[]; value: Partial<Settings> } {
  const n = (key: string) => settingName(key, names);
  const errors: SettingProblem[] = [];
  const out: Record<string, unknown> = {};
  if (strict)
    for (const k of Object.keys(p))
      if (!Object.hasOwn(SETTING_FIELDS, k))
        errors.push({ field: 'input', message: `Unknown setting "${k.slice(0, 40)}".` });
  for (const k of SETTING_KEYS) {
    const v = p[k];
    // In a file (or what is about to be written to one) undefined is absent: JSON drops it.
    if (!(k in p) || (!strict && v === undefined)) continue;
    const f = SETTING_FIELDS[k];
    if (f.type === 'boolean') {
      if (typeof v !== 'boolean') errors.push({ field: k, message: `${n(k)} must be true or false.` });
      else out[k] = v;
    } else if (f.type === 'integer') {
      // A setting with an automatic value: null in a patch goes back to it (the key is dropped).
      if (strict && v === null && 'automatic' in f) out[k] = undefined;
      else if (typeof v !== 'number' || !Number.isInteger(v) || v < f.min || v > f.max) {
        errors.push({ field: k, message: `${n(k)} must be a whole number from ${f.min} to ${f.max}.` });
      } else out[k] = v;
    } else if (!isPlainObject(v)) {
      errors.push({ field: k, message: `${n(k)} must be an object.` });
    } else {
      const group: Record<string, unknown> = {};
      for (const [sub, sv] of Object.entries(v)) {
        const field = `${k}.${sub}`;
        if (!Object.hasOwn(f.keys, sub)) {
          if (strict) errors.push({ field: k, message: f.unknown(sub.slice(0, 40)) });
          continue;
        }
        if (f.type === 'switches') {
          if (typeof sv !== 'boolean') errors.push({ field, message: `${n(field)} must be true or false.` });
          else group[sub] = sv;
        } else {
          // Empty means "not set": search PATH and the usual places.
          if (sv === '' || sv === null || sv === undefined) continue;
          if (!isToolPath(sv))
            errors.push({
              field,
              message: `${names === 'label' ? `The ${n(field)}` : field} must be an absolute path to the program, like /usr/local/bin/${sub}.`,
            });
          else group[sub] = sv;
        }
      }
      out[k] = group;
    }
  }
  return { errors, value: out };
}

/** Validates a settings patch from the CLI, IPC or the form; returns problems, changes nothing. */
export function validateSettingsPatch(
  patch: unknown,
  names: SettingNames = 'key',
): { ok: true; value: Partial<Settings> } | { ok: false; errors: SettingProblem[] } {
  if (!isPlainObject(patch)) return { ok: false, errors: [{ field: 'input', message: 'Settings must be an object.' }] };
  const { errors, value } = checkSettings(patch, names, true);
  return errors.length ? { ok: false, errors } : { ok: true, value };
}
