// The keeper: the one controller the tray app, the window (through IPC) and the CLI all drive.
// It keeps the schedule (wall-clock deadlines from scheduler.ts and one alarm) and coordinates the
// parts that each hold one job:
// - refresh.ts runs one refresh (token -> login -> read-back) and returns an Outcome, which
//   `apply` below turns into state, activity and a saved record: the one place that happens;
// - runtime-store.ts holds what is known per registry and its state file;
// - settings-book.ts holds the settings and every validated change to them;
// - disk-watch.ts keeps that knowledge true to the disk: a registry is `valid` only while its
//   credential is retrievable where its tool reads it, and a login that vanished or was replaced
//   leaves `valid` at once (state `missing`) and is logged in again within seconds;
// - snapshot-of.ts, notices.ts and activity-log.ts make what is shown and told, which the keeper
//   publishes as events.
// Settings and state are shared with other processes (the CLI beside the tray app): every change
// is made under the file's lock on what is on disk now, never from a copy read earlier.
import { EventEmitter } from 'node:events';
import { ActivityLog } from './activity-log';
import { DiskWatch } from './disk-watch';
import { KeeperError, sanitize, toErrorInfo } from './errors';
import { emptyMemory, noticePrefsOf, planNotices, type PlannedNotice } from './notices';
import { refreshRegistry, type LoginProvider, type Outcome, type TokenProvider } from './refresh';
import { identityChanged, registryHostOf, type Registry } from './registry';
import { RuntimeStore, type RegistryRuntime } from './runtime-store';
import { Alarm, MINUTE, nextRefreshAt, systemClock, type Clock } from './scheduler';
import type { SettingNames, Settings, SettingsRepo, StateRepo } from './settings';
import { findRegistry, requireRegistry, SettingsBook } from './settings-book';
import { keeperSnapshotOf, registrySnapshotOf } from './snapshot-of';
import type { ActivityEntry, ActivityKind, KeeperSnapshot, RegistrySnapshot, RegistryState } from './snapshot';

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

/**
 * While other refreshes are still running, their ends publish at most this often. Each change is a
 * snapshot of every registry, which the tray turns into a menu and the window receives over IPC:
 * one per end is N x N over a batch (a fifth of the keeper's CPU in a refresh of 40). A person
 * cannot tell 100 ms apart in a list; the last end of all publishes at once.
 */
const END_PUBLISH_INTERVAL_MS = 100;

export class Keeper extends EventEmitter<KeeperEvents> {
  private readonly book: SettingsBook;
  private readonly store: RuntimeStore;
  private readonly disk: DiskWatch;
  /** Refreshes in flight, by registry id: a second request for the same registry joins the first. */
  private readonly inflight = new Map<string, Promise<RegistrySnapshot>>();
  /** Inside together(): publishes wait for the batch to have started (`held`: one is owed). */
  private holding = 0;
  private held = false;
  /** When a refresh's end last published, and the timer of an end waiting for its turn. */
  private lastEndPublish = -Infinity;
  private endTimer: unknown;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly alarm: Alarm;
  private readonly log: ActivityLog;
  private plannerMemory = emptyMemory();
  private running = false;
  private lastStates = new Map<string, RegistryState>();

  constructor(private readonly deps: KeeperDeps) {
    super();
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
    this.alarm = new Alarm(this.clock, () => this.onAlarm());
    this.log = new ActivityLog(
      () => this.clock.now(),
      (entry) => this.emit('activity', entry),
    );
    this.store = new RuntimeStore(deps.state, this.random, (message) => this.record('notice', message));
    // Registries removed from the settings (here or by another process) are forgotten.
    this.book = new SettingsBook(deps.settings, (s) => this.store.retain(new Set(s.registries.map((r) => r.id))));
    this.store.load(this.book.registries.map((r) => r.id));
    this.disk = new DiskWatch({
      login: deps.login,
      store: this.store,
      registries: () => this.book.registries,
      refreshing: (id) => this.inflight.has(id),
      record: (kind, message, r) => this.record(kind, message, r),
      changed: () => {
        this.publish();
        if (this.running) this.onAlarm();
      },
    });
    for (const w of deps.warnings ?? []) this.record('notice', w);
  }

