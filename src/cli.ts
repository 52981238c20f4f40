#!/usr/bin/env -S node --max-semi-space-size=4
// `layerlens`: the command line over the same engine as the extension.
// The launcher line caps V8's young generation: indexing makes many short-lived objects, and the default
// (semi-spaces of up to 16 MB) holds ~30 MB more peak RSS for no gain in speed.
// Exit codes: 0 done (or the reader of the output went away), 1 a --ci rule or a lint warning failed, 2 bad input
// or an engine/archive error (one line on stderr), 130 cancelled.
import { LayerlensError, messageOf } from './core/errors';
import { formatBytes } from './core/format';
import { imageDisplayName } from './core/catalog/imageName';
import { IndexCache, defaultCacheDirectory } from './core/index/indexCache';
import { analyzeReport, diffChangeReport, layersReport, treeEntryReport } from './core/reports/imageReports';
import { writeJsonWithList } from './cli/streamedJson';
import { renderAnalysis, renderDiff, renderLayers, renderTree } from './cli/humanOutput';
import { analyzeCiCommand } from './cli/analyzeCi';
import { parseCommandLine } from './cli/commandLine';
import { compareCommand } from './cli/compareCommand';
import { explainCommand } from './cli/explainCommand';
import { packagesCommand } from './cli/packagesCommand';
import { lintCommand } from './cli/lintCommand';
import { outputFormat } from './cli/outputFormat';
import { stopQuietlyWhenOutputCloses } from './cli/quietPipe';
import { stageTimings } from './cli/stageTimings';
import { USAGE, VERSION } from './cli/usage';
import { resolveEndpoint } from './docker/connection';
import { DockerEngine } from './docker/engine';
import { parseIdleSeconds } from './docker/idleBound';
import { isPathReference, loadAnalysis, loadImage, type LoadOptions } from './docker/imageLoader';
import { InsecureRegistries } from './registry/insecureRegistries';
import { parsePlatform } from './registry/platform';

stopQuietlyWhenOutputCloses();
const timings = stageTimings();

