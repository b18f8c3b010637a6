// The keeper: the one controller the tray app, the window (through IPC) and the CLI all drive.
// It coordinates; the parts it drives each hold one job:
// - the schedule (here): wall-clock deadlines from src/core/scheduler.ts, one alarm, and when to
//   look at the disk again;
// - refreshes: src/core/refresh.ts runs token -> login -> read-back and returns an Outcome, which
//   `apply` below turns into state, activity and a saved record (the one place that happens);
// - the per-registry runtime and its state file: src/core/runtime-store.ts;
// - registry and settings changes: validated by registry.ts and settings.ts, written here under
//   the settings file's lock;
// - what is told: card notices and notifications are planned by src/core/notices.ts, the
//   activity log is src/core/activity-log.ts; the keeper publishes them as events.
//
// What the keeper says is what is on disk: a registry is `valid` only while its credential is
// retrievable where its tool reads it. The running keeper watches each credential file it wrote,
// and checks the disk on start, on wake and before `status`; a login that vanished or was
// replaced leaves `valid` at once (state `missing`) and is logged in again within seconds.
// Settings and state are shared with other processes (the CLI beside the tray app): every change
// is made under the file's lock on what is on disk now, never from a copy read earlier.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { ActivityLog } from './activity-log';
import { InputError, KeeperError, sanitize, toErrorInfo } from './errors';
import { emptyMemory, noticesFor, planNotices, type PlannedNotice } from './notices';
import { refreshRegistry, storageOf, type DiskView, type LoginProvider, type Outcome, type TokenProvider } from './refresh';
import { identityChanged, registryHostOf, validateRegistryInput, type LoginTool, type Registry } from './registry';
import { RuntimeStore, stateOf, type RegistryRuntime } from './runtime-store';
import { Alarm, MINUTE, nextRefreshAt, systemClock, type Clock } from './scheduler';
import { validateSettingsPatch, type SettingNames, type Settings, type SettingsRepo, type StateRepo } from './settings';
import { watchFileInFolder } from './settings-watch';
import { isActive, overallOf, type ActivityEntry, type ActivityKind, type KeeperSnapshot, type RegistrySnapshot, type RegistryState } from './snapshot';

export type { DiskView, LoginProvider, TokenProvider } from './refresh';

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

