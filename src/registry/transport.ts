// HTTP(S) requests for the registry client, with Node's http/https rather than fetch: fetch takes no CA or client
// certificate per host, and a registry's `/etc/docker/certs.d/<host>/` must apply to that host alone. Answers
// have fetch's Response shape (status, headers, a streamed body), over Node's own stream: no web-stream copy
// of every chunk of a 600 MB download, and no fetch implementation to load.
// Trusted CAs are those dockerd trusts: the system's bundle (SSL_CERT_FILE, else the first of Go's Linux
// paths) and the directories SSL_CERT_DIR lists, plus Node's own and NODE_EXTRA_CA_CERTS, plus the host's
// certs.d. An unverified connection (an insecure registry) trusts nothing and so builds no CA store. Proxies: proxy.ts.
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import https from 'node:https';
import { connect as tlsConnect, createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import type { TlsFiles } from './certsDirectory';
import { connectThrough, connectToProxy, proxyAuthorization, proxyFor } from './proxy';

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
export async function send(url: URL, options: SendOptions = {}): Promise<RegistryResponse> {
  const secure = url.protocol === 'https:';
  const proxy = proxyFor(url, options.env);
  const headers = options.body === undefined ? { ...options.headers } : { ...options.headers, 'Content-Length': String(Buffer.byteLength(options.body)) };
  const common = { method: options.method ?? 'GET', headers, signal: options.signal };
  const context = () => (options.unverified ? unverifiedContext() : secureContextFor(options.tls, options.env));
  if (!proxy) {
    const tlsOptions = secure ? { secureContext: context(), rejectUnauthorized: !options.unverified } : {};
    return exchange((secure ? https : http).request(url, { ...common, ...tlsOptions }), options);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // The proxy's own certificate is checked against the system's CAs (an https:// proxy).
  const proxyContext = () => secureContextFor(undefined, options.env);
  if (!secure) {
    // A plain HTTP request through a proxy names the absolute URL.
    const toProxy = await connectToProxy(proxy, host, proxyContext, options.signal);
    const request = http.request({ ...common, path: url.href, headers: { ...headers, Host: url.host, ...proxyAuthorization(proxy) }, createConnection: () => toProxy });
    return exchange(request, options);
  }
  const tunnel = await connectThrough(proxy, host, Number(url.port || 443), proxyContext, options.signal);
  const socket = tlsConnect({ socket: tunnel, servername: url.hostname, secureContext: context(), rejectUnauthorized: !options.unverified });
  return exchange(https.request(url, { ...common, createConnection: () => socket }), options);
}

/** An answer as the client reads it: the parts of fetch's Response it uses. */
export interface RegistryResponse {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  /** Null when the answer has none (204, 304, HEAD). */
  body: ResponseBody | null;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export interface ResponseBody extends AsyncIterable<Buffer> {
  /** Drops the rest (and the connection). */
  cancel(): Promise<void>;
}

function exchange(request: http.ClientRequest, options: SendOptions): Promise<RegistryResponse> {
  return new Promise((resolve, reject) => {
    request.once('response', (answer) => {
      const status = answer.statusCode ?? 502;
      const empty = status === 204 || status === 304 || options.method === 'HEAD';
      if (empty) answer.resume();
      const body: ResponseBody | null = empty ? null : { [Symbol.asyncIterator]: () => answer[Symbol.asyncIterator](), cancel: async () => void answer.destroy() };
      const text = async () => {
        const chunks: Buffer[] = [];
        if (body) for await (const chunk of body) chunks.push(chunk);
        return Buffer.concat(chunks).toString('utf8');
      };
      resolve({
        status,
        ok: status >= 200 && status < 300,
        // As fetch's Headers.get: a header sent several times is one value, joined with ", ".
        headers: { get: (name) => [answer.headers[name.toLowerCase()] ?? []].flat().join(', ') || null },
        body,
        text,
        json: async () => JSON.parse(await text()) as unknown,
      });
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** One TLS context per certs.d entry (and one without): building one from some 150 CAs takes a tenth of a second. */
const contexts = new WeakMap<TlsFiles, SecureContext>();
let withoutCertsDirectory: SecureContext | undefined;
let unverified: SecureContext | undefined;

function secureContextFor(files: TlsFiles | undefined, env: NodeJS.ProcessEnv = process.env): SecureContext {
  if (!files) return (withoutCertsDirectory ??= createSecureContext({ ca: trustedCertificates(env) }));
  let context = contexts.get(files);
  if (!context) contexts.set(files, (context = createSecureContext({ ca: [...trustedCertificates(env), ...files.ca], cert: files.cert, key: files.key })));
  return context;
}

/** No CA at all (an explicit empty list keeps Node from loading its own): nothing is verified on these connections. */
function unverifiedContext(): SecureContext {
  return (unverified ??= createSecureContext({ ca: [] }));
}

let trusted: string[] | undefined;

/**
 * Node's CAs, NODE_EXTRA_CA_CERTS, the system bundle and the SSL_CERT_DIR directories, each certificate once: an
 * explicit CA list replaces Node's whole store, and OpenSSL takes many times longer to add a certificate it has.
 */
export function trustedCertificates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (trusted) return trusted;
  const files = [env.NODE_EXTRA_CA_CERTS, env.SSL_CERT_FILE || SYSTEM_BUNDLES.find(readable), ...certDirectoryFiles(env.SSL_CERT_DIR ?? '')].filter((f): f is string => !!f);
  const seen = new Set<string>();
  trusted = [];
  for (const pem of [...rootCertificates, ...files.flatMap(pemCertificatesIn)]) {
    const key = pem.replace(/\s+/g, '');
    if (seen.has(key)) continue;
    seen.add(key);
    trusted.push(pem);
  }
  return trusted;
}

/** No CA file comes near this; a larger file in a CA directory is not one. */
const MAX_CA_FILE_BYTES = 4 * 1024 * 1024;

/**
 * The files of SSL_CERT_DIR's directories (colon-separated, as OpenSSL and Go read it): every regular file, of
 * any name (the hash-named links c_rehash makes are read too, and their certificates counted once).
 */
function certDirectoryFiles(setting: string): string[] {
  return setting.split(':').filter(Boolean).flatMap((directory) => {
    try {
      return readdirSync(directory).sort().map((name) => join(directory, name)).filter((file) => {
        try {
          const stats = statSync(file);
          return stats.isFile() && stats.size <= MAX_CA_FILE_BYTES;
        } catch {
          return false;
        }
      });
    } catch {
      return []; // as Go does with a missing directory: the others still count
    }
  });
}

/** The PEM certificates in a file; none when it cannot be read (as Node does with NODE_EXTRA_CA_CERTS). */
function pemCertificatesIn(file: string): string[] {
  try {
    return readFileSync(file, 'latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  } catch {
    return [];
  }
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
