// The recent remote images as plain data (no vscode): what the Remote group lists and the reference box offers,
// newest first, one entry per image, a few kept. Stored in the extension's globalState, so it is checked on read.
import { formatBytes } from '../core/format';
import { REGISTRY_SCHEME } from '../registry/reference';

export const KEPT_REMOTE_IMAGES = 12;

export interface RemoteImage {
  /** What opens it: `registry://HOST/REPO@sha256:…`, the very image seen (an index resolved to one platform). */
  ref: string;
  /** The reference as the user gave it, normalized ("127.0.0.1:5000/app:1.2", "docker.io/library/nginx:1.27"). */
  label: string;
  /** "linux/amd64". */
  platform: string;
  /** Σ of its layer blobs in the registry (compressed). */
  compressedSize: number;
  layerCount: number;
  /** ms since the epoch. */
  openedAt: number;
  /** Picked from a multi-platform index: titles then say which platform. */
  multiPlatform?: boolean;
}

/** `image` first; an older entry of the same image or the same reference is dropped. */
export function rememberRemoteImage(list: readonly RemoteImage[], image: RemoteImage, kept = KEPT_REMOTE_IMAGES): RemoteImage[] {
  return [image, ...list.filter((i) => i.ref !== image.ref && !(i.label === image.label && i.platform === image.platform))].slice(0, kept);
}

export function forgetRemoteImage(list: readonly RemoteImage[], ref: string): RemoteImage[] {
  return list.filter((i) => i.ref !== ref);
}

/** What globalState gave back, keeping only well-formed entries (it may hold an older shape, or be edited). */
export function readRemoteImages(stored: unknown): RemoteImage[] {
  if (!Array.isArray(stored)) return [];
  return stored.filter(isRemoteImage).slice(0, KEPT_REMOTE_IMAGES);
}

function isRemoteImage(v: unknown): v is RemoteImage {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.ref === 'string' &&
    r.ref.startsWith(REGISTRY_SCHEME) &&
    typeof r.label === 'string' &&
    typeof r.platform === 'string' &&
    Number.isFinite(r.compressedSize) &&
    Number.isInteger(r.layerCount) &&
    Number.isFinite(r.openedAt)
  );
}

/** The Remote group's row description: "31.2 MB compressed · 7 layers · linux/arm64". */
export function describeRemoteImage(image: RemoteImage): string {
  return `${formatBytes(image.compressedSize)} compressed · ${image.layerCount} layer${image.layerCount === 1 ? '' : 's'} · ${image.platform}`;
}

/**
 * What the user typed, as a registry:// reference: "nginx:1.27" and "registry://nginx:1.27" alike. A leading
 * "docker pull " (pasted from a web page) is dropped.
 */
export function remoteReferenceOf(typed: string): string {
  const text = typed.trim().replace(/^docker\s+pull\s+/i, '');
  return text.startsWith(REGISTRY_SCHEME) ? text : REGISTRY_SCHEME + text;
}

/** The distinct references of the recent images, newest first: the reference box's suggestions. */
export function recentReferences(list: readonly RemoteImage[]): string[] {
  return [...new Set(list.map((i) => i.label))];
}
