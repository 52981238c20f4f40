// Which of two versions is newer, by dpkg's algorithm (deb-version(7): epoch, then upstream version and Debian
// revision, each compared as alternating non-digit and digit runs; "~" sorts before everything, even the end).
// It orders rpm, apk, PEP 440 and semver versions the way their own tools do in the usual cases
// (1.2 < 1.10, 1.0~rc1 < 1.0), which is all an "upgraded or downgraded" label needs.

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const [ea, ua, ra] = split(a);
  const [eb, ub, rb] = split(b);
  if (ea !== eb) return ea - eb;
  return comparePart(ua, ub) || comparePart(ra, rb);
}

function split(version: string): [number, string, string] {
  const withEpoch = /^(\d+):(.*)$/s.exec(version);
  const epoch = withEpoch ? Number(withEpoch[1]) : 0;
  const rest = withEpoch ? withEpoch[2] : version;
  const dash = rest.lastIndexOf('-');
  return dash > 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, ''];
}

/** dpkg's verrevcmp. */
function comparePart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let first = 0;
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && isDigit(a[i]) && j < b.length && isDigit(b[j])) {
      if (!first) first = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a[i])) return 1;
    if (j < b.length && isDigit(b[j])) return -1;
    if (first) return first;
  }
  return 0;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** The end of the string and digits weigh 0, letters their code, "~" below everything, other marks above letters. */
function order(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (c === '~') return -1;
  const code = c.charCodeAt(0);
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return code;
  return code + 256;
}
