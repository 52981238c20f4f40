// A plain reference (`nginx:1.27`) means an image on the engine. When the engine lacks it, or no engine answers,
// it is read from its registry instead (without pulling), and the user is told so in one line. Image IDs never
// fall back: they name something local. The notice and the errors are words here; front ends decide where they go
// (the CLI: stderr; the extension: its log or a notification).
import { LayerlensError } from '../core/errors';
import { formatReference, parseRegistryReference, REGISTRY_SCHEME, type RegistryReference } from './reference';

/** Why the engine could not give the image: it answered without it, or nothing answered. */
export type EngineMiss = 'missing' | 'no-engine';

/** The registry image a plain reference names, or undefined when it is an image ID or not a valid name. */
export function registryFallbackReference(ref: string): RegistryReference | undefined {
  // "sha256:…" and bare hex (full or short IDs) name an image of the engine, not a repository.
  if (/^sha256:/.test(ref) || /^[a-f0-9]{12,64}$/.test(ref)) return undefined;
  try {
    return parseRegistryReference(REGISTRY_SCHEME + ref);
  } catch {
    return undefined;
  }
}

/** An engine failure after which the registry is worth asking: no such image, or no engine answering. */
export function engineMissOf(error: unknown): EngineMiss | undefined {
  if (!(error instanceof LayerlensError)) return undefined;
  if (error.kind === 'not-found') return 'missing';
  if (error.kind === 'unreachable') return 'no-engine';
  return undefined;
}

/** "nginx:1.27 is not on unix:///var/run/docker.sock; reading docker.io/library/nginx:1.27 from the registry (no pull)". */
export function registryFallbackNotice(ref: string, engineHost: string | undefined, registryRef: RegistryReference, miss: EngineMiss): string {
  const where = engineHost === undefined ? `${ref} is not on any engine (none is configured)` : `${ref} is not on ${engineHost}${miss === 'no-engine' ? ' (no engine answers there)' : ''}`;
  return `${where}; reading ${formatReference(registryRef)} from the registry (no pull)`;
}

/** Both failed: one sentence with the engine's reason first, then the registry's. */
export function registryFallbackFailure(engineError: LayerlensError, registryRef: RegistryReference, registryError: LayerlensError): LayerlensError {
  const first = engineError.message.replace(/\.$/, '');
  const second = registryError.message.charAt(0).toLowerCase() + registryError.message.slice(1);
  return new LayerlensError(`${first}; reading ${formatReference(registryRef)} from its registry instead failed too: ${second}`, engineError.kind, { cause: registryError });
}
