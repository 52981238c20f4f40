// `registry://HOST[:PORT]/REPO[:TAG|@sha256:…]`: an image read straight from a registry, never from an engine.
// With no host it is Docker Hub, as the docker CLI reads names (distribution/reference normalize.go): a first
// component with a dot, a colon or "localhost" is a host; a single-name repository there lives under library/.
import { LayerlensError } from '../core/errors';

export const REGISTRY_SCHEME = 'registry://';

/** Docker Hub's name in references, and the host its API answers on (protocol knowledge, not a mirror). */
const HUB_NAME = 'docker.io';
const HUB_API_HOST = 'registry-1.docker.io';

export interface RegistryReference {
  /** The registry as the user names it ("docker.io", "127.0.0.1:5000"): for messages and `docker login`. */
  registry: string;
  /** Where the API is asked (host[:port]). */
  apiHost: string;
  repository: string;
  tag?: string;
  digest?: string;
  /** Plain HTTP: only for loopback registries, as Docker allows by default. */
  plainHttp: boolean;
}

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isRegistryReference(ref: string): boolean {
  return ref.startsWith(REGISTRY_SCHEME);
}

export function parseRegistryReference(ref: string): RegistryReference {
  if (!isRegistryReference(ref)) throw bad(ref, `it does not start with ${REGISTRY_SCHEME}`);
  let rest = ref.slice(REGISTRY_SCHEME.length);
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(ref, 'its digest is not sha256: and 64 hex digits');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(ref, `"${tag}" is not a valid tag`);
  }
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  const hasHost = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['));
  const registry = hasHost ? first : HUB_NAME;
  let repository = hasHost ? rest.slice(slash + 1) : rest;
  if (registry === HUB_NAME && !repository.includes('/')) repository = `library/${repository}`;
  if (!repository) throw bad(ref, 'it names no repository');
  if (!REPOSITORY.test(repository)) throw bad(ref, `"${repository}" is not a valid repository name (lower case letters, digits, . _ - and /)`);
  if (!tag && !digest) tag = 'latest';
  return { registry, apiHost: registry === HUB_NAME ? HUB_API_HOST : registry, repository, tag, digest, plainHttp: isLoopbackHost(registry) };
}

/** "docker.io/library/nginx:1.27", "127.0.0.1:5000/app@sha256:…": the full name, as messages show it. */
export function formatReference(ref: RegistryReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? ':' + ref.tag : ''}${ref.digest ? '@' + ref.digest : ''}`;
}

/** 127.0.0.0/8, localhost and [::1], with or without a port. */
export function isLoopbackHost(hostPort: string): boolean {
  const host = hostPort.startsWith('[') ? hostPort.slice(0, hostPort.indexOf(']') + 1) : hostPort.replace(/:\d+$/, '');
  if (host === 'localhost' || host === '[::1]') return true;
  const octets = host.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

function bad(ref: string, why: string): LayerlensError {
  return new LayerlensError(`"${ref}" is not a registry reference: ${why} (registry://HOST[:PORT]/REPO[:TAG|@sha256:…]).`, 'bad-input');
}
