// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) from plain results, for code
// scanning. One writer for every command that gates a pipeline (lint, analyze --ci, compare --ci): each
// turns what it found into CheckResults, locates them in a Dockerfile or in an image, and calls sarifLog.
// Pure data: the caller prints JSON.stringify of the log.

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export interface CheckRule {
  id: string;
  /** A few words (tool.driver.rules[].shortDescription). */
  title: string;
  /** Why it matters and what to do (fullDescription). */
  explanation?: string;
  /** The rule's documentation page, where one exists (hadolint's wiki for DL rules). */
  helpUri?: string;
}

/** Where a result is: a line of a file (a Dockerfile), or a layer of an image with no file to point at. */
export type CheckLocation =
  | {
      kind: 'file';
      /** As the user named it; relative paths stay relative (code scanning resolves them from the repository root). */
      path: string;
      /** 1-based. */
      line: number;
      /** 1-based, optional. */
      column?: number;
      endLine?: number;
      /** 1-based, exclusive (the column after the last character), as SARIF counts. */
      endColumn?: number;
    }
  | {
      kind: 'image';
      /** The image reference as the user gave it: the artifact. */
      reference: string;
      layer?: number;
      /** A path inside the image. */
      path?: string;
    };

export interface CheckResult {
  ruleId: string;
  level: SarifLevel;
  /** Plain text, one or two sentences; never a secret value. */
  message: string;
  location: CheckLocation;
  /** Extra facts for machines (layer, paths, limit, actual…). */
  properties?: Record<string, unknown>;
}

export interface SarifTool {
  name: string;
  version: string;
  informationUri?: string;
}

/** The SARIF object; only the members we write are typed. */
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: [SarifRun];
}

interface SarifRun {
  tool: { driver: Record<string, unknown> & { rules: Record<string, unknown>[] } };
  results: Record<string, unknown>[];
  columnKind: 'utf16CodeUnits';
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * One run of `tool` with `rules` in tool.driver.rules (the rules checked, in the order given) and `results`.
 * A result whose rule is not among `rules` still gets a rule entry (its id as its title), so every ruleIndex holds.
 */
export function sarifLog(tool: SarifTool, rules: readonly CheckRule[], results: readonly CheckResult[]): SarifLog {
  const ordered: CheckRule[] = [];
  const indexOf = new Map<string, number>();
  const add = (rule: CheckRule) => {
    if (indexOf.has(rule.id)) return;
    indexOf.set(rule.id, ordered.length);
    ordered.push(rule);
  };
  rules.forEach(add);
  for (const result of results) add({ id: result.ruleId, title: result.ruleId });
  const driver: SarifRun['tool']['driver'] = { name: tool.name, version: tool.version, semanticVersion: tool.version, rules: ordered.map(sarifRule) };
  if (tool.informationUri) driver.informationUri = tool.informationUri;
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{ tool: { driver }, results: results.map((r) => sarifResult(r, indexOf.get(r.ruleId)!)), columnKind: 'utf16CodeUnits' }],
  };
}

function sarifRule(rule: CheckRule): Record<string, unknown> {
  const entry: Record<string, unknown> = { id: rule.id, shortDescription: { text: sentence(rule.title) } };
  if (rule.explanation) entry.fullDescription = { text: sentence(rule.explanation) };
  if (rule.helpUri) entry.helpUri = rule.helpUri;
  return entry;
}

function sarifResult(result: CheckResult, ruleIndex: number): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    ruleId: result.ruleId,
    ruleIndex,
    level: result.level,
    message: { text: sentence(result.message) },
    locations: [sarifLocation(result.location)],
  };
  const properties = { ...(result.location.kind === 'image' ? imageProperties(result.location) : {}), ...result.properties };
  if (Object.keys(properties).length) entry.properties = properties;
  return entry;
}

function sarifLocation(location: CheckLocation): Record<string, unknown> {
  if (location.kind === 'file') {
    const region: Record<string, number> = { startLine: Math.max(1, location.line) };
    if (location.column !== undefined) region.startColumn = Math.max(1, location.column);
    if (location.endLine !== undefined && location.endLine >= region.startLine) region.endLine = location.endLine;
    const sameLine = (region.endLine ?? region.startLine) === region.startLine;
    if (location.endColumn !== undefined && region.startColumn !== undefined && (!sameLine || location.endColumn > region.startColumn)) region.endColumn = location.endColumn;
    return { physicalLocation: { artifactLocation: { uri: fileUri(location.path) }, region } };
  }
  const logical: Record<string, unknown> = { kind: 'module', fullyQualifiedName: imageLocationName(location) };
  return { physicalLocation: { artifactLocation: { uri: referenceUri(location.reference) } }, logicalLocations: [logical] };
}

function imageProperties(location: Extract<CheckLocation, { kind: 'image' }>): Record<string, unknown> {
  const properties: Record<string, unknown> = { image: location.reference };
  if (location.layer !== undefined) properties.layer = location.layer;
  if (location.path !== undefined) properties.path = location.path;
  return properties;
}

/** "image", "image layer 3", "image layer 3 /etc/x": how a reader finds the spot without a file. */
function imageLocationName(location: Extract<CheckLocation, { kind: 'image' }>): string {
  const layer = location.layer === undefined ? '' : ` layer ${location.layer}`;
  const path = location.path === undefined ? '' : ` ${location.path}`;
  return `${location.reference}${layer}${path}`;
}

/** A relative or absolute file path as a URI reference: forward slashes, each segment percent-encoded. */
export function fileUri(path: string): string {
  const forward = path.replace(/\\/g, '/');
  if (/^[A-Za-z]:\//.test(forward)) return `file:///${encodeSegments(forward)}`;
  if (forward.startsWith('/')) return `file://${encodeSegments(forward)}`;
  return encodeSegments(forward.replace(/^\.\//, ''));
}

/**
 * An image reference ("alpine:3.19", "registry://host:5000/app@sha256:…") as a relative URI reference: a
 * colon would otherwise read as a scheme, so each segment is percent-encoded.
 */
export function referenceUri(reference: string): string {
  return encodeSegments(reference);
}

function encodeSegments(path: string): string {
  return path
    .split('/')
    .map((segment, i) => (i === 0 && /^[A-Za-z]:$/.test(segment) ? segment : encodeURIComponent(segment)))
    .join('/');
}

/** SARIF messages and descriptions are plain text; a full stop at the end reads better in code scanning. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?)]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
