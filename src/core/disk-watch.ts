// Keeping what the keeper says true to the disk. While the keeper runs, the credential files its
// logins live in, and the state file other ECR Keeper processes write, are watched. Each look at
// the disk (on start, on wake, when a file changes, before `status`) finds where every login is
// stored and whether the ecr-login helper took its host over, and, for the logins the keeper
// counts on, whether they are still there: gone or replaced by another program (state `missing`,
// logged in again soon), or replaced by another ECR Keeper process, whose newer record is adopted.
import type { ActivityKind } from './snapshot';
import { storageOf, type DiskView, type LoginProvider } from './refresh';
import { registryHostOf, type LoginTool, type Registry } from './registry';
import type { RuntimeStore } from './runtime-store';
import { watchFileInFolder } from './settings-watch';

export interface DiskWatchDeps {
  login: LoginProvider;
  store: RuntimeStore;
  registries: () => readonly Registry[];
  /** A refresh is in flight for this registry: its own read-back looks at the disk. */
  refreshing: (id: string) => boolean;
  record: (kind: ActivityKind, message: string, r?: Registry) => void;
  /** What the keeper knows changed: publish it and look at the schedule again. */
  changed: () => void;
}

export class DiskWatch {
  /** Watches on credential files (by path) and on the state file, while running. */
  private readonly watches = new Map<string, { close(): void }>();
  private running = false;
  private verifying: Promise<void> | undefined;
  private verifyAgain = false;

  constructor(private readonly deps: DiskWatchDeps) {}

  start(): void {
    this.running = true;
    // Another process (the CLI, the other of tray app and `watch`) records its logins here.
    this.watch(this.deps.store.path, () => {
      this.adoptPersisted();
    });
    for (const r of this.deps.registries()) this.watchCredentialFile(r.tool);
  }

  /** Closes the watches and waits for a check in progress. */
  async stop(): Promise<void> {
    this.running = false;
    for (const w of this.watches.values()) w.close();
    this.watches.clear();
    await this.verifying;
  }

  /** Watches the file a tool keeps its logins in (after a first login it may be new). */
  watchCredentialFile(tool: LoginTool): void {
    const file = this.deps.login.credentialFileFor?.(tool);
    if (file)
      this.watch(file, () => {
        void this.verify();
      });
  }

  /** Concurrent calls share one check; a call during a check runs one more after it. */
  verify(): Promise<void> {
    if (this.verifying) {
      this.verifyAgain = true;
      return this.verifying;
    }
    this.verifying = (async () => {
      do {
        this.verifyAgain = false;
        await this.checkOnce();
      } while (this.verifyAgain);
    })().finally(() => {
      this.verifying = undefined;
    });
    return this.verifying;
  }

  private watch(path: string, onChange: () => void): void {
    if (!this.running || this.watches.has(path)) return;
    this.watches.set(path, watchFileInFolder(path, onChange));
  }

  /** What is on disk for these hosts, in one pass when the login runner can (null: cannot tell). */
  private async views(targets: readonly { tool: LoginTool; host: string }[]): Promise<(DiskView | null)[]> {
    const login = this.deps.login;
    try {
      if (login.inspectAll) return await login.inspectAll(targets);
      if (login.inspect) return await Promise.all(targets.map((t) => login.inspect!(t.tool, t.host).catch(() => null)));
    } catch {
      /* reported as "cannot tell": nothing changes */
    }
    return targets.map(() => null);
  }

  /** One look at the disk for every registry with a known host. */
  private async checkOnce(): Promise<void> {
    const { login, store, refreshing } = this.deps;
    if (!login.inspect && !login.inspectAll) return;
    const regs = this.deps.registries().flatMap((r) => {
      const rt = store.get(r.id);
      const host = registryHostOf(r, rt.host);
      return host && !refreshing(r.id) ? [{ r, rt, host }] : [];
    });
    const views = await this.views(regs.map(({ r, host }) => ({ tool: r.tool, host })));
    let changed = false;
    regs.forEach(({ r, rt, host }, i) => {
      const disk = views[i];
      // Removed, reset or refreshing since the look: what was seen is not about it now.
      if (!disk || refreshing(r.id) || store.peek(r.id) !== rt) return;
      // A host handed to (or taken back from) the ecr-login helper since the last refresh: the
      // file decides, so status never calls a login valid that docker no longer reads.
      const storage = storageOf(disk.storage);
      store.storedAs(r.id, storage);
      if (store.setHelperManaged(r.id, storage === 'ecr-login')) changed = true;
      // Presence only for logins we made and still count on.
      if (!r.enabled || rt.helperManaged || rt.expiresAt === undefined || (rt.failures > 0 && rt.error)) return;
      let why: string | undefined;
      const file = login.credentialFileFor?.(r.tool) ?? `the ${r.tool} credential file`;
      if (disk.error) why = disk.error.message;
      else if (!disk.present) {
        why =
          disk.storage.storage === 'helper' || disk.storage.storage === 'store'
            ? `The login for ${host} is no longer held by docker-credential-${disk.storage.helper}.`
            : `The login for ${host} is no longer in ${file} (removed by \`${r.tool} logout\`, another program, or a restore).`;
      } else if (disk.fingerprint && rt.fingerprint && disk.fingerprint !== rt.fingerprint) {
        // Another ECR Keeper process (the CLI beside the tray app) logging in writes a newer
        // entry and records it in the state file: take that on instead of fighting over it.
        const theirs = store.read().registries[r.id];
        if (theirs && store.isNewer(r.id, theirs)) {
          store.adopt(r.id, theirs);
          store.setFingerprint(r.id, disk.fingerprint);
          changed = true;
        } else {
          why = `The login for ${host} in ${file} was replaced by another program.`;
        }
      } else if (disk.fingerprint && !rt.fingerprint) {
        store.setFingerprint(r.id, disk.fingerprint);
      }
      if (why !== rt.missing) {
        changed = true;
        if (why) this.deps.record('notice', `${why} Logging in again.`, r);
        store.setMissing(r.id, why);
      }
    });
    if (changed) this.deps.changed();
  }

  /**
   * Takes on what another process recorded (its newer logins and failures), so the tray app shows
   * what `ecr-keeper login` just did and does not redo it; the disk check that follows sets the
   * fingerprints of the logins taken on.
   */
  private adoptPersisted(): void {
    const { store, refreshing } = this.deps;
    const persisted = store.read();
    let changed = false;
    for (const r of this.deps.registries()) {
      store.get(r.id);
      const p = persisted.registries[r.id];
      if (!p || refreshing(r.id) || !store.isNewer(r.id, p)) continue;
      store.adopt(r.id, p);
      changed = true;
    }
    if (changed) {
      this.deps.changed();
      void this.verify();
    }
  }
}
