// The keeper: the one controller the tray app, the window (through IPC) and the CLI all drive.
// It owns per-registry runtime state, schedules refreshes by wall-clock deadlines, runs
// token -> login for each refresh, persists what must survive a restart, and publishes
// snapshots, activity entries and planned notifications as events.
//
// The password exists only inside `runRefresh`: it is handed from the token source to the login
// runner and never stored, logged, emitted or persisted.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { InputError, KeeperError, sanitize, toErrorInfo, type ErrorInfo } from './errors';
import { parseEcrHost, registryHostOf, validateRegistryInput, type LoginTool, type Registry, type RegistryKind } from './registry';
import { Alarm, MINUTE, nextRefreshAt, systemClock, type Clock } from './scheduler';
import { emptyMemory, planNotices, type PlannedNotice, type PlannerMemory } from './notices';
import { validateSettingsPatch, type PersistedRegistryState, type PersistedState, type Settings, type SettingsRepo, type StateRepo } from './settings';
import { needsAttention, type ActivityEntry, type ActivityKind, type CredentialStorage, type KeeperSnapshot, type OverallState, type RegistryNotice, type RegistrySnapshot, type RegistryState } from './snapshot';

/** What the keeper needs from the token source (electron/core/tokens.ts). */
export interface TokenProvider {
  get(
    req: { kind: RegistryKind; region: string; profile?: string; apiEndpoint?: string },
    opts?: { minValidityMs?: number; force?: boolean },
  ): Promise<{ username: string; password: string; expiresAt: Date; proxyEndpoint?: string }>;
  /** Drops tokens and temporary credentials cached for a profile (after sign-in or new keys). */
  forget?(profile?: string): void;
}

/** What the keeper needs from the login runner (electron/core/login.ts). */
export interface LoginProvider {
  login(req: { tool: LoginTool; host: string; username: string; password: string; timeoutMs?: number; toolPath?: string }): Promise<{ warnings: string[] }>;
}

/** Where the credentials for a host live, per the tool's config (electron/core/docker-config.ts). */
export type StorageInspector = (tool: LoginTool, host: string) => Promise<{ storage: 'ecr-login' | 'helper' | 'store' | 'plaintext' | 'none'; helper?: string }>;

