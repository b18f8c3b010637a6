// The keeper: the one controller the tray app, the window (through IPC) and the CLI all drive.
// It owns per-registry runtime state, schedules refreshes by wall-clock deadlines, runs
// token -> login for each refresh, persists what must survive a restart, and publishes
// snapshots, activity entries and planned notifications as events.
//
// The password exists only inside `runRefresh`: it is handed from the token source to the login
// runner and never stored, logged, emitted or persisted.
//
// What the keeper says is what is on disk: a registry is `valid` only while its credential is
// retrievable where its tool reads it. The running keeper watches each credential file it wrote,
// and checks the disk on start, on wake and before `status`; a login that vanished or was
// replaced leaves `valid` at once (state `missing`) and is logged in again within seconds.
// Settings and state are shared with other processes (the CLI beside the tray app): every change
// is made under the file's lock on what is on disk now, never from a copy read earlier.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { InputError, KeeperError, parseAction, sanitize, toErrorInfo, type ErrorInfo } from './errors';
import { identityChanged, parseEcrHost, registryHostOf, validateHostPort, validateRegistryInput, type LoginTool, type Registry, type RegistryKind } from './registry';
import { Alarm, MINUTE, nextRefreshAt, systemClock, type Clock } from './scheduler';
import { watchFileInFolder } from './settings-watch';
import { emptyMemory, planNotices, type PlannedNotice, type PlannerMemory } from './notices';
import { validateSettingsPatch, type SettingNames, type PersistedRegistryState, type PersistedState, type Settings, type SettingsRepo, type StateRepo } from './settings';
import { needsAttention, type ActivityEntry, type ActivityKind, type CredentialStorage, type KeeperSnapshot, type OverallState, type RegistryNotice, type RegistrySnapshot, type RegistryState } from './snapshot';

/** What the keeper needs from the token source (src/core/tokens.ts). */
export interface TokenProvider {
  get(
    req: { kind: RegistryKind; region: string; profile?: string; apiEndpoint?: string },
    opts?: { minValidityMs?: number; force?: boolean },
  ): Promise<{ username: string; password: string; expiresAt: Date; proxyEndpoint?: string }>;
  /** Drops tokens and temporary credentials cached for a profile (after sign-in or new keys). */
  forget?(profile?: string): void;
}

/** Where a host's login is on disk, where its tool reads it (src/core/login.ts). */
export interface DiskView {
  storage: { storage: 'ecr-login' | 'helper' | 'store' | 'plaintext' | 'none'; helper?: string };
  present: boolean;
  /** Hash of the plain-text entry in the file (memory only), to notice it being replaced. */
  fingerprint?: string;
  /** The file cannot be read or parsed. */
  error?: KeeperError;
}

/** What the keeper needs from the login runner (src/core/login.ts). */
export interface LoginProvider {
  login(req: { tool: LoginTool; host: string; username: string; password: string; timeoutMs?: number; toolPath?: string }): Promise<{ warnings: string[]; fingerprint?: string; storage?: DiskView['storage'] }>;
  /** What is on disk for a host now. Without it the keeper can only trust its own record. */
  inspect?(tool: LoginTool, host: string): Promise<DiskView>;
  /** The same for many hosts at once (each file read once, each helper listed once). */
  inspectAll?(targets: readonly { tool: LoginTool; host: string }[]): Promise<DiskView[]>;
  /** The credential file a tool writes (watched while the keeper runs). */
  credentialFileFor?(tool: LoginTool): string;
}

export interface KeeperDeps {
  settings: SettingsRepo;
  state: StateRepo;
  tokens: TokenProvider;
  login: LoginProvider;
  clock?: Clock;
  random?: () => number;
  /** Warnings from opening settings (corrupt files backed up), shown once as activity. */
  warnings?: string[];
  /** Runs `aws sso login --profile P` (src/core/signin.ts); resolves once signed in. */
  signIn?: (profile: string) => Promise<void>;
}

export interface KeeperEvents {
  change: [KeeperSnapshot];
  activity: [ActivityEntry];
  notify: [PlannedNotice];
}

interface Runtime {
  expiresAt?: number;
  lastSuccess?: number;
  lastAttempt?: number;
  failures: number;
  jitter: number;
  error: ErrorInfo | null;
  retryAt?: number;
  host?: string;
  /** The account the last token was for (from its proxyEndpoint): what the profile signs in to. */
  tokenAccount?: string;
  storage: CredentialStorage;
  notices: RegistryNotice[];
  helperManaged: boolean;
  inflight?: Promise<RegistrySnapshot>;
  /** Hash of the plain-text entry our last login wrote (memory only). */
  fingerprint?: string;
  /** Why the login is not on disk any more, while it is not (state `missing`). */
  missing?: string;
}

export const ACTIVITY_LIMIT = 200;
/** A token fetched for a manual refresh is reused only if it is this fresh (one batch shares it). */
const MANUAL_MIN_VALIDITY_MS = 11 * 60 * MINUTE;

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
const parseMs = (s: string | undefined | null): number | undefined => {
  if (!s) return undefined;
  const v = Date.parse(s);
  return Number.isFinite(v) ? v : undefined;
};

