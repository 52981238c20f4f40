// Rules that need the image the Dockerfile was built into: each finding is about a layer the image really
// has, put on the Dockerfile line that the match (match.ts) says produced it. Lines marked "changed" get none:
// their numbers would belong to another text. Besides LL2001 (below), every "Explain This Layer" finding of a
// matched layer that is a warning or a security risk becomes one, under its LL id (explain/findingRules.ts).
import type { ImageAnalysis } from '../analysis/analysis';
import type { Finding as ExplainFinding, FindingId } from '../explain/explanation';
import { FINDING_RULES } from '../explain/findingRules';
import { COUNTS_PACKAGES } from '../explain/findings/packageFindings';
import { formatBytes, printablePath } from '../format';
import type { DockerfileMatch } from './match';
import { stageChain, type DockerfileInstruction, type ParsedDockerfile } from './parse';
import { sortFindings } from './rules/index';
import type { Finding, Severity } from './rules/types';
import { names, permissionCommands, setidBits, type PermissionCommand } from './permissionCommands';
import { walkChain } from './stageWalk';
import type { TextRange } from './textEdits';

export interface ImageRule {
  id: string;
  severity: Severity;
  title: string;
  explanation: string;
}

export const deletesShippedBytes: ImageRule = {
  id: 'LL2001',
  severity: 'warning',
  title: 'Deletes bytes that earlier layers still ship',
  explanation:
    'Files deleted by a later step are only hidden: the layers that added them still carry every byte, and so does the image. ' +
    'Delete them in the step that creates them, or do not create (or copy) them at all.',
};

/**
 * Left out of the diagnostics: `undone-later`, because LL2001 already says it on the line that does the
 * deleting, where it can be fixed; and the information-only findings (an archive, a large file).
 */
const NOT_DIAGNOSTICS = new Set<FindingId>(['undone-later', 'archive', 'large-file']);
/** Findings about exposure, not bytes: their message names files, never a size. */
const SECURITY = new Set<FindingId>(['secret', 'setuid', 'world-writable']);

const EXPLAINED_RULES: ImageRule[] = (Object.entries(FINDING_RULES) as [FindingId, (typeof FINDING_RULES)[FindingId]][])
  .filter(([id]) => !NOT_DIAGNOSTICS.has(id))
  .map(([, rule]) => ({
    id: rule.ruleId,
    severity: 'warning',
    title: rule.title,
    explanation: `${rule.title}: "Explain This Layer" on the layer shows the evidence and the fix.`,
  }));

export const IMAGE_RULES: readonly ImageRule[] = [deletesShippedBytes, ...EXPLAINED_RULES];

export interface ImageFindingOptions {
  /** Each layer's "Explain This Layer" findings (none without). */
  explained?: (layerIndex: number) => readonly ExplainFinding[];
}

/** Image-backed findings on the matched lines of `dockerfile`, sorted by position. */
export function imageFindings(dockerfile: ParsedDockerfile, match: DockerfileMatch, analysis: ImageAnalysis, options: ImageFindingOptions = {}): Finding[] {
  const deleted = deletedBytesByLayer(analysis);
  const workdirs = new Map(walkChain(dockerfile, stageChain(dockerfile, match.stage)).map((w) => [w.instruction, w.state.workdir]));
  const findings: Finding[] = [];
  for (const line of match.instructions) {
    if (line.status !== 'matched' || line.layerIndex === undefined) continue;
    const range = firstLineRange(dockerfile, line.instruction.range);
    const gone = deleted.get(line.layerIndex);
    if (gone) {
      const example = shortened(printablePath(gone.biggest));
      const files = gone.files === 1 ? `${example}` : `${gone.files} files, the biggest ${example}`;
      const origin = addedBy(match, gone.biggestLayer);
      findings.push({
        ruleId: deletesShippedBytes.id,
        severity: deletesShippedBytes.severity,
        message: `This ${line.instruction.keyword} deletes ${formatBytes(gone.bytes)} that earlier layers still ship (${files}${origin ? `, added by ${origin}` : ''}).`,
        range,
      });
    }
    for (const f of options.explained?.(line.layerIndex) ?? []) {
      if (f.severity === 'info' || NOT_DIAGNOSTICS.has(f.id)) continue;
      const commands = () => permissionCommands(dockerfile, line.instruction, workdirs.get(line.instruction));
      if (f.id === 'setuid') findings.push(...setidFindings(line.instruction, commands(), f, range));
      else if (f.id === 'metadata-rewrite') findings.push(rewriteFinding(match, commands(), f, range));
      else findings.push({ ruleId: f.ruleId, severity: 'warning', message: explainedMessage(f), range });
    }
  }
  return sortFindings(findings);
}

