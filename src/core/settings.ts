// Settings and persisted state: their checks, defaults, migrations, and recovery from corrupt files.
//
// The JSON store is injected: the CLI passes json-store.ts (conf's file format without conf), the
// tray app passes `electron-store` (built on conf), so both read and write the same files with the
// same checks. A file that cannot be parsed or fails its check is moved to
// `<name>.json.backup-<timestamp>` beside itself (never deleted) and the keeper starts from
// defaults with a warning the user sees.
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { withFileLockSync } from './cred-file';
import { KeeperError, sanitize } from './errors';
import { homeDir } from './home';
import { isRegistry, type Registry } from './registry';
import { checkSettings, DEFAULT_SETTINGS, SETTINGS_VERSION, type Settings } from './settings-model';

// The model (types, defaults, limits, patch validation) lives in settings-model.ts so the window's
// bundle can use it without Node; re-exported here for the engine's callers.
export * from './settings-model';

export const APP_NAME = 'ECR Keeper';
/**
 * The settings file's shape: each preference by the rules a change to it must pass
 * (settings-model.ts's SETTING_FIELDS, so the file and the patch check cannot disagree), plus the
 * file's own parts. Registries are checked one by one later (isRegistry), so one bad entry is set
 * aside rather than the whole file. Keys this version does not know are passed over: a newer
 * version may have written them. Checked by hand rather than by a JSON schema given to conf: conf
 * would compile it with ajv at every start (~43 ms of the CLI's ~220 ms for `ecr-keeper status`).
 */
export function settingsShapeProblem(v: Record<string, unknown>): string | null {
  const problems: string[] = [];
  if (v.version !== undefined && !(Number.isInteger(v.version) && (v.version as number) >= 0))
    problems.push('"version" must be a whole number');
  if (
    v.registries !== undefined &&
    !(
      Array.isArray(v.registries) && v.registries.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))
    )
  ) {
    problems.push('"registries" must be a list of registries');
  }
  problems.push(...checkSettings(v, 'key', false).errors.map((e) => e.message.replace(/\.$/, '')));
  return problems.length ? problems.join('; ') : null;
}

/** What the keeper persists per registry so countdowns survive a restart. Never a secret. */
export interface PersistedRegistryState {
  expiresAt?: string;
  lastSuccess?: string;
  lastAttempt?: string;
  failures?: number;
  lastError?: { category: string; message: string; fix: string; stage?: 'aws' | 'registry'; action?: unknown } | null;
  /** The host actually logged in to (derived from proxyEndpoint when no account is set). */
  host?: string;
  /** The account of the last token (its proxyEndpoint), so `discover` can match static-key profiles. */
  tokenAccount?: string;
}

export interface PersistedState {
  registries: Record<string, PersistedRegistryState>;
}

/** The state file's shape, checked by hand like the settings file's (settingsShapeProblem). */
export function stateShapeProblem(v: Record<string, unknown>): string | null {
  const regs = v.registries;
  if (regs === undefined) return null;
  if (typeof regs !== 'object' || regs === null || Array.isArray(regs)) return '"registries" must be an object';
  for (const [id, entry] of Object.entries(regs)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      return `the entry for "${id.slice(0, 60)}" must be an object`;
  }
  return null;
}

/** The subset of conf / electron-store we use: whole-store reads and writes. */
export interface JsonStore {
  readonly path: string;
  store: Record<string, unknown>;
}

export interface StoreOptions {
  cwd: string;
  configName: string;
  defaults: Record<string, unknown>;
  clearInvalidConfig: false;
  accessPropertiesByDotNotation: false;
  /** conf writes its files with this mode. */
  configFileMode?: number;
}

export type StoreOpener = (options: StoreOptions) => JsonStore;

/**
 * The folder the tray app and the CLI share. Matches Electron's `app.getPath('userData')` for an
 * app named "ECR Keeper", so electron-store's default location and the CLI agree.
 */
export function defaultConfigDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.ECR_KEEPER_CONFIG_DIR) return env.ECR_KEEPER_CONFIG_DIR;
  const home = homeDir(env);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_NAME);
}

