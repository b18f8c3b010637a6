// The keeper's activity log: what happened (logins, failures, notices, changes), newest last,
// bounded, in memory only. The window shows it; each entry is also handed to a listener as it comes.
import type { Registry } from './registry';
import type { ActivityEntry, ActivityKind } from './snapshot';

export const ACTIVITY_LIMIT = 200;

export class ActivityLog {
  private readonly entries: ActivityEntry[] = [];

  constructor(
    private readonly now: () => number,
    private readonly onEntry: (entry: ActivityEntry) => void,
  ) {}

  /** `fix`: what to do about it (failures), kept apart so the window shows it as a fix. */
  record(kind: ActivityKind, message: string, r?: Registry, fix?: string): void {
    const entry: ActivityEntry = { at: new Date(this.now()).toISOString(), kind, message };
    if (fix) entry.fix = fix;
    if (r) {
      entry.registryId = r.id;
      entry.registryName = r.name;
    }
    this.entries.push(entry);
    if (this.entries.length > ACTIVITY_LIMIT) this.entries.splice(0, this.entries.length - ACTIVITY_LIMIT);
    this.onEntry(entry);
  }

  list(): ActivityEntry[] {
    return this.entries.slice();
  }

  clear(): void {
    this.entries.length = 0;
  }
}