/** "Explain This Layer"'s sentence as plain text (titles hold Markdown code spans at most), with what backs it. */
function explainedMessage(f: ExplainFinding, evidence = f.evidence.map((e) => e.path), paths = f.total.paths): string {
  const title = f.title.replace(/`([^`]*)`/g, '$1').replace(/\.$/, '');
  if (SECURITY.has(f.id)) return `${title} (${pathList(evidence, paths)}).`;
  const across = paths === 1 ? '' : ` across ${paths.toLocaleString('en-US')} ${COUNTS_PACKAGES.has(f.id) ? 'packages' : 'paths'}`;
  return `${title} (${formatBytes(f.total.bytes)}${across}).`;
}

/**
 * The setuid/setgid finding on the `chmod` that set the bit (one per command, naming its files); files no
 * chmod of the RUN names (a package that installs them, a COPY) keep the finding on the instruction's line.
 */
function setidFindings(instruction: DockerfileInstruction, all: PermissionCommand[], f: ExplainFinding, range: TextRange): Finding[] {
  const commands = all.flatMap((c) => (c.program === 'chmod' ? [{ ...c, ...setidBits(c.setting) }] : [])).filter((c) => c.setuid || c.setgid);
  const placed = new Set<string>();
  const findings: Finding[] = [];
  for (const command of commands) {
    const hits = f.evidence
      .map((e) => e.path)
      .filter((path) => !placed.has(path) && names(command, path));
    if (!hits.length) continue;
    hits.forEach((path) => placed.add(path));
    const bit = command.setuid && command.setgid ? 'setuid and setgid' : command.setuid ? 'setuid' : 'setgid';
    const whose = command.setuid && command.setgid ? 'owner and group' : command.setuid ? 'owner' : 'group';
    const one = hits.length === 1;
    findings.push({
      ruleId: f.ruleId,
      severity: 'warning',
      message: `chmod ${command.setting} makes ${pathList(hits, hits.length)} ${bit}: ${one ? 'it runs' : 'they run'} with the rights of ${one ? 'its' : 'their'} ${whose}.`,
      range: command.range,
    });
  }
  const rest = f.evidence.map((e) => e.path).filter((path) => !placed.has(path));
  const unlisted = f.total.paths - f.evidence.length;
  if (rest.length || unlisted > 0) {
    // A chmod whose operands could not be resolved (variables, an unknown WORKDIR) is still the likeliest place.
    const at = !findings.length && commands.length === 1 ? commands[0].range : range;
    const n = rest.length + unlisted;
    const what = n === 1 ? 'a setuid or setgid program, which runs with the rights of its' : `${n.toLocaleString('en-US')} setuid or setgid programs, which run with the rights of their`;
    findings.push({ ruleId: f.ruleId, severity: 'warning', message: `This ${instruction.keyword} adds ${what} owner or group (${pathList(rest, n)}).`, range: at });
  }
  return findings;
}

/**
 * A copy made only to change owner or mode: on the chmod/chown that names the files (else the instruction's
 * line), with the bytes copied and the line that first added them.
 */
function rewriteFinding(match: DockerfileMatch, commands: PermissionCommand[], f: ExplainFinding, range: TextRange): Finding {
  const paths = f.evidence.map((e) => e.path);
  const command = commands.find((c) => paths.some((path) => names(c, path)));
  const lower = f.evidence[0]?.layer;
  const origin = lower === undefined ? undefined : addedBy(match, lower);
  const title = f.title.replace(/`([^`]*)`/g, '$1').replace(/\.$/, '');
  const message = `${title} (${formatBytes(f.total.bytes)}: ${pathList(paths, f.total.paths)}${origin ? `, added by ${origin}` : ''}).`;
  return { ruleId: f.ruleId, severity: 'warning', message, range: command?.range ?? range };
}

/** "/a", "/a and /b", "/a and 3 more". */
function pathList(paths: string[], total: number): string {
  const first = shortened(printablePath(paths[0] ?? ''));
  if (total <= 1) return first;
  if (total === 2 && paths.length === 2) return `${first} and ${shortened(printablePath(paths[1]))}`;
  return `${first} and ${(total - 1).toLocaleString('en-US')} more`;
}

/** "the RUN on line 12" for a layer a matched line made, "the base image" for one below the stage's own. */
function addedBy(match: DockerfileMatch, layer: number): string | undefined {
  for (const line of match.instructions) {
    if (line.status === 'matched' && line.layerIndex === layer) return `the ${line.instruction.keyword} on line ${line.instruction.range.startLine + 1}`;
  }
  const firstOwn = match.instructions.find((l) => l.status === 'matched' && l.layerIndex !== undefined);
  if (firstOwn?.status === 'matched' && firstOwn.layerIndex! > layer) return 'the base image';
  return undefined;
}

interface Deletion {
  bytes: number;
  files: number;
  biggest: string;
  /** The layer that ships the biggest one. */
  biggestLayer: number;
}

/**
 * Bytes of lower layers each layer deletes (its whiteouts, a deleted directory counting everything below it):
 * the analysis' wasted files with reason "deleted", by the deleting layer.
 */
export function deletedBytesByLayer(analysis: ImageAnalysis): Map<number, Deletion> {
  const byLayer = new Map<number, Deletion>();
  // wastedFiles come biggest first, so the first one seen per layer is its biggest.
  for (const w of analysis.wastedFiles) {
    if (w.reason !== 'deleted') continue;
    const d = byLayer.get(w.by);
    if (d) {
      d.bytes += w.size;
      d.files++;
    } else byLayer.set(w.by, { bytes: w.size, files: 1, biggest: w.path, biggestLayer: w.layer });
  }
  return byLayer;
}

/** The instruction's first line, from the keyword to the line's end (where an editor underlines it). */
function firstLineRange(dockerfile: ParsedDockerfile, range: TextRange): TextRange {
  const end = range.startLine === range.endLine ? range.endCharacter : dockerfile.lines[range.startLine].length;
  return { startLine: range.startLine, startCharacter: range.startCharacter, endLine: range.startLine, endCharacter: end };
}

/** A long path as its start and its end, so a finding stays one readable line. */
function shortened(path: string, limit = 80): string {
  return path.length <= limit ? path : `${path.slice(0, 30)}…${path.slice(path.length - (limit - 31))}`;
}