/** A token fetched for a manual refresh is reused only if it is this fresh (one batch shares it). */
const MANUAL_MIN_VALIDITY_MS = 11 * 60 * MINUTE;

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export class Keeper extends EventEmitter<KeeperEvents> {
  private settingsCache: Settings;
  private readonly store: RuntimeStore;
  /** Refreshes in flight, by registry id: a second request for the same registry joins the first. */
  private readonly inflight = new Map<string, Promise<RegistrySnapshot>>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly alarm: Alarm;
  private readonly log: ActivityLog;
  private plannerMemory = emptyMemory();
  private running = false;
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
    this.log = new ActivityLog(() => this.clock.now(), (entry) => this.emit('activity', entry));
    this.store = new RuntimeStore(deps.state, this.random, (message) => this.record('notice', message));
    this.settingsCache = deps.settings.read();
    this.store.load(this.settingsCache.registries.map((r) => r.id));
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
    return findRegistry(this.settingsCache.registries, nameOrId);
  }

  /** The settings file this keeper reads and writes. */
  get settingsPath(): string {
    return this.deps.settings.path;
  }

  /** Accounts learned from previous tokens, per profile (null: the default chain); for `discover`. */
  knownAccounts(): { profile: string | null; accountId: string }[] {
    return this.settingsCache.registries.flatMap((r) => {
      const a = this.store.peek(r.id)?.tokenAccount;
      return a ? [{ profile: r.profile ?? null, accountId: a }] : [];
    });
  }

  activity(): ActivityEntry[] {
    return this.log.list();
  }

  /** Empties the activity log (the window's Clear). */
  clearActivity(): void {
    this.log.clear();
  }

  snapshot(): KeeperSnapshot {
    const now = this.clock.now();
    const s = this.settingsCache;
    const registries = s.registries.map((r) => this.registrySnapshot(r, now));
    const expiries = registries.filter(isActive).map((r) => (r.expiresAt ? Date.parse(r.expiresAt) : undefined)).filter((v): v is number => v !== undefined && v > now);
    return {
      at: iso(now)!,
      autoRefresh: s.autoRefresh,
      overall: overallOf(registries),
      nextExpiry: expiries.length ? iso(Math.min(...expiries)) : null,
      registries,
    };
  }

  private registrySnapshot(r: Registry, now: number): RegistrySnapshot {
    const rt = this.store.get(r.id);
    const host = registryHostOf(r, rt.host) ?? null;
    const refreshing = this.inflight.has(r.id);
    const next = iso(this.deadlineOf(r, rt, now));
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      host,
      region: r.region,
      accountId: r.accountId ?? null,
      profile: r.profile ?? null,
      tool: r.tool,
      apiEndpoint: r.apiEndpoint ?? null,
      enabled: r.enabled,
      autoRefresh: r.autoRefresh,
      state: stateOf(r, rt, refreshing, now, this.settingsCache.notifyLeadMinutes * MINUTE),
      refreshing,
      expiresAt: iso(rt.expiresAt),
      lastRefresh: iso(rt.lastSuccess),
      lastAttempt: iso(rt.lastAttempt),
      nextRefresh: next,
      error: rt.error ? { ...rt.error, retryAt: rt.failures > 0 ? next : null } : null,
      storage: rt.storage,
      notices: noticesFor({ tool: r.tool, host, storage: rt.storage, toolWarnings: rt.toolWarnings, loggedIn: rt.lastSuccess !== undefined, missing: rt.missing }),
    };
  }

  // ---------- running ----------

  /** Starts automatic refreshing: anything due (or never refreshed) is refreshed right away. */
  start(): void {
    this.running = true;
    // Another process (the CLI, the other of tray app and `watch`) records its logins here.
    this.watchPath(this.store.path, () => { this.adoptPersisted(); });
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
    await Promise.allSettled([...this.inflight.values()]);
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
      const rt = this.store.get(r.id);
      const host = registryHostOf(r, rt.host);
      // In-flight logins are checked by their own read-back.
      return host && !this.inflight.has(r.id) ? [{ r, rt, host }] : [];
    });
    const views = await this.diskViews(regs.map(({ r, host }) => ({ tool: r.tool, host })));
    let changed = false;
    regs.forEach(({ r, rt, host }, i) => {
      const disk = views[i];
      // Removed, reset or refreshing since the look: what was seen is not about it now.
      if (!disk || this.inflight.has(r.id) || this.store.peek(r.id) !== rt) return;
      // A host handed to (or taken back from) the ecr-login helper since the last refresh: the
      // file decides, so status never calls a login valid that docker no longer reads.
      const storage = storageOf(disk.storage);
      this.store.storedAs(r.id, storage);
      if (this.store.setHelperManaged(r.id, storage === 'ecr-login')) changed = true;
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
        const theirs = this.store.read().registries[r.id];
        if (theirs && this.store.isNewer(r.id, theirs)) {
          this.store.adopt(r.id, theirs);
          this.store.setFingerprint(r.id, disk.fingerprint);
          changed = true;
        } else {
          why = `The login for ${host} in ${file} was replaced by another program.`;
        }
      } else if (disk.fingerprint && !rt.fingerprint) {
        this.store.setFingerprint(r.id, disk.fingerprint);
      }
      if (why !== rt.missing) {
        changed = true;
        if (why) this.record('notice', `${why} Logging in again.`, r);
        this.store.setMissing(r.id, why);
      }
    });
    if (changed) {
      this.publish();
      if (this.running) this.onAlarm();
    }
  }

  // ---------- the schedule ----------

  private onAlarm(): void {
    const now = this.clock.now();
    // The clock went backwards (NTP step, manual change): an attempt "in the future" would push
    // its backoff out by the size of the jump, so count it as having happened now.
    this.store.clampAttempts(now);
    if (this.running && this.settingsCache.autoRefresh) {
      for (const r of this.settingsCache.registries) {
        const due = this.deadlineOf(r, this.store.get(r.id), now);
        if (due !== undefined && due <= now && !this.inflight.has(r.id)) void this.refreshOne(r, false);
      }
    }
    this.publish({ onlyIfStateChanged: true });
    this.rearm();
  }

  private rearm(): void {
    if (!this.running) return;
    const now = this.clock.now();
    let next: number | undefined;
    const consider = (t: number | undefined) => { if (t !== undefined && (next === undefined || t < next)) next = t; };
    const notifyLead = this.settingsCache.notifyLeadMinutes * MINUTE;
    for (const r of this.settingsCache.registries) {
      if (!r.enabled || this.inflight.has(r.id)) continue;
      const rt = this.store.get(r.id);
      consider(this.deadlineOf(r, rt, now));
      // State changes with time (valid -> expiring -> expired) are published and may notify.
      if (rt.expiresAt !== undefined) {
        for (const t of [rt.expiresAt - notifyLead, rt.expiresAt]) if (t > now) consider(t);
      }
    }
    this.alarm.set(next);
  }

  /** When this registry refreshes on its own next, or undefined when it will not. */
  private deadlineOf(r: Registry, rt: RegistryRuntime, now: number): number | undefined {
    if (!this.settingsCache.autoRefresh || !r.enabled || !r.autoRefresh || rt.helperManaged) return undefined;
    // An MFA code was refused or the prompt cancelled: retrying on a timer would only put the
    // prompt in front of the person again and again. It waits for them to press Refresh.
    if (rt.failures > 0 && rt.error?.category === 'mfa-required') return undefined;
    return nextRefreshAt(
      { expiresAt: rt.expiresAt, lastAttempt: rt.lastAttempt, failures: rt.failures, jitter: rt.jitter, missing: rt.missing !== undefined },
      this.settingsCache.refreshLeadMinutes * MINUTE,
      now,
    );
  }

  // ---------- refreshing ----------

  /**
   * Refreshes one registry now; concurrent calls for the same registry share one refresh.
   * `fresh`: a person asked for this one registry (a card's or the tray's Refresh), so it gets a new
   * token rather than the cached one, and an IAM change shows at once. Batches leave it off so
   * registries sharing credentials still share one call.
   */
  async refresh(nameOrId: string, opts: { fresh?: boolean } = {}): Promise<RegistrySnapshot> {
    return this.refreshOne(requireRegistry(this.settingsCache.registries, nameOrId), true, opts.fresh === true);
  }

  /**
   * Refreshes every enabled registry (or the enabled ones among `ids`) at once; one token call
   * serves registries that share credentials.
   */
  async refreshAll(ids?: readonly string[]): Promise<RegistrySnapshot[]> {
    const regs = this.settingsCache.registries.filter((r) => r.enabled && (!ids || ids.includes(r.id)));
    return Promise.all(regs.map((r) => this.refreshOne(r, true)));
  }

  private refreshOne(r: Registry, manual: boolean, fresh = false): Promise<RegistrySnapshot> {
    const running = this.inflight.get(r.id);
    if (running) return running;
    if (!r.enabled) return Promise.resolve(this.registrySnapshot(r, this.clock.now()));
    const rt = this.store.get(r.id);
    const s = this.settingsCache;
    this.store.attempted(r.id, this.clock.now());
    const p: Promise<RegistrySnapshot> = refreshRegistry(r, {
      tokens: this.deps.tokens,
      login: this.deps.login,
      knownStorage: rt.storage,
      // A registry that rejected the last token's password gets a new token, not the cached one
      // (concurrent refreshes still share the one new call).
      forceToken: fresh || (rt.failures > 0 && rt.error?.category === 'login-rejected'),
      minValidityMs: manual ? MANUAL_MIN_VALIDITY_MS : s.refreshLeadMinutes * MINUTE + 5 * MINUTE,
      loginTimeoutMs: s.loginTimeoutSeconds * 1000,
      toolPath: s.toolPaths[r.tool],
    }).then((outcome) => {
      try {
        this.apply(r, rt, outcome);
      } finally {
        if (this.inflight.get(r.id) === p) this.inflight.delete(r.id);
        this.publish();
        this.rearm();
      }
      return this.registrySnapshot(r, this.clock.now());
    });
    this.inflight.set(r.id, p);
    this.publish();
    return p;
  }

  /**
   * The one place a refresh's outcome becomes state; the activity log and the state file follow.
   * `rt` is the record the refresh started from: a registry removed or reset (its identity
   * changed) meanwhile keeps its new record, and only the activity log hears what happened.
   */
  private apply(r: Registry, rt: RegistryRuntime, o: Outcome): void {
    if (this.store.peek(r.id) === rt) {
      this.store.learnt(r.id, { host: o.host, tokenAccount: o.tokenAccount });
      if (o.kind === 'helper-managed') this.store.handedToHelper(r.id, o.host);
      else if (o.kind === 'logged-in') {
        this.store.setHelperManaged(r.id, false);
        this.store.loggedIn(r.id, { at: this.clock.now(), expiresAt: o.expiresAt, fingerprint: o.fingerprint, warnings: o.warnings });
      } else {
        if (o.helperChecked) this.store.setHelperManaged(r.id, false);
        this.store.failed(r.id, o.error);
      }
      // After the login: the tool's warnings give way to what the storage says.
      if (o.storage) this.store.storedAs(r.id, o.storage);
    }
    if (o.kind === 'helper-managed') {
      this.record('notice', `${o.host} is handled by the amazon-ecr-credential-helper (ecr-login); not logging in.`, r);
    } else if (o.kind === 'logged-in') {
      // The file may be new (first login): watch it from now on.
      const file = this.deps.login.credentialFileFor?.(r.tool);
      if (file && this.running) this.watchPath(file, () => { void this.verifyDisk(); });
      this.record('login', `Logged in to ${o.host} with ${r.tool}; valid until ${new Date(o.expiresAt).toISOString()}.`, r);
    } else {
      this.record('failure', o.error.message, r, o.error.fix);
    }
    this.store.save(r.id);
  }

  // ---------- commands ----------

  /**
   * Looks again at where each registry's login is stored (after the credential storage was moved
   * or restored), so notices such as "stored unencrypted" match the config files now.
   */
  async recheckStorage(): Promise<void> {
    await this.verifyDisk();
    // Notices may have changed even where no state did.
    this.publish();
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
    this.publish();
    if (this.running) this.onAlarm();
    return { ...reg! };
  }

  updateRegistry(nameOrId: string, input: unknown): Registry {
    let cur: Registry | undefined;
    let next: Registry | undefined;
    this.mutateSettings((s) => {
      cur = requireRegistry(s.registries, nameOrId);
      const v = validateRegistryInput(input, { existing: s.registries, editingId: cur.id, base: cur, hostOf: this.knownHost });
      if (!v.ok) throw new InputError(v.errors);
      const updated: Registry = { id: cur.id, ...v.value };
      next = updated;
      // Optional fields cleared in the edit must disappear, not linger from the old record.
      return { ...s, registries: s.registries.map((r) => (r.id === updated.id ? updated : r)) };
    });
    if (identityChanged(cur!, next!)) {
      // A different account, region, host or tool: the old login says nothing about the new one,
      // and a refresh still running for the old one is not this registry's any more.
      this.store.reset(cur!.id);
      this.inflight.delete(cur!.id);
      this.store.save(cur!.id);
      // ...so it logs in at once, as a new registry does, rather than waiting for an alarm.
      // (The window asks for it itself; a CLI edit stays a settings change.)
      if (next!.enabled && this.running) void this.refreshOne(next!, true);
    } else if (!next!.enabled) this.store.clearError(cur!.id);
    this.record('registry', `Updated registry ${next!.name}.`, next);
    this.publish();
    if (this.running) this.onAlarm();
    return { ...next! };
  }

  removeRegistry(nameOrId: string): Registry {
    let cur: Registry | undefined;
    this.mutateSettings((s) => {
      cur = requireRegistry(s.registries, nameOrId);
      return { ...s, registries: s.registries.filter((r) => r.id !== cur!.id) };
    });
    this.store.remove(cur!.id);
    this.store.save(cur!.id);
    this.record('registry', `Removed registry ${cur!.name}.`, cur);
    this.publish();
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
    this.publish();
    if (this.running) this.onAlarm();
    return this.settings();
  }

  /** Re-reads the settings file (another process, such as the CLI, may have changed it). */
  reload(): void {
    this.settingsCache = this.deps.settings.read();
    this.store.retain(new Set(this.settingsCache.registries.map((r) => r.id)));
    this.publish();
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
  private readonly knownHost = (r: Registry): string | undefined => registryHostOf(r, this.store.peek(r.id)?.host);

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
    this.store.retain(new Set(next.registries.map((r) => r.id)));
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

  /**
   * Takes on what another process recorded (its newer logins and failures), so the tray app shows
   * what `ecr-keeper login` just did and does not redo it.
   */
  private adoptPersisted(): void {
    const persisted = this.store.read();
    let changed = false;
    for (const r of this.settingsCache.registries) {
      this.store.get(r.id);
      const p = persisted.registries[r.id];
      if (!p || this.inflight.has(r.id) || !this.store.isNewer(r.id, p)) continue;
      this.store.adopt(r.id, p);
      changed = true;
    }
    if (changed) {
      this.publish();
      if (this.running) this.onAlarm();
      void this.verifyDisk();
    }
  }

  private record(kind: ActivityKind, message: string, r?: Registry, fix?: string): void {
    this.log.record(kind, message, r, fix);
  }

  /**
   * Sends a snapshot to listeners and plans notifications from it. The alarm passes
   * `onlyIfStateChanged`: time passing moves states (valid -> expiring -> expired) and only such a
   * move is news; the notices are planned every time, as an expiry warning depends on the time.
   */
  private publish(opts: { onlyIfStateChanged?: boolean } = {}): void {
    const snap = this.snapshot();
    if (!opts.onlyIfStateChanged || snap.registries.some((r) => this.lastStates.get(r.id) !== r.state)) {
      for (const r of snap.registries) this.lastStates.set(r.id, r.state);
      this.emit('change', snap);
    }
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

/** A registry by id, or by name without regard to case. */
export function findRegistry(regs: readonly Registry[], nameOrId: string): Registry | undefined {
  const lc = nameOrId.toLowerCase();
  return regs.find((r) => r.id === nameOrId) ?? regs.find((r) => r.name.toLowerCase() === lc);
}

/** The same, or the one "No registry named …" error (bad input about the name) for every caller. */
export function requireRegistry(regs: readonly Registry[], nameOrId: string): Registry {
  const r = findRegistry(regs, nameOrId);
  if (!r) throw new InputError([{ field: 'name', message: `No registry named "${nameOrId.slice(0, 80)}".` }]);
  return r;
}
