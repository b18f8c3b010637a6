// `ecr-keeper config`: the preferences as dotted keys (refreshLeadMinutes, notifications.expiring,
// toolPaths.docker...), derived from the settings model so a new preference shows up here without
// a second list. Values are turned into a settings patch; validateSettingsPatch (the window's
// check too) decides what is acceptable and says why not.
import { DEFAULT_SETTINGS, type Settings } from './settings-model';
import type { LoginTool } from './registry';

// Not registry.ts's LOGIN_TOOLS: the CLI loads this module for its help text, and registry.ts
// (with the SDK's region table) should load only in the verbs that validate registries.
const TOOLS: readonly LoginTool[] = ['docker', 'podman'];

const SCALARS = (Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[])
  .filter((k) => typeof DEFAULT_SETTINGS[k] === 'boolean' || (typeof DEFAULT_SETTINGS[k] === 'number' && k !== 'version'));

export const CONFIG_KEYS: readonly string[] = [
  ...SCALARS,
  ...Object.keys(DEFAULT_SETTINGS.notifications).map((k) => `notifications.${k}`),
  ...TOOLS.map((t) => `toolPaths.${t}`),
];

export type ConfigKey = string & { readonly __configKey?: never };

export function isConfigKey(key: string): key is ConfigKey {
  return CONFIG_KEYS.includes(key);
}

const TRUE = new Set(['true', 'on', 'yes', '1']);
const FALSE = new Set(['false', 'off', 'no', '0']);

/** on/off, true/false, yes/no; anything else is passed on as text for the validation to refuse. */
function parseBool(raw: string): boolean | string {
  const v = raw.trim().toLowerCase();
  return TRUE.has(v) ? true : FALSE.has(v) ? false : raw;
}

function parseNumber(raw: string): number | string {
  return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
}

/** The settings patch that sets `key` to `raw` (as typed on the command line). */
export function patchFor(current: Settings, key: ConfigKey, raw: string): Record<string, unknown> {
  const [head, sub] = key.split('.') as [string, string | undefined];
  if (head === 'notifications' && sub) return { notifications: { [sub]: parseBool(raw) } };
  // toolPaths is replaced as a whole by the keeper: carry the other tool's path along ('' clears this one).
  if (head === 'toolPaths' && sub) return { toolPaths: { ...current.toolPaths, [sub]: raw } };
  const def = DEFAULT_SETTINGS[head as keyof Settings];
  return { [head]: typeof def === 'boolean' ? parseBool(raw) : parseNumber(raw) };
}

export function readKey(s: Settings, key: ConfigKey): string | number | boolean | undefined {
  const [head, sub] = key.split('.') as [string, string | undefined];
  if (head === 'notifications' && sub) return s.notifications[sub as keyof Settings['notifications']];
  if (head === 'toolPaths' && sub) return s.toolPaths[sub as keyof Settings['toolPaths']];
  return s[head as keyof Settings] as string | number | boolean | undefined;
}
