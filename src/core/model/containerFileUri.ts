// The URI of a file of a container's read-write layer, read-only through the engine's archive endpoint:
//   layerlens-container://<container ID, 64 hex digits>/<absolute path inside the container>
// The path is checked before any engine call: absolute, no "." or ".." component, no NUL, so a crafted URI
// cannot name anything but a path inside the container (the engine resolves symlinks within the container too).
import { LayerlensError } from '../errors';

export const CONTAINER_FILE_SCHEME = 'layerlens-container';

export interface ContainerFileRef {
  containerId: string;
  path: string;
}

/** `path` as one absolute, normalized path inside a container, or a LayerlensError saying why it is none. */
export function safeContainerPath(path: string): string {
  if (!path.startsWith('/')) throw new LayerlensError(`"${path}" is not an absolute path inside the container.`, 'bad-input');
  if (path.includes('\0')) throw new LayerlensError('A path inside a container cannot hold a NUL character.', 'bad-input');
  const names = path.split('/').filter((n) => n !== '');
  if (names.some((n) => n === '.' || n === '..')) throw new LayerlensError(`"${path}" leaves its directory ("." or ".."); container files are named by plain absolute paths.`, 'bad-input');
  return '/' + names.join('/');
}

export function containerIdHex(id: string): string {
  const hex = id.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new LayerlensError(`"${id}" is not a full container ID (64 hex digits).`, 'bad-input');
  return hex;
}

export function formatContainerFileUri(ref: ContainerFileRef): { scheme: string; authority: string; path: string } {
  return { scheme: CONTAINER_FILE_SCHEME, authority: containerIdHex(ref.containerId), path: safeContainerPath(ref.path) };
}

export function parseContainerFileUri(parts: { scheme?: string; authority: string; path: string }): ContainerFileRef {
  if (parts.scheme !== undefined && parts.scheme !== CONTAINER_FILE_SCHEME) throw new LayerlensError(`A ${parts.scheme}: URI is not a container file.`, 'bad-input');
  return { containerId: containerIdHex(parts.authority), path: safeContainerPath(parts.path) };
}
