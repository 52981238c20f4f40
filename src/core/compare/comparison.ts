// What `compareImages` returns: plain data, the very objects of `layerlens compare --json` (README "compare").
// Fields may be added, never renamed.
import type { EntryType } from '../model/types';
import type { PackageManager } from '../packages/types';

/** One image of the pair. `size`: bytes of regular files over all its layers (as `layers` and `analyze` count). */
export interface ComparedImage {
  id: string;
  tags: string[];
  size: number;
  layerCount: number;
}

/** A path as one image shows it in its final merged view. */
export interface PathSide {
  /** The entry's own type ("hardlink" stays "hardlink"; it is compared as its target, see `hash`). */
  type: EntryType;
  /** Bytes of a regular file; a hardlink's are its target's. */
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** Symlink target as written, hardlink target as an absolute path. */
  linkTarget: string | null;
  /** Content hash of a regular file (a hardlink: its target's), as the index keeps it. */
  hash: string | null;
  /** Index in that image's rootfs.diff_ids of the layer that made the version shown. */
  layer: number;
  /** Index in that image's history of the step that made that layer. */
  step: number | null;
}

/** `type`: the file type differs; `content`: bytes, symlink target or device differ; `metadata`: only mode, uid or gid. */
export type DifferenceKind = 'content' | 'metadata' | 'type';

export interface PathDifference {
  path: string;
  change: 'added' | 'removed' | 'modified';
  /** null for added and removed paths. */
  kind: DifferenceKind | null;
  /** null when added. */
  a: PathSide | null;
  /** null when removed. */
  b: PathSide | null;
}

/** A build step of one image, with the layer it made (null for a metadata-only step). */
export interface StepSide {
  index: number;
  instruction: string;
  layer: number | null;
  diffId: string | null;
  /** Bytes of regular files in that layer; null for a metadata-only step. */
  size: number | null;
}

/**
 * How the two histories line up: `same` (same instruction, same layer or both none), `changed` (matched, but the
 * instruction or its layer differs), `onlyA`, `onlyB`.
 */
export interface StepAlignment {
  status: 'same' | 'changed' | 'onlyA' | 'onlyB';
  a: StepSide | null;
  b: StepSide | null;
}

/** Bytes of regular files under a directory (recursively) in each final view. */
export interface DirectoryGrowth {
  path: string;
  bytesA: number;
  bytesB: number;
  /** bytesB - bytesA. */
  delta: number;
}

export interface ConfigDifference {
  /** A key of the config's `config` object ("Env", "Labels", "Cmd"…), or "architecture", "os", "variant". */
  field: string;
  /** null when absent (or empty). */
  a: unknown;
  b: unknown;
}

/** The --ci --max-growth gate: B may be at most `limit` larger than A. */
export interface GrowthGate {
  pass: boolean;
  limit: { bytes: number | null; ratio: number | null };
  /** b.size - a.size. */
  growth: number;
  /** growth / a.size; null when A is empty. */
  growthRatio: number | null;
  /** The directories that grew most, biggest first. */
  biggestGrowths: DirectoryGrowth[];
}

/** One image's version of a package. */
export interface PackageSide {
  version: string;
  /** Index in that image's rootfs.diff_ids of the layer that installed this version. */
  layer: number;
  /** Bytes of its files in that layer. */
  size: number;
}

export type PackageDifferenceKind = 'added' | 'removed' | 'upgraded' | 'downgraded';

export interface PackageDifference {
  manager: PackageManager;
  name: string;
  architecture: string | null;
  /** The database file that records it (B's, or A's when removed). */
  location: string;
  change: PackageDifferenceKind;
  /** null when added. */
  a: PackageSide | null;
  /** null when removed. */
  b: PackageSide | null;
}

/** How many packages of one manager each kind of difference holds. */
export interface PackageDifferenceCounts {
  manager: PackageManager;
  added: number;
  removed: number;
  upgraded: number;
  downgraded: number;
}

export interface ImageComparison {
  a: ComparedImage;
  b: ComparedImage;
  /** Length of the common rootfs.diff_ids prefix. */
  sharedLayers: number;
  /** b.size - a.size. */
  sizeDelta: number;
  steps: StepAlignment[];
  /** The directories that grew and shrank most (at most `directoryLimit` of each), biggest change first. */
  directories: DirectoryGrowth[];
  config: ConfigDifference[];
  /** The packages that differ between the two tops (packageDifferences.ts); null when not asked for. */
  packages: PackageDifference[] | null;
  ci: GrowthGate | null;
  /** Every path that differs between the final merged views, sorted by path. */
  changes: PathDifference[];
}
