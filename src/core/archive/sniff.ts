// Reads the first bytes of a stream to decide what it is, without losing them.

export interface Sniffed {
  /** At least `want` bytes, unless the stream is shorter. */
  head: Buffer;
  /** The whole stream again, head included. */
  body: AsyncIterable<Buffer>;
}

export async function sniff(source: AsyncIterable<Buffer>, want: number): Promise<Sniffed> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < want) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  async function* body(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, body: body() };
}

/**
 * Consumes a stream to its end, discarding its bytes. A readable stream (a tar entry) is resumed in flowing
 * mode rather than iterated: skipping a cached layer of hundreds of MB then costs no promise per chunk.
 */
export async function drain(source: AsyncIterable<Buffer>): Promise<void> {
  const stream = source as Partial<FlowingStream>;
  if (typeof stream.resume === 'function' && typeof stream.once === 'function') {
    const flowing = stream as FlowingStream;
    return new Promise((resolve, reject) => {
      let ended = false;
      flowing.once('end', () => {
        ended = true;
        resolve();
      });
      flowing.once('error', reject);
      flowing.once('close', () => (ended ? resolve() : reject(new Error('premature close'))));
      flowing.resume();
    });
  }
  for await (const _ of source) {
    // discard
  }
}

interface FlowingStream {
  resume(): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** Reads a whole (small) stream into memory, refusing more than `limit` bytes. */
export async function readAll(source: AsyncIterable<Buffer>, limit: number, tooBig: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of source) {
    length += chunk.length;
    if (length > limit) throw tooBig();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
