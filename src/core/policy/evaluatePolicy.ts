// Judges an image by a policy: each rule passes or fails with its violations, reported like dive's rules (text,
// JSON, SARIF, exit 1). Paths "ship" when any layer carries them, even if a later layer deletes them: the bytes
// are still in the image. `max-growth` is compare's and is not judged here.
import type { ImageAnalysis } from '../analysis/analysis';
import type { Finding } from '../explain/explanation';
import { formatBytes, printablePath } from '../format';
import type { ImageModel } from '../model/imageModel';
import { globToRegExp } from './glob';
import type { Policy, PolicyKind, PolicyRule } from './policy';

export interface PolicyViolation {
  /** One sentence (never a secret value: findings name paths and settings only). */
  message: string;
  layer?: number;
  path?: string;
  /** For build-metadata findings: the step. */
  step?: number;
}

export interface PolicyResult {
  id: string;
  kind: PolicyKind;
  /** The rule's own message, or ours. */
  message: string;
  pass: boolean;
  /** The first VIOLATION_LIMIT of them. */
  violations: PolicyViolation[];
  /** How many there are in all. */
  total: number;
}

export interface PolicySubject {
  model: ImageModel;
  analysis: ImageAnalysis;
  /** Each layer's "Explain This Layer" findings, base first. */
  layerFindings: readonly (readonly Finding[])[];
  /** The findings of the image config and history (core/secrets). */
  buildFindings: readonly Finding[];
}

/** At most this many violations per rule are listed (the count is always whole). */
export const VIOLATION_LIMIT = 50;

export function evaluatePolicy(policy: Policy, subject: PolicySubject): PolicyResult[] {
  return policy.rules.filter((r) => r.kind !== 'max-growth').map((rule) => {
    const violations = violationsOf(rule, subject);
    return { id: rule.id, kind: rule.kind, message: rule.message ?? defaultMessage(rule), pass: violations.length === 0, violations: violations.slice(0, VIOLATION_LIMIT), total: violations.length };
  });
}

/** Whether a policy needs the image's files and findings (the whole model), not only its analysis. */
export function policyNeedsModel(policy: Policy): boolean {
  return policy.rules.some((r) => r.kind === 'forbid-paths' || r.kind === 'fail-on-findings');
}

function violationsOf(rule: PolicyRule, { model, analysis, layerFindings, buildFindings }: PolicySubject): PolicyViolation[] {
  switch (rule.kind) {
    case 'forbid-paths': {
      const patterns = rule.globs.map(globToRegExp);
      const found: PolicyViolation[] = [];
      model.data.layers.forEach((layer, index) => {
        for (const entry of layer.entries) {
          if (patterns.some((p) => p.test(entry.path))) found.push({ message: `${printablePath(entry.path)} ships in layer ${index}.`, layer: index, path: entry.path });
        }
      });
      return found;
    }
    case 'max-image-size':
      return analysis.totalSize > rule.bytes ? [{ message: `The image is ${formatBytes(analysis.totalSize)}, over ${formatBytes(rule.bytes)}.` }] : [];
    case 'max-layer-size':
      return analysis.layers
        .filter((l) => l.size > rule.bytes)
        .map((l) => ({ message: `Layer ${l.index} is ${formatBytes(l.size)}, over ${formatBytes(rule.bytes)}.`, layer: l.index }));
    case 'fail-on-findings': {
      const wanted = new Set(rule.findings);
      const found: PolicyViolation[] = [];
      for (const finding of buildFindings.filter((f) => wanted.has(f.id))) {
        for (const e of finding.evidence) found.push({ message: `${finding.ruleId} ${finding.id}: ${printablePath(e.path)}.`, ...(e.step !== undefined ? { step: e.step } : {}) });
      }
      layerFindings.forEach((findings, layer) => {
        for (const finding of findings.filter((f) => wanted.has(f.id) && !isBuildSecret(f))) {
          const named = finding.evidence.slice(0, 5).map((e) => printablePath(e.path));
          const rest = finding.total.paths - named.length;
          found.push({ message: `${finding.ruleId} ${finding.id} in layer ${layer}: ${named.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}.`, layer, path: finding.evidence[0]?.path });
        }
      });
      return found;
    }
    case 'max-growth':
      return [];
  }
}

/** The build-metadata secrets of a layer's own step are among `buildFindings` already. */
function isBuildSecret(finding: Finding): boolean {
  return finding.id === 'secret' && (finding.matchedBy === 'config' || finding.matchedBy === 'history');
}

function defaultMessage(rule: PolicyRule): string {
  switch (rule.kind) {
    case 'forbid-paths':
      return `No path matching ${rule.globs.join(', ')} may ship.`;
    case 'max-image-size':
      return `The image may be at most ${formatBytes(rule.bytes)}.`;
    case 'max-layer-size':
      return `No layer may be over ${formatBytes(rule.bytes)}.`;
    case 'fail-on-findings':
      return `No ${rule.findings.length > 1 ? `${rule.findings.slice(0, -1).join(', ')} or ${rule.findings.at(-1)}` : rule.findings[0]} finding may ship.`;
    case 'max-growth':
      return 'bytes' in rule.growth ? `The image may grow by at most ${formatBytes(rule.growth.bytes)}.` : `The image may grow by at most ${Math.round(rule.growth.ratio * 1000) / 10}%.`;
  }
}
