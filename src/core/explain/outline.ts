// The words of an explanation, once, as a list of blocks that each front end renders its own way (Markdown
// for the extension, plain text for a terminal). Values that come from the image — paths, names, commands —
// stay apart from our own text, so every renderer can escape them and link the paths.
import { formatAge, formatBytes, formatPercent } from '../format';
import type { Builder } from '../model/types';
import type {
  ContainerLayerExplanation,
  Evidence,
  Explanation,
  Finding,
  LayerExplanation,
  LayerPackages,
  LayerShare,
  Severity,
  StepExplanation,
  StepSummary,
} from './explanation';
import { COUNTS_PACKAGES } from './findings/packageFindings';
import { byCount, count as countOf, plural } from './wording';

/** Our own text (may hold Markdown code spans), a value from the image shown literally, or a path in a layer (a renderer may link it). */
export type Inline = string | { literal: string } | { path: string; layer: number };

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; inlines: Inline[] }
  | { kind: 'paragraph'; inlines: Inline[] }
  | { kind: 'list'; items: Inline[][] }
  /** Lines from the image (commands, an instruction), shown verbatim. */
  | { kind: 'code'; language: string; lines: string[] };

export function outlineExplanation(explanation: Explanation): Block[] {
  switch (explanation.kind) {
    case 'layer':
      return outlineLayer(explanation);
    case 'step':
      return outlineStep(explanation);
    case 'container':
      return outlineContainer(explanation);
  }
}

const BUILDERS: Record<Builder, string | undefined> = { legacy: 'the legacy builder', buildkit: 'BuildKit', unknown: undefined };
const SEVERITIES: Record<Severity, string> = { security: 'Security', warning: 'Warning', info: 'Info' };

function outlineLayer(e: LayerExplanation): Block[] {
  const blocks: Block[] = [heading(1, `Layer ${e.layer} of `, { literal: e.image.name })];
  blocks.push(...outlineOrigin(e));
  const c = e.cost;
  blocks.push(heading(2, 'What it costs'));
  blocks.push(
    list([
      [`Size: ${formatBytes(c.size)}, ${formatPercent(c.shareOfImage)} of the image (${formatBytes(c.imageSize)}).`],
      [`Paths: ${count(c.added, 'added')}, ${count(c.modified, 'modified')}${c.metadataOnly ? ` (${count(c.metadataOnly, 'metadata only')})` : ''}, ${count(c.deleted, 'deleted')}.`],
    ]),
  );
  if (c.topDirectories.length > 0) {
    blocks.push(paragraph('Where its bytes are:'));
    blocks.push(list(c.topDirectories.map((d) => [{ path: d.path, layer: e.layer }, ` — ${formatBytes(d.bytes)} in ${plural(d.files, 'file')}`])));
  }
  blocks.push(...outlinePackages(e));
  blocks.push(heading(2, 'Its place in the stack'), list(stackItems(e)));
  blocks.push(heading(2, e.findings.length ? `Findings (${e.findings.length})` : 'Findings'));
  if (e.findings.length === 0) blocks.push(paragraph('None: nothing in this layer looks like a leftover, a secret or a risky permission.'));
  for (const finding of e.findings) blocks.push(...outlineFinding(finding, e.layer));
  return blocks;
}

/** How many packages a sentence names before "and N more". */
const BIGGEST_PACKAGES = 5;
const NAMED_PACKAGES = 10;

