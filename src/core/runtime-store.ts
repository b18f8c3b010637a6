// The per-registry runtime: what the keeper knows about each registry's login (expiry, attempts,
// failures, where it is stored, whether it went missing) as one typed record per registry, changed
// only through the named operations below, and its load and save in the shared state file
// (state.json, through the StateRepo of settings.ts).
//
// Another process (the CLI beside the tray app) writes the same file: each save rewrites one
// registry's entry under the file's lock, and a newer entry written elsewhere can be adopted.
// The state file is text anyone can edit: what is read from it is checked like any outside input.
import { parseAction, sanitize, type ErrorInfo } from './errors';
import { validateHostPort } from './registry';
import type { PersistedRegistryState, PersistedState, StateRepo } from './settings';
import type { CredentialStorage } from './snapshot';

/** What is known about one registry's login. Read-only outside this file. */
export interface RegistryRuntime {
  /** Token expiry of the current login (ms epoch). */
  readonly expiresAt?: number;
  readonly lastSuccess?: number;
  /** When the last attempt (success or failure) started. */
  readonly lastAttempt?: number;
  /** Consecutive failures; 0 after a success. */
  readonly failures: number;
  /** Drawn once per failure, so the backoff is stable between re-evaluations. */
  readonly jitter: number;
  readonly error: ErrorInfo | null;
  /** The host learnt from a token's proxy endpoint (for registries without an account ID). */
  readonly host?: string;
  /** The account the last token was for (from its proxyEndpoint): what the profile signs in to. */
  readonly tokenAccount?: string;
  readonly storage: CredentialStorage;
  /** What the login tool printed as warnings at the last login. */
  readonly toolWarnings: readonly string[];
  /** docker's ecr-login credential helper handles this host: there is nothing to log in. */
  readonly helperManaged: boolean;
  /** Hash of the plain-text entry our last login wrote (memory only). */
  readonly fingerprint?: string;
  /** Why the login is not on disk any more, while it is not (state `missing`). */
  readonly missing?: string;
}

type MutableRuntime = { -readonly [K in keyof RegistryRuntime]: RegistryRuntime[K] };

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
const parseMs = (s: string | undefined | null): number | undefined => {
  if (!s) return undefined;
  const v = Date.parse(s);
  return Number.isFinite(v) ? v : undefined;
};

export class RuntimeStore {
  private readonly records = new Map<string, MutableRuntime>();
  /** During a batch: the registries whose save waits for the batch's one write. */
  private pending: Set<string> | null = null;

  /**
   * `random` draws jitter; `onSaveError` hears of a state file that could not be written (the
   * keeper goes on: the file only carries what is known across restarts).
   */
  constructor(
    private readonly repo: StateRepo,
    private readonly random: () => number,
    private readonly onSaveError: (message: string) => void,
  ) {}

  get path(): string {
    return this.repo.path;
  }

  /** Takes on what the state file holds for these registries (at start). */
  load(ids: readonly string[]): void {
    const persisted = this.read();
    for (const id of ids) {
      const p = persisted.registries[id];
      if (p) this.records.set(id, fromPersisted(p, this.random()));
    }
  }

  /** The record of a registry (a fresh one if none yet). */
  get(id: string): RegistryRuntime {
    let rec = this.records.get(id);
    if (!rec) {
      rec = fresh(this.random());
      this.records.set(id, rec);
    }
    return rec;
  }

  /** The record, if there is one: the same object for as long as the registry keeps its identity. */
  peek(id: string): RegistryRuntime | undefined {
    return this.records.get(id);
  }

  all(): RegistryRuntime[] {
    return [...this.records.values()];
  }

  /** Forgets registries no longer configured. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of [...this.records.keys()]) if (!ids.has(id)) this.records.delete(id);
  }

  /** A registry that changed identity (account, region, host or tool): the old login says nothing about it. */
  reset(id: string): void {
    this.records.set(id, fresh(this.random()));
  }