export class Keeper extends EventEmitter<KeeperEvents> {
  private settingsCache: Settings;
  private readonly runtime = new Map<string, Runtime>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly alarm: Alarm;
  private readonly log: ActivityEntry[] = [];
  private plannerMemory: PlannerMemory = emptyMemory();
  private running = false;
  /** During refreshAll: the registries whose state waits for the batch's one write (persist). */
  private unsaved: Set<string> | null = null;
  private lastStates = new Map<string, RegistryState>();
  /** Watches on credential files (by path) and on our state file, while running. */
  private readonly watches = new Map<string, { close(): void }>();
  private verifying: Promise<void> | undefined;
  private verifyAgain = false;

  constructor(private readonly deps: KeeperDeps) {
    super();
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
    this.alarm = new Alarm(this.clock, () => this.onAlarm());
    this.settingsCache = deps.settings.read();
    this.loadRuntime();
    for (const w of deps.warnings ?? []) this.record('notice', w);
  }

  // ---------- reading ----------

  settings(): Settings {
    return structuredClone(this.settingsCache);
  }

  registries(): Registry[] {
    return this.settingsCache.registries.map((r) => ({ ...r }));
  }

  find(nameOrId: string): Registry | undefined {
    return findIn(this.settingsCache.registries, nameOrId);
  }

  /** The settings file this keeper reads and writes. */
  get settingsPath(): string {
    return this.deps.settings.path;
  }

  /** Accounts learned from previous tokens, per profile (null: the default chain); for `discover`. */
  knownAccounts(): { profile: string | null; accountId: string }[] {
    return this.settingsCache.registries.flatMap((r) => {
      const a = this.runtime.get(r.id)?.tokenAccount;
      return a ? [{ profile: r.profile ?? null, accountId: a }] : [];
    });
  }

  activity(): ActivityEntry[] {
    return this.log.slice();
  }

  /** Empties the activity log (the window's Clear). */
  clearActivity(): void {
    this.log.length = 0;
  }

  snapshot(): KeeperSnapshot {
    const now = this.clock.now();
    const s = this.settingsCache;
    const registries = s.registries.map((r) => this.registrySnapshot(r, now));
    const enabled = registries.filter((r) => r.enabled && r.state !== 'helper-managed');
    const expiries = enabled.map((r) => parseMs(r.expiresAt)).filter((v): v is number => v !== undefined && v > now);
    return {
      at: iso(now)!,
      autoRefresh: s.autoRefresh,
      overall: overallOf(registries),
      nextExpiry: expiries.length ? iso(Math.min(...expiries)) : null,
      registries,
    };
  }

