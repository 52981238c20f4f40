// The JSON shapes of the `layerlens` command line: a stable contract (documented in the README).
// Built from the model only, so the extension can produce the very same objects.
import type { ImageAnalysis, WastedFile } from '../analysis/analysis';
import type { ImageOverview, MergedEntry, PathChange } from '../model/imageModel';
import type { Finding } from '../explain/explanation';
import { buildSecretFindings } from '../secrets/buildSecretFindings';
import { jsonRatio, type JsonRatio } from '../analysis/userWasted';
import type { LayerPackageCounts } from '../packages/packagesReport';

export interface LayersReport {
  image: { id: string; tags: string[]; size: number };
  layers: {
    index: number;
    diffId: string;
    createdBy: string;
    instruction: string;
    size: number;
    added: number;
    modified: number;
    deleted: number;
    wastedBytes: number;
    /** Its package changes and the packages present after it (null where packages were not read). */
    packages: LayerPackageCounts | null;
  }[];
  steps: {
    index: number;
    createdBy: string;
    instruction: string;
    builder: string;
    created: string | null;
    comment: string | null;
    emptyLayer: boolean;
    layerIndex: number | null;
  }[];
  efficiency: number;
  wastedBytes: number;
  /** "+Inf" when there is waste but no bytes above the first layer (JSON has no Infinity). */
  userWastedPercent: JsonRatio;
  /** Layerlens' exact waste: Σ of the layers' wastedBytes (dive's figures are the three above). */
  exactWastedBytes: number;
}

export function layersReport(model: ImageOverview, analysis: ImageAnalysis): LayersReport {
  const stepOfLayer = new Map(model.steps.filter((s) => s.layerIndex !== undefined).map((s) => [s.layerIndex!, s]));
  return {
    image: { id: model.data.id, tags: model.data.repoTags, size: analysis.totalSize },
    layers: analysis.layers.map((l) => ({
      index: l.index,
      diffId: l.diffId,
      createdBy: stepOfLayer.get(l.index)?.createdBy ?? '',
      instruction: stepOfLayer.get(l.index)?.instruction ?? '',
      size: l.size,
      added: l.added,
      modified: l.modified,
      deleted: l.deleted,
      wastedBytes: l.wastedBytes,
      packages: analysis.packages?.[l.index] ?? null,
    })),
    steps: model.steps.map((s) => ({
      index: s.index,
      createdBy: s.createdBy,
      instruction: s.instruction,
      builder: s.builder,
      created: s.created ?? null,
      comment: s.comment ?? null,
      emptyLayer: s.layerIndex === undefined,
      layerIndex: s.layerIndex ?? null,
    })),
    efficiency: analysis.efficiency,
    wastedBytes: analysis.wastedBytes,
    userWastedPercent: jsonRatio(analysis.userWastedPercent),
    exactWastedBytes: analysis.exactWastedBytes,
  };
}

export interface TreeReport {
  layer: number;
  entries: {
    path: string;
    type: string;
    size: number;
    mode: number;
    uid: number;
    gid: number;
    linkTarget: string | null;
    addedIn: number;
    modifiedIn: number[];
    contentChanged: boolean;
  }[];
}

export function treeReport(layer: number, entries: MergedEntry[]): TreeReport {
  return { layer, entries: entries.map(treeEntryReport) };
}

/** One entry of `tree --json` (see TreeReport). */
export function treeEntryReport(e: MergedEntry): TreeReport['entries'][number] {
  return {
    path: e.path,
    type: e.type,
    size: e.size,
    mode: e.mode,
    uid: e.uid,
    gid: e.gid,
    linkTarget: e.linkTarget ?? null,
    addedIn: e.addedIn,
    modifiedIn: e.modifiedIn,
    contentChanged: e.contentChanged,
  };
}

export interface DiffReport {
  from: number;
  to: number;
  changes: { path: string; change: string; type: string; size: number; layer: number; kind: string | null }[];
}

export function diffReport(from: number, to: number, changes: PathChange[]): DiffReport {
  return {
    from,
    to,
    changes: changes.map(diffChangeReport),
  };
}

/** One change of `diff --json` (see DiffReport). */
export function diffChangeReport(c: PathChange): DiffReport['changes'][number] {
  return { path: c.path, change: c.change, type: c.type, size: c.size, layer: c.layer, kind: c.kind ?? null };
}

export interface CiRuleResult {
  rule: 'lowestEfficiency' | 'highestWastedBytes' | 'highestUserWastedPercent';
  limit: number;
  actual: number;
  pass: boolean;
}

/** A rule's result in the --json output: `actual` is "+Inf" for an infinite userWastedPercent. */
export type CiRuleReport = Omit<CiRuleResult, 'actual'> & { actual: JsonRatio };

export interface CiLimits {
  lowestEfficiency?: number;
  highestWastedBytes?: number;
  highestUserWastedPercent?: number;
}

/**
 * dive's CI rules (`.dive-ci`, cmd/dive/cli/internal/command/ci/rules.go): each one given a limit is checked; the
 * others are skipped. An infinite userWastedPercent exceeds every limit, so its rule fails, as in dive.
 */
export function evaluateCiRules(analysis: ImageAnalysis, limits: CiLimits): CiRuleResult[] {
  const results: CiRuleResult[] = [];
  if (limits.lowestEfficiency !== undefined) {
    results.push({ rule: 'lowestEfficiency', limit: limits.lowestEfficiency, actual: analysis.efficiency, pass: analysis.efficiency >= limits.lowestEfficiency });
  }
  if (limits.highestWastedBytes !== undefined) {
    results.push({ rule: 'highestWastedBytes', limit: limits.highestWastedBytes, actual: analysis.wastedBytes, pass: analysis.wastedBytes <= limits.highestWastedBytes });
  }
  if (limits.highestUserWastedPercent !== undefined) {
    results.push({
      rule: 'highestUserWastedPercent',
      limit: limits.highestUserWastedPercent,
      actual: analysis.userWastedPercent,
      pass: analysis.userWastedPercent <= limits.highestUserWastedPercent,
    });
  }
  return results;
}

export interface AnalyzeReport extends LayersReport {
  /** Secrets in the image's config and build history (core/secrets), by name and step: never their values. */
  secrets: Finding[];
  wastedFiles: WastedFile[];
  inefficientPaths: ImageAnalysis['inefficientPaths'];
  warnings: string[];
  ci: { pass: boolean; rules: CiRuleReport[] } | null;
}

export function analyzeReport(model: ImageOverview, analysis: ImageAnalysis, ci: CiRuleResult[] | undefined): AnalyzeReport {
  return {
    ...layersReport(model, analysis),
    secrets: buildSecretFindings(model.buildSecrets),
    wastedFiles: analysis.wastedFiles,
    inefficientPaths: analysis.inefficientPaths,
    warnings: analysis.warnings,
    ci: ci ? { pass: ci.every((r) => r.pass), rules: ci.map((r) => ({ ...r, actual: jsonRatio(r.actual) })) } : null,
  };
}