  remove(id: string): void {
    this.records.delete(id);
  }

  // ---------- named operations (a registry without a record is left alone: it was removed) ----------

  attempted(id: string, at: number): void {
    this.edit(id, (r) => {
      r.lastAttempt = at;
    });
  }

  /** The clock went backwards: an attempt "in the future" counts as having happened now. */
  clampAttempts(now: number): void {
    for (const r of this.records.values()) if (r.lastAttempt !== undefined && r.lastAttempt > now) r.lastAttempt = now;
  }

  /** What a token told: the host it is for (when not configured) and the account it signs in to. */
  learnt(id: string, facts: { host?: string; tokenAccount?: string }): void {
    this.edit(id, (r) => {
      if (facts.host) r.host = facts.host;
      if (facts.tokenAccount) r.tokenAccount = facts.tokenAccount;
    });
  }

  loggedIn(
    id: string,
    login: { at: number; expiresAt: number; fingerprint?: string; warnings: readonly string[] },
  ): void {
    this.edit(id, (r) => {
      Object.assign(r, {
        expiresAt: login.expiresAt,
        lastSuccess: login.at,
        failures: 0,
        error: null,
        missing: undefined,
        fingerprint: login.fingerprint,
        toolWarnings: login.warnings.slice(),
      });
    });
  }

  failed(id: string, error: ErrorInfo): void {
    this.edit(id, (r) => {
      r.failures += 1;
      r.jitter = this.random();
      r.error = error;
    });
  }

  /** Whether the ecr-login helper handles the host (as the disk says now); true when that changed. */
  setHelperManaged(id: string, managed: boolean): boolean {
    return (
      this.edit(id, (r) => {
        if (r.helperManaged === managed) return false;
        r.helperManaged = managed;
        return true;
      }) ?? false
    );
  }

  /** A refresh found the host handled by the ecr-login helper: nothing to log in, nothing failing. */
  handedToHelper(id: string, host: string): void {
    this.edit(id, (r) => {
      Object.assign(r, { helperManaged: true, failures: 0, error: null, host, missing: undefined });
    });
  }

  /**
   * Where the login is stored now. The tool's warnings are docker's "stored unencrypted" ones
   * (parseLoginWarnings keeps no other): once the login is seen stored in plain text, our own
   * notice says the same with more help, so they go.
   */
  storedAs(id: string, storage: CredentialStorage): void {
    this.edit(id, (r) => {
      r.storage = storage;
      if (storage === 'plaintext') r.toolWarnings = [];
    });
  }

  /** Why the login is not where its tool reads it (undefined: it is). */
  setMissing(id: string, why: string | undefined): void {
    this.edit(id, (r) => {
      r.missing = why;
    });
  }

  setFingerprint(id: string, fingerprint: string | undefined): void {
    this.edit(id, (r) => {
      r.fingerprint = fingerprint;
    });
  }

  /** A disabled registry's old failure is no longer news. */
  clearError(id: string): void {
    this.edit(id, (r) => {
      r.error = null;
    });
  }

  // ---------- the state file ----------

  /** The state file now (empty when it cannot be read). */
  read(): PersistedState {
    try {
      return this.repo.read();
    } catch {
      return { registries: {} };
    }
  }

  /** Whether another process recorded a later attempt for this registry than we know of. */
  isNewer(id: string, p: PersistedRegistryState): boolean {
    const theirs = parseMs(p.lastAttempt);
    const ours = this.records.get(id)?.lastAttempt;
    return theirs !== undefined && (ours === undefined || theirs > ours);
  }

  /** Takes on another process's newer record; the disk check that follows sets the fingerprint. */
  adopt(id: string, p: PersistedRegistryState): void {
    this.edit(id, (r) => {
      const next = fromPersisted(p, r.jitter);
      Object.assign(r, {
        expiresAt: next.expiresAt,
        lastSuccess: next.lastSuccess,
        lastAttempt: next.lastAttempt,
        failures: next.failures,
        error: next.error,
        host: next.host ?? r.host,
        missing: undefined,
        fingerprint: undefined,
      });
    });
  }

