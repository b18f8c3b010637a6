// The settings as this process knows them (its copy of the settings file) and every change to
// them: registries added, edited and removed, settings patched. Each change is validated
// (registry.ts, settings.ts) against the file as it is on disk now and written under its lock, so
// a registry another process just added counts. What a change means for logins and the schedule
// is the keeper's business.
import { randomUUID } from 'node:crypto';
import { InputError, KeeperError } from './errors';
import { validateRegistryInput, type Registry } from './registry';
import { validateSettingsPatch, type SettingNames, type Settings, type SettingsRepo } from './settings';

/** The host a registry logs in to, including one learnt from a token (two registries may not share one with the same tool). */
type HostOf = (r: Registry) => string | undefined;

export class SettingsBook {
  private cache: Settings;

  /** `onRead`: the settings now, after every read and write (the keeper forgets removed registries). */
  constructor(
    private readonly repo: SettingsRepo,
    private readonly onRead: (s: Settings) => void = () => {},
  ) {
    this.cache = repo.read();
  }

  /** The settings as last read or written; not a copy, so not to be changed. */
  get current(): Settings {
    return this.cache;
  }

  get registries(): readonly Registry[] {
    return this.cache.registries;
  }

  get path(): string {
    return this.repo.path;
  }

  /** Re-reads the file (another process, such as the CLI, may have changed it). */
  reload(): void {
    this.cache = this.repo.read();
    this.onRead(this.cache);
  }

  add(input: unknown, hostOf: HostOf): Registry {
    let reg: Registry | undefined;
    this.mutate((cur) => {
      const v = validateRegistryInput(input, { existing: cur.registries, hostOf });
      if (!v.ok) throw new InputError(v.errors);
      reg = { id: randomUUID(), ...v.value };
      return { ...cur, registries: [...cur.registries, reg] };
    });
    return reg!;
  }

  update(nameOrId: string, input: unknown, hostOf: HostOf): { before: Registry; after: Registry } {
    let before: Registry | undefined;
    let after: Registry | undefined;
    this.mutate((s) => {
      const cur = requireRegistry(s.registries, nameOrId);
      const v = validateRegistryInput(input, { existing: s.registries, editingId: cur.id, base: cur, hostOf });
      if (!v.ok) throw new InputError(v.errors);
      const updated: Registry = { id: cur.id, ...v.value };
      [before, after] = [cur, updated];
      // Optional fields cleared in the edit must disappear, not linger from the old record.
      return { ...s, registries: s.registries.map((r) => (r.id === updated.id ? updated : r)) };
    });
    return { before: before!, after: after! };
  }

  remove(nameOrId: string): Registry {
    let gone: Registry | undefined;
    this.mutate((s) => {
      const cur = requireRegistry(s.registries, nameOrId);
      gone = cur;
      return { ...s, registries: s.registries.filter((r) => r.id !== cur.id) };
    });
    return gone!;
  }

  /** Applies a settings patch; returns the names of the settings it sets. `names`: how problems name a setting. */
  patch(patch: unknown, names: SettingNames): string[] {
    const v = validateSettingsPatch(patch, names);
    if (!v.ok) throw new InputError(v.errors);
    this.mutate((cur) => ({
      ...cur,
      ...v.value,
      notifications: { ...cur.notifications, ...(v.value.notifications ?? {}) },
      toolPaths: v.value.toolPaths ? { ...v.value.toolPaths } : cur.toolPaths,
    }));
    return Object.keys(v.value);
  }

  /** Changes the settings file under its lock, from what is on disk now. */
  private mutate(change: (current: Settings) => Settings): void {
    let next: Settings;
    try {
      next = this.repo.update(change);
    } catch (err) {
      if (err instanceof KeeperError) throw err;
      throw new KeeperError(
        'config',
        `Could not save settings to ${this.repo.path}: ${(err as Error).message}`,
        'Check that the folder is writable and the disk is not full.',
      );
    }
    this.cache = next;
    this.onRead(next);
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