  private registrySnapshot(r: Registry, now: number): RegistrySnapshot {
    const rt = this.rt(r.id);
    const state = stateOf(r, rt, now, this.settingsCache.notifyLeadMinutes * MINUTE);
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      host: registryHostOf(r, rt.host) ?? null,
      region: r.region,
      accountId: r.accountId ?? null,
      profile: r.profile ?? null,
      tool: r.tool,
      apiEndpoint: r.apiEndpoint ?? null,
      enabled: r.enabled,
      autoRefresh: r.autoRefresh,
      state,
      refreshing: rt.inflight !== undefined,
      expiresAt: iso(rt.expiresAt),
      lastRefresh: iso(rt.lastSuccess),
      lastAttempt: iso(rt.lastAttempt),
      nextRefresh: iso(this.deadlineOf(r, rt, now)),
      error: rt.error ? { ...rt.error, retryAt: rt.failures > 0 ? iso(this.deadlineOf(r, rt, now)) : null } : null,
      storage: rt.storage,
      notices: rt.missing ? [{ kind: 'credential-missing', message: rt.missing, fix: 'ECR Keeper logs in again by itself; if this keeps happening, find the program that removes it.' }, ...rt.notices] : rt.notices.slice(),
    };
  }

  // ---------- running ----------

  /** Starts automatic refreshing: anything due (or never refreshed) is refreshed right away. */
  start(): void {
    this.running = true;
    // Another process (the CLI, the other of tray app and `watch`) records its logins here.
    this.watchPath(this.deps.state.path, () => { this.adoptPersisted(); });
    for (const file of this.credentialFiles()) this.watchPath(file, () => { void this.verifyDisk(); });
    this.onAlarm();
    void this.verifyDisk();
  }

  /** Stops the alarm and the file watches, and waits for refreshes in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.alarm.clear();
    for (const w of this.watches.values()) w.close();
    this.watches.clear();
    await Promise.allSettled([...this.runtime.values()].map((rt) => rt.inflight).filter(Boolean));
    await this.verifying;
  }

  /**
   * Looks at every deadline again now: after resume from sleep, unlock, the network coming back or
   * a clock change. Anything overdue refreshes at once; nothing already in flight starts twice.
   * The disk is checked too: a login may have been removed while we slept.
   */
  reevaluate(): void {
    this.onAlarm();
    void this.verifyDisk();
  }

  /**
   * Checks each kept login against the disk, where its tool reads it. A login that is gone (or
   * was replaced by someone else's) leaves `valid` at once and is logged in again soon, reusing
   * the cached token. Concurrent calls share one check; a call during a check runs one more.
   */
  verifyDisk(): Promise<void> {
    if (this.verifying) {
      this.verifyAgain = true;
      return this.verifying;
    }
    this.verifying = (async () => {
      do {
        this.verifyAgain = false;
        await this.checkDiskOnce();
      } while (this.verifyAgain);
    })().finally(() => { this.verifying = undefined; });
    return this.verifying;
  }

  /** What is on disk for these hosts, in one pass when the login runner can (null: cannot tell). */
  private async diskViews(targets: readonly { tool: LoginTool; host: string }[]): Promise<(DiskView | null)[]> {
    const login = this.deps.login;
    try {
      if (login.inspectAll) return await login.inspectAll(targets);
      if (login.inspect) return await Promise.all(targets.map((t) => login.inspect!(t.tool, t.host).catch(() => null)));
    } catch { /* reported as "cannot tell": nothing changes */ }
    return targets.map(() => null);
  }

  /**
   * One look at the disk for every registry with a known host: where its login is stored (and
   * whether the ecr-login helper took it over) for all of them, and, for the logins we count on,
   * whether they are still there.
   */
  private async checkDiskOnce(): Promise<void> {
    if (!this.deps.login.inspect && !this.deps.login.inspectAll) return;
    const regs = this.settingsCache.registries.flatMap((r) => {
      const rt = this.rt(r.id);
      const host = registryHostOf(r, rt.host);
      // In-flight logins are checked by their own read-back.
      return host && !rt.inflight ? [{ r, rt, host }] : [];
    });
    const views = await this.diskViews(regs.map(({ r, host }) => ({ tool: r.tool, host })));
    let changed = false;
    regs.forEach(({ r, rt, host }, i) => {
      const disk = views[i];
      if (!disk || rt.inflight) return;
      // A host handed to (or taken back from) the ecr-login helper since the last refresh: the
      // file decides, so status never calls a login valid that docker no longer reads.
      const helperManaged = this.applyStorage(r, rt, host, disk.storage) === 'ecr-login';
      if (helperManaged !== rt.helperManaged) { rt.helperManaged = helperManaged; changed = true; }
      // Presence only for logins we made and still count on.
      if (!r.enabled || rt.helperManaged || rt.expiresAt === undefined || (rt.failures > 0 && rt.error)) return;
      let why: string | undefined;
      const file = this.deps.login.credentialFileFor?.(r.tool) ?? `the ${r.tool} credential file`;
      if (disk.error) why = disk.error.message;
      else if (!disk.present) {
        why = disk.storage.storage === 'helper' || disk.storage.storage === 'store'
          ? `The login for ${host} is no longer held by docker-credential-${disk.storage.helper}.`
          : `The login for ${host} is no longer in ${file} (removed by \`${r.tool} logout\`, another program, or a restore).`;
      } else if (disk.fingerprint && rt.fingerprint && disk.fingerprint !== rt.fingerprint) {
        // Another ECR Keeper process (the CLI beside the tray app) logging in writes a newer
        // entry and records it in the state file: take that on instead of fighting over it.
        const theirs = this.readPersisted().registries[r.id];
        if (theirs && this.persistedIsNewerThan(theirs, rt)) {
          this.adoptOne(rt, theirs);
          rt.fingerprint = disk.fingerprint;
          changed = true;
        } else {
          why = `The login for ${host} in ${file} was replaced by another program.`;
        }
      } else if (disk.fingerprint && !rt.fingerprint) {
        rt.fingerprint = disk.fingerprint;
      }
      if (why !== rt.missing) {
        changed = true;
        if (why) this.record('notice', `${why} Logging in again.`, r);
        rt.missing = why;
      }
    });
    if (changed) {
      this.afterChange();
      if (this.running) this.onAlarm();
    }
  }

  private onAlarm(): void {
    const now = this.clock.now();
    // The clock went backwards (NTP step, manual change): an attempt "in the future" would push
    // its backoff out by the size of the jump, so count it as having happened now.
    for (const rt of this.runtime.values()) {
      if (rt.lastAttempt !== undefined && rt.lastAttempt > now) rt.lastAttempt = now;
    }
    if (this.running && this.settingsCache.autoRefresh) {
      for (const r of this.settingsCache.registries) {
        const rt = this.rt(r.id);
        const due = this.deadlineOf(r, rt, now);
        if (due !== undefined && due <= now && !rt.inflight) void this.refreshOne(r, false);
      }
    }
    this.publishIfStateChanged();
    this.rearm();
  }

  private rearm(): void {
    if (!this.running) return;
    const now = this.clock.now();
    let next: number | undefined;
    const consider = (t: number | undefined) => { if (t !== undefined && (next === undefined || t < next)) next = t; };
    const notifyLead = this.settingsCache.notifyLeadMinutes * MINUTE;
    for (const r of this.settingsCache.registries) {
      if (!r.enabled) continue;
      const rt = this.rt(r.id);
      if (rt.inflight) continue;
      consider(this.deadlineOf(r, rt, now));
      // State changes with time (valid -> expiring -> expired) are published and may notify.
      if (rt.expiresAt !== undefined) {
        for (const t of [rt.expiresAt - notifyLead, rt.expiresAt]) if (t > now) consider(t);
      }
    }
    this.alarm.set(next);
  }

  /** When this registry refreshes on its own next, or undefined when it will not. */
  private deadlineOf(r: Registry, rt: Runtime, now: number): number | undefined {
    if (!this.settingsCache.autoRefresh || !r.enabled || !r.autoRefresh || rt.helperManaged) return undefined;
    // An MFA code was refused or the prompt cancelled: retrying on a timer would only put the
    // prompt in front of the person again and again. It waits for them to press Refresh.
    if (rt.failures > 0 && rt.error?.category === 'mfa-required') return undefined;
    return nextRefreshAt(
      { expiresAt: rt.expiresAt, lastAttempt: rt.lastAttempt, failures: rt.failures, retryAt: rt.retryAt, jitter: rt.jitter, missing: rt.missing !== undefined },
      this.settingsCache.refreshLeadMinutes * MINUTE,
      now,
    );
  }

  // ---------- commands ----------

  /**
   * Refreshes one registry now; concurrent calls for the same registry share one refresh.
   * `fresh`: a person asked for this one registry (a card's or the tray's Refresh), so it gets a new
   * token rather than the cached one, and an IAM change shows at once. Batches leave it off so
   * registries sharing credentials still share one call.
   */
  async refresh(nameOrId: string, opts: { fresh?: boolean } = {}): Promise<RegistrySnapshot> {
    const r = this.find(nameOrId);
    if (!r) throw new KeeperError('invalid-input', `No registry named "${nameOrId.slice(0, 80)}".`, 'Run `ecr-keeper list` to see the configured registries.');
    return this.refreshOne(r, true, opts.fresh === true);
  }

  /**
   * Refreshes every enabled registry (or the enabled ones among `ids`) at once; one token call
   * serves registries that share credentials.
   */
  async refreshAll(ids?: readonly string[]): Promise<RegistrySnapshot[]> {
    const regs = this.settingsCache.registries.filter((r) => r.enabled && (!ids || ids.includes(r.id)));
    // One state write for the batch, not one per registry: each is a locked, fsynced, synchronous
    // write that holds up every other login of the batch (~10 ms a registry on 2 cores).
    const own = !this.unsaved;
    if (own) this.unsaved = new Set();
    try {
      return await Promise.all(regs.map((r) => this.refreshOne(r, true)));
    } finally {
      if (own) { const done = [...this.unsaved!]; this.unsaved = null; this.persist(...done); }
    }
  }

  private refreshOne(r: Registry, manual: boolean, fresh = false): Promise<RegistrySnapshot> {
    const rt = this.rt(r.id);
    if (rt.inflight) return rt.inflight;
    if (!r.enabled) return Promise.resolve(this.registrySnapshot(r, this.clock.now()));
    const p = (async () => {
      try {
        await this.runRefresh(r, rt, manual, fresh);
      } finally {
        rt.inflight = undefined;
        this.afterChange();
        this.rearm();
      }
      return this.registrySnapshot(r, this.clock.now());
    })();
    rt.inflight = p;
    this.afterChange();
    return p;
  }

  private async runRefresh(r: Registry, rt: Runtime, manual: boolean, fresh = false): Promise<void> {
    const s = this.settingsCache;
    rt.lastAttempt = this.clock.now();
    let stage: ErrorInfo['stage'] = 'aws';
    try {
      let host = registryHostOf(r, undefined);
      if (host && (await this.checkHelperManaged(r, rt, host))) return;

      // A registry that rejected the last token's password gets a new token, not the cached one
      // (concurrent refreshes still share the one new call).
      const force = fresh || (rt.failures > 0 && rt.error?.category === 'login-rejected');
      const token = await this.deps.tokens.get(
        { kind: r.kind, region: r.region, profile: r.profile, apiEndpoint: r.apiEndpoint },
        { minValidityMs: manual ? MANUAL_MIN_VALIDITY_MS : s.refreshLeadMinutes * MINUTE + 5 * MINUTE, force },
      );
      rt.tokenAccount = parseEcrHost(token.proxyEndpoint ?? '')?.accountId ?? rt.tokenAccount;
      if (!host) {
        host = registryHostOf(r, token.proxyEndpoint?.replace(/^https?:\/\//, '').replace(/\/.*$/, ''));
        if (!host) {
          throw new KeeperError('config', `AWS did not say which registry host belongs to "${r.name}".`, `Set the account ID (or the registry host): ecr-keeper edit ${r.name} --account ID, or Edit in the window.`);
        }
        if (await this.checkHelperManaged(r, rt, host)) return;
      }
      // Known now, whatever the login does: the card and any error name the same host.
      rt.host = host;
      stage = 'registry';
      const result = await this.deps.login.login({
        tool: r.tool,
        host,
        username: token.username,
        password: token.password,
        timeoutMs: s.loginTimeoutSeconds * 1000,
        toolPath: s.toolPaths[r.tool],
      }).catch((err: unknown) => { throw accountMismatch(r, host!, token.proxyEndpoint, err) ?? err; });
      rt.expiresAt = token.expiresAt.getTime();
      rt.lastSuccess = this.clock.now();
      rt.failures = 0;
      rt.retryAt = undefined;
      rt.error = null;
      rt.missing = undefined;
      rt.fingerprint = result.fingerprint;
      rt.notices = result.warnings.map((w) => ({ kind: 'tool-warning' as const, message: w }));
      if (result.storage) this.applyStorage(r, rt, host, result.storage);
      else await this.inspect(r, rt, host);
      // The file may be new (first login): watch it from now on.
      const file = this.deps.login.credentialFileFor?.(r.tool);
      if (file && this.running) this.watchPath(file, () => { void this.verifyDisk(); });
      this.record('login', `Logged in to ${host} with ${r.tool}; valid until ${new Date(rt.expiresAt).toISOString()}.`, r);
    } catch (err) {
      const info = { ...toErrorInfo(err), stage };
      rt.failures += 1;
      rt.jitter = this.random();
      rt.error = info;
      rt.retryAt = parseMs(info.retryAt ?? undefined);
      this.record('failure', info.message, r, info.fix);
    }
    this.persist(r.id);
  }

  /** ecr-login credential helper configured for this host: logging in would be pointless. */
  private async checkHelperManaged(r: Registry, rt: Runtime, host: string): Promise<boolean> {
    const storage = await this.inspect(r, rt, host);
    rt.helperManaged = storage === 'ecr-login';
    if (rt.helperManaged) {
      rt.failures = 0;
      rt.error = null;
      rt.host = host;
      rt.missing = undefined;
      this.record('notice', `${host} is handled by the amazon-ecr-credential-helper (ecr-login); not logging in.`, r);
      this.persist(r.id);
    }
    return rt.helperManaged;
  }

  private async inspect(r: Registry, rt: Runtime, host: string): Promise<CredentialStorage> {
    if (!this.deps.login.inspect) return rt.storage;
    let found: DiskView['storage'];
    try {
      found = (await this.deps.login.inspect(r.tool, host)).storage;
    } catch {
      return rt.storage;
    }
    return this.applyStorage(r, rt, host, found);
  }

  /** Notices that follow from where the login is stored (plain text, the ecr-login helper). */
  private applyStorage(r: Registry, rt: Runtime, host: string, found: DiskView['storage']): CredentialStorage {
    const storage: CredentialStorage = found.storage === 'none' ? 'unknown' : found.storage;
    rt.storage = storage;
    // The tool's warnings are docker's "stored unencrypted" ones (parseLoginWarnings keeps no
    // other): our plain-text notice says the same with more help, so keep one.
    rt.notices = rt.notices.filter((n) => n.kind === 'tool-warning' && storage !== 'plaintext');
    // Never logged in by us: an entry someone else left is not "the login" this card is about.
    if (storage === 'plaintext' && rt.lastSuccess !== undefined) {
      rt.notices.push({
        kind: 'plaintext-credentials',
        message: `The login for ${host} is stored unencrypted (base64) in the ${r.tool} config file.`,
        fix: 'Move it into a credential store: `ecr-keeper storage` lists the ones that work here (osxkeychain, wincred, desktop, secretservice, pass), then `ecr-keeper storage use STORE`.',
      });
    } else if (storage === 'ecr-login') {
      rt.notices.push({
        kind: 'helper-managed',
        message: `${host} is mapped to the ecr-login credential helper, which fetches tokens itself.`,
        fix: 'Nothing to do; remove the credHelpers entry for this host if you want ECR Keeper to manage it.',
      });
    }
    return storage;
  }

  /**
   * Looks again at where each registry's login is stored (after the credential storage was moved
   * or restored), so notices such as "stored unencrypted" match the config files now.
   */
  async recheckStorage(): Promise<void> {
    await this.verifyDisk();
    // Notices may have changed even where no state did.
    this.afterChange();
  }

  addRegistry(input: unknown): Registry {
    let reg: Registry | undefined;
    // Validated against the file as it is now: a registry another process just added counts.
    this.mutateSettings((cur) => {
      const v = validateRegistryInput(input, { existing: cur.registries, hostOf: this.knownHost });
      if (!v.ok) throw new InputError(v.errors);
      reg = { id: randomUUID(), ...v.value };
      return { ...cur, registries: [...cur.registries, reg] };
    });
    this.record('registry', `Added registry ${reg!.name} (${reg!.region}).`, reg);
    this.afterChange();
    if (this.running) this.onAlarm();
    return { ...reg! };
  }

  updateRegistry(nameOrId: string, input: unknown): Registry {
    let cur: Registry | undefined;
    let next: Registry | undefined;
    this.mutateSettings((s) => {
      cur = findIn(s.registries, nameOrId);
      if (!cur) throw new InputError([{ field: 'name', message: `No registry named "${nameOrId.slice(0, 80)}".` }]);
      const v = validateRegistryInput(input, { existing: s.registries, editingId: cur.id, base: cur, hostOf: this.knownHost });
      if (!v.ok) throw new InputError(v.errors);
      const updated: Registry = { id: cur.id, ...v.value };
      next = updated;
      // Optional fields cleared in the edit must disappear, not linger from the old record.
      return { ...s, registries: s.registries.map((r) => (r.id === updated.id ? updated : r)) };
    });
    const rt = this.rt(cur!.id);
    if (identityChanged(cur!, next!)) {
      // A different account, region, host or tool: the old login says nothing about the new one.
      this.runtime.set(cur!.id, freshRuntime(this.random()));
      this.persist(cur!.id);
      // ...so it logs in at once, as a new registry does, rather than waiting for an alarm.
      // (The window asks for it itself; a CLI edit stays a settings change.)
      if (next!.enabled && this.running) void this.refreshOne(next!, true);
    } else if (!next!.enabled) rt.error = null;
    this.record('registry', `Updated registry ${next!.name}.`, next);
    this.afterChange();
    if (this.running) this.onAlarm();
    return { ...next! };
  }

  removeRegistry(nameOrId: string): Registry {
    let cur: Registry | undefined;
    this.mutateSettings((s) => {
      cur = findIn(s.registries, nameOrId);
      if (!cur) throw new InputError([{ field: 'name', message: `No registry named "${nameOrId.slice(0, 80)}".` }]);
      return { ...s, registries: s.registries.filter((r) => r.id !== cur!.id) };
    });
    this.runtime.delete(cur!.id);
    this.persist(cur!.id);
    this.record('registry', `Removed registry ${cur!.name}.`, cur);
    this.afterChange();
    this.rearm();
    return cur!;
  }

  /** `names`: how problems name a setting (the CLI says its key, the window its label). */
  updateSettings(patch: unknown, names: SettingNames = 'key'): Settings {
    const v = validateSettingsPatch(patch, names);
    if (!v.ok) throw new InputError(v.errors);
    this.mutateSettings((cur) => ({
      ...cur,
      ...v.value,
      notifications: { ...cur.notifications, ...(v.value.notifications ?? {}) },
      toolPaths: v.value.toolPaths ? { ...v.value.toolPaths } : cur.toolPaths,
    }));
    const changed = Object.keys(v.value).join(', ');
    if (changed) this.record('settings', `Settings changed: ${changed}.`);
    this.afterChange();
    if (this.running) this.onAlarm();
    return this.settings();
  }

  /** Re-reads the settings file (another process, such as the CLI, may have changed it). */
  reload(): void {
    this.settingsCache = this.deps.settings.read();
    const ids = new Set(this.settingsCache.registries.map((r) => r.id));
    for (const id of [...this.runtime.keys()]) if (!ids.has(id)) this.runtime.delete(id);
    this.afterChange();
    if (this.running) this.onAlarm();
  }

  /**
   * After `aws sso login`, an MFA answer or new keys for a profile: drops what was cached for it
   * and refreshes every enabled registry using it ('' or undefined: the default chain).
   */
  async refreshProfile(profile: string | undefined): Promise<RegistrySnapshot[]> {
    const p = profile || undefined;
    this.deps.tokens.forget?.(p);
    const regs = this.settingsCache.registries.filter((r) => r.enabled && (r.profile || undefined) === p);
    return Promise.all(regs.map((r) => this.refreshOne(r, true)));
  }

  /** A line the AWS CLI printed while signing in (sanitised: it may echo tokens on errors). */
  recordSignInOutput(line: string): void {
    const text = sanitize(line);
    if (text) this.record('signin', text);
  }

  /** Signs in to AWS SSO for a profile (the AWS CLI opens the browser), then refreshes its registries. */
  async signIn(profile: string): Promise<RegistrySnapshot[]> {
    if (!this.deps.signIn) throw new KeeperError('internal', 'Sign-in is not available here.', `Run aws sso login --profile ${profile} in a terminal.`);
    this.record('notice', `Signing in to AWS SSO for profile ${profile} (aws sso login --profile ${profile}).`);
    try {
      await this.deps.signIn(profile);
    } catch (err) {
      const info = toErrorInfo(err);
      this.record('failure', info.message, undefined, info.fix);
      throw err;
    }
    this.record('notice', `Signed in to AWS SSO for profile ${profile}; refreshing its registries.`);
    return this.refreshProfile(profile);
  }

  // ---------- internals ----------

  /** The host a registry logs in to, including one learnt from a token's proxy endpoint. */
  private readonly knownHost = (r: Registry): string | undefined => registryHostOf(r, this.runtime.get(r.id)?.host);

  /** Changes the settings file under its lock, from what is on disk now. */
  private mutateSettings(change: (current: Settings) => Settings): void {
    let next: Settings;
    try {
      next = this.deps.settings.update(change);
    } catch (err) {
      if (err instanceof KeeperError) throw err;
      throw new KeeperError('config', `Could not save settings to ${this.deps.settings.path}: ${(err as Error).message}`, 'Check that the folder is writable and the disk is not full.');
    }
    this.settingsCache = next;
    const ids = new Set(next.registries.map((r) => r.id));
    for (const id of [...this.runtime.keys()]) if (!ids.has(id)) this.runtime.delete(id);
  }

  /** The credential files of the tools the registries use. */
  private credentialFiles(): string[] {
    const of = this.deps.login.credentialFileFor?.bind(this.deps.login);
    if (!of) return [];
    return [...new Set(this.settingsCache.registries.map((r) => of(r.tool)))];
  }

  private watchPath(path: string, onChange: () => void): void {
    if (!this.running || this.watches.has(path)) return;
    this.watches.set(path, watchFileInFolder(path, onChange));
  }

  private rt(id: string): Runtime {
    let rt = this.runtime.get(id);
    if (!rt) {
      rt = freshRuntime(this.random());
      this.runtime.set(id, rt);
    }
    return rt;
  }

  private readPersisted(): PersistedState {
    try {
      return this.deps.state.read();
    } catch {
      return { registries: {} };
    }
  }

  private loadRuntime(): void {
    const persisted = this.readPersisted();
    for (const r of this.settingsCache.registries) {
      const p = persisted.registries[r.id];
      if (p) this.runtime.set(r.id, runtimeFrom(p, this.random()));
    }
  }

  /**
   * Takes on what another process recorded (its newer logins and failures), so the tray app shows
   * what `ecr-keeper login` just did and does not redo it.
   */
  private adoptPersisted(): void {
    const persisted = this.readPersisted();
    let changed = false;
    for (const r of this.settingsCache.registries) {
      const rt = this.rt(r.id);
      const p = persisted.registries[r.id];
      if (!p || rt.inflight || !this.persistedIsNewerThan(p, rt)) continue;
      this.adoptOne(rt, p);
      changed = true;
    }
    if (changed) {
      this.afterChange();
      if (this.running) this.onAlarm();
      void this.verifyDisk();
    }
  }

  /** Takes on one registry's newer record from another process; the disk check that follows sets its fingerprint. */
  private adoptOne(rt: Runtime, p: PersistedRegistryState): void {
    const next = runtimeFrom(p, rt.jitter);
    Object.assign(rt, { expiresAt: next.expiresAt, lastSuccess: next.lastSuccess, lastAttempt: next.lastAttempt, failures: next.failures, error: next.error, host: next.host ?? rt.host, missing: undefined, fingerprint: undefined });
  }

  private persistedIsNewerThan(p: PersistedRegistryState, rt: Runtime): boolean {
    const theirs = parseMs(p.lastAttempt);
    return theirs !== undefined && (rt.lastAttempt === undefined || theirs > rt.lastAttempt);
  }

  /** Records registries' state (or their removal) in the shared state file, under its lock. */
  private persist(...ids: string[]): void {
    if (this.unsaved) { for (const id of ids) this.unsaved.add(id); return; }
    if (!ids.length) return;
    const entries = ids.map((id) => {
    const rt = this.runtime.get(id);
    const known = this.settingsCache.registries.some((r) => r.id === id);
    let entry: PersistedRegistryState | undefined;
    if (rt && known) {
      entry = { failures: rt.failures, lastError: rt.error ? { category: rt.error.category, message: rt.error.message, fix: rt.error.fix, ...(rt.error.stage ? { stage: rt.error.stage } : {}), ...(rt.error.action ? { action: rt.error.action } : {}) } : null };
      if (rt.expiresAt !== undefined) entry.expiresAt = iso(rt.expiresAt)!;
      if (rt.lastSuccess !== undefined) entry.lastSuccess = iso(rt.lastSuccess)!;
      if (rt.lastAttempt !== undefined) entry.lastAttempt = iso(rt.lastAttempt)!;
      if (rt.host) entry.host = rt.host;
      if (rt.tokenAccount) entry.tokenAccount = rt.tokenAccount;
    }
    return [id, entry] as const;
    });
    try {
      this.deps.state.update((cur) => {
        const registries = { ...cur.registries };
        for (const [id, entry] of entries) {
          if (entry) registries[id] = entry;
          else delete registries[id];
        }
        return { ...cur, registries };
      });
    } catch (err) {
      this.record('notice', `Could not save state to ${this.deps.state.path}: ${(err as Error).message}`);
    }
  }

  private record(kind: ActivityKind, message: string, r?: Registry, fix?: string): void {
    const entry: ActivityEntry = { at: new Date(this.clock.now()).toISOString(), kind, message };
    if (fix) entry.fix = fix;
    if (r) { entry.registryId = r.id; entry.registryName = r.name; }
    this.log.push(entry);
    if (this.log.length > ACTIVITY_LIMIT) this.log.splice(0, this.log.length - ACTIVITY_LIMIT);
    this.emit('activity', entry);
  }

  private afterChange(): void {
    const snap = this.snapshot();
    for (const r of snap.registries) this.lastStates.set(r.id, r.state);
    this.emit('change', snap);
    this.plan(snap);
  }

  private publishIfStateChanged(): void {
    const snap = this.snapshot();
    const changed = snap.registries.some((r) => this.lastStates.get(r.id) !== r.state);
    if (changed) {
      for (const r of snap.registries) this.lastStates.set(r.id, r.state);
      this.emit('change', snap);
    }
    this.plan(snap);
  }

  private plan(snap: KeeperSnapshot): void {
    const s = this.settingsCache;
    const { notices, memory } = planNotices(this.plannerMemory, snap, {
      notifyLeadMs: s.notifyLeadMinutes * MINUTE,
      expiring: s.notifications.expiring,
      failed: s.notifications.failed,
      recovered: s.notifications.recovered,
    }, this.clock.now());
    this.plannerMemory = memory;
    for (const n of notices) this.emit('notify', n);
  }
}

/**
 * A login that could not reach a registry in another account than the token's: that difference is
 * the likely cause (a typo in the account), so say it instead of the tool's symptom (an unknown
 * host reads as "check the VPN"). Cross-account logins that work are fine, and failures that have
 * nothing to do with the host (docker missing, a timeout, a rejected password) keep their own category.
 */
export function accountMismatch(r: Registry, host: string, proxyEndpoint: string | undefined, cause: unknown): KeeperError | null {
  const want = parseEcrHost(host)?.accountId ?? r.accountId;
  const got = parseEcrHost(proxyEndpoint ?? '')?.accountId;
  const why = toErrorInfo(cause);
  if (!want || !got || want === got || why.category !== 'network') return null;
  const creds = r.profile ? `AWS profile ${r.profile}` : 'the default AWS credentials';
  return new KeeperError(
    'account-mismatch',
    `${r.name} is set to account ${want}, but ${creds} sign in to account ${got}; logging in to ${host} failed (${why.category}: ${why.message})`,
    `If ${want} is a typo: ecr-keeper edit ${r.name} --account ${got} (or fix it in the window). If you pull from ${want} on purpose, its repository policy must allow account ${got}.`,
    { cause },
  );
}

function freshRuntime(jitter: number): Runtime {
  return { failures: 0, jitter, error: null, storage: 'unknown', notices: [], helperManaged: false };
}

function runtimeFrom(p: PersistedRegistryState, jitter: number): Runtime {
  const rt = freshRuntime(jitter);
  rt.expiresAt = parseMs(p.expiresAt);
  rt.lastSuccess = parseMs(p.lastSuccess);
  rt.lastAttempt = parseMs(p.lastAttempt);
  rt.failures = typeof p.failures === 'number' && p.failures >= 0 ? Math.floor(p.failures) : 0;
  rt.host = typeof p.host === 'string' && validateHostPort(p.host) === null ? p.host : undefined;
  rt.tokenAccount = typeof p.tokenAccount === 'string' && /^\d{12}$/.test(p.tokenAccount) ? p.tokenAccount : undefined;
  // The state file is text anyone can edit: its strings are outside input like any other.
  if (p.lastError && typeof p.lastError.message === 'string') {
    const action = parseAction(p.lastError.action);
    rt.error = { ...(p.lastError as ErrorInfo), message: sanitize(p.lastError.message), fix: sanitize(String(p.lastError.fix ?? '')), action };
    if (!action) delete rt.error.action;
  }
  if (rt.failures === 0) rt.error = null;
  return rt;
}

function findIn(regs: readonly Registry[], nameOrId: string): Registry | undefined {
  const lc = nameOrId.toLowerCase();
  return regs.find((r) => r.id === nameOrId) ?? regs.find((r) => r.name.toLowerCase() === lc);
}

export function stateOf(r: Registry, rt: Pick<Runtime, 'inflight' | 'helperManaged' | 'error' | 'failures' | 'expiresAt' | 'missing'>, now: number, notifyLeadMs: number): RegistryState {
  if (!r.enabled) return 'disabled';
  if (rt.inflight) return 'refreshing';
  if (rt.helperManaged) return 'helper-managed';
  if (rt.failures > 0 && rt.error) {
    return rt.error.category === 'signin-required' || rt.error.category === 'mfa-required' ? 'signin-required' : 'error';
  }
  if (rt.expiresAt === undefined) return 'idle';
  if (rt.missing) return 'missing';
  if (now >= rt.expiresAt) return 'expired';
  if (rt.expiresAt - now <= notifyLeadMs) return 'expiring';
  return 'valid';
}

export function overallOf(regs: readonly RegistrySnapshot[]): OverallState {
  const active = regs.filter((r) => r.enabled && r.state !== 'helper-managed');
  if (active.length === 0) return 'empty';
  if (active.some(needsAttention)) return 'error';
  if (active.some((r) => r.state === 'refreshing')) return 'refreshing';
  if (active.some((r) => r.state === 'expiring' || r.state === 'idle')) return 'expiring';
  return 'ok';
}
