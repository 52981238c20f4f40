// Signs of a secret inside a small file, found while the layer streams: the index keeps only a content
// hash, so this is the one chance to look at the bytes. Only fixed, specific markers are searched (native
// Buffer.indexOf, no string copies), and only in files small enough to be credentials; the result is a
// bitfield on the entry, never the matched text.

/** Files above this size are not scanned: keys and token files are small, and big files are binaries or data. */
export const SECRET_SCAN_LIMIT = 64 * 1024;

export const SecretMarker = {
  /** PEM or OpenSSH private key ("-----BEGIN … PRIVATE KEY-----"), PGP private key block. */
  privateKey: 1,
  /** npm registry token (`_authToken=` in an .npmrc). */
  npmToken: 2,
  /** AWS secret access key (`aws_secret_access_key` in a credentials or config file). */
  awsSecretKey: 4,
  /** PyPI API token (every one starts with the macaroon prefix "pypi-AgE"). */
  pypiToken: 8,
} as const;

export type SecretMarkerName = keyof typeof SecretMarker;

const NEEDLES: [Buffer, number][] = [
  // "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----", "-----BEGIN PGP PRIVATE KEY BLOCK-----"…
  [Buffer.from('PRIVATE KEY'), SecretMarker.privateKey],
  [Buffer.from('_authToken'), SecretMarker.npmToken],
  [Buffer.from('aws_secret_access_key'), SecretMarker.awsSecretKey],
  [Buffer.from('pypi-AgE'), SecretMarker.pypiToken],
];
const BEGIN = Buffer.from('-----BEGIN ');

/** The markers found in `content` (0: none). */
export function secretMarkersIn(content: Buffer): number {
  let found = 0;
  for (const [needle, bit] of NEEDLES) {
    if (found & bit) continue;
    for (let at = content.indexOf(needle); at >= 0; at = content.indexOf(needle, at + 1)) {
      // A key needs its armour line: "-----BEGIN " on the same line, before the marker.
      if (bit !== SecretMarker.privateKey || hasBeginOnLine(content, at)) {
        found |= bit;
        break;
      }
    }
  }
  return found;
}

/** The names of the bits set in `markers`, in declaration order. */
export function secretMarkerNames(markers: number): SecretMarkerName[] {
  return (Object.keys(SecretMarker) as SecretMarkerName[]).filter((name) => markers & SecretMarker[name]);
}

function hasBeginOnLine(content: Buffer, markerAt: number): boolean {
  const lineStart = content.lastIndexOf(0x0a, markerAt) + 1;
  const begin = content.indexOf(BEGIN, lineStart);
  return begin >= 0 && begin < markerAt;
}

/** Collects a small file's chunks (most arrive in one) and scans them once the file is complete. */
export class SecretScanner {
  private chunks: Buffer[] = [];

  update(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  markers(): number {
    const content = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = [];
    return secretMarkersIn(content);
  }
}