/** What the layer did to the package databases, per manager; nothing when it changed none and no package owns a byte. */
function outlinePackages(e: LayerExplanation): Block[] {
  const p = e.packages;
  if (!p) return [];
  const items: Inline[][] = [];
  const doer = e.step?.keyword ? `This ${e.step.keyword}` : 'This layer';
  for (const m of p.managers) {
    const what = (n: number) => plural(n, `${m.manager} package`);
    if (m.installed.length) {
      const biggest = m.installed.slice(0, BIGGEST_PACKAGES).filter((i) => i.bytes > 0);
      const named = biggest.flatMap((i, n) => [...(n ? [', '] : []), { literal: i.name }, ` (${formatBytes(i.bytes)})`]);
      // "the biggest" only when the list is cut: a complete list is just the packages, biggest first.
      const cut = m.installed.length > biggest.length;
      const lead = cut ? '; the biggest: ' : ': ';
      items.push([`${doer} installed ${what(m.installed.length)} (${formatBytes(m.installedBytes)})`, ...(biggest.length ? [lead, ...named, cut ? `, and ${countOf(m.installed.length - biggest.length)} more` : ''] : []), '.']);
    }
    for (const [verb, changes] of [['upgraded', m.upgraded], ['downgraded', m.downgraded]] as const) {
      if (!changes.length) continue;
      const named = changes.slice(0, NAMED_PACKAGES).flatMap((c, n) => [...(n ? [', '] : []), { literal: c.name }, ' ', { literal: c.from }, ' → ', { literal: c.to }]);
      items.push([`It ${verb} ${what(changes.length)}: `, ...named, more(changes.length), '.']);
    }
    if (m.removed.length) {
      const named = m.removed.slice(0, NAMED_PACKAGES).flatMap((r, n) => [...(n ? [', '] : []), { literal: r.name }, ' ', { literal: r.version }]);
      items.push([`It removed ${what(m.removed.length)}: `, ...named, more(m.removed.length), '.']);
    }
  }
  if (p.unowned.bytes > 0) {
    const where = p.unowned.topDirectories.flatMap((d, n) => [...(n ? [', '] : []), { path: d.path, layer: e.layer }, ` (${formatBytes(d.bytes)})`]);
    items.push([`It adds ${formatBytes(p.unowned.bytes)} that no package owns${where.length ? ', most of it in ' : ''}`, ...where, '.']);
  }
  for (const problem of p.problems) items.push(['Not read: ', { literal: problem }]);
  return items.length ? [heading(2, 'Packages'), list(items)] : [];
}

/** ", and 3 more" after a list cut at NAMED_PACKAGES. */
function more(total: number): string {
  return total > NAMED_PACKAGES ? `, and ${countOf(total - NAMED_PACKAGES)} more` : '';
}

function outlineOrigin(e: LayerExplanation): Block[] {
  const step = e.step;
  switch (e.origin) {
    case 'commit':
      return [
        paragraph('Made by `docker commit`: what the container changed while it ran the command below became this layer.'),
        ...commandBlocks(step!),
        list(stepFacts(step!)),
      ];
    case 'import':
      return [paragraph('Made by `docker import` (or a similar tool), which records no build instruction.'), list(stepFacts(step!))];
    case 'unknown':
      return [paragraph("The image's history does not say which step made this layer.")];
    case 'dockerfile':
      return [paragraph(`Made by step ${step!.index} of the build history.`), ...commandBlocks(step!), list(stepFacts(step!))];
  }
}

function commandBlocks(step: StepSummary): Block[] {
  if (step.keyword !== 'RUN' && step.keyword !== null) return [{ kind: 'code', language: 'dockerfile', lines: step.instruction.split('\n') }];
  if (step.commands.length <= 1) return [{ kind: 'code', language: 'sh', lines: step.commands.flatMap((c) => c.split('\n')) }];
  return [paragraph(`It ran ${step.commands.length} commands (split at \`&&\` and \`;\`):`), { kind: 'code', language: 'sh', lines: step.commands.flatMap((c) => c.split('\n')) }];
}

