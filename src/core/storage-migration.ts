// Moves ECR Keeper's logins out of docker's (and podman's) plain-text credential file into a
// credential store, through docker's own mechanism: `credHelpers[host] = STORE` for exactly the
// hosts ECR Keeper manages. Safe by construction, and at every instant each host has a usable
// login, even if the process is killed half way:
//   - the store is checked first; if it does not work nothing is touched;
//   - every file about to change is copied beside itself (`config.json.bak-<ts>`, 0600) first;
//   - a record beside the file (`config.json.ecr-keeper`) names the store, and a journal
//     (`config.json.ecr-keeper-journal`) the move in progress;
//   - each host is logged in to the store first (through a staging file, login.ts), and only then
//     is its mapping switched and its plain-text copy removed, in one atomic locked write;
//   - any failure half way restores the backups; an interrupted move is finished by the next
//     `storage use` (or rolled back by `storage undo`): the journal says which;
//   - undo() restores the latest backup byte for byte.
// The record also maps registries added later to the same store (storeMappingFor, asked by the
// login runner before each login).
import { mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  canonicalPath,
  readCredentialFile,
  updateCredentialFile,
  withFileLock,
  writeFileKeepingMode,
} from './cred-file';
import {
  dockerConfigPath,
  helmRegistryConfigPath,
  normalizeHostKey,
  podmanAuthPath,
  readDockerConfig,
  storageForHost,
  type DockerConfig,
  type HostStorage,
} from './docker-config';
import { withHelper, withoutPlaintext } from './login';
import { KeeperError, sanitize } from './errors';
import {
  detectStore,
  detectStores,
  isStoreName,
  listStore,
  STORE_NAMES,
  type StoreName,
  type StoreStatus,
} from './cred-stores';
import { LOGIN_TOOLS, validateHostPort, type LoginTool } from './registry';

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
  helmRegistryConfigPath?: string;
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

async function modeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mode & 0o777;
  } catch {
    return undefined;
  }
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
  const read = await readCredentialFile(file);
  if (read.kind === 'invalid')
    throw new KeeperError(
      read.error.category,
      read.error.message,
      `${read.error.fix.replace(/, then refresh again\.$/, '')}, then try again. Nothing was changed.`,
    );
  return read.kind === 'ok' ? read.value : {};
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
  /** The original's mode, put back on restore (the backup itself is always 0600). */
  mode?: number;
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
        // A backup holds the old plain-text logins: private, whatever the original's mode.
        await fh.chmod(0o600);
        await fh.sync();
      } finally {
        await fh.close();
      }
      made.push({ file, backup, absent: bytes === null, mode: await modeOf(file) });
    }
  } catch (err) {
    for (const b of made) await rm(b.backup, { force: true });
    throw new KeeperError(
      'config',
      `Could not back up ${files.join(' and ')}: ${(err as Error).message}`,
      'Check that the folder is writable and the disk is not full. Nothing was changed.',
    );
  }
  return made;
}

async function restoreBackups(entries: BackupEntry[]): Promise<void> {
  for (const e of entries) {
    if (e.absent) {
      await rm(canonicalPath(e.file), { force: true });
    } else {
      await writeFileKeepingMode(e.file, await readFile(e.backup), e.mode);
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
    return {
      store: v.store,
      hosts: Array.isArray(v.hosts) ? v.hosts.filter((h): h is string => typeof h === 'string') : [],
      at: typeof v.at === 'string' ? v.at : '',
    };
  } catch {
    return null;
  }
}

async function writeStoreRecord(file: string, record: StoreRecord): Promise<void> {
  await writeFileKeepingMode(recordPathFor(file), `${JSON.stringify(record, null, 2)}\n`, 0o600);
}

/** A move in progress: written before the first login, removed when the move is complete. */
export interface MoveJournal {
  store: StoreName;
  hosts: ManagedHost[];
  /** The backup set made for this move (what `undo` restores). */
  stamp: string;
}

export function journalPathFor(file: string): string {
  return `${file}.ecr-keeper-journal`;
}

export async function readJournal(file: string): Promise<MoveJournal | null> {
  const text = await readText(journalPathFor(file)).catch(() => null);
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<MoveJournal>;
    if (!isStoreName(v.store) || !Array.isArray(v.hosts) || typeof v.stamp !== 'string') return null;
    return {
      store: v.store,
      hosts: v.hosts.filter((h): h is ManagedHost => typeof h?.host === 'string' && LOGIN_TOOLS.includes(h.tool)),
      stamp: v.stamp,
    };
  } catch {
    return null;
  }
}

// ---------- the operations ----------

type PathDeps = Pick<
  StorageDeps,
  'env' | 'platform' | 'dockerConfigPath' | 'podmanAuthPath' | 'helmRegistryConfigPath'
