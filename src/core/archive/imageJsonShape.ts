// The JSON members of an image archive come from files anyone can write: each is checked for the shape the
// reader relies on before use, so a wrong shape (`Layers: [1, 2]`, `history: [null]`, a digest that is an object)
// is refused in one sentence naming the member and the field, never by a JavaScript exception's text.
import { LayerlensError } from '../errors';
import type { ImageConfig } from '../model/types';

type Json = Record<string, unknown>;

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

function refuse(where: string, what: string): never {
  throw new LayerlensError(`Archive member ${where} is malformed: ${what}.`, 'corrupt');
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(object: Json, key: string, where: string, field = key): void {
  if (object[key] !== undefined && object[key] !== null && typeof object[key] !== 'string') refuse(where, `${field} is not a string`);
}

function stringList(value: unknown, where: string, field: string, nullable = false): void {
  if (nullable && (value === undefined || value === null)) return;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) refuse(where, `${field} is not a list of strings`);
}

/** An OCI content digest ("sha256:…"), as a string that cannot name a path outside blobs/. */
export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 1024 && DIGEST.test(value);
}

export interface LegacyManifestEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

/** manifest.json (docker save): a non-empty list whose first entry has Config, Layers and perhaps RepoTags. */
export function checkLegacyManifest(value: unknown): LegacyManifestEntry {
  const where = 'manifest.json';
  if (!Array.isArray(value)) refuse(where, 'it is not a list of images');
  const entry: unknown = value[0];
  if (!isObject(entry)) refuse(where, 'it describes no image');
  if (typeof entry.Config !== 'string' || entry.Config === '') refuse(where, 'Config is not a file name');
  stringList(entry.Layers, where, 'Layers');
  stringList(entry.RepoTags, where, 'RepoTags', true);
  return { Config: entry.Config, Layers: entry.Layers as string[], RepoTags: (entry.RepoTags as string[] | null | undefined) ?? [] };
}

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

function checkDescriptor(value: unknown, where: string, field: string): Descriptor {
  if (!isObject(value)) refuse(where, `${field} is not a descriptor`);
  if (!isDigest(value.digest)) refuse(where, `${field}.digest is not a digest`);
  optionalString(value, 'mediaType', where, `${field}.mediaType`);
  if (value.platform !== undefined && value.platform !== null) {
    if (!isObject(value.platform)) refuse(where, `${field}.platform is not an object`);
    for (const key of ['os', 'architecture', 'variant']) optionalString(value.platform, key, where, `${field}.platform.${key}`);
  }
  if (value.annotations !== undefined && value.annotations !== null) {
    if (!isObject(value.annotations) || !Object.values(value.annotations).every((v) => typeof v === 'string')) {
      refuse(where, `${field}.annotations is not a map of strings`);
    }
  }
  return value as unknown as Descriptor;
}

/** index.json or a nested image index: an object whose manifests are descriptors. */
export function checkIndex(value: unknown, where: string): { manifests: Descriptor[] } {
  if (!isObject(value)) refuse(where, 'it is not an object');
  if (value.manifests === undefined || value.manifests === null) return { manifests: [] };
  if (!Array.isArray(value.manifests)) refuse(where, 'manifests is not a list');
  return { manifests: value.manifests.map((d, i) => checkDescriptor(d, where, `manifests[${i}]`)) };
}

/** An image manifest: a config descriptor and a list of layer descriptors. */
export function checkManifest(value: unknown, where: string): { config: Descriptor; layers: Descriptor[] } {
  if (!isObject(value) || value.config === undefined || !Array.isArray(value.layers)) {
    throw new LayerlensError(`Manifest ${where} is not an image manifest.`, 'corrupt');
  }
  return { config: checkDescriptor(value.config, where, 'config'), layers: value.layers.map((d, i) => checkDescriptor(d, where, `layers[${i}]`)) };
}

/** The image config: the fields the reader and the views use have their documented types. */
export function checkConfig(value: unknown, where: string): ImageConfig {
  if (!isObject(value)) refuse(where, 'it is not an object');
  for (const key of ['architecture', 'os', 'variant', 'created']) optionalString(value, key, where);
  if (value.config !== undefined && value.config !== null && !isObject(value.config)) refuse(where, 'config is not an object');
  if (value.rootfs !== undefined) {
    if (!isObject(value.rootfs)) refuse(where, 'rootfs is not an object');
    const ids = value.rootfs.diff_ids;
    if (ids !== undefined && ids !== null && (!Array.isArray(ids) || !ids.every(isDigest))) refuse(where, 'rootfs.diff_ids is not a list of digests');
  }
  if (value.history !== undefined && value.history !== null) {
    if (!Array.isArray(value.history)) refuse(where, 'history is not a list');
    value.history.forEach((h, i) => {
      if (!isObject(h)) refuse(where, `history[${i}] is not an object`);
      for (const key of ['created', 'created_by', 'author', 'comment']) optionalString(h, key, where, `history[${i}].${key}`);
      if (h.empty_layer !== undefined && h.empty_layer !== null && typeof h.empty_layer !== 'boolean') refuse(where, `history[${i}].empty_layer is not true or false`);
    });
  }
  return value as ImageConfig;
}
