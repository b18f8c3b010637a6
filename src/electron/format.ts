// Short state texts for the tray menu and the tooltip; the time left is worded by the core's
// formatLeft, the same as in the CLI and the notifications.
import type { RegistrySnapshot } from '../core/snapshot';
import { formatLeft } from '../core/time-text';

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
    case 'valid':
      return left !== null ? `fresh, ${formatLeft(left)} left` : 'fresh';
    case 'expiring':
      return left !== null ? `expires in ${formatLeft(left)}` : 'expiring';
    case 'expired':
      return 'expired';
    case 'missing':
      return 'login missing, repairing';
    case 'refreshing':
      return 'refreshing…';
    case 'error':
      return 'refresh failed';
    case 'signin-required':
      return 'sign-in needed';
    case 'idle':
      return 'not logged in yet';
    case 'disabled':
      return 'off';
    case 'helper-managed':
      return 'handled by ecr-login';
  }
}
