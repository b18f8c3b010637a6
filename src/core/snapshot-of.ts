// From what the keeper knows to what it shows: a registry's runtime record and settings turned
// into the read-only snapshot (src/core/snapshot.ts) the tray, the window and the CLI display.
// Pure: the keeper supplies the facts it alone has (a refresh in flight, the next deadline).
import { noticesFor } from './notices';
import { registryHostOf, type Registry } from './registry';
import type { RegistryRuntime } from './runtime-store';
import { isActive, overallOf, type KeeperSnapshot, type RegistrySnapshot, type RegistryState } from './snapshot';

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export interface SnapshotFacts {
  now: number;
  /** How long before expiry a login counts as expiring. */
  notifyLeadMs: number;
  /** A refresh is in flight. */
  refreshing: boolean;
  /** When the keeper will refresh it on its own next (undefined: it will not). */
  nextRefresh: number | undefined;
}

/** A registry's state from its record. */
export function stateOf(
  r: Registry,
  rt: RegistryRuntime,
  refreshing: boolean,
  now: number,
  notifyLeadMs: number,
): RegistryState {
  if (!r.enabled) return 'disabled';
  if (refreshing) return 'refreshing';
  if (rt.helperManaged) return 'helper-managed';
  if (rt.failures > 0 && rt.error) {
    return rt.error.category === 'signin-required' || rt.error.category === 'mfa-required'
      ? 'signin-required'
      : 'error';
  }
  if (rt.expiresAt === undefined) return 'idle';
  if (rt.missing) return 'missing';
  if (now >= rt.expiresAt) return 'expired';
  if (rt.expiresAt - now <= notifyLeadMs) return 'expiring';
  return 'valid';
}

export function registrySnapshotOf(r: Registry, rt: RegistryRuntime, f: SnapshotFacts): RegistrySnapshot {
  const host = registryHostOf(r, rt.host) ?? null;
  const next = iso(f.nextRefresh);
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
    state: stateOf(r, rt, f.refreshing, f.now, f.notifyLeadMs),
    refreshing: f.refreshing,
    expiresAt: iso(rt.expiresAt),
    lastRefresh: iso(rt.lastSuccess),
    lastAttempt: iso(rt.lastAttempt),
    nextRefresh: next,
    error: rt.error ? { ...rt.error, retryAt: rt.failures > 0 ? next : null } : null,
    storage: rt.storage,
    notices: noticesFor({
      tool: r.tool,
      host,
      storage: rt.storage,
      toolWarnings: rt.toolWarnings,
      loggedIn: rt.lastSuccess !== undefined,
      missing: rt.missing,
    }),
  };
}

export function keeperSnapshotOf(registries: RegistrySnapshot[], autoRefresh: boolean, now: number): KeeperSnapshot {
  const expiries = registries
    .filter(isActive)
    .map((r) => (r.expiresAt ? Date.parse(r.expiresAt) : undefined))
    .filter((v): v is number => v !== undefined && v > now);
  return {
    at: iso(now)!,
    autoRefresh,
    overall: overallOf(registries),
    nextExpiry: expiries.length ? iso(Math.min(...expiries)) : null,
    registries,
  };
}
