// Short human texts shared by the tray menu, the tooltip and notifications. Minute resolution on
// purpose: the tray is rebuilt at least once a minute, so seconds would only ever be stale.
import type { RegistrySnapshot } from '../core/snapshot';

/** "45 min", "5 h 12 min", "2 h" */
export function formatLeft(ms: number): string {
  const min = Math.max(0, Math.floor(ms / 60_000));
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** Time left until an ISO expiry, or null when unknown or already past. */
export function leftUntil(iso: string | null, now: number): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  if (!Number.isFinite(t) || t <= now) return null;
  return t - now;
}

/** One registry's state as a few words, with the time left where it matters. */
export function stateText(r: RegistrySnapshot, now: number): string {
  const left = leftUntil(r.expiresAt, now);
  switch (r.state) {
    case 'valid': return left !== null ? `fresh, ${formatLeft(left)} left` : 'fresh';
    case 'expiring': return left !== null ? `expires in ${formatLeft(left)}` : 'expiring';
    case 'expired': return 'expired';
    case 'refreshing': return 'refreshing…';
    case 'error': return 'refresh failed';
    case 'signin-required': return 'sign-in needed';
    case 'idle': return 'not logged in yet';
    case 'disabled': return 'off';
    case 'helper-managed': return 'handled by ecr-login';
  }
}
