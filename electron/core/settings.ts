// Settings and persisted state: schema, defaults, migrations, and recovery from corrupt files.
//
// The JSON store is injected: the CLI passes `conf`, the tray app passes `electron-store` (built on
// conf), so both read and write the same files with the same schema. A file that cannot be parsed
// or fails the schema is moved to `<name>.json.backup-<timestamp>` beside itself (never deleted)
// and the keeper starts from defaults with a warning the user sees.
import { existsSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isRegistry, type Registry } from './registry';
import { DEFAULT_SETTINGS, LIMITS, SETTINGS_VERSION, type Settings } from './settings-model';

// The model (types, defaults, limits, patch validation) lives in settings-model.ts so the window's
// bundle can use it without Node; re-exported here for the engine's callers.
export * from './settings-model';

export const APP_NAME = 'ECR Keeper';
// Top-level JSON schema handed to conf (ajv). Registries are checked in depth by isRegistry.
export const SETTINGS_SCHEMA = {
  version: { type: 'integer', minimum: 0 },
  registries: { type: 'array', items: { type: 'object' } },
  autoRefresh: { type: 'boolean' },
  refreshLeadMinutes: { type: 'number', ...minMax(LIMITS.refreshLeadMinutes) },
  notifyLeadMinutes: { type: 'number', ...minMax(LIMITS.notifyLeadMinutes) },
  loginTimeoutSeconds: { type: 'number', ...minMax(LIMITS.loginTimeoutSeconds) },
  startAtLogin: { type: 'boolean' },
  notifications: {
    type: 'object',
    properties: { expiring: { type: 'boolean' }, failed: { type: 'boolean' }, recovered: { type: 'boolean' } },
  },
  toolPaths: { type: 'object', properties: { docker: { type: 'string' }, podman: { type: 'string' } } },
} as const;

function minMax(l: { min: number; max: number }) { return { minimum: l.min, maximum: l.max }; }

/** What the keeper persists per registry so countdowns survive a restart. Never a secret. */
export interface PersistedRegistryState {
  expiresAt?: string;
  lastSuccess?: string;
  lastAttempt?: string;
  failures?: number;
  lastError?: { category: string; message: string; fix: string } | null;
  /** The host actually logged in to (derived from proxyEndpoint when no account is set). */
  host?: string;
  /** The account of the last token (its proxyEndpoint), so `discover` can match static-key profiles. */
  tokenAccount?: string;
}

export interface PersistedState {
  registries: Record<string, PersistedRegistryState>;
}

/**
 * The state file's shape, checked by hand rather than by conf's schema: it is ours, it is small,
 * and compiling a second ajv schema would cost every CLI start ~35 ms (see docs/PERFORMANCE.md).
 */
export function stateShapeProblem(v: Record<string, unknown>): string | null {
  const regs = v.registries;
  if (regs === undefined) return null;
  if (typeof regs !== 'object' || regs === null || Array.isArray(regs)) return '"registries" must be an object';
  for (const [id, entry] of Object.entries(regs)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return `the entry for "${id.slice(0, 60)}" must be an object`;
  }
  return null;
}

/**
 * conf compiles the schema with ajv on every start. By default ajv first checks the schema itself
 * against the JSON Schema meta-schema, which costs ~25 ms of every CLI command (about 35 ms in
 * all, measured; docs/PERFORMANCE.md). Our schema is a constant, so that check runs once, in
 * tests/unit/settings.test.ts, instead; the settings file itself is still validated every time.
 */
export const SCHEMA_AJV_OPTIONS = { validateSchema: false, code: { optimize: false } } as const;

/** The subset of conf / electron-store we use: whole-store reads and writes. */
export interface JsonStore {
  readonly path: string;
  store: Record<string, unknown>;
}

export interface StoreOptions {
  cwd: string;
  configName: string;
  /** conf's JSON schema (ajv); omitted where a hand check is used instead. */
  schema?: Record<string, unknown>;
  defaults: Record<string, unknown>;
  clearInvalidConfig: false;
  accessPropertiesByDotNotation: false;
  /** Passed to conf's ajv; see SCHEMA_AJV_OPTIONS. */
  ajvOptions?: Record<string, unknown>;
}

export type StoreOpener = (options: StoreOptions) => JsonStore;

/**
 * The folder the tray app and the CLI share. Matches Electron's `app.getPath('userData')` for an
 * app named "ECR Keeper", so electron-store's default location and the CLI agree.
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.ECR_KEEPER_CONFIG_DIR) return env.ECR_KEEPER_CONFIG_DIR;
  const home = env.HOME || env.USERPROFILE || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_NAME);
}

export function backupPath(path: string, now: Date): string {
  return `${path}.backup-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * Opens a store; when the file on disk is corrupt (bad JSON, schema violation) it is renamed to a
 * backup beside itself and a fresh store with defaults is opened. Returns the warning to show.
 */
