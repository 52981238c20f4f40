// What a reference says about where its image lives, for the few places that show it or that may ask the engine
// about it first (a quick overview, a cheap "did it change?"): everything else loads any reference the same way.
import { isPathReference } from '../docker/imageLoader';
import { isRegistryReference, parseRegistryReference } from '../registry/reference';

/**
 * An image the engine names (an ID or a name), whose ID may change under its name; files and registry references
 * are read as they are (a registry:// tag again, through the cache).
 */
export function isEngineReference(ref: string): boolean {
  return !isPathReference(ref) && !isRegistryReference(ref);
}

/** The explorer header's source: the engine's label, "image archive", or "registry HOST". */
export function describeImageSource(ref: string, engineLabel: string | undefined): string {
  if (isPathReference(ref)) return 'image archive';
  if (isRegistryReference(ref)) {
    try {
      return `registry ${parseRegistryReference(ref).registry}`;
    } catch {
      return 'registry';
    }
  }
  return engineLabel ?? '';
}
