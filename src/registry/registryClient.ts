// The registry's HTTP API (OCI distribution spec / Docker Registry v2) for one repository: manifests and blobs,
// with the auth a 401 asks for (anonymous or credentialed Bearer tokens, Basic), redirects followed by hand so
// that the Authorization header never goes to another host (blob storage, a CDN), and every failure turned
// into one sentence that names the registry and the repository and says what to do.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CancelledError, LayerlensError, messageOf } from '../core/errors';
import { parseAuthChallenges, type AuthChallenge } from './authChallenge';
import { CERTS_DIRECTORY, tlsFilesFor, type TlsFiles } from './certsDirectory';
import { lookupCredentials, type Credentials } from './credentials';
import { InsecureRegistries } from './insecureRegistries';
import { send, type RegistryResponse } from './transport';
import { formatReference, type RegistryReference } from './reference';

export const MANIFEST_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;
const ACCEPT_MANIFESTS = Object.values(MANIFEST_TYPES).join(', ');
const MAX_REDIRECTS = 5;
const MANIFEST_LIMIT = 4 * 1024 * 1024;

export interface RegistryClientOptions {
  /** Where credentials come from (default: the docker CLI's config, see credentials.ts). */
  credentials?: (registry: string) => Promise<Credentials | undefined>;
  signal?: AbortSignal;
  /** Where per-registry CAs and client certificates live (default /etc/docker/certs.d). */
  certsDirectory?: string;
  /** Hosts that may go without a verified certificate, or without TLS (loopback always may). */
  insecureRegistries?: InsecureRegistries;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** A TLS handshake that met something else: an insecure registry speaking plain HTTP. */
class NotTlsError extends Error {}

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  /** The digest of the bytes, verified against what was asked for and what the registry said. */
  digest: string;
}

export class RegistryClient {
  private authorization: string | undefined;
  private credentialsFound = false;
  private base: string | undefined;
  private readonly tls = new Map<string, Promise<TlsFiles | undefined>>();
  /** Requests made, by kind: tests and the benchmark count them. */
  readonly requests = { manifests: 0, blobs: 0, tokens: 0 };
  private readonly insecure: InsecureRegistries;

  constructor(
    readonly ref: RegistryReference,
    private readonly options: RegistryClientOptions = {},
  ) {
    this.insecure = options.insecureRegistries ?? new InsecureRegistries();
  }

  /**
   * HTTPS. An insecure registry (loopback, or named by the user) without a certs.d directory is tried over HTTPS
   * without verification and, when it answers a handshake with plain HTTP, over HTTP, as dockerd does.
   */
  private async baseUrl(): Promise<string> {
    return (this.base ??= `https://${this.ref.apiHost}/v2/${this.ref.repository}/`);
  }

  /** Neither TLS verification nor TLS itself is required: an insecure host with no CA of its own in certs.d. */
  private async unverified(host: string): Promise<boolean> {
    return this.insecure.allows(host) && !(await this.tlsFor(host));
  }

  /** A request to the registry's API, falling back to plain HTTP once if the registry may and does speak it. */
  private async fetchApi(path: string, accept: string): Promise<RegistryResponse> {
    const base = await this.baseUrl();
    try {
      return await this.fetchFollowing(base + path, accept);
    } catch (error) {
      if (!(error instanceof NotTlsError)) throw error;
      this.base = base.replace(/^https:/, 'http:');
      return this.fetchFollowing(this.base + path, accept);
    }
  }

  private tlsFor(host: string): Promise<TlsFiles | undefined> {
    let files = this.tls.get(host);
    if (!files) this.tls.set(host, (files = tlsFilesFor(host, this.options.certsDirectory ?? CERTS_DIRECTORY)));
    return files;
  }

