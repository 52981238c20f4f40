// HTTP(S) requests for the registry client, with Node's http/https rather than fetch: fetch takes no CA or client
// certificate per host, and a registry's `/etc/docker/certs.d/<host>/` must apply to that host alone. Answers
// are web Responses (status, headers, a streamed body), so the client reads them as it would fetch's.
// Trusted CAs are those dockerd trusts: the system's bundle (SSL_CERT_FILE, else the first of Go's Linux
// paths), plus Node's own and NODE_EXTRA_CA_CERTS, plus the host's certs.d. Proxies: proxy.ts.
import { accessSync, constants, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { connect as tlsConnect, createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import type { TlsFiles } from './certsDirectory';
import { connectThrough, proxyAuthorization, proxyFor } from './proxy';

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  tls?: TlsFiles;
  /** No certificate check: an insecure registry (loopback or named by the user) without a certs.d CA. */
  unverified?: boolean;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Go's crypto/x509 root_linux.go list, in its order. */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

/** One request, no redirect followed (the client follows them itself). Rejects with Node's error on a network failure. */
export async function send(url: URL, options: SendOptions = {}): Promise<Response> {
  const secure = url.protocol === 'https:';
  const proxy = proxyFor(url, options.env);
  const headers = options.body === undefined ? { ...options.headers } : { ...options.headers, 'Content-Length': String(Buffer.byteLength(options.body)) };
  const common = { method: options.method ?? 'GET', headers, signal: options.signal };
  if (!proxy) {
    const tlsOptions = secure ? { secureContext: secureContextFor(options.tls, options.env), rejectUnauthorized: !options.unverified } : {};
    return exchange((secure ? https : http).request(url, { ...common, ...tlsOptions }), options);
  }
  if (!secure) {
    // A plain HTTP request through a proxy names the absolute URL.
    const request = http.request({ ...common, host: proxy.hostname, port: proxy.port || 80, path: url.href, headers: { ...headers, Host: url.host, ...proxyAuthorization(proxy) } });
    return exchange(request, options);
  }
  const tunnel = await connectThrough(proxy, url.hostname.replace(/^\[|\]$/g, ''), Number(url.port || 443), options.signal);
  const socket = tlsConnect({ socket: tunnel, servername: url.hostname, secureContext: secureContextFor(options.tls, options.env), rejectUnauthorized: !options.unverified });
  return exchange(https.request(url, { ...common, createConnection: () => socket }), options);
}

function exchange(request: http.ClientRequest, options: SendOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    request.once('response', (answer) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(answer.headers)) {
        for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
      }
      const status = answer.statusCode ?? 502;
      const empty = status === 204 || status === 304 || options.method === 'HEAD';
      if (empty) answer.resume();
      resolve(new Response(empty ? null : (Readable.toWeb(answer) as ReadableStream<Uint8Array>), { status, headers }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** One TLS context per certs.d entry (and one without): building one from some 150 CAs takes milliseconds. */
const contexts = new WeakMap<TlsFiles, SecureContext>();
let withoutCertsDirectory: SecureContext | undefined;

function secureContextFor(files: TlsFiles | undefined, env: NodeJS.ProcessEnv = process.env): SecureContext {
  if (!files) return (withoutCertsDirectory ??= createSecureContext({ ca: trustedCertificates(env) }));
  let context = contexts.get(files);
  if (!context) contexts.set(files, (context = createSecureContext({ ca: [...trustedCertificates(env), ...files.ca], cert: files.cert, key: files.key })));
  return context;
}

let trusted: (string | Buffer)[] | undefined;

/** Node's CAs, NODE_EXTRA_CA_CERTS and the system bundle: an explicit CA list replaces Node's whole store. */
export function trustedCertificates(env: NodeJS.ProcessEnv = process.env): (string | Buffer)[] {
  if (trusted) return trusted;
  const files = [env.NODE_EXTRA_CA_CERTS, env.SSL_CERT_FILE || SYSTEM_BUNDLES.find(readable)].filter((f): f is string => !!f);
  const extra = files.flatMap((file) => {
    try {
      return [readFileSync(file)];
    } catch {
      return []; // as Node does with an unreadable NODE_EXTRA_CA_CERTS: the others still count
    }
  });
  return (trusted = [...rootCertificates, ...extra]);
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
