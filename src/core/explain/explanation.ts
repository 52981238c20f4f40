// "Explain This Layer": what one layer (or step, or a container's read-write layer) did, what it costs,
// how it relates to the rest of the stack, and what to fix. Plain JSON-able data: the CLI prints it as its
// `--json` contract (documented in the README), the extension renders it as Markdown.
import type { Builder } from '../model/types';
import type { PackageManager } from '../packages/types';

export type Severity = 'info' | 'warning' | 'security';

export type FindingId =
  | 'package-cache'
  | 'temporary-files'
  | 'git-directory'
  | 'object-files'
  | 'unpacked-archive'
  | 'archive'
  | 'undone-later'
  | 'metadata-rewrite'
  | 'secret'
  | 'setuid'
  | 'world-writable'
  | 'large-file'
  | 'package-removed-later'
  | 'build-toolchain'
  | 'package-docs-deleted';

/** One path that backs a finding. Never the content of a file. */
export interface Evidence {
  path: string;
  /** Content bytes of the file, or of everything below a directory, in the layer explained. */
  bytes: number;
  /**
   * The other layer involved: for `undone-later` the later layer that deletes or overwrites the path, for
   * `metadata-rewrite` the lower layer it was copied from, for a `secret` the later layer that deletes or
   * overwrites it (it stays readable here), for a container the image layer holding the path.
   */
  layer?: number;
  /**
   * For a secret in build metadata (core/secrets), where `path` names the setting ("ENV GITHUB_TOKEN",
   * "RUN of step 9") and `bytes` is 0: the history step that records it, and the variable or label name.
   */
  step?: number;
  variable?: string;
  /**
   * For the package findings: the package the evidence is about. `path` is then its biggest file in the layer
   * (`package-removed-later`, `build-toolchain`) or a documentation directory it filled (`package-docs-deleted`).
   */
  package?: PackageRef;
}

/** One version of one package, as its database records it. */
export interface PackageRef {
  manager: PackageManager;
  name: string;
  version: string;
  architecture: string | null;
}

export interface Finding {
  id: FindingId;
  /** The Layerlens rule id of this kind of finding ("LL2002"; findingRules.ts), as diagnostics and `lint` show it. */
  ruleId: string;
  severity: Severity;
  /** One sentence; our own text (it never contains a file name), and may hold Markdown code spans. */
  title: string;
  /** The biggest first, at most EVIDENCE_LIMIT of them; `total` counts them all. */
  evidence: Evidence[];
  total: { paths: number; bytes: number };
  /** One sentence saying what to change; our own text, may hold Markdown code spans. */
  fix: string;
  /**
   * For secrets: found by the file's name, or by a pattern in its content (the content itself is never kept);
   * for secrets in build metadata, in the image config (Env, Labels) or in the build history only.
   */
  matchedBy?: 'name' | 'content' | 'config' | 'history';
}

export const EVIDENCE_LIMIT = 20;

/** A build step as a reader wants it. */
export interface StepSummary {
  /** Index into the config's history. */
  index: number;
  /** The readable instruction ("RUN apt-get update && …"). */
  instruction: string;
  /** Its Dockerfile keyword ("RUN", "ENV"…), or null when there is none (a commit, an import). */
  keyword: string | null;
  /** A RUN's shell commands split at top-level `&&` and `;`; otherwise the instruction alone. */
  commands: string[];
  createdBy: string;
  builder: Builder;
  created: string | null;
  comment: string | null;
  /** The Dockerfile line that made it, when the caller linked one. */
  dockerfile: DockerfileLocation | null;
}

export interface DockerfileLocation {
  file: string;
  /** 1-based. */
  line: number;
}

/**
 * How the step that made a layer put its files there, which decides what a fix can say: only a COPY/ADD from
 * the build context can be helped by .dockerignore, only a COPY/ADD can take `--chown`.
 */
export type StepKind = 'context-copy' | 'copy-from' | 'run' | 'other';

/** How a layer was made: a build step, `docker commit` (a comment and no instruction), `docker import`, or not recorded. */
export type LayerOrigin = 'dockerfile' | 'commit' | 'import' | 'unknown';

export interface ImageRef {
  id: string;
  /** The engine's RepoTags (or the archive's), in their order. */
  tags: string[];
  /** The image as the user referred to it, for titles (core/catalog/imageName.ts): the name given, else the first tag, else the short ID. */
  name: string;
}

export interface DirectoryBytes {
  path: string;
  bytes: number;
  files: number;
}

/** Bytes and paths grouped by the layer they live in (or that acts on them). */
export interface LayerShare {
  layer: number;
  paths: number;
  bytes: number;
}

