// The read-only picture of the keeper that flows out to the tray, the notifier, the window
// (over IPC) and the CLI. Plain JSON: no secrets, no class instances, times as ISO 8601.
import type { ErrorInfo } from './errors';
import type { LoginTool, RegistryKind } from './registry';

export type RegistryState =
  | 'idle' // never refreshed (or unknown since start)
  | 'refreshing'
  | 'valid'
  | 'expiring' // valid, but within the notification lead of expiry
  | 'expired'
  | 'missing' // the login is not where its tool reads it (logged out, overwritten); being repaired
  | 'error'
  | 'signin-required' // SSO/MFA: a person must act
  | 'disabled'
  | 'helper-managed'; // docker's ecr-login credential helper handles this host

/** Where a registry's login is stored, as far as the docker/podman config tells. */
export type CredentialStorage = 'plaintext' | 'store' | 'helper' | 'ecr-login' | 'unknown';

export interface RegistryNotice {
  kind: 'plaintext-credentials' | 'helper-managed' | 'tool-warning' | 'credential-missing';
  message: string;
  fix?: string;
}

export interface RegistrySnapshot {
  id: string;
  name: string;
  kind: RegistryKind;
  host: string | null;
  region: string;
  accountId: string | null;
  profile: string | null;
  tool: LoginTool;
  /** The ECR API endpoint override, if any (the window's "copy login command" needs it). */
  apiEndpoint?: string | null;
  enabled: boolean;
  autoRefresh: boolean;
  state: RegistryState;
  refreshing: boolean;
  expiresAt: string | null;
  /** Last successful refresh. */
  lastRefresh: string | null;
  lastAttempt: string | null;
  /** When the keeper will refresh on its own next (null when it will not). */
  nextRefresh: string | null;
  error: ErrorInfo | null;
  storage: CredentialStorage;
  notices: RegistryNotice[];
}

/** States a person has to look at: the overall state, the tray summary and the window count these. */
export function needsAttention(r: Pick<RegistrySnapshot, 'state'>): boolean {
  return r.state === 'error' || r.state === 'signin-required' || r.state === 'expired' || r.state === 'missing';
}

/**
 * Registries whose login ECR Keeper keeps: enabled, and not handed to the ecr-login helper (which
 * fetches tokens itself). The overall state, the next expiry, the tray and the notices count these.
 */
export function isActive(r: Pick<RegistrySnapshot, 'enabled' | 'state'>): boolean {
  return r.enabled && r.state !== 'helper-managed';
}

export type OverallState = 'empty' | 'ok' | 'refreshing' | 'expiring' | 'error';

/** The one state the tray icon and the window's header show for all registries. */
export function overallOf(regs: readonly RegistrySnapshot[]): OverallState {
  const active = regs.filter(isActive);
  if (active.length === 0) return 'empty';
  if (active.some(needsAttention)) return 'error';
  if (active.some((r) => r.state === 'refreshing')) return 'refreshing';
  if (active.some((r) => r.state === 'expiring' || r.state === 'idle')) return 'expiring';
  return 'ok';
}

export interface KeeperSnapshot {
  at: string;
  autoRefresh: boolean;
  overall: OverallState;
  /** The earliest expiry among enabled registries. */
  nextExpiry: string | null;
  registries: RegistrySnapshot[];
}

export type ActivityKind = 'refresh' | 'failure' | 'login' | 'settings' | 'registry' | 'notice' | 'signin';

export interface ActivityEntry {
  at: string;
  kind: ActivityKind;
  registryId?: string;
  registryName?: string;
  message: string;
  /** What to do about it (failures), kept apart from the message so the window shows it as a fix. */
  fix?: string;
}