export interface KeeperDeps {
  settings: SettingsRepo;
  state: StateRepo;
  tokens: TokenProvider;
  login: LoginProvider;
  inspectStorage?: StorageInspector;
  clock?: Clock;
  random?: () => number;
  /** Warnings from opening settings (corrupt files backed up), shown once as activity. */
  warnings?: string[];
  /** Runs `aws sso login --profile P` (electron/core/signin.ts); resolves once signed in. */
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
  private lastStates = new Map<string, RegistryState>();

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
    const lc = nameOrId.toLowerCase();
    return this.settingsCache.registries.find((r) => r.id === nameOrId) ?? this.settingsCache.registries.find((r) => r.name.toLowerCase() === lc);
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
      notices: rt.notices.slice(),
    };
  }

  // ---------- running ----------

  /** Starts automatic refreshing: anything due (or never refreshed) is refreshed right away. */
  start(): void {
    this.running = true;
    this.onAlarm();
  }

  /** Stops the alarm and waits for refreshes in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.alarm.clear();
    await Promise.allSettled([...this.runtime.values()].map((rt) => rt.inflight).filter(Boolean));
  }

  /**
   * Looks at every deadline again now: after resume from sleep, unlock, the network coming back or
   * a clock change. Anything overdue refreshes at once; nothing already in flight starts twice.
   */
  reevaluate(): void {
    this.onAlarm();
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
      { expiresAt: rt.expiresAt, lastAttempt: rt.lastAttempt, failures: rt.failures, retryAt: rt.retryAt, jitter: rt.jitter },
      this.settingsCache.refreshLeadMinutes * MINUTE,
      now,
    );
  }

  // ---------- commands ----------

  /** Refreshes one registry now; concurrent calls for the same registry share one refresh. */
  async refresh(nameOrId: string): Promise<RegistrySnapshot> {
    const r = this.find(nameOrId);
    if (!r) throw new KeeperError('invalid-input', `No registry named "${nameOrId.slice(0, 80)}".`, 'Run `ecr-keeper list` to see the configured registries.');
    return this.refreshOne(r, true);
  }

  /** Refreshes every enabled registry at once; one token call serves registries that share credentials. */
  async refreshAll(): Promise<RegistrySnapshot[]> {
    const regs = this.settingsCache.registries.filter((r) => r.enabled);
    return Promise.all(regs.map((r) => this.refreshOne(r, true)));
  }

  private refreshOne(r: Registry, manual: boolean): Promise<RegistrySnapshot> {
    const rt = this.rt(r.id);
    if (rt.inflight) return rt.inflight;
    if (!r.enabled) return Promise.resolve(this.registrySnapshot(r, this.clock.now()));
    const p = (async () => {
      try {
        await this.runRefresh(r, rt, manual);
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

  private async runRefresh(r: Registry, rt: Runtime, manual: boolean): Promise<void> {
    const s = this.settingsCache;
    rt.lastAttempt = this.clock.now();
    try {
      let host = registryHostOf(r, undefined);
      if (host && (await this.checkHelperManaged(r, rt, host))) return;

      // A registry that rejected the last token's password gets a new token, not the cached one
      // (concurrent refreshes still share the one new call).
      const force = rt.failures > 0 && rt.error?.category === 'login-rejected';
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
      const result = await this.deps.login.login({
        tool: r.tool,
        host,
        username: token.username,
        password: token.password,
        timeoutMs: s.loginTimeoutSeconds * 1000,
        toolPath: s.toolPaths[r.tool],
      }).catch((err: unknown) => { throw accountMismatch(r, host!, token.proxyEndpoint, err) ?? err; });
      rt.host = host;
      rt.expiresAt = token.expiresAt.getTime();
      rt.lastSuccess = this.clock.now();
      rt.failures = 0;
      rt.retryAt = undefined;
      rt.error = null;
      rt.notices = result.warnings.map((w) => ({ kind: 'tool-warning' as const, message: w }));
      await this.inspect(r, rt, host);
      this.record('login', `Logged in to ${host} with ${r.tool}; valid until ${new Date(rt.expiresAt).toISOString()}.`, r);
    } catch (err) {
      const info = toErrorInfo(err);
      rt.failures += 1;
      rt.jitter = this.random();
      rt.error = info;
      rt.retryAt = parseMs(info.retryAt ?? undefined);
      this.record('failure', `${info.message} ${info.fix}`, r);
    }
    this.persist();
  }

  /** ecr-login credential helper configured for this host: logging in would be pointless. */
  private async checkHelperManaged(r: Registry, rt: Runtime, host: string): Promise<boolean> {
    const storage = await this.inspect(r, rt, host);
    rt.helperManaged = storage === 'ecr-login';
    if (rt.helperManaged) {
      rt.failures = 0;
      rt.error = null;
      rt.host = host;
      this.record('notice', `${host} is handled by the amazon-ecr-credential-helper (ecr-login); not logging in.`, r);
      this.persist();
    }
    return rt.helperManaged;
  }

  private async inspect(r: Registry, rt: Runtime, host: string): Promise<CredentialStorage> {
    if (!this.deps.inspectStorage) return rt.storage;
    let found: Awaited<ReturnType<StorageInspector>>;
    try {
      found = await this.deps.inspectStorage(r.tool, host);
    } catch {
      return rt.storage;
    }
    const storage: CredentialStorage = found.storage === 'none' ? 'unknown' : found.storage;
    rt.storage = storage;
    // docker's own "stored unencrypted" warning says what our notice says (with less help): keep one.
    rt.notices = rt.notices.filter((n) => n.kind === 'tool-warning' && !(storage === 'plaintext' && /unencrypted/i.test(n.message)));
    // Never logged in by us: an entry someone else left is not "the login" this card is about.
    if (storage === 'plaintext' && rt.lastSuccess !== undefined) {
      rt.notices.push({
        kind: 'plaintext-credentials',
        message: `The login for ${host} is stored unencrypted (base64) in the ${r.tool} config file.`,
        fix: 'Use a credential store (keychain, pass, secretservice): `ecr-keeper storage` shows the ones that work here.',
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
    await Promise.all(this.settingsCache.registries.map(async (r) => {
      const rt = this.rt(r.id);
      const host = registryHostOf(r, rt.host);
      if (!host || rt.inflight) return;
      // A host handed to (or taken back from) the ecr-login helper since the last refresh: the
      // file decides, so status never calls a login valid that docker no longer reads.
      rt.helperManaged = (await this.inspect(r, rt, host)) === 'ecr-login';
    }));
    this.afterChange();
  }

  addRegistry(input: unknown): Registry {
    const v = validateRegistryInput(input, { existing: this.settingsCache.registries });
    if (!v.ok) throw new InputError(v.errors);
    const reg: Registry = { id: randomUUID(), ...v.value };
    this.writeSettings({ ...this.settingsCache, registries: [...this.settingsCache.registries, reg] });
    this.record('registry', `Added registry ${reg.name} (${reg.region}).`, reg);
    this.afterChange();
    if (this.running) this.onAlarm();
    return { ...reg };
  }

  updateRegistry(nameOrId: string, input: unknown): Registry {
    const cur = this.find(nameOrId);
    if (!cur) throw new InputError([{ field: 'name', message: `No registry named "${nameOrId.slice(0, 80)}".` }]);
    const v = validateRegistryInput(input, { existing: this.settingsCache.registries, editingId: cur.id, base: cur });
    if (!v.ok) throw new InputError(v.errors);
    const next: Registry = { id: cur.id, ...v.value };
    // Optional fields cleared in the edit must disappear, not linger from the old record.
    this.writeSettings({ ...this.settingsCache, registries: this.settingsCache.registries.map((r) => (r.id === cur.id ? next : r)) });
    const rt = this.rt(cur.id);
    if (identityChanged(cur, next)) {
      // A different account, region, host or tool: the old login says nothing about the new one.
      this.runtime.set(cur.id, freshRuntime(this.random()));
      this.persist();
    } else if (!next.enabled) rt.error = null;
    this.record('registry', `Updated registry ${next.name}.`, next);
    this.afterChange();
    if (this.running) this.onAlarm();
    return { ...next };
  }

  removeRegistry(nameOrId: string): Registry {
    const cur = this.find(nameOrId);
    if (!cur) throw new InputError([{ field: 'name', message: `No registry named "${nameOrId.slice(0, 80)}".` }]);
    this.writeSettings({ ...this.settingsCache, registries: this.settingsCache.registries.filter((r) => r.id !== cur.id) });
    this.runtime.delete(cur.id);
    this.persist();
    this.record('registry', `Removed registry ${cur.name}.`, cur);
    this.afterChange();
    this.rearm();
    return cur;
  }

  updateSettings(patch: unknown): Settings {
    const v = validateSettingsPatch(patch);
    if (!v.ok) throw new InputError(v.errors);
    const cur = this.settingsCache;
    const next: Settings = {
      ...cur,
      ...v.value,
      notifications: { ...cur.notifications, ...(v.value.notifications ?? {}) },
      toolPaths: v.value.toolPaths ? { ...v.value.toolPaths } : cur.toolPaths,
    };
    this.writeSettings(next);
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
      this.record('failure', `${info.message} ${info.fix}`);
      throw err;
    }
    this.record('notice', `Signed in to AWS SSO for profile ${profile}; refreshing its registries.`);
    return this.refreshProfile(profile);
  }

  // ---------- internals ----------

  private writeSettings(next: Settings): void {
    try {
      this.deps.settings.write(next);
    } catch (err) {
      throw new KeeperError('config', `Could not save settings to ${this.deps.settings.path}: ${(err as Error).message}`, 'Check that the folder is writable and the disk is not full.');
    }
    this.settingsCache = next;
  }

  private rt(id: string): Runtime {
    let rt = this.runtime.get(id);
    if (!rt) {
      rt = freshRuntime(this.random());
      this.runtime.set(id, rt);
    }
    return rt;
  }

  private loadRuntime(): void {
    let persisted: PersistedState;
    try {
      persisted = this.deps.state.read();
    } catch {
      persisted = { registries: {} };
    }
    for (const r of this.settingsCache.registries) {
      const p = persisted.registries[r.id];
      if (!p) continue;
      const rt = freshRuntime(this.random());
      rt.expiresAt = parseMs(p.expiresAt);
      rt.lastSuccess = parseMs(p.lastSuccess);
      rt.lastAttempt = parseMs(p.lastAttempt);
      rt.failures = typeof p.failures === 'number' && p.failures >= 0 ? Math.floor(p.failures) : 0;
      rt.host = typeof p.host === 'string' ? p.host : undefined;
      rt.tokenAccount = typeof p.tokenAccount === 'string' && /^\d{12}$/.test(p.tokenAccount) ? p.tokenAccount : undefined;
      if (p.lastError && typeof p.lastError.message === 'string') rt.error = { ...(p.lastError as ErrorInfo) };
      if (rt.failures === 0) rt.error = null;
      this.runtime.set(r.id, rt);
    }
  }

  private persist(): void {
    const out: PersistedState = { registries: {} };
    for (const r of this.settingsCache.registries) {
      const rt = this.runtime.get(r.id);
      if (!rt) continue;
      const entry: PersistedRegistryState = { failures: rt.failures, lastError: rt.error ? { category: rt.error.category, message: rt.error.message, fix: rt.error.fix } : null };
      if (rt.expiresAt !== undefined) entry.expiresAt = iso(rt.expiresAt)!;
      if (rt.lastSuccess !== undefined) entry.lastSuccess = iso(rt.lastSuccess)!;
      if (rt.lastAttempt !== undefined) entry.lastAttempt = iso(rt.lastAttempt)!;
      if (rt.host) entry.host = rt.host;
      if (rt.tokenAccount) entry.tokenAccount = rt.tokenAccount;
      out.registries[r.id] = entry;
    }
    try {
      this.deps.state.write(out);
    } catch (err) {
      this.record('notice', `Could not save state to ${this.deps.state.path}: ${(err as Error).message}`);
    }
  }

  private record(kind: ActivityKind, message: string, r?: Registry): void {
    const entry: ActivityEntry = { at: new Date(this.clock.now()).toISOString(), kind, message };
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

function identityChanged(a: Registry, b: Registry): boolean {
  return a.kind !== b.kind || a.region !== b.region || a.accountId !== b.accountId || a.profile !== b.profile
    || a.tool !== b.tool || a.registryHost !== b.registryHost || a.apiEndpoint !== b.apiEndpoint;
}

export function stateOf(r: Registry, rt: Pick<Runtime, 'inflight' | 'helperManaged' | 'error' | 'failures' | 'expiresAt'>, now: number, notifyLeadMs: number): RegistryState {
  if (!r.enabled) return 'disabled';
  if (rt.inflight) return 'refreshing';
  if (rt.helperManaged) return 'helper-managed';
  if (rt.failures > 0 && rt.error) {
    return rt.error.category === 'signin-required' || rt.error.category === 'mfa-required' ? 'signin-required' : 'error';
  }
  if (rt.expiresAt === undefined) return 'idle';
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
