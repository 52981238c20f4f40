// Every field of the image config that differs: the keys of its `config` object (Env, Cmd, Labels…) and the
// platform. An absent field and an empty one are the same: the legacy builder writes "Hostname": "" and
// "Env": null where BuildKit writes nothing. `created` is left out: it differs between any two builds.
import type { ImageConfig } from '../model/types';
import type { ConfigDifference } from './comparison';

const PLATFORM_FIELDS = ['architecture', 'os', 'variant'] as const;

export function configDifferences(a: ImageConfig, b: ImageConfig): ConfigDifference[] {
  const differences: ConfigDifference[] = [];
  const ca = a.config ?? {};
  const cb = b.config ?? {};
  for (const field of new Set([...Object.keys(ca), ...Object.keys(cb)])) {
    const va = meaningful(ca[field]);
    const vb = meaningful(cb[field]);
    if (!sameValue(va, vb)) differences.push({ field, a: va, b: vb });
  }
  for (const field of PLATFORM_FIELDS) {
    const va = meaningful(a[field]);
    const vb = meaningful(b[field]);
    if (!sameValue(va, vb)) differences.push({ field, a: va, b: vb });
  }
  return differences;
}

/** null for an absent or empty value. */
function meaningful(value: unknown): unknown {
  if (value === undefined || value === null || value === '' || value === false) return null;
  if (Array.isArray(value) && value.length === 0) return null;
  if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) return null;
  return value;
}

/** Deep equality of JSON values; object keys in any order. */
function sameValue(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  if (Array.isArray(x)) {
    const ys = y as unknown[];
    return x.length === ys.length && x.every((v, k) => sameValue(v, ys[k]));
  }
  const xo = x as Record<string, unknown>;
  const yo = y as Record<string, unknown>;
  const keys = Object.keys(xo);
  return keys.length === Object.keys(yo).length && keys.every((k) => k in yo && sameValue(xo[k], yo[k]));
}