function stepFacts(step: StepSummary): Inline[][] {
  const facts: Inline[][] = [];
  const builder = BUILDERS[step.builder];
  if (builder && step.keyword) facts.push([`Built by ${builder}.`]);
  if (step.created) {
    // As people read a date ("2 hours ago"), with the exact time beside it (the engine's nanoseconds dropped).
    const when = Date.parse(step.created);
    facts.push(Number.isFinite(when) ? [`Created ${formatAge(when)} (`, { literal: new Date(when).toISOString() }, ').'] : ['Created ', { literal: step.created }, '.']);
  }
  if (step.comment && !/^buildkit\./.test(step.comment)) facts.push(['Comment: ', { literal: step.comment }, '.']);
  if (step.dockerfile) facts.push(['Dockerfile: ', { literal: `${step.dockerfile.file}:${step.dockerfile.line}` }, '.']);
  return facts;
}

function stackItems(e: LayerExplanation): Inline[][] {
  const { copiedUp, deleted, undoneLater } = e.stack;
  const items: Inline[][] = [];
  if (copiedUp.paths > 0) {
    items.push([
      `It rewrites ${plural(copiedUp.paths, 'path')} of ${byCount(copiedUp.fromLayers.length, 'a lower layer', 'lower layers')} (${layerList(copiedUp.fromLayers)}): ${byCount(copiedUp.paths, 'the old version', 'the old versions')}, ${formatBytes(copiedUp.bytes)}, still ${byCount(copiedUp.paths, 'ships', 'ship')} there, hidden.`,
    ]);
  }
  if (copiedUp.sameContentBytes > 0) {
    items.push([`${formatBytes(copiedUp.sameContentBytes)} of ${byCount(copiedUp.paths, 'its copy has', 'its copies have')} the very same content as below: only owner or mode changed.`]);
  }
  if (deleted.paths > 0 && deleted.bytesStillShipped === 0) items.push([`It deletes ${plural(deleted.paths, 'path')}, which held no bytes.`]);
  const them = (n: number) => byCount(n, 'its', 'their');
  if (deleted.bytesStillShipped > 0) {
    items.push([
      `It deletes ${plural(deleted.paths, 'path')}; ${them(deleted.paths)} ${formatBytes(deleted.bytesStillShipped)} still ship in ${layerList(deleted.fromLayers.filter((s) => s.bytes > 0))}, because a deletion in a later layer never makes an image smaller.`,
    ]);
  }
  if (undoneLater.paths > 0) {
    // A secret deleted later is exposed, not wasted: it is told apart from the bytes that ship for nothing.
    const secretEvidence = e.findings.filter((f) => f.id === 'secret').flatMap((f) => f.evidence.filter((ev) => ev.layer !== undefined));
    const secrets = Math.min(secretEvidence.length, undoneLater.paths);
    const who = `${byCount(undoneLater.byLayers.length, 'A later layer deletes or overwrites', 'Later layers delete or overwrite')} ${plural(undoneLater.paths, 'file')} of this layer (${layerList(undoneLater.byLayers)})`;
    const exposed = `${byCount(secrets, 'stays', 'stay')} readable in this layer for anyone who pulls the image (see the security findings)`;
    if (secrets === 0) items.push([`${who}: ${them(undoneLater.paths)} ${formatBytes(undoneLater.bytes)} ship for nothing.`]);
    else if (secrets === undoneLater.paths) items.push([`${who}, ${byCount(secrets, 'a secret, which', 'all of them secrets, which')} ${exposed}.`]);
    else {
      const others = undoneLater.paths - secrets;
      const otherBytes = undoneLater.bytes - secretEvidence.reduce((sum, ev) => sum + ev.bytes, 0);
      items.push([
        `${who}: ${byCount(secrets, 'one of them is a secret, which', `${countOf(secrets)} of them are secrets, which`)} ${exposed}; the ${byCount(others, 'other file\'s', `other ${countOf(others)} files'`)} ${formatBytes(otherBytes)} ship for nothing.`,
      ]);
    }
  } else {
    items.push(['No later layer deletes or overwrites its files: none of its bytes are wasted.']);
  }
  if (e.sharedWith.length > 0) {
    items.push([
      `${plural(e.sharedWith.length, 'other local image')} ${byCount(e.sharedWith.length, 'uses', 'use')} this very layer (`,
      ...joinLiterals(e.sharedWith),
      '): it is stored once on disk and pushed once to a registry.',
    ]);
  }
  return items;
}

