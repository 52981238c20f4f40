// A small loopback proxy in front of a real registry, to watch and bend what a registry client sees: it records
// every request (path and headers), and may answer blob GETs with a 307 to a second listener on another host
// name (as registries send blobs to S3 or a CDN), which records the headers it gets; or corrupt one blob.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface RegistryProxyOptions {
  /** Send blob GETs to a storage listener at http://localhost:PORT (a different host than 127.0.0.1). */
  redirectBlobs?: boolean;
  /** The Authorization the storage listener itself uses to fetch from the registry. */
  storageAuthorization?: string;
  /** Flip the first byte of this blob. */
  corruptBlob?: string;
  /** Answer manifest requests 429 with this Retry-After (seconds), as a rate-limiting registry does. */
  rateLimitRetryAfter?: number;
  /** Told of each request before it is answered. */
  onRequest?: (request: SeenRequest) => void;
}

export interface RegistryProxy {
  host: string;
  requests: SeenRequest[];
  /** Requests the storage listener received (redirectBlobs only). */
  storageRequests: SeenRequest[];
  close(): Promise<void>;
}

export async function startRegistryProxy(target: string, options: RegistryProxyOptions = {}): Promise<RegistryProxy> {
  const [targetHost, targetPort] = target.split(':');
  const requests: SeenRequest[] = [];
  const storageRequests: SeenRequest[] = [];
  const forward = (method: string, path: string, headers: http.IncomingHttpHeaders, response: http.ServerResponse, corrupt = false) => {
    const upstream = http.request({ host: targetHost, port: Number(targetPort), method, path, headers: { ...headers, host: target } }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      let first = true;
      answer.on('data', (chunk: Buffer) => {
        if (corrupt && first && chunk.length) chunk = Buffer.concat([Buffer.from([chunk[0] ^ 0xff]), chunk.subarray(1)]);
        first = false;
        response.write(chunk);
      });
      answer.on('end', () => response.end());
    });
    upstream.on('error', () => response.destroy());
    upstream.end();
  };

  const storage = http.createServer((request, response) => {
    storageRequests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers });
    const headers: http.IncomingHttpHeaders = {};
    if (options.storageAuthorization) headers.authorization = options.storageAuthorization;
    forward('GET', decodeURIComponent((request.url ?? '').replace(/^\/storage\?path=/, '')), headers, response);
  });
  await listen(storage);
  const storagePort = (storage.address() as AddressInfo).port;

  const proxy = http.createServer((request, response) => {
    const path = request.url ?? '';
    const seen = { method: request.method ?? '', path, headers: request.headers };
    requests.push(seen);
    options.onRequest?.(seen);
    if (options.rateLimitRetryAfter !== undefined && path.includes('/manifests/')) {
      response.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': String(options.rateLimitRetryAfter) });
      response.end('{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}');
      return;
    }
    const isBlobGet = request.method === 'GET' && /\/blobs\/sha256:[a-f0-9]{64}$/.test(path);
    if (isBlobGet && options.redirectBlobs) {
      response.writeHead(307, { Location: `http://localhost:${storagePort}/storage?path=${encodeURIComponent(path)}` });
      response.end();
      return;
    }
    forward(request.method ?? 'GET', path, request.headers, response, !!options.corruptBlob && isBlobGet && path.endsWith(options.corruptBlob));
  });
  await listen(proxy);
  return {
    host: `127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    requests,
    storageRequests,
    close: async () => {
      const closed = [proxy, storage].map((s) => new Promise((resolve) => s.close(resolve)));
      for (const s of [proxy, storage]) s.closeAllConnections();
      await Promise.all(closed);
    },
  };
}

function listen(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}