  /**
   * Runs `work` with the saves it causes held back and written in one locked write when it ends
   * (inside an outer batch, the outer one writes them). A refresh of many registries is one batch:
   * each write is locked, fsynced and synchronous, and one per registry held up every other login
   * of the batch (~10 ms a registry on 2 cores, docs/PERFORMANCE.md).
   */
  async batch<T>(work: () => Promise<T>): Promise<T> {
    if (this.pending) return work();
    const pending = new Set<string>();
    this.pending = pending;
    try {
      return await work();
    } finally {
      this.pending = null;
      this.save(...pending);
    }
  }

  /** Writes registries' records (or, where one has none, its removal) to the state file, under its lock. */
  save(...ids: string[]): void {
    if (this.pending) {
      for (const id of ids) this.pending.add(id);
      return;
    }
    if (!ids.length) return;
    const entries = ids.map((id) => {
      const rec = this.records.get(id);
      return [id, rec ? toPersisted(rec) : undefined] as const;
    });
    try {
      this.repo.update((cur) => {
        const registries = { ...cur.registries };
        for (const [id, entry] of entries) {
          if (entry) registries[id] = entry;
          else delete registries[id];
        }
        return { ...cur, registries };
      });
    } catch (err) {
      this.onSaveError(`Could not save state to ${this.repo.path}: ${(err as Error).message}`);
    }
  }

  private edit<T>(id: string, change: (r: MutableRuntime) => T): T | undefined {
    const rec = this.records.get(id);
    return rec ? change(rec) : undefined;
  }
}

function fresh(jitter: number): MutableRuntime {
  return { failures: 0, jitter, error: null, storage: 'unknown', toolWarnings: [], helperManaged: false };
}

function toPersisted(r: RegistryRuntime): PersistedRegistryState {
  const e = r.error;
  const entry: PersistedRegistryState = {
    failures: r.failures,
    lastError: e
      ? {
          category: e.category,
          message: e.message,
          fix: e.fix,
          ...(e.stage ? { stage: e.stage } : {}),
          ...(e.action ? { action: e.action } : {}),
        }
      : null,
  };
  if (r.expiresAt !== undefined) entry.expiresAt = iso(r.expiresAt)!;
  if (r.lastSuccess !== undefined) entry.lastSuccess = iso(r.lastSuccess)!;
  if (r.lastAttempt !== undefined) entry.lastAttempt = iso(r.lastAttempt)!;
  if (r.host) entry.host = r.host;
  if (r.tokenAccount) entry.tokenAccount = r.tokenAccount;
  return entry;
}

function fromPersisted(p: PersistedRegistryState, jitter: number): MutableRuntime {
  const r = fresh(jitter);
  r.expiresAt = parseMs(p.expiresAt);
  r.lastSuccess = parseMs(p.lastSuccess);
  r.lastAttempt = parseMs(p.lastAttempt);
  r.failures = typeof p.failures === 'number' && p.failures >= 0 ? Math.floor(p.failures) : 0;
  r.host = typeof p.host === 'string' && validateHostPort(p.host) === null ? p.host : undefined;
  r.tokenAccount = typeof p.tokenAccount === 'string' && /^\d{12}$/.test(p.tokenAccount) ? p.tokenAccount : undefined;
  // The state file is text anyone can edit: its strings are outside input like any other.
  if (p.lastError && typeof p.lastError.message === 'string') {
    const action = parseAction(p.lastError.action);
    r.error = {
      ...(p.lastError as ErrorInfo),
      message: sanitize(p.lastError.message),
      fix: sanitize(String(p.lastError.fix ?? '')),
      action,
    };
    if (!action) delete r.error.action;
  }
  if (r.failures === 0) r.error = null;
  return r;
}