export function backupPath(path: string, now: Date): string {
  return `${path}.backup-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * A file that cannot be read at all is not a corrupt one: a folder in its place, a link to
 * nothing, no permission. It is named with its problem and nothing is moved (a backup of what
 * we cannot read would only hide it). Throws a `config` error; returns when the file is readable
 * (or absent).
 */
export function checkReadable(file: string, forWriting: boolean): void {
  let link;
  try {
    link = lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw unreadable(
      file,
      (err as NodeJS.ErrnoException).code === 'EACCES'
        ? 'its folder cannot be read (permission denied)'
        : sanitize((err as Error).message),
    );
  }
  let st = link;
  if (link.isSymbolicLink()) {
    try {
      st = statSync(file);
    } catch {
      throw unreadable(file, `it is a link to ${sanitize(readlinkSync(file))}, which does not exist`);
    }
  }
  if (st.isDirectory()) throw unreadable(file, 'it is a folder, not a file');
  try {
    accessSync(file, forWriting ? constants.R_OK | constants.W_OK : constants.R_OK);
  } catch {
    throw unreadable(
      file,
      `permission denied (${forWriting ? 'it must be readable and writable' : 'it must be readable'})`,
    );
  }
}

function unreadable(file: string, why: string): KeeperError {
  return new KeeperError(
    'config',
    `${file} cannot be read: ${why}. Nothing was changed.`,
    `Make ${file} a file you can read and write (for example chmod 600 "${file}"), or move it aside to start from defaults.`,
  );
}

/** A store that holds defaults in memory and refuses writes: what a read-only command gets for a corrupt file. */
function memoryStore(path: string, defaults: Record<string, unknown>): JsonStore {
  return {
    path,
    get store() {
      return structuredClone(defaults);
    },
    set store(_v: Record<string, unknown>) {
      throw new KeeperError(
        'config',
        `${path} could not be read, so it is not written by a command that only reads.`,
        'Fix the file, or run a command that changes settings (it keeps the file as a backup).',
      );
    },
  };
}

/**
 * Opens a store. A file that cannot be read is an error (checkReadable). A file that was read but
 * is corrupt (bad JSON, not an object, refused by `shapeProblem`) is, for a command that writes,
 * renamed to a backup beside itself and a fresh store with defaults is opened; a command that only
 * reads leaves it as it is and sees defaults. Returns the warning to show.
 */
export function openWithRecovery(
  open: StoreOpener,
  options: StoreOptions,
  now: () => Date = () => new Date(),
  shapeProblem: (v: Record<string, unknown>) => string | null,
  readOnly = false,
): { store: JsonStore; warning?: string } {
  const file = join(options.cwd, `${options.configName}.json`);
  checkReadable(file, !readOnly);
  try {
    // Checked before the store opens: a store writes its defaults into the file it opens (conf
    // does, and json-store.ts as conf), and a file we refuse must reach the backup byte for byte.
    if (existsSync(file)) {
      const content: unknown = JSON.parse(readFileSync(file, 'utf8'));
      const problem =
        typeof content === 'object' && content !== null && !Array.isArray(content)
          ? shapeProblem(content as Record<string, unknown>)
          : 'the file must hold a JSON object';
      if (problem) throw new Error(`Invalid content: ${problem}.`);
    }
    const store = open(options);
    return { store };
  } catch (err) {
    if (!existsSync(file)) throw err;
    const reason = err instanceof Error ? sanitize(err.message.split('\n')[0] ?? '') : String(err);
    if (readOnly) {
      return {
        store: memoryStore(file, options.defaults),
        warning: `${file} could not be read (${reason}). It was left as it is and defaults are shown; fix it, or run a command that changes settings to keep it as a backup and start from defaults.`,
      };
    }
    const backup = backupPath(file, now());
    renameSync(file, backup);
    return {
      store: open(options),
      warning: `${file} could not be read (${reason}). It was kept as ${backup} and defaults were loaded.`,
    };
  }
}

/**
 * The settings file. Several processes write it (the tray app, `ecr-keeper add`, `watch`), so a
 * change is never written from a copy read earlier: `update` re-reads the file under its lock
 * (the lock credential files use, cred-file.ts), applies the change and writes it before
 * letting go, and concurrent commands cannot lose each other's work.
 */
export interface SettingsRepo {
  readonly path: string;
  read(): Settings;
  /** `change` gets what is on disk now; returning the same object writes nothing. */
  update(change: (current: Settings) => Settings): Settings;
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
  const merged = { ...DEFAULT_SETTINGS, ...raw };
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

/** The state file, shared by every process like the settings file: changed only under its lock. */
export interface StateRepo {
  readonly path: string;
  read(): PersistedState;
  update(change: (current: PersistedState) => PersistedState): PersistedState;
}

/** Read-modify-write of one of our files under its lock, from what is on disk now; an unchanged value is not written. */
function lockedUpdate<T>(store: JsonStore, read: () => T): (change: (current: T) => T) => T {
  return (change) =>
    withFileLockSync(store.path, () => {
      const current = read();
      const next = change(current);
      if (next !== current) store.store = next as unknown as Record<string, unknown>;
      return next;
    });
}

/** Our own files hold no secrets, but they describe the user's accounts: private, in a private folder. */
export const OWN_FILE_MODE = 0o600;

/**
 * Opens the settings and state files in `dir`, recovering from corrupt ones. `readOnly` (commands
 * that only look: list, status) never moves or writes a file, corrupt or not.
 */
export function openSettings(
  open: StoreOpener,
  dir: string,
  now: () => Date = () => new Date(),
  opts: { readOnly?: boolean } = {},
): OpenedSettings {
  const warnings: string[] = [];
  const readOnly = opts.readOnly ?? false;
  const base = {
    cwd: dir,
    clearInvalidConfig: false as const,
    accessPropertiesByDotNotation: false as const,
    configFileMode: OWN_FILE_MODE,
  };
  if (!readOnly) {
    // A folder we create is private; files written earlier with a wider mode are narrowed.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const name of ['config.json', 'state.json']) {
      try {
        if ((statSync(join(dir, name)).mode & 0o077) !== 0) chmodSync(join(dir, name), OWN_FILE_MODE);
      } catch {
        /* absent, or reported by checkReadable */
      }
    }
  }
  // `version` is not among conf's defaults, so an old file still shows its own (or none) after
  // it has been checked: migration runs on the checked store.
  const { version: _v, ...defaults } = DEFAULT_SETTINGS;
  // Opening writes too (conf saves its defaults into a new file; migration; recovery), so it
  // takes the same lock as every change: a process starting beside `ecr-keeper add` must not
  // write an empty list over the registry just added.
  const s = withFileLockSync(join(dir, 'config.json'), () => {
    const opened = openWithRecovery(
      open,
      { ...base, configName: 'config', defaults },
      now,
      settingsShapeProblem,
      readOnly,
    );
    if (readOnly) {
      const { dropped } = normalise(opened.store.store);
      if (dropped.length)
        warnings.push(
          `${dropped.length} registr${dropped.length === 1 ? 'y' : 'ies'} in ${opened.store.path} did not pass validation and ${dropped.length === 1 ? 'is' : 'are'} not shown; the file was left as it is (a command that changes settings sets ${dropped.length === 1 ? 'it' : 'them'} aside, keeping the file as a backup).`,
        );
      return opened;
    }
    const stored = opened.store.store;
    if (typeof stored.version !== 'number' || stored.version < SETTINGS_VERSION) opened.store.store = migrate(stored);
    // Set aside registries that no longer validate (kept in a backup, never silently lost).
    const { settings, dropped } = normalise(opened.store.store);
    if (dropped.length) {
      const file = opened.store.path;
      const backup = backupPath(file, now());
      renameSync(file, backup);
      warnings.push(
        `${dropped.length} registr${dropped.length === 1 ? 'y' : 'ies'} in ${file} did not pass validation and were set aside; the original file was kept as ${backup}.`,
      );
      opened.store.store = settings as unknown as Record<string, unknown>;
    }
    return opened;
  });
  if (s.warning) warnings.unshift(s.warning);
  const st = withFileLockSync(join(dir, 'state.json'), () =>
    openWithRecovery(
      open,
      { ...base, configName: 'state', defaults: { registries: {} } },
      now,
      stateShapeProblem,
      readOnly,
    ),
  );
  if (st.warning) warnings.push(st.warning);

  const readSettings = () => normalise(s.store.store).settings;
  const readState = (): PersistedState => {
    const v = st.store.store as unknown as PersistedState;
    return { registries: { ...(v.registries ?? {}) } };
  };
  const writeSettings = lockedUpdate(s.store, readSettings);
  // What is written passes the check a file is read with (conf's schema checked writes too): a
  // bug must not write a file the next start would set aside.
  const update = (change: (current: Settings) => Settings) =>
    writeSettings((cur) => {
      const next = change(cur);
      const problem = next === cur ? null : settingsShapeProblem(next as unknown as Record<string, unknown>);
      if (problem)
        throw new KeeperError(
          'internal',
          `Refused to write settings that would not read back: ${problem}.`,
          'Nothing was written. Report this as a bug.',
        );
      return next;
    });
  const repo: SettingsRepo = { path: s.store.path, read: readSettings, update };
  const state: StateRepo = { path: st.store.path, read: readState, update: lockedUpdate(st.store, readState) };
  return { repo, state, warnings };
}