// docker-modem builds an "ssh:host:port…" URL for ssh:// hosts that Node flags as DEP0170, once per request;
// the request itself goes through the ssh agent and works. Keep that one warning off the user's terminal.
process.removeAllListeners('warning');
process.on('warning', (warning: Error & { code?: string }) => {
  if (warning.code !== 'DEP0170') process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

async function main(argv: string[]): Promise<number> {
  const commandLine = parseCommandLine(argv);
  if (commandLine.kind === 'help' || commandLine.kind === 'version') {
    process.stdout.write(commandLine.kind === 'help' ? USAGE : `${VERSION}\n`);
    return 0;
  }
  if (commandLine.kind === 'usage') {
    process.stderr.write(USAGE);
    return 2;
  }
  const { command, ref, flags: values } = commandLine;

  const idleSeconds = values['engine-idle-timeout'] === undefined ? undefined : parseIdleSeconds(values['engine-idle-timeout']);
  if (values['engine-idle-timeout'] !== undefined && idleSeconds === undefined) throw new LayerlensError('--engine-idle-timeout must be a number of seconds above 0.');
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const progress = process.stderr.isTTY ? new TerminalProgress() : undefined;
  const options: LoadOptions = {
    // The engine gets the Ctrl-C too: a request to an engine that never answers ends at once.
    engine: () => new DockerEngine(resolveEndpoint({ explicitHost: values.host, explicitSource: '--host' }), { idleSeconds, signal: abort.signal }),
    cache: new IndexCache(defaultCacheDirectory()),
    noCache: values['no-cache'],
    platform: values.platform === undefined ? undefined : parsePlatform(values.platform),
    insecureRegistries: new InsecureRegistries(values['insecure-registry'] ?? [], '--insecure-registry'),
    signal: abort.signal,
    ...timings.hooks(progress?.update),
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    onRegistryFallback: (notice) => {
      progress?.clear();
      process.stderr.write(`${notice}\n`);
    },
  };
  // Resolves at once, or when a slow reader of a pipe has caught up (then the output is not all buffered here).
  const writeOut = (text: string) => (process.stdout.write(text) ? undefined : new Promise<void>((resolve) => process.stdout.once('drain', resolve)));
  const out = (text: string) => void process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  const json = (value: unknown) => out(JSON.stringify(value, null, 2));

  if (command === 'compare') {
    const io = { onLoaded: () => progress?.clear(), write: writeOut, warn: (message: string) => void process.stderr.write(`warning: ${message}\n`) };
    return compareCommand(ref, commandLine.otherRef!, values, options, io);
  }
  if (command === 'lint') return lintCommand(ref, values, options, () => progress?.clear());
  if (command === 'explain') {
    out(await explainCommand(ref, values, options, () => progress?.clear()));
    return 0;
  }
  if (command === 'packages') {
    out(await packagesCommand(ref, values, options, () => progress?.clear()));
    return 0;
  }
  if (command === 'analyze' && values.ci) {
    const top = values.top === undefined ? 10 : positiveInteger(values.top, '--top');
    return analyzeCiCommand(ref, values, options, { top, onLoaded: () => progress?.clear(), write: out, note: (line) => void process.stderr.write(`${line}\n`) });
  }
  if (command === 'layers' || command === 'analyze') {
    const format = command === 'analyze' ? outputFormat(values) : values.json ? 'json' : 'text';
    if (format === 'sarif') throw new LayerlensError('--format sarif reports rules: add --ci (layerlens analyze <ref> --ci --format sarif).', 'bad-input');
    if (values.dockerfile !== undefined) throw new LayerlensError('--dockerfile places the findings of analyze --ci --format sarif; add --ci --format sarif.', 'bad-input');
    const { overview, analysis } = await loadAnalysis(ref, options).finally(() => progress?.clear());
    const name = imageDisplayName(overview.data.id, overview.data.repoTags, isPathReference(ref) ? undefined : ref);
    if (command === 'layers') {
      format === 'json' ? json(layersReport(overview, analysis)) : out(renderLayers(overview, analysis, true, name));
      return 0;
    }
    const top = values.top === undefined ? 10 : positiveInteger(values.top, '--top');
    format === 'json' ? json(analyzeReport(overview, analysis, undefined)) : out(renderAnalysis(overview, analysis, undefined, top, name));
    return 0;
  }

  const model = (await loadImage(ref, options).finally(() => progress?.clear())).model;
  switch (command) {
    case 'tree': {
      const layer = values.layer === undefined ? model.topLayer : layerNumber(values.layer, '--layer', model.topLayer);
      const entries = model.mergedViewAt(layer);
      if (values.json) await writeJsonWithList({ layer }, 'entries', entries, treeEntryReport, writeOut);
      else out(renderTree(entries, layer));
      return 0;
    }
    case 'diff': {
      if (values.from === undefined || values.to === undefined) throw new LayerlensError('layerlens diff needs --from A and --to B (layer numbers).');
      const from = layerNumber(values.from, '--from', model.topLayer, true);
      const to = layerNumber(values.to, '--to', model.topLayer);
      const changes = model.diff(from, to);
      if (values.json) await writeJsonWithList({ from, to }, 'changes', changes, diffChangeReport, writeOut);
      else out(renderDiff(changes, from, to));
      return 0;
    }
  }
  return 2;
}

function layerNumber(text: string, flag: string, top: number, allowMinusOne = false): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (allowMinusOne ? -1 : 0) || n > top) {
    throw new LayerlensError(`${flag} must be a layer number from ${allowMinusOne ? -1 : 0} to ${top}.`);
  }
  return n;
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new LayerlensError(`${flag} must be a whole number.`);
  return n;
}

class TerminalProgress {
  private last = 0;
  update = (done: number, expected: number): void => {
    const now = Date.now();
    if (now - this.last < 200) return;
    this.last = now;
    const of = expected > 0 ? ` of ~${formatBytes(expected)}` : '';
    process.stderr.write(`\rReading image: ${formatBytes(done)}${of}   `);
  };
  clear(): void {
    if (this.last) process.stderr.write('\r\x1b[K');
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    timings.report();
    process.exitCode = code;
  },
  (error: unknown) => {
    const cancelled = error instanceof LayerlensError && error.kind === 'cancelled';
    const message = error instanceof LayerlensError || error instanceof RangeError ? error.message : `Unexpected error: ${messageOf(error)}`;
    process.stderr.write(`layerlens: ${message}\n`);
    if (process.env.LAYERLENS_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = cancelled ? 130 : 2;
  },
);