>;

function pathsFor(deps: PathDeps): Record<LoginTool, string> {
  const env = deps.env ?? process.env;
  return {
    docker: deps.dockerConfigPath ?? dockerConfigPath(env),
    podman: deps.podmanAuthPath ?? podmanAuthPath(env, deps.platform ?? process.platform),
    // helm reads credsStore/credHelpers the docker way (docker-config.ts usesCredsStore), so a
    // move maps its hosts to the store in helm's own file.
    helm: deps.helmRegistryConfigPath ?? helmRegistryConfigPath(env, deps.platform ?? process.platform),
  };
}

function normalizeHosts(hosts: readonly (string | ManagedHost)[]): ManagedHost[] {
  const out: ManagedHost[] = [];
  const seen = new Set<string>();
  for (const h of hosts) {
    const m: ManagedHost = typeof h === 'string' ? { host: h, tool: 'docker' } : h;
    const host = m.host.trim().toLowerCase();
    const problem = validateHostPort(host);
    if (problem)
      throw new KeeperError(
        'invalid-input',
        `Registry host "${sanitize(m.host.slice(0, 100))}" ${problem}`,
        'Correct the registry host. Nothing was changed.',
      );
    const key = `${m.tool} ${host}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ host, tool: m.tool });
    }
  }
  return out;
}

/**
 * Moves the logins of `hosts` (the registries ECR Keeper manages) into `store`. Throws a
 * KeeperError, with nothing changed, when the store does not work or a file cannot be read;
 * throws after restoring the backups when anything fails later.
 */
export async function useStore(
  store: string,
  hostsIn: readonly (string | ManagedHost)[],
  deps: StorageDeps,
): Promise<UseStoreResult> {
  if (!isStoreName(store)) {
    throw new KeeperError(
      'invalid-input',
      `"${sanitize(store.slice(0, 40))}" is not a credential store ECR Keeper knows.`,
      `Choose one of: ${STORE_NAMES.join(', ')}. Nothing was changed.`,
    );
  }
  const env = deps.env ?? process.env;
  const hosts = normalizeHosts(hostsIn);
  if (hosts.length === 0) {
    throw new KeeperError(
      'invalid-input',
      'There are no registries with a known host to move.',
      'Add a registry (and log in once so its host is known), then try again. Nothing was changed.',
    );
  }

  const status = await (deps.checkStore ?? ((s) => detectStore(s, { env, platform: deps.platform })))(store);
  if (!status.works) {
    throw new KeeperError(
      'credential-store',
      `The "${store}" credential store does not work here: ${status.reason ?? 'unknown reason'}`,
      `${status.fix ? `${status.fix} ` : ''}Nothing was changed.`,
    );
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
    const where = storageForHost(originals.get(paths[h.tool])!, h.host, h.tool);
    if (where.storage === 'ecr-login')
      skipped.push({ host: h.host, reason: 'handled by the ecr-login credential helper' });
    else moving.push(h);
  }
  if (moving.length === 0) {
    throw new KeeperError(
      'invalid-input',
      'Every registry is handled by the ecr-login credential helper; there is nothing to move.',
      'Nothing was changed.',
    );
  }

  const changedFiles = [...new Set(moving.map((h) => paths[h.tool]))];
  const backupFiles = [...new Set([paths.docker, ...changedFiles])];
  const backupTargets = backupFiles.flatMap((f) => [f, recordPathFor(f)]);
  // An interrupted move to the same store is finished with its own backups (its undo point).
  const interrupted = await readJournal(paths.docker);
  const stamp =
    interrupted && interrupted.store === store ? interrupted.stamp : stampOf((deps.now ?? (() => new Date()))());

  // 1. Backups, the record naming the store, and the journal: before any login. The locks are
  //    held for these writes only, never while logging in (logins take the same locks to merge).
  const backups = await withFileLocks(backupFiles, async () => {
    const made =
      interrupted && interrupted.stamp === stamp
        ? await backupEntries(backupTargets, stamp)
        : await makeBackups(backupTargets, stamp);
    try {
      for (const file of changedFiles) {
        const mine = moving.filter((h) => paths[h.tool] === file).map((h) => h.host);
        const prev = await readStoreRecord(file);
        const keep = prev && prev.store === store ? prev.hosts : [];
        await writeStoreRecord(file, {
          store,
          hosts: [...new Set([...keep, ...mine])].sort(),
          at: new Date().toISOString(),
        });
      }
      await writeFileKeepingMode(
        journalPathFor(paths.docker),
        `${JSON.stringify({ store, hosts: moving, stamp } satisfies MoveJournal, null, 2)}\n`,
        0o600,
      );
      return made;
    } catch (err) {
      throw await restoredAfter(err, made, store, paths.docker);
    }
  });

  try {
    // 2. Each host logs in to the store (the login runner maps hosts to the recorded store: the
    //    secret reaches the store first, then its mapping and plain-text removal land together).
    const outcomes = await deps.relogin(moving.map((h) => h.host));
    const failed = moving
      .map((h) => h.host)
      .flatMap((host) => {
        const o = outcomes.find((x) => normalizeHostKey(x.host) === host);
        return o?.ok ? [] : [`${host}: ${o?.error ?? 'was not logged in again'}`];
      });
    if (failed.length) {
      throw new KeeperError(
        'credential-store',
        `Logging in again through "${store}" failed: ${failed.join('; ')}`,
        'Fix that login (ecr-keeper login NAME shows why), then try again.',
      );
    }

    // 3. The store holds every host: now make sure each file maps them and keeps no plain-text
    //    copy (a login done elsewhere may have raced ours; old docker versions write empty entries).
    const held = await (deps.listStore ?? ((s) => listStore(s, { env, platform: deps.platform })))(store);
    if (held) {
      const inStore = new Set(Object.keys(held).map(normalizeHostKey));
      const missing = moving.map((h) => h.host).filter((h) => !inStore.has(h));
      if (missing.length)
        throw new KeeperError(
          'credential-store',
          `docker-credential-${store} does not hold the login for ${missing.join(', ')} after logging in again.`,
          `Check "docker-credential-${store} list" by hand, then try again.`,
        );
    }
    for (const file of changedFiles) {
      await updateCredentialFile(file, (cur) => {
        let cfg = cur as DockerConfig;
        const before = cfg;
        for (const h of moving.filter((m) => paths[m.tool] === file)) {
          const where = storageForHost(cfg, h.host, h.tool);
          if (where.storage !== 'helper' || where.helper !== store) cfg = withHelper(cfg, h.host, store);
          cfg = withoutPlaintext(cfg, h.host);
        }
        return cfg === before ? null : cfg;
      });
    }
    await rm(journalPathFor(paths.docker), { force: true });
    return {
      store,
      hosts: moving.map((h) => h.host),
      skipped,
      backups: backups.filter((b) => !b.file.endsWith('.ecr-keeper')).map((b) => b.backup),
      files: changedFiles,
    };
  } catch (err) {
    throw await withFileLocks(backupFiles, () => restoredAfter(err, backups, store, paths.docker));
  }
}

/** Puts the backups back after a failed move and returns the error to throw (never throws itself). */
async function restoredAfter(
  err: unknown,
  backups: BackupEntry[],
  store: string,
  journalOf: string,
): Promise<KeeperError> {
  try {
    await restoreBackups(backups);
    await rm(journalPathFor(journalOf), { force: true });
  } catch (restoreErr) {
    return new KeeperError(
      'config',
      `Moving to "${store}" failed (${(err as Error).message}) and restoring the backup failed too: ${(restoreErr as Error).message}`,
      `Copy the backups back by hand: ${backups.map((b) => b.backup).join(', ')}.`,
      { cause: err },
    );
  }
  if (err instanceof KeeperError)
    return new KeeperError(err.category, err.message, `${err.fix} The docker config was restored from its backup.`, {
      cause: err,
    });
  return new KeeperError(
    'internal',
    `Moving to "${store}" failed: ${(err as Error).message}`,
    'The docker config was restored from its backup. Try again; if it keeps failing, report it with the activity log.',
    { cause: err },
  );
}

/** The entries of an existing backup set (an interrupted move being finished reuses its backups). */
async function backupEntries(targets: string[], stamp: string): Promise<BackupEntry[]> {
  const sets = await backupSets(targets);
  return sets.get(stamp) ?? [];
}

async function withFileLocks<T>(files: string[], job: () => Promise<T>): Promise<T> {
  const sorted = [...files].sort();
  const run = (i: number): Promise<T> => (i === sorted.length ? job() : withFileLock(sorted[i], () => run(i + 1)));
  return run(0);
}

/**
 * Restores the newest backup set exactly (byte for byte; a file that did not exist before is
 * removed) and deletes that set, so a second undo goes one step further back.
 */
export async function undo(deps: PathDeps = {}): Promise<UndoResult> {
  const paths = pathsFor(deps);
  const files = [...new Set([paths.docker, paths.podman, paths.helm])].flatMap((f) => [f, recordPathFor(f)]);
  const sets = await backupSets(files);
  const first = sets.entries().next();
  if (first.done) {
    throw new KeeperError(
      'invalid-input',
      `There is no ECR Keeper backup beside ${paths.docker} to restore.`,
      'Nothing was changed.',
    );
  }
  const [stamp, entries] = first.value;
  return withFileLocks([...new Set(entries.map((e) => e.file.replace(/\.ecr-keeper$/, '')))], async () => {
    try {
      await restoreBackups(entries);
      await rm(journalPathFor(paths.docker), { force: true });
    } catch (err) {
      throw new KeeperError(
        'config',
        `Could not restore ${entries.map((e) => e.file).join(', ')}: ${(err as Error).message}`,
        `Copy the backup back by hand: ${entries.map((e) => e.backup).join(', ')}.`,
      );
    }
    return { restored: entries.filter((e) => !e.file.endsWith('.ecr-keeper')).map((e) => e.file), stamp };
  });
}

/**
 * Asked by the login runner before each login: when ECR Keeper's logins in `configPath` were
 * moved to a store, a host not mapped yet (a registry added later, or one still to move in an
 * interrupted move) is mapped to the same store. Hosts with their own helper, a credsStore or the
 * ecr-login helper are left alone. Cheap when no store was chosen (one failed read).
 */
export async function storeMappingFor(
  host: string,
  configPath: string,
  current: DockerConfig,
  tool: LoginTool,
): Promise<StoreName | undefined> {
  const record = await readStoreRecord(configPath);
  if (!record) return undefined;
  const where = storageForHost(current, host.trim().toLowerCase(), tool);
  return where.storage === 'none' || where.storage === 'plaintext' ? record.store : undefined;
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
  /** A move that was interrupted (the process was killed): `storage use STORE` finishes it, `undo` rolls it back. */
  interrupted: StoreName | null;
}

function describe(storage: RegistryStorageView['storage'], helper: string | null, file: string): string {
  switch (storage) {
    case 'plaintext':
      return `plain text (base64) in ${file}`;
    case 'helper':
      return `credential helper docker-credential-${helper} (credHelpers in ${file})`;
    case 'store':
      return `credential store docker-credential-${helper} (credsStore in ${file})`;
    case 'ecr-login':
      return 'the amazon-ecr-credential-helper (ecr-login) fetches tokens itself';
    case 'none':
      return `not logged in (nothing in ${file})`;
    default:
      return 'host not known yet (it comes with the first token)';
  }
}

/** Where each registry's login lives and which stores work here. Reads only. */
export async function storageReport(
  regs: readonly { name: string; host: string | null; tool: LoginTool }[],
  opts: {
    env?: NodeJS.ProcessEnv;
    platform?: NodeJS.Platform;
    detect?: () => Promise<StoreStatus[]>;
    dockerConfigPath?: string;
    podmanAuthPath?: string;
    helmRegistryConfigPath?: string;
  } = {},
): Promise<StorageReport> {
  const paths = pathsFor(opts);
  const configs = new Map<LoginTool, DockerConfig | null>();
  for (const tool of LOGIN_TOOLS) {
    if (!regs.some((r) => r.tool === tool)) continue;
    configs.set(tool, (await readDockerConfig(paths[tool])).config);
  }
  const registries = regs.map((r): RegistryStorageView => {
    const file = paths[r.tool];
    if (!r.host)
      return {
        name: r.name,
        host: null,
        tool: r.tool,
        file,
        storage: 'unknown',
        helper: null,
        description: describe('unknown', null, file),
      };
    const where = storageForHost(configs.get(r.tool) ?? null, r.host, r.tool);
    const helper = where.helper ?? null;
    return {
      name: r.name,
      host: r.host,
      tool: r.tool,
      file,
      storage: where.storage,
      helper,
      description: describe(where.storage, helper, file),
    };
  });
  const stores = await (opts.detect ?? (() => detectStores({ env: opts.env, platform: opts.platform })))();
  const record = await readStoreRecord(paths.docker);
  const sets = await backupSets([paths.docker, recordPathFor(paths.docker), paths.podman, paths.helm]);
  const journal = await readJournal(paths.docker);
  return {
    registries,
    stores,
    chosen: record?.store ?? null,
    canUndo: sets.size > 0,
    interrupted: journal?.store ?? null,
  };
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
export async function moveKeeperLogins(
  keeper: KeeperLike,
  store: string,
  opts: Omit<StorageDeps, 'relogin'> = {},
): Promise<KeeperMove> {
  const snaps = keeper.snapshot().registries;
  const movable = snaps.filter((r) => r.enabled && r.host);
  const notMoved = snaps.flatMap((r): KeeperMove['notMoved'] =>
    !r.enabled ? [{ name: r.name, reason: 'disabled' }] : !r.host ? [{ name: r.name, reason: 'host-unknown' }] : [],
  );
  const result = await useStore(
    store,
    movable.map((r) => ({ host: r.host!, tool: r.tool })),
    {
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
    },
  );
  return { ...result, notMoved };
}