  // ---------- reading ----------

  settings(): Settings {
    return structuredClone(this.book.current);
  }

  /** One setting as it is now, without copying all of them (the login runner reads one per login). */
  setting<K extends keyof Settings>(key: K): Readonly<Settings[K]> {
    return this.book.current[key];
  }

  registries(): Registry[] {
    return this.book.registries.map((r) => ({ ...r }));
  }

  find(nameOrId: string): Registry | undefined {
    return findRegistry(this.book.registries, nameOrId);
  }

  /** The settings file this keeper reads and writes. */
  get settingsPath(): string {
    return this.book.path;
  }

  /** Accounts learned from previous tokens, per profile (null: the default chain); for `discover`. */
  knownAccounts(): { profile: string | null; accountId: string }[] {
    return this.book.registries.flatMap((r) => {
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
    const s = this.book.current;
    return keeperSnapshotOf(
      s.registries.map((r) => this.registrySnapshot(r, now)),
      s.autoRefresh,
      now,
    );
  }

  private registrySnapshot(r: Registry, now: number): RegistrySnapshot {
    const rt = this.store.get(r.id);
    return registrySnapshotOf(r, rt, {
      now,
      notifyLeadMs: this.book.current.notifyLeadMinutes * MINUTE,
      refreshing: this.inflight.has(r.id),
      nextRefresh: this.deadlineOf(r, rt, now),
    });
  }

  // ---------- running ----------

  /** Starts automatic refreshing: anything due (or never refreshed) is refreshed right away. */
  start(): void {
    this.running = true;
    this.disk.start();
    this.onAlarm();
    void this.disk.verify();
  }

  /** Stops the alarm and the file watches, and waits for refreshes in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.alarm.clear();
    const checking = this.disk.stop();
    await Promise.allSettled([...this.inflight.values()]);
    await checking;
  }

  /**
   * Looks at every deadline again now: after resume from sleep, unlock, the network coming back or
   * a clock change. Anything overdue refreshes at once; nothing already in flight starts twice.
   * The disk is checked too: a login may have been removed while we slept.
   */
  reevaluate(): void {
    this.onAlarm();
    void this.disk.verify();
  }

  /**
   * Checks each kept login against the disk, where its tool reads it (src/core/disk-watch.ts). A
   * login that is gone (or was replaced by someone else's) leaves `valid` at once and is logged in
   * again soon, reusing the cached token.
   */
  verifyDisk(): Promise<void> {
    return this.disk.verify();
  }

  // ---------- the schedule ----------

  private onAlarm(): void {
    const now = this.clock.now();
    // The clock went backwards (NTP step, manual change): an attempt "in the future" would push
    // its backoff out by the size of the jump, so count it as having happened now.
    this.store.clampAttempts(now);
    if (this.running && this.book.current.autoRefresh) {
      this.together(() => {
        for (const r of this.book.registries) {
          const due = this.deadlineOf(r, this.store.get(r.id), now);
          if (due !== undefined && due <= now && !this.inflight.has(r.id)) void this.refreshOne(r, false);
        }
      });
    }
    this.publish({ onlyIfStateChanged: true });
    this.rearm();
  }

  private rearm(): void {
    if (!this.running) return;
    const now = this.clock.now();
    let next: number | undefined;
    const consider = (t: number | undefined) => {
      if (t !== undefined && (next === undefined || t < next)) next = t;
    };
    const notifyLead = this.book.current.notifyLeadMinutes * MINUTE;
    for (const r of this.book.registries) {
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
    if (!this.book.current.autoRefresh || !r.enabled || !r.autoRefresh || rt.helperManaged) return undefined;
    // An MFA code was refused or the prompt cancelled: retrying on a timer would only put the
    // prompt in front of the person again and again. It waits for them to press Refresh.
    if (rt.failures > 0 && rt.error?.category === 'mfa-required') return undefined;
    return nextRefreshAt(
      {
        expiresAt: rt.expiresAt,
        lastAttempt: rt.lastAttempt,
        failures: rt.failures,
        jitter: rt.jitter,
        missing: rt.missing !== undefined,
      },
      this.book.current.refreshLeadMinutes * MINUTE,
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
    return this.refreshOne(requireRegistry(this.book.registries, nameOrId), true, opts.fresh === true);
  }

  /**
   * Refreshes every enabled registry (or the enabled ones among `ids`) at once; one token call
   * serves registries that share credentials.
   */
  async refreshAll(ids?: readonly string[]): Promise<RegistrySnapshot[]> {
    return this.refreshEach(
      this.book.registries.filter((r) => r.enabled && (!ids || ids.includes(r.id))).map((r) => r.id),
    );
  }

  /**
   * Refreshes the named registries at once (a disabled one reports as it is), writing the state file
   * once for the batch; one token call serves registries that share credentials.
   */
  async refreshEach(namesOrIds: readonly string[]): Promise<RegistrySnapshot[]> {
    const regs = namesOrIds.map((n) => requireRegistry(this.book.registries, n));
    return this.store.batch(() => Promise.all(this.together(() => regs.map((r) => this.refreshOne(r, true)))));
  }

  private refreshOne(r: Registry, manual: boolean, fresh = false): Promise<RegistrySnapshot> {
    const running = this.inflight.get(r.id);
    if (running) return running;
    if (!r.enabled) return Promise.resolve(this.registrySnapshot(r, this.clock.now()));
    const rt = this.store.get(r.id);
    const s = this.book.current;
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
        this.publishEnd();
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
        this.store.loggedIn(r.id, {
          at: this.clock.now(),
          expiresAt: o.expiresAt,
          fingerprint: o.fingerprint,
          warnings: o.warnings,
        });
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
      this.disk.watchCredentialFile(r.tool);
      this.record(
        'login',
        `Logged in to ${o.host} with ${r.tool}; valid until ${new Date(o.expiresAt).toISOString()}.`,
        r,
      );
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
    const reg = this.book.add(input, this.knownHost);
    this.record('registry', `Added registry ${reg.name} (${reg.region}).`, reg);
    this.publish();
    if (this.running) this.onAlarm();
    return { ...reg };
  }

  updateRegistry(nameOrId: string, input: unknown): Registry {
    const { before, after } = this.book.update(nameOrId, input, this.knownHost);
    if (identityChanged(before, after)) {
      // A different account, region, host or tool: the old login says nothing about the new one,
      // and a refresh still running for the old one is not this registry's any more.
      this.store.reset(after.id);
      this.inflight.delete(after.id);
      this.store.save(after.id);
      // ...so it logs in at once, as a new registry does, rather than waiting for an alarm.
      // (The window asks for it itself; a CLI edit stays a settings change.)
      if (after.enabled && this.running) void this.refreshOne(after, true);
    } else if (!after.enabled) this.store.clearError(after.id);
    this.record('registry', `Updated registry ${after.name}.`, after);
    this.publish();
    if (this.running) this.onAlarm();
    return { ...after };
  }

  removeRegistry(nameOrId: string): Registry {
    const gone = this.book.remove(nameOrId);
    this.store.remove(gone.id);
    this.store.save(gone.id);
    this.record('registry', `Removed registry ${gone.name}.`, gone);
    this.publish();
    this.rearm();
    return gone;
  }

  /** `names`: how problems name a setting (the CLI says its key, the window its label). */
  updateSettings(patch: unknown, names: SettingNames = 'key'): Settings {
    const changed = this.book.patch(patch, names).join(', ');
    if (changed) this.record('settings', `Settings changed: ${changed}.`);
    this.publish();
    if (this.running) this.onAlarm();
    return this.settings();
  }

  /** Re-reads the settings file (another process, such as the CLI, may have changed it). */
  reload(): void {
    this.book.reload();
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
    const regs = this.book.registries.filter((r) => r.enabled && (r.profile || undefined) === p);
    return Promise.all(this.together(() => regs.map((r) => this.refreshOne(r, true))));
  }

  /** A line the AWS CLI printed while signing in (sanitised: it may echo tokens on errors). */
  recordSignInOutput(line: string): void {
    const text = sanitize(line);
    if (text) this.record('signin', text);
  }

  /** Signs in to AWS SSO for a profile (the AWS CLI opens the browser), then refreshes its registries. */
  async signIn(profile: string): Promise<RegistrySnapshot[]> {
    if (!this.deps.signIn)
      throw new KeeperError(
        'internal',
        'Sign-in is not available here.',
        `Run aws sso login --profile ${profile} in a terminal.`,
      );
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

  private record(kind: ActivityKind, message: string, r?: Registry, fix?: string): void {
    this.log.record(kind, message, r, fix);
  }

  /**
   * Starts a batch of refreshes with one change for all their starts: each change is a snapshot of
   * every registry, so one per start would be N x N for the batch. (Their ends, which come one by
   * one, each publish as usual.)
   */
  private together<T>(start: () => T): T {
    this.holding++;
    try {
      return start();
    } finally {
      if (--this.holding === 0 && this.held) {
        this.held = false;
        this.publish();
      }
    }
  }

  private unheard(): boolean {
    return this.listenerCount('change') === 0 && this.listenerCount('notify') === 0;
  }

  /**
   * Publishes a refresh's end: at once when it was the last refresh running or the last end to
   * publish is END_PUBLISH_INTERVAL_MS ago, else once that interval is up (one publish then
   * carries every end in between).
   */
  private publishEnd(): void {
    if (this.unheard()) return;
    const now = this.clock.now();
    const wait = this.lastEndPublish + END_PUBLISH_INTERVAL_MS - now;
    // (A wait longer than the interval: the clock went back. Publish rather than wait for it.)
    if (this.inflight.size > 0 && wait > 0 && wait <= END_PUBLISH_INTERVAL_MS) {
      this.endTimer ??= this.clock.setTimeout(() => {
        this.endTimer = undefined;
        this.publishEnd();
      }, wait);
      return;
    }
    this.lastEndPublish = now;
    this.publish();
  }

  /**
   * Sends a snapshot to listeners and plans notifications from it. The alarm passes
   * `onlyIfStateChanged`: time passing moves states (valid -> expiring -> expired) and only such a
   * move is news; the notices are planned every time, as an expiry warning depends on the time.
   */
  private publish(opts: { onlyIfStateChanged?: boolean } = {}): void {
    if (this.holding > 0) {
      this.held = true;
      return;
    }
    // Nobody listening (the CLI's one-shot verbs): a snapshot of every registry at each start and
    // end of a refresh would be work for nobody, N x N over a batch. A listener that comes later
    // hears the next change, and is told of notices it has not been told of.
    if (this.unheard()) return;
    // This snapshot carries any end still waiting for its turn.
    if (this.endTimer !== undefined) {
      this.clock.clearTimeout(this.endTimer);
      this.endTimer = undefined;
    }
    const snap = this.snapshot();
    if (!opts.onlyIfStateChanged || snap.registries.some((r) => this.lastStates.get(r.id) !== r.state)) {
      for (const r of snap.registries) this.lastStates.set(r.id, r.state);
      this.emit('change', snap);
    }
    const { notices, memory } = planNotices(
      this.plannerMemory,
      snap,
      noticePrefsOf(this.book.current),
      this.clock.now(),
    );
    this.plannerMemory = memory;
    for (const n of notices) this.emit('notify', n);
  }
}
