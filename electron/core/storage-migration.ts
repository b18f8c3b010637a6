// Moves ECR Keeper's logins out of docker's (and podman's) plain-text credential file into a
// credential store, through docker's own mechanism: `credHelpers[host] = STORE` for exactly the
// hosts ECR Keeper manages. Safe by construction:
//   - the store is checked first; if it does not work nothing is touched;
//   - every file about to change is copied beside itself (`config.json.bak-<ts>`) first;
//   - every write is atomic (temp file + rename) and keeps unknown keys;
//   - any failure half way (a login that does not reach the store) restores the backups;
//   - undo() restores the latest backup byte for byte.
// A small record beside each changed file (`config.json.ecr-keeper`) remembers the chosen store so
// registries added later are mapped the same way (ensureStoreMapping, called before each login).
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { dockerConfigPath, normalizeHostKey, podmanAuthPath, readDockerConfig, storageForHost, type DockerConfig, type HostStorage } from './docker-config';
import { KeeperError, sanitize } from './errors';
import { detectStore, detectStores, isStoreName, listStore, STORE_NAMES, type StoreName, type StoreStatus } from './cred-stores';
import { validateHostPort, type LoginTool } from './registry';

export interface ManagedHost {
  host: string;
  tool: LoginTool;
}

export interface ReloginOutcome {
  host: string;
  ok: boolean;
  /** One line for the person, when it failed. Never a secret. */
  error?: string;
}

export interface StorageDeps {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Logs these hosts in again (through the keeper, so tokens come from the usual place). */
  relogin: (hosts: string[]) => Promise<ReloginOutcome[]>;
  /** Default: detectStore. */
  checkStore?: (store: StoreName) => Promise<StoreStatus>;
  /** What the store holds (`docker-credential-STORE list`); default: listStore. null when it cannot tell. */
  listStore?: (store: StoreName) => Promise<Record<string, string> | null>;
  /** Default: new Date(). Names the backups. */
  now?: () => Date;
  /** Override the files (default: from env as docker/podman resolve them). */
  dockerConfigPath?: string;
  podmanAuthPath?: string;
}

export interface UseStoreResult {
  store: StoreName;
  /** Hosts now mapped to the store and logged in again. */
  hosts: string[];
  /** Hosts left alone, with why (e.g. handled by the ecr-login helper). */
  skipped: { host: string; reason: string }[];
  /** Backups made (restored by undo). */
  backups: string[];
  /** Files changed. */
  files: string[];
}

export interface UndoResult {
  /** Files put back as they were (or removed, when they did not exist before). */
  restored: string[];
  /** The timestamp of the backup set that was restored. */
  stamp: string;
}

/** What `useStore` remembers beside a credential file. */
export interface StoreRecord {
  store: StoreName;
  hosts: string[];
  at: string;
}

const BACKUP_INFIX = '.bak-';
const ABSENT_SUFFIX = '-absent';
const STAMP_RE = /^\d{8}T\d{6}\d{3}Z(?:-\d+)?$/;

export function recordPathFor(file: string): string {
  return `${file}.ecr-keeper`;
}

// ---------- files ----------

/** Writes through a symlinked config.json (dotfile repos) instead of replacing the link. */
async function resolveTarget(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    return file;
  }
}

async function modeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mode & 0o777;
  } catch {
    return undefined;
  }
}

/**
 * Atomic replace: a crash or a concurrent reader sees the old file or the new one, never half.
 * The file keeps its permissions (credential files are 0600; new ones are created 0600).
 */
