// HTTP(S) requests for the registry client, with Node's http/https rather than fetch: fetch takes no CA or client
// certificate per host, and a registry's `/etc/docker/certs.d/<host>/` must apply to that host alone. Answers
// are web Responses (status, headers, a streamed body), so the client reads them as it would fetch's.
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import type { TlsFiles } from './certsDirectory';

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  tls?: TlsFiles;
}

/** One request, no redirect followed (the client follows them itself). Rejects with Node's error on a network failure. */
export function send(url: URL, options: SendOptions = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const tls = options.tls;
    const request = (secure ? https : http).request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.body === undefined ? options.headers : { ...options.headers, 'Content-Length': String(Buffer.byteLength(options.body)) },
        signal: options.signal,
        ...(secure && tls ? { ca: tls.ca.length ? [...rootCertificates, ...tls.ca] : undefined, cert: tls.cert, key: tls.key } : {}),
      },
      (answer) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(answer.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
        }
        const status = answer.statusCode ?? 502;
        const empty = status === 204 || status === 304 || options.method === 'HEAD';
        if (empty) answer.resume();
        resolve(new Response(empty ? null : (Readable.toWeb(answer) as ReadableStream<Uint8Array>), { status, headers }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