function outlineFinding(f: Finding, layer: number): Block[] {
  const blocks: Block[] = [heading(3, `${SEVERITIES[f.severity]} (${f.ruleId}): ${f.title}`)];
  if (f.matchedBy === 'content') blocks.push(paragraph("Matched by a pattern in the file's content; the secret itself is not shown."));
  if (f.matchedBy === 'name') blocks.push(paragraph("Matched by the file's name."));
  if (f.matchedBy === 'config' || f.matchedBy === 'history') blocks.push(paragraph('Matched by its name or by the form of its value; the value is masked everywhere Layerlens shows it.'));
  const items = f.evidence.map((ev) => evidenceItem(f, ev, layer));
  const more = f.total.paths - f.evidence.length;
  const noun = COUNTS_PACKAGES.has(f.id) ? 'more package' : 'more path';
  if (more > 0) items.push([`… and ${plural(more, noun)} (${formatBytes(f.total.bytes - f.evidence.reduce((s, ev) => s + ev.bytes, 0))}).`]);
  blocks.push(list(items), paragraph(`Fix: ${f.fix}`));
  return blocks;
}

function evidenceItem(f: Finding, ev: Evidence, layer: number): Inline[] {
  // A setting of the build metadata ("ENV GITHUB_TOKEN"), not a path: no link, no size.
  if (f.matchedBy === 'config' || f.matchedBy === 'history') return [{ literal: ev.path }];
  if (ev.package) return packageEvidenceItem(f, ev, ev.package, layer);
  const item: Inline[] = [{ path: ev.path, layer }, ` — ${formatBytes(ev.bytes)}`];
  if (ev.layer !== undefined && f.id === 'undone-later') item.push(`, deleted or replaced in layer ${ev.layer}`);
  if (ev.layer !== undefined && f.id === 'metadata-rewrite') item.push(`, copied from layer ${ev.layer}`);
  if (ev.layer !== undefined && f.id === 'secret') item.push(`, deleted or replaced in layer ${ev.layer} but still readable in this one`);
  return item;
}

/** A package, its version and manager first; then its biggest file, or the documentation directory it filled. */
function packageEvidenceItem(f: Finding, ev: Evidence, pkg: NonNullable<Evidence['package']>, layer: number): Inline[] {
  const name: Inline[] = [{ literal: pkg.name }, ' ', { literal: pkg.version }, ` (${pkg.manager})`];
  if (f.id === 'package-docs-deleted') return [{ path: ev.path, layer }, ` — ${formatBytes(ev.bytes)} of `, ...name, ev.layer !== undefined ? `, deleted in layer ${ev.layer}` : ''];
  const item: Inline[] = [...name, ` — ${formatBytes(ev.bytes)}`];
  if (ev.layer !== undefined) item.push(`, removed in layer ${ev.layer}`);
  item.push(', the biggest file ', { path: ev.path, layer });
  return item;
}

function outlineStep(e: StepExplanation): Block[] {
  const keyword = e.step.keyword ?? 'This';
  const effect = {
    config: `This ${keyword} step sets \`${e.configField}\` in the image config and adds no bytes: it made no layer.`,
    'build-only': 'This ARG step exists only during the build: it sets nothing in the image config and adds no bytes.',
    'no-change': 'This step changed no file, so it made no layer and adds no bytes.',
  }[e.effect];
  const blocks: Block[] = [
    heading(1, `Step ${e.step.index} of `, { literal: e.image.name }),
    { kind: 'code', language: 'dockerfile', lines: e.step.instruction.split('\n') },
    paragraph(effect),
    list(stepFacts(e.step)),
  ];
  // Only secrets are found in a step without a layer; a step with none says nothing more.
  if (e.findings.length) blocks.push(heading(2, `Findings (${e.findings.length})`));
  for (const finding of e.findings) blocks.push(...outlineFinding(finding, -1));
  return blocks;
}

