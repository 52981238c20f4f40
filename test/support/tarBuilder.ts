// A small tar writer for tests, with full control over every header byte, so tests can build what real
// tools write (PAX and GNU long names, hardlinks, devices) and what attackers write (../, raw bytes, truncation).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface TarMember {
  /** A string (written as UTF-8) or raw bytes. */
  name: string | Buffer;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'fifo' | 'char' | 'block';
  content?: Buffer | string;
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string | Buffer;
  devmajor?: number;
  devminor?: number;
  /** How to write a name that does not fit the 100-byte field. */
  longName?: 'pax' | 'gnu';
}

const TYPEFLAGS = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' } as const;

export function buildTar(members: TarMember[]): Buffer {
  const blocks: Buffer[] = [];
  for (const m of members) {
    const type = m.type ?? 'file';
    const content = typeof m.content === 'string' ? Buffer.from(m.content) : (m.content ?? Buffer.alloc(0));
    let name = typeof m.name === 'string' ? Buffer.from(m.name) : m.name;
    let linkname = m.linkname === undefined ? Buffer.alloc(0) : typeof m.linkname === 'string' ? Buffer.from(m.linkname) : m.linkname;
    if (name.length > 100 || linkname.length > 100) {
      if ((m.longName ?? 'pax') === 'gnu') {
        if (name.length > 100) {
          blocks.push(...record(Buffer.from('././@LongLink'), 'L', Buffer.concat([name, Buffer.from([0])])));
          name = name.subarray(0, 100);
        }
        if (linkname.length > 100) {
          blocks.push(...record(Buffer.from('././@LongLink'), 'K', Buffer.concat([linkname, Buffer.from([0])])));
          linkname = linkname.subarray(0, 100);
        }
      } else {
        const records: Buffer[] = [];
        if (name.length > 100) records.push(paxRecord('path', name));
        if (linkname.length > 100) records.push(paxRecord('linkpath', linkname));
        blocks.push(...record(Buffer.from('PaxHeader'), 'x', Buffer.concat(records)));
        name = name.subarray(0, 100);
        linkname = linkname.subarray(0, 100);
      }
    }
    const body = type === 'file' ? content : Buffer.alloc(0);
    blocks.push(
      ...record(name, TYPEFLAGS[type], body, {
        mode: m.mode ?? (type === 'dir' ? 0o755 : 0o644),
        uid: m.uid ?? 0,
        gid: m.gid ?? 0,
        linkname,
        devmajor: m.devmajor ?? 0,
        devminor: m.devminor ?? 0,
      }),
    );
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function paxRecord(key: string, value: Buffer): Buffer {
  const tail = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let length = tail.length + 1;
  while (String(length).length + tail.length !== length) length = String(length).length + tail.length;
  return Buffer.concat([Buffer.from(String(length)), tail]);
}

function record(
  name: Buffer,
  typeflag: string,
  body: Buffer,
  o: { mode: number; uid: number; gid: number; linkname: Buffer; devmajor: number; devminor: number } = {
    mode: 0o644,
    uid: 0,
    gid: 0,
    linkname: Buffer.alloc(0),
    devmajor: 0,
    devminor: 0,
  },
): Buffer[] {
  const h = Buffer.alloc(512);
  name.copy(h, 0, 0, Math.min(100, name.length));
  h.write(octal(o.mode, 7), 100, 'latin1');
  h.write(octal(o.uid, 7), 108, 'latin1');
  h.write(octal(o.gid, 7), 116, 'latin1');
  h.write(octal(body.length, 11), 124, 'latin1');
  h.write(octal(1700000000, 11), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(typeflag, 156, 'latin1');
  o.linkname.copy(h, 157, 0, Math.min(100, o.linkname.length));
  h.write('ustar\x0000', 257, 'latin1');
  h.write(octal(o.devmajor, 7), 329, 'latin1');
  h.write(octal(o.devminor, 7), 337, 'latin1');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(octal(sum, 6) + ' ', 148, 'latin1'); // octal() already ends in NUL: 6 digits, NUL, space
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
  return [h, body, padding];
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width, '0') + '\0';
}

export function sha256(data: Buffer): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

/**
 * Wraps data in a valid zstd frame made of raw (stored) blocks (RFC 8878 §3.1.1): a real zstd stream any
 * decoder must accept, written without a compressor.
 */
export function zstdStored(data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.from([0x00]), Buffer.from([0x38])]; // descriptor, window 2^17 (128 KB)
  const blockMax = 128 * 1024;
  let offset = 0;
  do {
    const size = Math.min(blockMax, data.length - offset);
    const last = offset + size >= data.length ? 1 : 0;
    const header = (size << 3) | (0 << 1) | last;
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]), data.subarray(offset, offset + size));
    offset += size;
  } while (offset < data.length);
  return Buffer.concat(parts);
}

export type LayerCompression = 'none' | 'gzip' | 'zstd';

export function compress(data: Buffer, compression: LayerCompression): Buffer {
  if (compression === 'gzip') return gzipSync(data);
  if (compression === 'zstd') return zstdStored(data);
  return data;
}
