// A fake Docker engine on a unix socket, for the ways real engines misbehave (hangs, stalls, garbage). It speaks
// raw HTTP over net so a test can cut, stall or trickle anywhere; the answers it does give are a real engine's.
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeRequest {
  method: string;
  path: string;
}

/** Answers one request on its socket, any way it likes (or never). */
export type Behaviour = (request: FakeRequest, socket: Socket) => void;

export class FakeEngine {
  readonly socketPath = join(mkdtempSync(join(tmpdir(), 'layerlens-fake-engine-')), 'docker.sock');
  readonly requests: FakeRequest[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly behaviour: Behaviour) {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      let head = '';
      const onData = (chunk: Buffer) => {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.off('data', onData);
        const [method, path] = head.slice(0, head.indexOf('\r\n')).split(' ');
        const req = { method, path };
        this.requests.push(req);
        this.behaviour(req, socket);
      };
      socket.on('data', onData);
    });
  }

  get host(): string {
    return `unix://${this.socketPath}`;
  }

  /** Connections still open: 0 once the client has let go of every socket. */
  get openConnections(): number {
    return this.sockets.size;
  }

  listen(): Promise<this> {
    return new Promise((resolve) => this.server.listen(this.socketPath, () => resolve(this)));
  }

  /** A timer that stops with the engine. */
  every(ms: number, fn: () => boolean | void): void {
    const timer = setInterval(() => {
      if (fn() === false) {
        clearInterval(timer);
        this.timers.delete(timer);
      }
    }, ms);
    this.timers.add(timer);
  }

  /** Resolves once the client has closed every connection it opened. */
  async allClosed(): Promise<void> {
    while (this.sockets.size > 0) await new Promise((r) => setTimeout(r, 20));
  }

  close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** An HTTP/1.1 head; `length` undefined sends a body that ends when the connection does. */
export function head(status: number, contentType: string, length?: number): string {
  const reason = { 200: 'OK', 404: 'Not Found', 500: 'Internal Server Error' }[status] ?? 'Status';
  const lengthLine = length === undefined ? '' : `Content-Length: ${length}\r\n`;
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${contentType}\r\nApi-Version: 1.41\r\n${lengthLine}Connection: close\r\n\r\n`;
}

export function sendJson(socket: Socket, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  socket.end(head(status, 'application/json', Buffer.byteLength(text)) + text);
}

/** GET `path` from a real engine, whole. */
export function fetchFromEngine(socketPath: string, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${path}: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
