// Text package databases (apk's installed, Python's METADATA/RECORD, package.json) arrive as captured bytes that
// an image author controls: decode them only when they look like text and stay within a sane size.
import { printablePath } from '../format';

/** Larger than any real database file of these kinds (Alpine's biggest installed db is a few MiB). */
export const MAX_TEXT_DATABASE_BYTES = 64 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8');

export type DecodedText = { text: string } | { problem: string };

/** The file as text, or one sentence saying why it is not read (too large, binary). */
export function decodeDatabaseText(path: string, bytes: Uint8Array, what: string, maxBytes = MAX_TEXT_DATABASE_BYTES): DecodedText {
  const shown = printablePath(path);
  if (bytes.length > maxBytes) {
    return { problem: `${shown} (${what}) is ${bytes.length} bytes, over the ${maxBytes}-byte limit, so it was not read.` };
  }
  // A NUL never occurs in these text formats: a file holding one is binary garbage or a truncated binary.
  if (bytes.indexOf(0) !== -1) return { problem: `${shown} (${what}) holds binary data, not text, so it cannot be read.` };
  return { text: utf8.decode(bytes) };
}

/** Splits text into lines, accepting "\r\n" too. */
export function linesOf(text: string): string[] {
  return text.split(/\r?\n/);
}

/** "1 line", "3 lines", "2 entries": counts in problem sentences. */
export function countOf(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}
