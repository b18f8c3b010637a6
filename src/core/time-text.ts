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

/**
 * A moment in this machine's local time with its zone, for people reading the CLI
 * ("2026-11-29 14:03:07 CET"); --json keeps ISO 8601 for programs. TZ is honoured.
 */
export function formatLocalTime(at: string | number | Date, timeZone?: string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  // The first Intl.DateTimeFormat of a process loads ICU's date data (~30 ms of a CLI start,
  // more than a docker login). Where this machine's zone is UTC (servers, CI, containers: where
  // the CLI runs most) the answer is known without it; every other zone goes through Intl.
  if (timeZone === undefined && d.getTimezoneOffset() === 0 && d.toString().endsWith('(Coordinated Universal Time)')) {
    const two = (n: number) => String(n).padStart(2, '0');
    return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC`;
  }
  const parts = new Intl.DateTimeFormat('en-US', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).formatToParts(d);
  const p = (t: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')} ${p('timeZoneName')}`;
}
