// tar-stream decodes PAX records as UTF-8, turning invalid bytes into U+FFFD, so distinct raw names (Docker
// stores any non-ASCII name, valid UTF-8 or not, in a PAX `path` record) could collapse into one. We make it
// keep PAX values byte-for-byte as latin1, like the ustar fields we already read as latin1; paths.ts
// `decodeTarName` then decodes valid UTF-8 and keeps anything else losslessly.
// headers.js is not in tar-stream's package exports, hence the relative path.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const headers = require('../../../node_modules/tar-stream/headers.js') as { decodePax(buf: Buffer): Record<string, string> };

let patched = false;

export function keepRawPaxNames(): void {
  if (patched) return;
  patched = true;
  headers.decodePax = function decodePaxLatin1(buf: Buffer): Record<string, string> {
    const result: Record<string, string> = {};
    while (buf.length) {
      let i = 0;
      while (i < buf.length && buf[i] !== 32) i++;
      const length = parseInt(buf.toString('latin1', 0, i), 10);
      if (!length) return result;
      const record = buf.toString('latin1', i + 1, length - 1);
      const equals = record.indexOf('=');
      if (equals === -1) return result;
      result[record.slice(0, equals)] = record.slice(equals + 1);
      buf = buf.subarray(length);
    }
    return result;
  };
}
