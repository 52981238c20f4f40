// The image model: plain data shared by the engine, the CLI and the extension.

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'fifo' | 'char' | 'block';

/** One filesystem entry as a layer's tar records it (whiteouts are kept apart, see LayerIndex). */
export interface LayerEntry {
  /** Absolute, normalised path ("/usr/bin/env"); "/" for the root. */
  path: string;
  type: EntryType;
  /** Content bytes: regular files only (a hardlink shares its target's bytes and counts 0). */
  size: number;
  /** Permission bits including setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Symlink target as written; hardlink target as an absolute path. */
  linkTarget?: string;
  /** Content hash of a regular file (SHA-256, first 128 bits, base64url). */
  hash?: string;
  /** Device numbers of char/block devices. */
  devMajor?: number;
  devMinor?: number;
  /** Signs of a secret in the content (SecretMarker bits, see secretMarkers.ts); only on small files that have one. */
  secretMarkers?: number;
}

/** Everything one layer (one `rootfs.diff_ids` entry) says, in a form independent of its tar. */
export interface LayerIndex {
  /** sha256 of the uncompressed layer tar: the content address of the layer. */
  diffId: string;
  /** Non-whiteout entries, in tar order. */
  entries: LayerEntry[];
  /** Paths this layer deletes from the layers below (`.wh.<name>`). */
  whiteouts: string[];
  /** Directories this layer makes opaque (`.wh..wh..opq`): everything below them from lower layers is hidden. */
  opaqueDirs: string[];
  /** Bytes of the uncompressed layer tar. */
  tarBytes: number;
  /** Things in the tar the engine had to correct or ignore (hostile names, invalid whiteouts…), for the user. */
  warnings: string[];
  /** Package-database files of this layer, captured as it streamed (see packages/capture.ts); absent when none. */
  captured?: CapturedFile[];
}

/** One package-database file a layer holds: its bytes, or only its size when over the capture bound. */
export interface CapturedFile {
  path: string;
  size: number;
  /** Absent when the file was over the bound (CAPTURE_FILE_LIMIT) or the layer's total bound. */
  bytes?: Uint8Array;
}

/** The parts of an image config (OCI image-spec config.md) the engine uses. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: Record<string, unknown>;
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: HistoryEntry[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export type Builder = 'legacy' | 'buildkit' | 'unknown';

/** One entry of the config's history: a build step, with or without a layer. */
export interface Step {
  index: number;
  createdBy: string;
  /** A readable Dockerfile instruction ("RUN apt-get …", "ENV X=1"). */
  instruction: string;
  builder: Builder;
  created?: string;
  comment?: string;
  /** Index into the image's layers (0 = base), or undefined for a metadata-only step. */
  layerIndex?: number;
}

/** An image as read from a daemon export, an archive or an OCI layout. */
export interface ImageData {
  /** The ID the daemon uses: config digest (classic store) or manifest digest (containerd store). */
  id: string;
  configDigest?: string;
  manifestDigest?: string;
  repoTags: string[];
  config: ImageConfig;
  /** Layers base first, in `rootfs.diff_ids` order. */
  layers: LayerIndex[];
}

/** Bytes read so far and bytes expected (0 when unknown). */
export type ProgressReporter = (bytesDone: number, bytesExpected: number) => void;
