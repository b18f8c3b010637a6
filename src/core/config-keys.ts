// `ecr-keeper config`: the preferences as dotted keys (refreshLeadMinutes, notifications.expiring,
// toolPaths.docker...), derived from the settings model's SETTING_FIELDS so a new preference shows
// up here without a second list. Values are turned into a settings patch; validateSettingsPatch
// (the window's check too) decides what is acceptable and says why not.
import { SETTING_FIELDS, SETTING_KEYS, type Settings } from './settings-model';

export const CONFIG_KEYS: readonly string[] = SETTING_KEYS.flatMap((k) => {
  const f = SETTING_FIELDS[k];
  return 'keys' in f ? Object.keys(f.keys).map((sub) => `${k}.${sub}`) : [k];
});

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
  const [head, sub] = key.split('.') as [keyof typeof SETTING_FIELDS, string | undefined];
  const type = SETTING_FIELDS[head].type;
  if (type === 'switches' && sub) return { [head]: { [sub]: parseBool(raw) } };
  // toolPaths is replaced as a whole by the keeper: carry the other tools' paths along ('' clears this one).
  if (type === 'paths' && sub) return { [head]: { ...current.toolPaths, [sub]: raw } };
  // '' for a setting with an automatic value goes back to it (`config set parallelLogins ''`).
  if (type === 'integer' && raw.trim() === '' && 'automatic' in SETTING_FIELDS[head]) return { [head]: null };
  return { [head]: type === 'boolean' ? parseBool(raw) : parseNumber(raw) };
}

export function readKey(s: Settings, key: ConfigKey): string | number | boolean | undefined {
  const [head, sub] = key.split('.') as [keyof Settings, string | undefined];
  const v = s[head] as unknown;
  if (sub) return (v as Record<string, string | boolean | undefined> | undefined)?.[sub];
  return v as string | number | boolean | undefined;
}
