// The `layerlens:` URI of a file of an image at a layer, without VS Code (so it can be tested in plain Node):
//   layerlens://<image ID hex, no "sha256:">/<layer>/<path inside the image>
// e.g. layerlens://3f9a…c1/4/usr/bin/env reads /usr/bin/env as the merged view at layer 4 shows it.
// The path is kept as text in the URI (vscode.Uri percent-encodes it). A name that is not UTF-8 (its bytes kept
// as U+DC80–U+DCFF, see core/model/paths.ts decodeTarName) cannot be: a lone surrogate has no percent-encoding, and
// VS Code's Uri.toString() throws on it. Such a path is shown with U+FFFD and its exact bytes ride in the
// query (`raw=<base64url>`), so every name round-trips and the editor title stays readable.
import { LayerlensError } from '../core/errors';
import { displayName, hasRawBytes } from '../core/model/imagePaths';
import { decodeTarName, encodeTarName } from '../core/model/paths';

export const LAYER_SCHEME = 'layerlens';

/** The parts of a URI as vscode.Uri keeps them (path and query decoded). */
export interface UriParts {
  scheme: string;
  authority: string;
  path: string;
  query: string;
}

export interface LayerFileRef {
  /** Image ID, 64 hex digits without "sha256:". */
  imageId: string;
  /** The layer whose merged view to read; undefined for the image itself (a directory of its layers). */
  layer?: number;
  /** Absolute path inside the image, exact (names that are not UTF-8 carry U+DC80–U+DCFF). */
  path: string;
}

const RAW_PARAMETER = 'raw';

/** "sha256:3f9a…" or "3f9a…" → "3f9a…"; anything but 64 hex digits is refused. */
export function imageIdHex(id: string): string {
  const hex = id.replace(/^sha256:/, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new LayerlensError(`"${id}" is not a full image ID (sha256: and 64 hex digits).`, 'bad-input');
  return hex;
}

export function formatLayerUri(ref: { imageId: string; layer?: number; path?: string }): UriParts {
  const authority = imageIdHex(ref.imageId);
  if (ref.layer === undefined) return { scheme: LAYER_SCHEME, authority, path: '/', query: '' };
  if (!Number.isInteger(ref.layer) || ref.layer < 0) throw new LayerlensError(`Layer ${ref.layer} is not a layer number.`, 'bad-input');
  const path = ref.path ?? '/';
  if (!path.startsWith('/')) throw new LayerlensError(`"${path}" is not an absolute path inside the image.`, 'bad-input');
  const inImage = path === '/' ? '' : path;
  const query = hasRawBytes(path) ? `${RAW_PARAMETER}=${encodeTarName(path).toString('base64url')}` : '';
  return { scheme: LAYER_SCHEME, authority, path: `/${ref.layer}${displayName(inImage)}`, query };
}

export function parseLayerUri(parts: Pick<UriParts, 'authority' | 'path' | 'query'> & { scheme?: string }): LayerFileRef {
  if (parts.scheme !== undefined && parts.scheme !== LAYER_SCHEME) {
    throw new LayerlensError(`A ${parts.scheme}: URI is not a Layerlens file; Layerlens URIs start with ${LAYER_SCHEME}://.`, 'bad-input');
  }
  const imageId = parseAuthority(parts.authority);
  const match = /^\/*([^/]*)(\/.*)?$/s.exec(parts.path)!;
  if (match[1] === '') return { imageId, path: '/' };
  if (!/^(0|[1-9][0-9]{0,5})$/.test(match[1])) {
    throw new LayerlensError(`"${match[1]}" in ${LAYER_SCHEME}://${imageId.slice(0, 12)}…${parts.path} is not a layer number.`, 'bad-input');
  }
  const shown = match[2] && match[2] !== '/' ? match[2].replace(/\/+$/, '') : '/';
  const raw = rawPath(parts.query);
  return { imageId, layer: Number(match[1]), path: raw ? alignWithRaw(shown, raw) : shown };
}

function parseAuthority(authority: string): string {
  const hex = authority.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new LayerlensError(`"${authority}" is not an image ID; a Layerlens URI starts with ${LAYER_SCHEME}://<64 hex digits of the image ID>/.`, 'bad-input');
  }
  return hex;
}

function rawPath(query: string): string | undefined {
  for (const parameter of query.split('&')) {
    const [name, value] = parameter.split('=', 2);
    if (name === RAW_PARAMETER && value && /^[A-Za-z0-9_-]+$/.test(value)) return decodeTarName(Buffer.from(value, 'base64url').toString('latin1'));
  }
  return undefined;
}

/**
 * Takes the exact names from `raw` for the leading components that `shown` still displays as they are: VS Code
 * keeps the query when it joins a child name to a URI or goes up to its parent, so only those components are
 * known exactly; the rest is what the editor sent (resolution then matches U+FFFD against real names).
 */
function alignWithRaw(shown: string, raw: string): string {
  const shownNames = shown.split('/').slice(1).filter(Boolean);
  const rawNames = raw.split('/').slice(1).filter(Boolean);
  const names = [...shownNames];
  for (let i = 0; i < names.length && i < rawNames.length; i++) {
    if (displayName(rawNames[i]) !== shownNames[i]) break;
    names[i] = rawNames[i];
  }
  return '/' + names.join('/');
}
