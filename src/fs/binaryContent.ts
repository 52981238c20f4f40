// Whether VS Code's text editor would refuse bytes as binary. Its rule (src/vs/workbench/services/textfile/
// common/encoding.ts, detectEncodingFromBuffer): a NUL byte in the first 512 bytes, unless a byte order mark
// names UTF-8 or UTF-16, or the NULs fall on every other byte as in UTF-16 text without one. Pure, so that
// Compare can tell before it opens a diff of two binaries.
const SNIFFED_BYTES = 512;

export function looksBinary(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))) return false;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return false;
  let zero = false;
  let utf16le = true;
  let utf16be = true;
  for (let i = 0; i < Math.min(bytes.length, SNIFFED_BYTES); i++) {
    const odd = i % 2 === 1;
    const isZero = bytes[i] === 0;
    zero ||= isZero;
    if (odd !== isZero) utf16le = false;
    if (odd === isZero) utf16be = false;
    if (isZero && !utf16le && !utf16be) return true;
  }
  return zero && !utf16le && !utf16be;
}
