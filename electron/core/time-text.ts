// "Time left" in words, shared by the CLI, the tray menu and notifications so a registry's
// remaining time reads the same everywhere. (The window shows a live hh:mm:ss countdown instead.)

/** "expired", "40 s", "45 min", "2 h", "5 h 12 min". Rounded down: never promises more than is left. */
export function formatLeft(ms: number): string {
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}
