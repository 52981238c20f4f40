// Human-readable numbers, shared by the CLI and the extension.

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Decimal units, as `docker image ls` prints them: 1.2 MB = 1,200,000 bytes. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** "20MB", "1.5 GiB", "1000" → bytes; undefined for nonsense. */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*$/i.exec(text);
  if (!m) return undefined;
  const power = ' kmgt'.indexOf(m[2].toLowerCase() || ' ');
  const base = m[3] ? 1024 : 1000;
  return Math.round(Number(m[1]) * base ** power);
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

export function formatMode(mode: number, type: string): string {
  const t = { dir: 'd', symlink: 'l', fifo: 'p', char: 'c', block: 'b', hardlink: 'h', file: '-' }[type] ?? '?';
  const rwx = (bits: number, special: boolean, specialChar: string) =>
    (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (special ? (bits & 1 ? specialChar : specialChar.toUpperCase()) : bits & 1 ? 'x' : '-');
  return (
    t +
    rwx((mode >> 6) & 7, !!(mode & 0o4000), 's') +
    rwx((mode >> 3) & 7, !!(mode & 0o2000), 's') +
    rwx(mode & 7, !!(mode & 0o1000), 't')
  );
}

/**
 * Makes any file name safe and unambiguous on one terminal line: control characters and raw (non-UTF-8) bytes
 * are shown as \xNN, and a backslash as \\ so those escapes cannot be forged by a name.
 */
export function printablePath(path: string): string {
  return path.replace(/[\\\x00-\x1f\x7f\udc80-\udcff]/g, (c) =>
    c === '\\' ? '\\\\' : '\\x' + (c.charCodeAt(0) & 0xff).toString(16).padStart(2, '0'),
  );
}

const AGE_UNITS: [number, string][] = [
  [365 * 86400, 'year'],
  [30 * 86400, 'month'],
  [7 * 86400, 'week'],
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
];

/** "2 hours ago", "just now": how people read a date in a list (the ISO time belongs in a tooltip). */
export function formatAge(whenMs: number, nowMs: number = Date.now()): string {
  if (!Number.isFinite(whenMs)) return 'at an unknown time';
  const seconds = (nowMs - whenMs) / 1000;
  // A clock a little ahead of ours is not "in the future" for a reader.
  if (seconds < 60) return seconds < -300 ? 'in the future' : 'just now';
  for (const [size, name] of AGE_UNITS) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${name}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

/** "2 hours ago (2026-12-01T07:01:34.834Z)", for tooltips; the engine's nanoseconds are not worth reading. */
export function formatDate(whenMs: number, nowMs: number = Date.now()): string {
  if (!Number.isFinite(whenMs)) return 'unknown';
  return `${formatAge(whenMs, nowMs)} (${new Date(whenMs).toISOString()})`;
}
