// A minimal streaming ustar writer for the benchmark's generated archives: headers are written straight into
// a reusable 4 MiB buffer that is handed to `sink` whenever it fills, so a million entries never sit in memory.
// Names must fit tar's 100-byte field (the generator only makes short ASCII names).

const BLOCK = 512;
const CHUNK = 4 * 1024 * 1024;
const MTIME = 1700000000;

export type TarType = 'file' | 'dir';

export class TarWriter {
  private buffer = Buffer.alloc(CHUNK);
  private position = 0;
  /** Bytes handed to `sink` plus bytes still buffered: the size of the tar so far. */
  bytes = 0;

  constructor(private readonly sink: (chunk: Buffer) => void) {}

  /** One member: a header, then (files) the content padded to a 512-byte boundary. */
  entry(name: string, type: TarType, content: Buffer | string = '', mode = type === 'dir' ? 0o755 : 0o644): void {
    const body = typeof content === 'string' ? Buffer.from(content) : content;
    if (type === 'dir' && body.length) throw new Error(`tar: directory ${name} cannot have content`);
    this.header(name, type === 'dir' ? '5' : '0', body.length, mode);
    this.write(body);
    this.zeros((BLOCK - (body.length % BLOCK)) % BLOCK);
  }

  /** A file member whose content is written afterwards with `write` (exactly `size` bytes), then `pad(size)`. */
  fileHeader(name: string, size: number, mode = 0o644): void {
    this.header(name, '0', size, mode);
  }

  pad(size: number): void {
    this.zeros((BLOCK - (size % BLOCK)) % BLOCK);
  }

  /** The two zero blocks that end an archive; flushes everything to the sink. */
  end(): void {
    this.zeros(2 * BLOCK);
    this.flush();
  }

  write(data: Buffer): void {
    let offset = 0;
    while (offset < data.length) {
      if (this.position === CHUNK) this.flush();
      const n = Math.min(CHUNK - this.position, data.length - offset);
      data.copy(this.buffer, this.position, offset, offset + n);
      this.position += n;
      this.bytes += n;
      offset += n;
    }
  }

  flush(): void {
    if (this.position === 0) return;
    this.sink(this.buffer.subarray(0, this.position));
    // The sink may keep the chunk (a stream write): never reuse a buffer once handed out.
    this.buffer = Buffer.alloc(CHUNK);
    this.position = 0;
  }

  private zeros(n: number): void {
    while (n > 0) {
      if (this.position === CHUNK) this.flush();
      const k = Math.min(CHUNK - this.position, n);
      this.buffer.fill(0, this.position, this.position + k);
      this.position += k;
      this.bytes += k;
      n -= k;
    }
  }

  private header(name: string, typeflag: string, size: number, mode: number): void {
    if (Buffer.byteLength(name) > 100) throw new Error(`tar: name longer than 100 bytes: ${name}`);
    if (this.position + BLOCK > CHUNK) this.flush();
    const h = this.buffer.subarray(this.position, this.position + BLOCK);
    h.fill(0);
    h.write(name, 0, 'latin1');
    h.write(octal(mode, 7), 100, 'latin1');
    h.write(octal(0, 7), 108, 'latin1');
    h.write(octal(0, 7), 116, 'latin1');
    h.write(octal(size, 11), 124, 'latin1');
    h.write(octal(MTIME, 11), 136, 'latin1');
    h.write('        ', 148, 'latin1');
    h.write(typeflag, 156, 'latin1');
    h.write('ustar\x0000', 257, 'latin1');
    h.write('root', 265, 'latin1');
    h.write('root', 297, 'latin1');
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += h[i];
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1'); // six digits, NUL, space
    this.position += BLOCK;
    this.bytes += BLOCK;
  }
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width, '0') + '\0';
}