export function openWithRecovery(
  open: StoreOpener,
  options: StoreOptions,
  now: () => Date = () => new Date(),
  shapeProblem?: (v: Record<string, unknown>) => string | null,
): { store: JsonStore; warning?: string } {
  try {
    const store = open(options);
    const problem = shapeProblem?.(store.store);
    if (problem) throw new Error(`Invalid content: ${problem}.`);
    return { store };
  } catch (err) {
    const file = join(options.cwd, `${options.configName}.json`);
    if (!existsSync(file)) throw err;
    const backup = backupPath(file, now());
    renameSync(file, backup);
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return {
      store: open(options),
      warning: `${file} could not be read (${reason}). It was kept as ${backup} and defaults were loaded.`,
    };
  }
}

export interface SettingsRepo {
  readonly path: string;
  read(): Settings;
  write(s: Settings): void;
}

/** Upgrades older files in place; each step takes version N to N+1. */
const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {
  // Version 0: files written before versioning had `refreshLead` in seconds.
  0: (raw) => {
    const { refreshLead, ...rest } = raw as { refreshLead?: unknown };
    const out: Record<string, unknown> = { ...rest, version: 1 };
    if (typeof refreshLead === 'number') out.refreshLeadMinutes = Math.round(refreshLead / 60);
    return out;
  },
};

export function migrate(raw: Record<string, unknown>): Record<string, unknown> {
  let cur = raw;
  let v = typeof cur.version === 'number' ? cur.version : 0;
  while (v < SETTINGS_VERSION) {
    const step = MIGRATIONS[v];
    if (!step) break;
    cur = step(cur);
    v = typeof cur.version === 'number' ? cur.version : v + 1;
  }
  return cur;
}

function normalise(raw: Record<string, unknown>): { settings: Settings; dropped: unknown[] } {
  const merged = { ...DEFAULT_SETTINGS, ...raw } as Settings;
  const regs = Array.isArray(raw.registries) ? raw.registries : [];
  const good: Registry[] = [];
  const dropped: unknown[] = [];
  for (const r of regs) (isRegistry(r) ? good : dropped).push(r as Registry);
  return {
    settings: {
      ...merged,
      registries: good,
      notifications: { ...DEFAULT_SETTINGS.notifications, ...(merged.notifications ?? {}) },
      toolPaths: { ...(merged.toolPaths ?? {}) },
    },
    dropped,
  };
}

export interface OpenedSettings {
  repo: SettingsRepo;
  state: StateRepo;
  warnings: string[];
}

export interface StateRepo {
  readonly path: string;
  read(): PersistedState;
  write(s: PersistedState): void;
}

/** Opens the settings and state files in `dir`, recovering from corrupt ones. */
export function openSettings(open: StoreOpener, dir: string, now: () => Date = () => new Date()): OpenedSettings {
  const warnings: string[] = [];
  const base = { cwd: dir, clearInvalidConfig: false as const, accessPropertiesByDotNotation: false as const };
  // `version` is not among conf's defaults, so an old file still shows its own (or none) after
  // conf has validated it: migration runs on the validated store, and a file that fails the
  // schema reaches the recovery path byte for byte as the user left it.
  const { version: _v, ...defaults } = DEFAULT_SETTINGS;
  const s = openWithRecovery(open, { ...base, configName: 'config', schema: SETTINGS_SCHEMA, ajvOptions: SCHEMA_AJV_OPTIONS, defaults }, now);
  if (s.warning) warnings.push(s.warning);
  const st = openWithRecovery(open, { ...base, configName: 'state', defaults: { registries: {} } }, now, stateShapeProblem);
  if (st.warning) warnings.push(st.warning);

  const stored = s.store.store;
  if (typeof stored.version !== 'number' || stored.version < SETTINGS_VERSION) s.store.store = migrate(stored);

  // Set aside registries that no longer validate (kept in a backup, never silently lost).
  const { settings, dropped } = normalise(s.store.store);
  if (dropped.length) {
    const file = s.store.path;
    const backup = backupPath(file, now());
    renameSync(file, backup);
    warnings.push(`${dropped.length} registr${dropped.length === 1 ? 'y' : 'ies'} in ${file} did not pass validation and were set aside; the original file was kept as ${backup}.`);
  }
  if (dropped.length) s.store.store = settings as unknown as Record<string, unknown>;

  const repo: SettingsRepo = {
    path: s.store.path,
    read: () => normalise(s.store.store).settings,
    write: (next) => { s.store.store = next as unknown as Record<string, unknown>; },
  };
  const state: StateRepo = {
    path: st.store.path,
    read: () => {
      const v = st.store.store as unknown as PersistedState;
      return { registries: { ...(v.registries ?? {}) } };
    },
    write: (next) => { st.store.store = next as unknown as Record<string, unknown>; },
  };
  return { repo, state, warnings };
}
