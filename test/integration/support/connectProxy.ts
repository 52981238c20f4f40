// A small forward proxy, as HTTPS_PROXY and HTTP_PROXY name one: CONNECT tunnels for HTTPS and absolute-URL
// requests for plain HTTP. Host names that exist only here (`*.layerlens.test`) are routed to loopback ports, so
// a request that reaches the registry proves it went through the proxy. Every request is recorded.
import http from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ConnectProxy {
  /** http://127.0.0.1:PORT, for HTTPS_PROXY / HTTP_PROXY. */
  url: string;
  /** "CONNECT host:port" and "GET http://…" lines, in order. */
  seen: string[];
  close(): Promise<void>;
}

/** `routes`: "name:port" → a loopback port. */
export async function startConnectProxy(routes: Record<string, number>): Promise<ConnectProxy> {
  const seen: string[] = [];
  // Tunnelled sockets leave the server's bookkeeping: closed by hand.
  const tunnels = new Set<Socket>();
  const route = (hostPort: string) => routes[hostPort];
  const server = http.createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    const target = new URL(request.url ?? '');
    const port = route(target.host);
    if (!port) {
      response.writeHead(502).end();
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port, method: request.method, path: target.pathname + target.search, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.on('connect', (request, client, head) => {
    seen.push(`CONNECT ${request.url}`);
    const port = route(request.url ?? '');
    if (!port) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = connect(port, '127.0.0.1', () => {
      tunnels.add(upstream).add(client as Socket);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', close);
    client.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of tunnels) socket.destroy();
      return closed;
    },
  };
}
