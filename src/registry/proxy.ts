// HTTPS_PROXY, HTTP_PROXY and NO_PROXY as dockerd reads them (Go's golang.org/x/net/http/httpproxy): the upper-case
// name first, then the lower-case one; loopback is never proxied; NO_PROXY lists "*", host names (matching that
// name and its subdomains; with a leading "." only subdomains), host:port, IP addresses and CIDR ranges.
// HTTPS goes through the proxy in a CONNECT tunnel; plain HTTP as a request for the absolute URL. An https://
// proxy is reached over TLS (verified with the CAs the registry's certificate would be), and the tunnel runs
// inside that TLS connection, as Go's http.Transport does.
import http from 'node:http';
import { BlockList, connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type SecureContext } from 'node:tls';
import { LayerlensError } from '../core/errors';
import { isLoopbackHost } from './reference';

/** The proxy for a registry URL, or undefined to connect directly. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const https = url.protocol === 'https:';
  const setting = (https ? env.HTTPS_PROXY || env.https_proxy : env.HTTP_PROXY || env.http_proxy)?.trim();
  if (!setting || isLoopbackHost(url.host) || bypassed(url, env.NO_PROXY || env.no_proxy || '')) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(setting) ? setting : `http://${setting}`);
  } catch {
    throw new LayerlensError(`${https ? 'HTTPS_PROXY' : 'HTTP_PROXY'} "${setting}" is not a proxy address; write it as http://HOST:PORT.`, 'bad-input');
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    throw new LayerlensError(`The proxy ${proxy.host} is given as ${proxy.protocol}//; Layerlens speaks to proxies over http:// or https:// only.`, 'bad-input');
  }
  return proxy;
}

function bypassed(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const cidr = /^([0-9a-f.:]+)\/(\d{1,3})$/.exec(entry);
    if (cidr && isIP(cidr[1]) && isIP(host) === isIP(cidr[1])) {
      const list = new BlockList();
      const family = isIP(cidr[1]) === 4 ? 'ipv4' : 'ipv6';
      list.addSubnet(cidr[1], Number(cidr[2]), family);
      if (list.check(host, family)) return true;
      continue;
    }
    const withPort = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[(.*)\](:\d+)?$/, '$1$2'))!;
    const name = withPort[1];
    if (withPort[2] && withPort[2] !== port) continue;
    if (name.startsWith('.') ? host.endsWith(name) : host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/**
 * A connection to the proxy itself: TCP, or TLS for an https:// proxy (`trusted` gives the CAs). Its failure is
 * one sentence naming the proxy; `host` is the registry it was wanted for.
 */
export function connectToProxy(proxy: URL, host: string, trusted: () => SecureContext, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const hostname = proxy.hostname.replace(/^\[|\]$/g, '');
    const secure = proxy.protocol === 'https:';
    const port = Number(proxy.port || (secure ? 443 : 80));
    const socket = secure ? tlsConnect({ host: hostname, port, servername: isIP(hostname) ? undefined : hostname, secureContext: trusted() }) : netConnect(port, hostname);
    const onAbort = () => socket.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(socket); // the error listener stays: a later error is the request's to report, never an uncaught one

    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      const code = error.code ?? error.message;
      if (secure && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/.test(code)) {
        reject(new LayerlensError(`The TLS connection to the proxy ${proxy.host} failed (${code}); trust its CA with SSL_CERT_FILE, SSL_CERT_DIR or NODE_EXTRA_CA_CERTS, or check HTTPS_PROXY.`, 'unreachable', { cause: error }));
      } else {
        reject(new LayerlensError(`Cannot reach the proxy ${proxy.host} (${code}); check HTTPS_PROXY, or NO_PROXY for ${host}.`, 'unreachable', { cause: error }));
      }
    });
  });
}

/** A socket to `host:port` through the proxy's CONNECT; the proxy's refusal in one sentence. */
export async function connectThrough(proxy: URL, host: string, port: number, trusted: () => SecureContext, signal?: AbortSignal): Promise<Socket> {
  const toProxy = await connectToProxy(proxy, host, trusted, signal);
  return new Promise((resolve, reject) => {
    const target = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
    const request = http.request({
      method: 'CONNECT',
      path: target,
      headers: { Host: target, ...proxyAuthorization(proxy) },
      createConnection: () => toProxy,
      signal,
    });
    request.once('connect', (answer, socket) => {
      if (answer.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new LayerlensError(`The proxy ${proxy.host} refused a tunnel to ${target} (HTTP ${answer.statusCode}); check HTTPS_PROXY and NO_PROXY.`, 'unreachable'));
    });
    request.once('response', (answer) => {
      answer.resume();
      reject(new LayerlensError(`The proxy ${proxy.host} refused a tunnel to ${target} (HTTP ${answer.statusCode}); check HTTPS_PROXY and NO_PROXY.`, 'unreachable'));
    });
    request.once('error', (error: NodeJS.ErrnoException) =>
      reject(new LayerlensError(`Cannot reach the proxy ${proxy.host} (${error.code ?? error.message}); check HTTPS_PROXY, or NO_PROXY for ${host}.`, 'unreachable', { cause: error })),
    );
    request.end();
  });
}

/** Basic credentials written in the proxy URL (http://user:password@proxy:3128). */
export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const user = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  return { 'Proxy-Authorization': `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