export async function writeAtomic(file: string, data: string | Buffer, mode?: number): Promise<void> {
  const target = await resolveTarget(file);
  const dir = dirname(target);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const finalMode = mode ?? (await modeOf(target)) ?? 0o600;
  const tmp = join(dir, `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fh = await open(tmp, 'wx', finalMode);
  try {
    await fh.writeFile(data);
    await fh.chmod(finalMode);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Serialises this process's read-modify-writes of one file (the keeper may map several hosts at once). */
const fileLocks = new Map<string, Promise<unknown>>();
async function withFileLock<T>(file: string, job: () => Promise<T>): Promise<T> {
  const prev = fileLocks.get(file) ?? Promise.resolve();
  const result = prev.then(job, job);
  const tail = result.then(() => undefined, () => undefined);
  fileLocks.set(file, tail);
  void tail.then(() => { if (fileLocks.get(file) === tail) fileLocks.delete(file); });
  return result;
}

/** JSON in the file's own style: its indentation (docker writes tabs) and trailing newline. */
export function formatLike(original: string | null, value: unknown): string {
  let indent: string | number = '\t';
  let newline = false;
  if (original !== null && original.trim() !== '') {
    const m = /^\{[ \t]*\r?\n([ \t]+)\S/.exec(original);
    if (m) indent = m[1]!;
    else if (!/\n/.test(original.trim())) indent = 0;
    newline = /\n$/.test(original);
  }
  const text = indent === 0 ? JSON.stringify(value) : JSON.stringify(value, null, indent);
  return newline ? `${text}\n` : text;
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function readConfigOrThrow(file: string): Promise<DockerConfig> {
  const { config, error } = await readDockerConfig(file);
  if (error) throw new KeeperError('config', error, `Fix or move ${file} aside, then try again. Nothing was changed.`);
  return config ?? {};
}

// ---------- config edits (pure) ----------

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Maps `host` to `store` in credHelpers, keeping every other helper entry and unknown key. */
export function withHelper(config: DockerConfig, host: string, store: string): DockerConfig {
  const helpers = isPlainObject(config.credHelpers) ? { ...config.credHelpers } : {};
  // A URL-form key for the same host (https://HOST) would be shadowed by ours; drop it so the
  // file says one thing.
  for (const key of Object.keys(helpers)) if (key !== host && normalizeHostKey(key) === host) delete helpers[key];
  helpers[host] = store;
  return { ...config, credHelpers: helpers };
}

/**
 * Drops the plain-text secrets docker keeps for `host` (in any of the key spellings docker
 * matches). An entry left with nothing else in it goes entirely; other fields stay.
 */
export function withoutPlaintext(config: DockerConfig, host: string): DockerConfig {
  if (!isPlainObject(config.auths)) return config;
  let changed = false;
  const auths: Record<string, unknown> = { ...config.auths };
  for (const [key, entry] of Object.entries(auths)) {
    if (normalizeHostKey(key) !== host || !isPlainObject(entry)) continue;
    const rest: Record<string, unknown> = { ...entry };
    for (const secret of ['auth', 'password', 'identitytoken', 'registrytoken']) delete rest[secret];
    if (Object.keys(rest).length === Object.keys(entry).length) continue;
    changed = true;
    if (Object.keys(rest).length === 0) delete auths[key];
    else auths[key] = rest;
  }
  return changed ? { ...config, auths: auths as DockerConfig['auths'] } : config;
}

// ---------- backups ----------

function stampOf(date: Date): string {
  // 2025-01-31T12:00:00.123Z -> 20250131T120000123Z: sortable, no characters Windows rejects.
  return date.toISOString().replace(/[-:.]/g, '');
}

interface BackupEntry {
  file: string;
  backup: string;
  absent: boolean;
}

async function makeBackups(files: string[], stamp: string): Promise<BackupEntry[]> {
  const made: BackupEntry[] = [];
  try {
    for (const file of files) {
      const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      });
      const backup = `${file}${BACKUP_INFIX}${stamp}${bytes === null ? ABSENT_SUFFIX : ''}`;
      // 'wx': never overwrite an older backup.
      await mkdir(dirname(backup), { recursive: true, mode: 0o700 });
      const fh = await open(backup, 'wx', 0o600);
      try {
        if (bytes) await fh.writeFile(bytes);
        await fh.chmod((await modeOf(file)) ?? 0o600);
        await fh.sync();
      } finally {
        await fh.close();
      }
      made.push({ file, backup, absent: bytes === null });
    }
  } catch (err) {
    for (const b of made) await rm(b.backup, { force: true });
    throw new KeeperError('config', `Could not back up ${files.join(' and ')}: ${(err as Error).message}`, 'Check that the folder is writable and the disk is not full. Nothing was changed.');
  }
  return made;
}

async function restoreBackups(entries: BackupEntry[]): Promise<void> {
  for (const e of entries) {
    if (e.absent) {
      await rm(await resolveTarget(e.file), { force: true });
    } else {
      const bytes = await readFile(e.backup);
      await writeAtomic(e.file, bytes, await modeOf(e.backup));
    }
  }
  for (const e of entries) await rm(e.backup, { force: true });
}

/** The backup sets beside `files`, newest first: stamp -> entries. */
async function backupSets(files: string[]): Promise<Map<string, BackupEntry[]>> {
  const sets = new Map<string, BackupEntry[]>();
  for (const file of files) {
    let names: string[];
    try {
      names = await readdir(dirname(file));
    } catch {
      continue;
    }
    const prefix = `${basename(file)}${BACKUP_INFIX}`;
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      let stamp = name.slice(prefix.length);
      const absent = stamp.endsWith(ABSENT_SUFFIX);
      if (absent) stamp = stamp.slice(0, -ABSENT_SUFFIX.length);
      if (!STAMP_RE.test(stamp)) continue;
      const list = sets.get(stamp) ?? [];
      list.push({ file, backup: join(dirname(file), name), absent });
      sets.set(stamp, list);
    }
  }
  return new Map([...sets.entries()].sort((a, b) => (a[0] < b[0] ? 1 : -1)));
}

// ---------- records ----------

export async function readStoreRecord(file: string): Promise<StoreRecord | null> {
  const text = await readText(recordPathFor(file)).catch(() => null);
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<StoreRecord>;
    if (!isStoreName(v.store)) return null;
    return { store: v.store, hosts: Array.isArray(v.hosts) ? v.hosts.filter((h): h is string => typeof h === 'string') : [], at: typeof v.at === 'string' ? v.at : '' };
  } catch {
    return null;
  }
}

async function writeStoreRecord(file: string, record: StoreRecord): Promise<void> {
  await writeAtomic(recordPathFor(file), `${JSON.stringify(record, null, 2)}\n`, 0o600);
}

// ---------- the operations ----------

function pathsFor(deps: Pick<StorageDeps, 'env' | 'platform' | 'dockerConfigPath' | 'podmanAuthPath'>): Record<LoginTool, string> {
  const env = deps.env ?? process.env;
  return {
    docker: deps.dockerConfigPath ?? dockerConfigPath(env),
    podman: deps.podmanAuthPath ?? podmanAuthPath(env, deps.platform ?? process.platform),
  };
}

function normalizeHosts(hosts: readonly (string | ManagedHost)[]): ManagedHost[] {
  const out: ManagedHost[] = [];
  const seen = new Set<string>();
  for (const h of hosts) {
    const m: ManagedHost = typeof h === 'string' ? { host: h, tool: 'docker' } : h;
    const host = m.host.trim().toLowerCase();
    const problem = validateHostPort(host);
    if (problem) throw new KeeperError('invalid-input', `Registry host "${sanitize(m.host.slice(0, 100))}" ${problem}`, 'Correct the registry host. Nothing was changed.');
    const key = `${m.tool} ${host}`;
    if (!seen.has(key)) { seen.add(key); out.push({ host, tool: m.tool }); }
  }
  return out;
}

/**
 * Moves the logins of `hosts` (the registries ECR Keeper manages) into `store`. Throws a
 * KeeperError, with nothing changed, when the store does not work or a file cannot be read;
 * throws after restoring the backups when anything fails later.
 */
export async function useStore(store: string, hostsIn: readonly (string | ManagedHost)[], deps: StorageDeps): Promise<UseStoreResult> {
  if (!isStoreName(store)) {
    throw new KeeperError('invalid-input', `"${sanitize(store.slice(0, 40))}" is not a credential store ECR Keeper knows.`, `Choose one of: ${STORE_NAMES.join(', ')}. Nothing was changed.`);
  }
  const env = deps.env ?? process.env;
  const hosts = normalizeHosts(hostsIn);
  if (hosts.length === 0) {
    throw new KeeperError('invalid-input', 'There are no registries with a known host to move.', 'Add a registry (and log in once so its host is known), then try again. Nothing was changed.');
  }

  const status = await (deps.checkStore ?? ((s) => detectStore(s, { env, platform: deps.platform })))(store);
  if (!status.works) {
    throw new KeeperError('credential-store', `The "${store}" credential store does not work here: ${status.reason ?? 'unknown reason'}`, `${status.fix ? `${status.fix} ` : ''}Nothing was changed.`);
  }

  const paths = pathsFor(deps);
  const tools = [...new Set(hosts.map((h) => h.tool))];
  // Docker's file is always backed up (the brief's one undo point); podman's only when it is involved.
  const configFiles = [...new Set([paths.docker, ...tools.map((t) => paths[t])])];
  const originals = new Map<string, DockerConfig>();
  for (const file of configFiles) originals.set(file, await readConfigOrThrow(file));

  const skipped: { host: string; reason: string }[] = [];
  const moving: ManagedHost[] = [];
  for (const h of hosts) {
    const where = storageForHost(originals.get(paths[h.tool])!, h.host);
    if (where.storage === 'ecr-login') skipped.push({ host: h.host, reason: 'handled by the ecr-login credential helper' });
    else moving.push(h);
  }
  if (moving.length === 0) {
    throw new KeeperError('invalid-input', 'Every registry is handled by the ecr-login credential helper; there is nothing to move.', 'Nothing was changed.');
  }

  const changedFiles = [...new Set(moving.map((h) => paths[h.tool]))];
  const backupFiles = [...new Set([paths.docker, ...changedFiles])];
  const backupTargets = backupFiles.flatMap((f) => [f, recordPathFor(f)]);
  const stamp = stampOf((deps.now ?? (() => new Date()))());

  // The file lock is held for our own read-modify-writes only, never while logging in again: a
  // login is queued behind any other login of the same file (login.ts), and that login's
  // ensureStoreMapping waits for this lock, so holding it across relogin could deadlock.
  const backups = await withFileLocks(backupFiles, async () => {
    const made = await makeBackups(backupTargets, stamp);
    try {
      for (const file of changedFiles) {
        const mine = moving.filter((h) => paths[h.tool] === file).map((h) => h.host);
        let next = await readConfigOrThrow(file);
        for (const host of mine) next = withoutPlaintext(withHelper(next, host, store), host);
        await writeAtomic(file, formatLike(await readText(file), next));
        const prev = await readStoreRecord(file);
        const keep = prev && prev.store === store ? prev.hosts : [];
        await writeStoreRecord(file, { store, hosts: [...new Set([...keep, ...mine])].sort(), at: new Date().toISOString() });
      }
      return made;
    } catch (err) {
      throw await restoredAfter(err, made, store);
    }
  });

  try {
    const outcomes = await deps.relogin(moving.map((h) => h.host));
    const failed = moving.map((h) => h.host).flatMap((host) => {
      const o = outcomes.find((x) => normalizeHostKey(x.host) === host);
      return o?.ok ? [] : [`${host}: ${o?.error ?? 'was not logged in again'}`];
    });
    if (failed.length) {
      throw new KeeperError('credential-store', `Logging in again through "${store}" failed: ${failed.join('; ')}`, 'Fix that login (ecr-keeper login NAME shows why), then try again.');
    }

    // docker rewrote the file while logging in; make sure it still says what we meant and
    // left no plain-text copy behind (old docker versions write empty `auths` entries).
    await withFileLocks(changedFiles, async () => {
      for (const file of changedFiles) {
        const text = await readText(file);
        let cfg = await readConfigOrThrow(file);
        const before = cfg;
        for (const h of moving.filter((m) => paths[m.tool] === file)) {
          const where = storageForHost(cfg, h.host);
          if (where.storage !== 'helper' || where.helper !== store) cfg = withHelper(cfg, h.host, store);
          cfg = withoutPlaintext(cfg, h.host);
        }
        if (cfg !== before) await writeAtomic(file, formatLike(text, cfg));
      }
    });

    const held = await (deps.listStore ?? ((s) => listStore(s, { env, platform: deps.platform })))(store);
    if (held) {
      const inStore = new Set(Object.keys(held).map(normalizeHostKey));
      const missing = moving.map((h) => h.host).filter((h) => !inStore.has(h));
      if (missing.length) throw new KeeperError('credential-store', `docker-credential-${store} does not hold the login for ${missing.join(', ')} after logging in again.`, `Check "docker-credential-${store} list" by hand, then try again.`);
    }
    return { store, hosts: moving.map((h) => h.host), skipped, backups: backups.filter((b) => !b.file.endsWith('.ecr-keeper')).map((b) => b.backup), files: changedFiles };
  } catch (err) {
    throw await withFileLocks(backupFiles, () => restoredAfter(err, backups, store));
  }
}

/** Puts the backups back after a failed move and returns the error to throw (never throws itself). */
async function restoredAfter(err: unknown, backups: Awaited<ReturnType<typeof makeBackups>>, store: string): Promise<KeeperError> {
  try {
    await restoreBackups(backups);
  } catch (restoreErr) {
    return new KeeperError('config', `Moving to "${store}" failed (${(err as Error).message}) and restoring the backup failed too: ${(restoreErr as Error).message}`,
      `Copy the backups back by hand: ${backups.map((b) => b.backup).join(', ')}.`, { cause: err });
  }
  if (err instanceof KeeperError) return new KeeperError(err.category, err.message, `${err.fix} The docker config was restored from its backup.`, { cause: err });
  return new KeeperError('internal', `Moving to "${store}" failed: ${(err as Error).message}`, 'The docker config was restored from its backup. Try again; if it keeps failing, report it with the activity log.', { cause: err });
}

async function withFileLocks<T>(files: string[], job: () => Promise<T>): Promise<T> {
  const sorted = [...files].sort();
  const run = (i: number): Promise<T> => (i === sorted.length ? job() : withFileLock(sorted[i]!, () => run(i + 1)));
  return run(0);
}

/**
 * Restores the newest backup set exactly (byte for byte; a file that did not exist before is
 * removed) and deletes that set, so a second undo goes one step further back.
 */
export async function undo(deps: Pick<StorageDeps, 'env' | 'platform' | 'dockerConfigPath' | 'podmanAuthPath'> = {}): Promise<UndoResult> {
  const paths = pathsFor(deps);
  const files = [...new Set([paths.docker, paths.podman])].flatMap((f) => [f, recordPathFor(f)]);
  const sets = await backupSets(files);
  const first = sets.entries().next();
  if (first.done) {
    throw new KeeperError('invalid-input', `There is no ECR Keeper backup beside ${paths.docker} to restore.`, 'Nothing was changed.');
  }
  const [stamp, entries] = first.value;
  return withFileLocks([...new Set(entries.map((e) => e.file.replace(/\.ecr-keeper$/, '')))], async () => {
    try {
      await restoreBackups(entries);
    } catch (err) {
      throw new KeeperError('config', `Could not restore ${entries.map((e) => e.file).join(', ')}: ${(err as Error).message}`, `Copy the backup back by hand: ${entries.map((e) => e.backup).join(', ')}.`);
    }
    return { restored: entries.filter((e) => !e.file.endsWith('.ecr-keeper')).map((e) => e.file), stamp };
  });
}

/**
 * Called before each login: when ECR Keeper has moved its logins in `configPath` to a store, a
 * host not mapped yet (a registry added later) is mapped to the same store, and any stale
 * plain-text copy of its login dropped. Hosts with their own helper or a credsStore are left
 * alone. Cheap when no store was chosen (one failed read).
 */
export async function ensureStoreMapping(host: string, configPath: string): Promise<{ mapped: boolean; store?: StoreName }> {
  const record = await readStoreRecord(configPath);
  if (!record) return { mapped: false };
  const h = host.trim().toLowerCase();
  if (validateHostPort(h)) return { mapped: false };
  return withFileLock(configPath, async () => {
    const text = await readText(configPath);
    const cfg = await readConfigOrThrow(configPath);
    const where = storageForHost(cfg, h);
    if (where.storage === 'helper' || where.storage === 'ecr-login' || where.storage === 'store') return { mapped: false, store: record.store };
    await writeAtomic(configPath, formatLike(text, withoutPlaintext(withHelper(cfg, h, record.store), h)));
    if (!record.hosts.includes(h)) await writeStoreRecord(configPath, { ...record, hosts: [...record.hosts, h].sort() });
    return { mapped: true, store: record.store };
  });
}

// ---------- the picture ----------

export interface RegistryStorageView {
  name: string;
  host: string | null;
  tool: LoginTool;
  /** The file the tool keeps its logins in. */
  file: string;
  storage: HostStorage['storage'] | 'unknown';
  /** The helper or store name, for 'helper' / 'store' / 'ecr-login'. */
  helper: string | null;
  /** A sentence for the person. */
  description: string;
}

export interface StorageReport {
  registries: RegistryStorageView[];
  stores: StoreStatus[];
  /** The store ECR Keeper moved docker's logins to, if any. */
  chosen: StoreName | null;
  /** Whether `undo` has something to restore. */
  canUndo: boolean;
}

function describe(storage: RegistryStorageView['storage'], helper: string | null, file: string): string {
  switch (storage) {
    case 'plaintext': return `plain text (base64) in ${file}`;
    case 'helper': return `credential helper docker-credential-${helper} (credHelpers in ${file})`;
    case 'store': return `credential store docker-credential-${helper} (credsStore in ${file})`;
    case 'ecr-login': return 'the amazon-ecr-credential-helper (ecr-login) fetches tokens itself';
    case 'none': return `not logged in (nothing in ${file})`;
    default: return 'host not known yet (it comes with the first token)';
  }
}

/** Where each registry's login lives and which stores work here. Reads only. */
export async function storageReport(
  regs: readonly { name: string; host: string | null; tool: LoginTool }[],
  opts: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; detect?: () => Promise<StoreStatus[]>; dockerConfigPath?: string; podmanAuthPath?: string } = {},
): Promise<StorageReport> {
  const paths = pathsFor(opts);
  const configs = new Map<LoginTool, DockerConfig | null>();
  for (const tool of ['docker', 'podman'] as const) {
    if (!regs.some((r) => r.tool === tool)) continue;
    configs.set(tool, (await readDockerConfig(paths[tool])).config);
  }
  const registries = regs.map((r): RegistryStorageView => {
    const file = paths[r.tool];
    if (!r.host) return { name: r.name, host: null, tool: r.tool, file, storage: 'unknown', helper: null, description: describe('unknown', null, file) };
    const where = storageForHost(configs.get(r.tool) ?? null, r.host);
    const helper = where.helper ?? null;
    return { name: r.name, host: r.host, tool: r.tool, file, storage: where.storage, helper, description: describe(where.storage, helper, file) };
  });
  const stores = await (opts.detect ?? (() => detectStores({ env: opts.env, platform: opts.platform })))();
  const record = await readStoreRecord(paths.docker);
  const sets = await backupSets([paths.docker, recordPathFor(paths.docker), paths.podman]);
  return { registries, stores, chosen: record?.store ?? null, canUndo: sets.size > 0 };
}

// ---------- the keeper's side (shared by the CLI verb and the window's IPC handler) ----------

/** The slice of the Keeper this needs (type-only, so core stays free of import cycles). */
export interface KeeperLike {
  snapshot(): { registries: { id: string; name: string; host: string | null; tool: LoginTool; enabled: boolean }[] };
  refresh(id: string): Promise<{ name: string; host: string | null; error: { message: string } | null }>;
}

export interface KeeperMove extends UseStoreResult {
  /** Registries not moved now: disabled (login stays where it is) or host not known yet (mapped at first login). */
  notMoved: { name: string; reason: 'disabled' | 'host-unknown' }[];
}

/** Moves every enabled registry with a known host into `store`, logging in again through the keeper. */
export async function moveKeeperLogins(keeper: KeeperLike, store: string, opts: Omit<StorageDeps, 'relogin'> = {}): Promise<KeeperMove> {
  const snaps = keeper.snapshot().registries;
  const movable = snaps.filter((r) => r.enabled && r.host);
  const notMoved = snaps.flatMap((r): KeeperMove['notMoved'] => (!r.enabled ? [{ name: r.name, reason: 'disabled' }] : !r.host ? [{ name: r.name, reason: 'host-unknown' }] : []));
  const result = await useStore(store, movable.map((r) => ({ host: r.host!, tool: r.tool })), {
    ...opts,
    relogin: async (hosts) => {
      const targets = movable.filter((r) => hosts.includes(r.host!));
      const done = await Promise.all(targets.map((r) => keeper.refresh(r.id)));
      return hosts.map((host) => {
        const mine = done.filter((s) => s.host === host);
        const bad = mine.find((s) => s.error);
        return bad ? { host, ok: false, error: `${bad.name}: ${bad.error!.message}` } : { host, ok: mine.length > 0 };
      });
    },
  });
  return { ...result, notMoved };
}
