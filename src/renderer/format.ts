// Pure formatters and labels for the window. No DOM, no clock: callers pass `now`, so these are
// unit-tested under plain node and the countdown is always recomputed from absolute times.
import type { ErrorCategory } from '../core/errors';
import { needsAttention, type OverallState, type RegistrySnapshot, type RegistryState } from '../core/snapshot';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
/** ECR tokens last 12 hours; used to size the life bar when the start of a token's life is unknown. */
export const TOKEN_LIFETIME_MS = 12 * HOUR;

const pad = (n: number) => String(n).padStart(2, '0');

/** Time left as hh:mm:ss (floor to the second), or null when already expired. */
export function formatCountdown(msLeft: number): string | null {
  if (!Number.isFinite(msLeft) || msLeft <= 0) return null;
  const s = Math.floor(msLeft / SECOND);
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** The same time in words for screen readers ("11 hours 59 minutes"). */
export function formatDurationWords(ms: number): string {
  const s = Math.max(0, Math.floor(ms / SECOND));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (h > 0) return m > 0 ? `${plural(h, 'hour')} ${plural(m, 'minute')}` : plural(h, 'hour');
  if (m > 0) return plural(m, 'minute');
  return plural(s, 'second');
}

/** "just now", "4 min ago", "2 h ago", "3 days ago". */
export function formatAgo(thenMs: number, nowMs: number): string {
  const d = nowMs - thenMs;
  if (d < 45 * SECOND) return 'just now';
  if (d < HOUR) return `${Math.max(1, Math.round(d / MINUTE))} min ago`;
  if (d < 48 * HOUR) {
    const h = Math.floor(d / HOUR);
    const m = Math.floor((d % HOUR) / MINUTE);
    return m > 0 && h < 6 ? `${h} h ${m} min ago` : `${h} h ago`;
  }
  return `${Math.floor(d / (24 * HOUR))} days ago`;
}

/** "in 11 h 30 min", "in 4 min", "in 20 s", "now". */
export function formatIn(thenMs: number, nowMs: number): string {
  const d = thenMs - nowMs;
  if (d <= 0) return 'now';
  if (d < MINUTE) return `in ${Math.ceil(d / SECOND)} s`;
  if (d < HOUR) return `in ${Math.ceil(d / MINUTE)} min`;
  const h = Math.floor(d / HOUR);
  const m = Math.floor((d % HOUR) / MINUTE);
  return m > 0 ? `in ${h} h ${m} min` : `in ${h} h`;
}

/** Local wall-clock time, 24 h, e.g. "14:05" (with seconds when asked). */
export function formatClock(ms: number, withSeconds = false): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ''}`;
}

/**
 * Fraction (0..1) of the token's life that is left. The life starts at the last successful refresh
 * when that is known and plausible, else 12 h before expiry.
 */
export function lifeLeft(expiresAtMs: number, lastRefreshMs: number | null, nowMs: number): number {
  let start = expiresAtMs - TOKEN_LIFETIME_MS;
  if (lastRefreshMs !== null && lastRefreshMs < expiresAtMs && expiresAtMs - lastRefreshMs <= 2 * TOKEN_LIFETIME_MS)
    start = lastRefreshMs;
  const total = expiresAtMs - start;
  if (total <= 0) return 0;
  return Math.min(1, Math.max(0, (expiresAtMs - nowMs) / total));
}

export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const v = Date.parse(iso);
  return Number.isFinite(v) ? v : null;
}

export const STATE_LABEL: Record<RegistryState, string> = {
  idle: 'Not logged in yet',
  refreshing: 'Refreshing',
  valid: 'Valid',
  expiring: 'Expiring soon',
  expired: 'Expired',
  missing: 'Login missing',
  error: 'Failed',
  'signin-required': 'Sign-in needed',
  disabled: 'Disabled',
  'helper-managed': 'Credential helper',
};

/** Badge tone: drives colour (and an icon glyph, so colour is never the only cue). */
export type Tone = 'ok' | 'warn' | 'bad' | 'busy' | 'muted' | 'info';

export const STATE_TONE: Record<RegistryState, Tone> = {
  idle: 'muted',
  refreshing: 'busy',
  valid: 'ok',
  expiring: 'warn',
  expired: 'bad',
  missing: 'bad',
  error: 'bad',
  'signin-required': 'warn',
  disabled: 'muted',
  'helper-managed': 'info',
};

export const TONE_ICON: Record<Tone, string> = { ok: '✓', warn: '!', bad: '✕', busy: '↻', muted: '–', info: 'i' };

export const CATEGORY_TITLE: Record<ErrorCategory, string> = {
  'invalid-input': 'Invalid input',
  config: 'Configuration problem',
  'profile-not-found': 'AWS profile not found',
  credentials: 'No usable AWS credentials',
  'signin-required': 'AWS sign-in needed',
  'mfa-required': 'MFA code needed',
  'access-denied': 'Access denied',
  throttled: 'Throttled by AWS',
  'clock-skew': 'Clock out of sync',
  network: 'Cannot reach AWS',
  server: 'AWS server error',
  timeout: 'Timed out',
  'tool-missing': 'Login tool not found',
  'credential-store': 'Credential store failed',
  'credential-missing': 'Login not where the tool reads it',
  'config-invalid': 'Credential file cannot be read',
  'file-access': 'File not accessible',
  'login-rejected': 'Login rejected',
  'account-mismatch': 'Different AWS account',
  internal: 'Unexpected error',
};

/** Titles for failures of the registry login itself (the token came from AWS fine). */
const REGISTRY_STAGE_TITLE: Partial<Record<ErrorCategory, string>> = {
  network: 'Cannot reach the registry',
  timeout: 'Registry login timed out',
  server: 'Registry server error',
};

/** An error's title by what failed: the AWS API or the registry (same category, different place). */
export function errorTitle(err: { category: string; stage?: 'aws' | 'registry' }): string {
  return (
    (err.stage === 'registry' ? REGISTRY_STAGE_TITLE[err.category as ErrorCategory] : undefined) ??
    categoryTitle(err.category)
  );
}

export function categoryTitle(category: string): string {
  return (CATEGORY_TITLE as Record<string, string>)[category] ?? category;
}

export interface OverallView {
  text: string;
  tone: Tone;
}

/** The header's one-line summary. */
export function overallView(overall: OverallState, regs: readonly RegistrySnapshot[]): OverallView {
  const attention = regs.filter((r) => r.enabled && needsAttention(r)).length;
  switch (overall) {
    case 'empty':
      return { text: 'No registries yet', tone: 'muted' };
    case 'ok':
      return {
        text:
          regs.length === 1
            ? 'Login valid'
            : `All ${regs.filter((r) => r.enabled && r.state === 'valid').length} logins valid`,
        tone: 'ok',
      };
    case 'refreshing':
      return { text: 'Refreshing…', tone: 'busy' };
    case 'expiring':
      return { text: 'Some logins need a refresh soon', tone: 'warn' };
    case 'error':
      return { text: `${attention} registr${attention === 1 ? 'y needs' : 'ies need'} attention`, tone: 'bad' };
    default:
      return { text: String(overall), tone: 'muted' };
  }
}

/** A default registry name for a host found in the docker config: "ecr-eu-west-1" style, made unique. */
export function suggestName(base: string, taken: readonly string[]): string {
  const clean =
    base
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, 56) || 'registry';
  const lc = new Set(taken.map((t) => t.toLowerCase()));
  if (!lc.has(clean)) return clean;
  for (let i = 2; ; i++) if (!lc.has(`${clean}-${i}`)) return `${clean}-${i}`;
}

/**
 * An MFA code as typed (spaces allowed, as authenticator apps show "123 456"), or null when it is
 * not 6 digits. The same rule as the keeper's normalizeMfaCode, without importing Node code.
 */
export function parseMfaCode(raw: string): string | null {
  const code = raw.replace(/\s+/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

export type StorageKind = 'plaintext' | 'store' | 'helper' | 'ecr-login' | 'none' | 'unknown';

/** Where a login lives, as a short badge. `helper` names the store for 'store' / 'helper'. */
export function storageBadge(storage: StorageKind, helper: string | null): { text: string; tone: Tone } {
  switch (storage) {
    case 'plaintext':
      return { text: 'Plain text', tone: 'warn' };
    case 'helper':
    case 'store':
      return { text: helper ? `In ${helper}` : 'Credential store', tone: 'ok' };
    case 'ecr-login':
      return { text: 'ecr-login helper', tone: 'info' };
    case 'none':
      return { text: 'Not logged in', tone: 'muted' };
    default:
      return { text: 'Not known yet', tone: 'muted' };
  }
}

export const STORE_TITLE: Record<string, string> = {
  osxkeychain: 'macOS Keychain (osxkeychain)',
  wincred: 'Windows Credential Manager (wincred)',
  desktop: 'Docker Desktop (desktop)',
  secretservice: 'Secret Service keyring (secretservice)',
  pass: 'pass, the password store (pass)',
};

export function storeTitle(store: string): string {
  return STORE_TITLE[store] ?? store;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Local time, with the date in front when it is not today: "14:05:09" or "28 Nov 14:05:09". */
export function formatWhen(ms: number, nowMs: number, withSeconds = true): string {
  const d = new Date(ms);
  const n = new Date(nowMs);
  const sameDay = d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate();
  const clock = formatClock(ms, withSeconds);
  if (sameDay) return clock;
  return `${d.getDate()} ${MONTHS[d.getMonth()]}${d.getFullYear() === n.getFullYear() ? '' : ` ${d.getFullYear()}`} ${clock}`;
}

/** The keeper writes times into messages as UTC ISO 8601 (for logs and the CLI); the window shows them in local time. */
export function localizeTimes(text: string, nowMs: number): string {
  return text.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g, (iso) => {
    const ms = Date.parse(iso);
    return Number.isFinite(ms) ? formatWhen(ms, nowMs, false) : iso;
  });
}