  /** The manifest (or index) a tag or digest names; its digest is checked when the reference or the registry gives one. */
  async getManifest(tagOrDigest: string): Promise<FetchedManifest> {
    this.requests.manifests++;
    const response = await this.send(`manifests/${tagOrDigest}`, ACCEPT_MANIFESTS, tagOrDigest);
    const bytes = await readLimited(response, MANIFEST_LIMIT, (error) =>
      this.options.signal?.aborted ? new CancelledError() : this.brokenOff(`the manifest ${tagOrDigest}`, error),
    );
    const digest = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
    const claimed = tagOrDigest.includes(':') ? tagOrDigest : response.headers.get('docker-content-digest');
    if (claimed && claimed.startsWith('sha256:') && claimed !== digest) {
      throw new LayerlensError(
        `The manifest ${tagOrDigest} of ${this.where()} does not match its digest ${claimed}; the registry or a proxy served corrupt data.`,
        'corrupt',
      );
    }
    let mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
    if (!Object.values(MANIFEST_TYPES).includes(mediaType as never)) mediaType = mediaTypeInside(bytes) ?? mediaType;
    return { bytes, mediaType, digest };
  }

  /** A small blob (the config), whole and verified. */
  async readBlob(digest: string, limit: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of this.streamBlob(digest)) {
      total += chunk.length;
      if (total > limit) throw new LayerlensError(`Blob ${digest} of ${this.where()} is larger than image metadata can be.`, 'corrupt');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  /** A blob as it downloads, never held whole; the stream fails at its end if the bytes do not match the digest. */
  async *streamBlob(digest: string, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
    const [algorithm, hex] = digest.split(':');
    if (!['sha256', 'sha512'].includes(algorithm) || !/^[a-f0-9]+$/.test(hex ?? '')) {
      throw new LayerlensError(`The image in ${this.where()} names a blob by "${digest}", which is not a digest Layerlens can check.`, 'corrupt');
    }
    this.requests.blobs++;
    const response = await this.send(`blobs/${digest}`, '*/*', digest);
    const hash = createHash(algorithm);
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        hash.update(buffer);
        onBytes?.(buffer.length);
        yield buffer;
      }
    } catch (error) {
      throw this.options.signal?.aborted ? new CancelledError() : this.brokenOff(`blob ${digest}`, error);
    }
    if (`${algorithm}:${hash.digest('hex')}` !== digest) {
      throw new LayerlensError(`Blob ${digest} of ${this.where()} does not match its digest; the registry or a proxy served corrupt data.`, 'corrupt');
    }
  }

  /** "127.0.0.1:5000/app" in messages. */
  where(): string {
    return `${this.ref.registry}/${this.ref.repository}`;
  }

  /** One API request, authorized as the registry's 401 asks (once), with its failures in words. */
  private async send(path: string, accept: string, subject: string): Promise<RegistryResponse> {
    let response = await this.fetchApi(path, accept);
    // No authorization yet, or a token that may have expired during a long read: (re)authorize once.
    if (response.status === 401 && (this.authorization === undefined || this.authorization.startsWith('Bearer '))) {
      const challenges = parseAuthChallenges(response.headers.get('www-authenticate'));
      await response.body?.cancel().catch(() => undefined);
      await this.authorize(challenges);
      response = await this.fetchApi(path, accept);
    }
    if (response.ok) return response;
    const body = await response.text().catch(() => '');
    throw this.statusError(response, subject, body);
  }

  /** Follows redirects itself: the Authorization header goes only to the registry's own origin. */
  private async fetchFollowing(start: string, accept: string): Promise<RegistryResponse> {
    let url = new URL(start);
    const origin = url.origin;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { Accept: accept, 'User-Agent': 'layerlens' };
      if (this.authorization && url.origin === origin) headers.Authorization = this.authorization;
      const response = await this.fetch(url, { headers });
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return response;
      await response.body?.cancel().catch(() => undefined);
      if (hop >= MAX_REDIRECTS) throw new LayerlensError(`${this.where()} redirects more than ${MAX_REDIRECTS} times; the registry is misconfigured.`, 'unreachable');
      url = new URL(location, url);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.insecure.allows(url.host))) {
        throw new LayerlensError(`${this.where()} redirects to ${url.protocol}//${url.host}, which is not HTTPS; Layerlens reads plain HTTP only from loopback and --insecure-registry hosts.`, 'unreachable');
      }
    }
  }

  /** One request (transport.ts follows no redirect), its network and TLS failures in words. */
  private async fetch(url: URL, init: { method?: string; headers?: Record<string, string>; body?: string }): Promise<RegistryResponse> {
    const secure = url.protocol === 'https:';
    const tls = secure ? await this.tlsFor(url.host) : undefined;
    const unverified = secure && (await this.unverified(url.host));
    try {
      return await send(url, { method: init.method, headers: init.headers, body: init.body, signal: this.options.signal, tls, unverified, env: this.options.env });
    } catch (error) {
      if (this.options.signal?.aborted) throw new CancelledError();
      if (error instanceof LayerlensError) throw error;
      const code = (error as { code?: string }).code;
      // What a plain HTTP server answers to a ClientHello (a 400 page) breaks the handshake in one of these ways.
      if (unverified && url.origin === new URL(this.base ?? 'https://-').origin && code && /EPROTO|ERR_SSL_|ECONNRESET/.test(code)) throw new NotTlsError();
      if (secure && code && /EPROTO|ERR_SSL_WRONG_VERSION_NUMBER|ERR_SSL_PACKET_LENGTH_TOO_LONG/.test(code) && !tls) {
        throw new LayerlensError(
          `${url.host} does not speak TLS for ${this.ref.repository} (${code}); if it is a plain HTTP registry you trust, name it with --insecure-registry ${url.host}.`,
          'unreachable',
          { cause: error },
        );
      }
      if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/.test(code)) {
        throw new LayerlensError(
          `The TLS connection to ${url.host} for ${this.ref.repository} failed (${code}); put its CA in ${join(this.options.certsDirectory ?? CERTS_DIRECTORY, url.host, 'ca.crt')} as for dockerd.`,
          'unreachable',
          { cause: error },
        );
      }
      const why = code ?? messageOf(error);
      throw new LayerlensError(
        `Cannot reach the registry ${url.host} for ${this.ref.repository} (${why}); check the name, the network and that the registry runs.`,
        'unreachable',
        { cause: error },
      );
    }
  }

  /** Answers the 401's challenge: a Bearer token from its realm, or Basic with the user's credentials. */
  private async authorize(challenges: AuthChallenge[]): Promise<void> {
    const credentials = await (this.options.credentials ?? lookupCredentials)(this.ref.registry);
    this.credentialsFound = !!credentials;
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer?.params.realm) {
      this.authorization = `Bearer ${await this.fetchToken(bearer, credentials)}`;
      return;
    }
    if (challenges.some((c) => c.scheme === 'basic') && credentials && 'password' in credentials) {
      this.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      return;
    }
    throw this.accessError();
  }

  /** distribution's token flow: GET realm?service&scope (Basic with the user's password), or the OAuth2 POST for an identity token. */
  private async fetchToken(challenge: AuthChallenge, credentials: Credentials | undefined): Promise<string> {
    const realm = new URL(challenge.params.realm);
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && this.insecure.allows(realm.host))) {
      throw new LayerlensError(`The token server of ${this.ref.registry} (${realm.host}) is not HTTPS; Layerlens sends credentials over plain HTTP only to loopback and --insecure-registry hosts.`, 'unreachable');
    }
    const service = challenge.params.service;
    const scope = challenge.params.scope ?? `repository:${this.ref.repository}:pull`;
    this.requests.tokens++;
    let response: RegistryResponse;
    if (credentials && 'identityToken' in credentials) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, client_id: 'layerlens', scope });
      if (service) form.set('service', service);
      response = await this.fetch(realm, { method: 'POST', body: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    } else {
      if (service) realm.searchParams.set('service', service);
      realm.searchParams.set('scope', scope);
      const headers: Record<string, string> = {};
      if (credentials) headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      response = await this.fetch(realm, { headers });
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 401 || response.status === 403) throw this.accessError();
      throw this.statusError(response, 'a token');
    }
    const answer = (await response.json().catch(() => ({}))) as { token?: string; access_token?: string };
    const token = answer.token ?? answer.access_token;
    if (!token) throw new LayerlensError(`The token server of ${this.ref.registry} answered without a token for ${this.ref.repository}; try again later.`, 'unreachable');
    return token;
  }

  private accessError(): LayerlensError {
    const host = this.ref.registry;
    return this.credentialsFound
      ? new LayerlensError(`${host} refused the credentials found for ${this.ref.repository}; run docker login ${host} again, or check the repository name.`, 'permission')
      : new LayerlensError(`${host} wants credentials for ${this.ref.repository} and none were found; run docker login ${host}, or check the repository name.`, 'permission');
  }

  private statusError(response: RegistryResponse, subject: string, body = ''): LayerlensError {
    const host = this.ref.registry;
    const status = response.status;
    if (status === 401 || status === 403) return this.accessError();
    if (status === 404) {
      if (subject.startsWith('sha256:') && !this.ref.digest) return new LayerlensError(`${this.where()} lacks ${subject}, which the image names; the image is incomplete there.`, 'not-found');
      const code = errorCodes(body);
      if (code.includes('NAME_UNKNOWN')) return new LayerlensError(`${host} has no repository ${this.ref.repository}; check the name.`, 'not-found');
      const what = this.ref.digest ? `manifest ${this.ref.digest}` : `tag ${this.ref.tag}`;
      if (code.includes('MANIFEST_UNKNOWN')) return new LayerlensError(`${this.where()} has no ${what} (or no such repository); check the reference.`, 'not-found');
      return new LayerlensError(`${host} has no ${formatReference(this.ref)} (no such repository, or no ${what}); check the reference.`, 'not-found');
    }
    if (status === 429) {
      const after = retryAfterSeconds(response.headers.get('retry-after'));
      const when = after === undefined ? 'later' : `in ${after} second${after === 1 ? '' : 's'}`;
      return new LayerlensError(`${host} is rate-limiting pulls of ${this.ref.repository}; try again ${when}, or docker login ${host} for a higher limit.`, 'unreachable');
    }
    return new LayerlensError(`${host} answered HTTP ${status} for ${subject} of ${this.ref.repository}; try again later.`, 'unreachable');
  }

  private brokenOff(what: string, error?: unknown): LayerlensError {
    return new LayerlensError(`The download of ${what} from ${this.where()} broke off${error ? ` (${messageOf(error).replace(/\.$/, '')})` : ''}; try again.`, 'unreachable', { cause: error });
  }
}

/** Retry-After is seconds or an HTTP date (RFC 9110 10.2.3). */
export function retryAfterSeconds(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function readLimited(response: RegistryResponse, limit: number, broken: (error: unknown) => LayerlensError): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > limit) throw new LayerlensError(`A manifest larger than ${limit / 1024 / 1024} MiB is not a manifest.`, 'corrupt');
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof LayerlensError) throw error;
    throw broken(error);
  }
  return Buffer.concat(chunks);
}

/** The `errors[].code`s of a registry's error body (distribution spec, "Error Codes"). */
function errorCodes(body: string): string[] {
  try {
    const value = JSON.parse(body) as { errors?: { code?: unknown }[] };
    return (value.errors ?? []).map((e) => String(e.code));
  } catch {
    return [];
  }
}

/** The media type a manifest or index names inside itself (an index by its `manifests`), for bytes with no header. */
export function mediaTypeInside(bytes: Buffer): string | undefined {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown; manifests?: unknown };
    if (typeof value.mediaType === 'string') return value.mediaType;
    return Array.isArray(value.manifests) ? MANIFEST_TYPES.ociIndex : MANIFEST_TYPES.ociManifest;
  } catch {
    return undefined;
  }
}
