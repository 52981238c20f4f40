// An rpm package header as rpm stores it in its database (rpm's lib/header.c, "header blob" without the 8-byte
// magic a package file has): int32 il (index entries), int32 dl (data bytes), il entries of 16 bytes
// {tag, type, offset, count} (all big-endian), then the data store. Strings are NUL-terminated in the store.

const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;

export const TAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
} as const;

/** rpm refuses headers past these (lib/header_internal.h: HEADER_TAGS_MAX, HEADER_DATA_MAX). */
const MAX_INDEX_ENTRIES = 0x0000ffff;
const MAX_DATA_BYTES = 0x0fffffff;

export class DamagedHeaderError extends Error {}

export interface RpmHeader {
  string(tag: number): string | undefined;
  strings(tag: number): string[] | undefined;
  int32s(tag: number): number[] | undefined;
}

export function parseRpmHeader(blob: Uint8Array): RpmHeader {
  if (blob.length < 8) throw new DamagedHeaderError('shorter than its own size fields');
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const il = view.getUint32(0);
  const dl = view.getUint32(4);
  if (il > MAX_INDEX_ENTRIES || dl > MAX_DATA_BYTES) throw new DamagedHeaderError('sizes beyond what rpm allows');
  const storeStart = 8 + il * 16;
  if (storeStart + dl > blob.length) throw new DamagedHeaderError('sizes past the end of the blob');
  const entries = new Map<number, { type: number; offset: number; count: number }>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = view.getUint32(at);
    const entry = { type: view.getUint32(at + 4), offset: view.getUint32(at + 8), count: view.getUint32(at + 12) };
    if (entry.offset > dl) throw new DamagedHeaderError('an entry pointing past the data');
    if (!entries.has(tag)) entries.set(tag, entry);
  }
  const store = blob.subarray(storeStart, storeStart + dl);
  const utf8 = new TextDecoder('utf-8');

  const stringsAt = (offset: number, count: number): string[] => {
    const out: string[] = [];
    let at = offset;
    for (let i = 0; i < count; i++) {
      const end = store.indexOf(0, at);
      if (end === -1) throw new DamagedHeaderError('a string without its terminating NUL');
      out.push(utf8.decode(store.subarray(at, end)));
      at = end + 1;
    }
    return out;
  };

  return {
    string(tag) {
      const e = entries.get(tag);
      if (!e) return undefined;
      if (e.type !== TYPE_STRING && e.type !== TYPE_I18NSTRING && e.type !== TYPE_STRING_ARRAY) throw new DamagedHeaderError(`tag ${tag} is not a string`);
      return stringsAt(e.offset, 1)[0];
    },
    strings(tag) {
      const e = entries.get(tag);
      if (!e) return undefined;
      if (e.type !== TYPE_STRING_ARRAY && e.type !== TYPE_STRING) throw new DamagedHeaderError(`tag ${tag} is not a string array`);
      if (e.count > dl) throw new DamagedHeaderError('more strings than bytes');
      return stringsAt(e.offset, e.count);
    },
    int32s(tag) {
      const e = entries.get(tag);
      if (!e) return undefined;
      if (e.type !== TYPE_INT32) throw new DamagedHeaderError(`tag ${tag} is not an int32`);
      if (e.offset % 4 !== 0 || e.offset + e.count * 4 > dl) throw new DamagedHeaderError('int32 data out of place');
      const out: number[] = [];
      for (let i = 0; i < e.count; i++) out.push(view.getInt32(storeStart + e.offset + i * 4));
      return out;
    },
  };
}