function outlineContainer(e: ContainerLayerExplanation): Block[] {
  const { added, changed, deleted } = e.counts;
  const blocks: Block[] = [
    heading(1, "The container's read-write layer"),
    paragraph(`\`docker diff\` reports ${count(added, 'added')}, ${count(changed, 'changed')} and ${count(deleted, 'deleted')}.`),
  ];
  if (!e.image) return [...blocks, paragraph("Open the container's image to see which of its layers the changed files come from.")];
  const { copiedUp, deletedFromImage } = e;
  if (copiedUp.paths === 0) blocks.push(paragraph('It changed no image file, so nothing was copied up.'));
  else {
    blocks.push(
      paragraph(
        // `docker diff` cannot tell an edit in place (a copy-up of the image's bytes) from a file replaced
        // whole (`docker cp`): say what holds either way, and name the image's versions it hides.
        `It changed ${plural(copiedUp.paths, 'image file')}: ${byCount(copiedUp.paths, 'it is', 'each is')} now written whole in this layer (overlayfs copies a file up whole on its first write), over the image's ${byCount(copiedUp.paths, 'version', 'versions')} of ${formatBytes(copiedUp.bytes)} (${layerList(copiedUp.fromLayers)}).`,
      ),
      list(evidenceList(copiedUp.evidence, copiedUp.paths, 'from layer')),
    );
  }
  if (deletedFromImage.paths > 0) {
    blocks.push(
      paragraph(
        `It deletes ${plural(deletedFromImage.paths, 'image path')}; ${byCount(deletedFromImage.paths, 'its', 'their')} ${formatBytes(deletedFromImage.bytes)} ${byCount(deletedFromImage.fromLayers.length, "remain in the image's layer", "remain in the image's layers")} (${layerList(deletedFromImage.fromLayers)}).`,
      ),
      list(evidenceList(deletedFromImage.evidence, deletedFromImage.paths, 'in layer')),
    );
  }
  return blocks;
}

function evidenceList(evidence: Evidence[], total: number, where: string): Inline[][] {
  const items: Inline[][] = evidence.map((ev) => [{ path: ev.path, layer: ev.layer! }, ` — ${formatBytes(ev.bytes)}, ${where} ${ev.layer}`]);
  if (total > evidence.length) items.push([`… and ${plural(total - evidence.length, 'more path')}.`]);
  return items;
}

/**
 * A command line made safe to print: control characters and raw bytes become \xNN as in printablePath, but a
 * backslash stays single, since in a command it is the shell's own escape and doubling it would misquote it.
 */
export function printableCommand(line: string): string {
  return line.replace(/[\x00-\x08\x0a-\x1f\x7f\udc80-\udcff]/g, (c) => '\\x' + (c.charCodeAt(0) & 0xff).toString(16).padStart(2, '0'));
}

function heading(level: 1 | 2 | 3, ...inlines: Inline[]): Block {
  return { kind: 'heading', level, inlines };
}

function paragraph(...inlines: Inline[]): Block {
  return { kind: 'paragraph', inlines };
}

function list(items: Inline[][]): Block {
  return { kind: 'list', items };
}

/** "layer 2: 2.0 MB, layer 5: 1 kB" */
function layerList(shares: LayerShare[]): string {
  return shares.map((s) => `layer ${s.layer}: ${formatBytes(s.bytes)}`).join(', ');
}

function joinLiterals(values: string[]): Inline[] {
  return values.flatMap((v, i) => (i === 0 ? [{ literal: v }] : [', ', { literal: v }]));
}

/** "3 added", with thousands separated. */
function count(n: number, what: string): string {
  return `${countOf(n)} ${what}`;
}