export interface LayerCost {
  /** Σ content bytes of the layer's files (what `docker history` shows). */
  size: number;
  /** Σ of all layer sizes. */
  imageSize: number;
  /** size ÷ imageSize (0 for an empty image). */
  shareOfImage: number;
  added: number;
  modified: number;
  metadataOnly: number;
  deleted: number;
  /** Where the layer's bytes are, biggest first (see topDirectories.ts for how directories are chosen). */
  topDirectories: DirectoryBytes[];
}

export interface StackRelation {
  /** Lower layers' files this layer ships a new version of: `bytes` are the lower versions, still shipped but hidden. */
  copiedUp: { paths: number; bytes: number; sameContentBytes: number; fromLayers: LayerShare[] };
  /** Paths this layer deletes: their bytes still ship in the lower layers (`fromLayers`). */
  deleted: { paths: number; bytesStillShipped: number; fromLayers: LayerShare[] };
  /** This layer's files that later layers delete or overwrite: its wasted bytes (`byLayers`: the layers that do it). */
  undoneLater: { paths: number; bytes: number; byLayers: LayerShare[] };
}

export interface LayerExplanation {
  kind: 'layer';
  image: ImageRef;
  layer: number;
  layerCount: number;
  diffId: string;
  /** The history entry that made the layer; null when the history does not cover it. */
  step: StepSummary | null;
  origin: LayerOrigin;
  cost: LayerCost;
  stack: StackRelation;
  /** Other local images that use this very layer (same diffID), as the caller found them. */
  sharedWith: string[];
  /** What the layer did to the package databases; null when the caller read no packages. */
  packages: LayerPackages | null;
  findings: Finding[];
}

/** A layer's changes to the package databases (core/packages), per manager, and its bytes no package owns. */
export interface LayerPackages {
  /** Packages in the merged view's databases at this layer, all managers. */
  present: number;
  /** One entry per manager whose database this layer changed, by manager name. */
  managers: ManagerChanges[];
  /** Σ bytes of the layer's regular files that no package present at this layer owns, and where they are. */
  unowned: { bytes: number; topDirectories: { path: string; bytes: number }[] };
  /** One sentence each: this layer's package databases that could not be read (in part). */
  problems: string[];
}

export interface ManagerChanges {
  manager: PackageManager;
  /** Installed here, the biggest first: `bytes` and `files` are what the package ships in this layer. */
  installed: (PackageRef & { bytes: number; files: number })[];
  /** Σ bytes of `installed`. */
  installedBytes: number;
  /** `bytes`: what the new version ships in this layer. By name. */
  upgraded: VersionChange[];
  downgraded: VersionChange[];
  /** By name; `version` is the one removed. */
  removed: PackageRef[];
}

export interface VersionChange {
  name: string;
  architecture: string | null;
  from: string;
  to: string;
  bytes: number;
}

/** The image-config field a metadata-only step sets ("Env", "Labels", "Cmd"…), as the config spells it. */
export type ConfigField =
  | 'Env' | 'Labels' | 'Cmd' | 'Entrypoint' | 'ExposedPorts' | 'User' | 'WorkingDir' | 'Volumes'
  | 'StopSignal' | 'Healthcheck' | 'Shell' | 'OnBuild' | 'author';

export interface StepExplanation {
  kind: 'step';
  image: ImageRef;
  step: StepSummary;
  /** `config`: sets `configField`; `build-only`: an ARG, gone after the build; `no-change`: a step that changed no file. */
  effect: 'config' | 'build-only' | 'no-change';
  configField: ConfigField | null;
  /** Always 0: a step without a layer adds no bytes. */
  bytes: 0;
  /** Secrets this step records in the image's metadata (an ENV, ARG or LABEL value), never their values. */
  findings: Finding[];
}

export interface ContainerLayerExplanation {
  kind: 'container';
  /** The image the container runs, when it was read; without it, nothing is known of copied-up bytes. */
  image: ImageRef | null;
  /** As `docker diff` reports them (a changed directory counts too). */
  counts: { added: number; changed: number; deleted: number };
  /**
   * Image files the container changed (copied up on a first write, or replaced whole: `docker diff` does not
   * tell), with the bytes of the image's versions they hide and the layers holding those. `evidence`: the biggest first, at most EVIDENCE_LIMIT; `paths` and `bytes` count them all.
   */
  copiedUp: { paths: number; bytes: number; fromLayers: LayerShare[]; evidence: Evidence[] };
  /** Image paths the container deleted: their bytes remain in the image's layers. */
  deletedFromImage: { paths: number; bytes: number; fromLayers: LayerShare[]; evidence: Evidence[] };
}

export type Explanation = LayerExplanation | StepExplanation | ContainerLayerExplanation;
