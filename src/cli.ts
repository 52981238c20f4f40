#!/usr/bin/env -S node --max-semi-space-size=4
// `layerlens`: the command line over the same engine as the extension.
// The launcher line caps V8's young generation: indexing makes many short-lived objects, and the default
// (semi-spaces of up to 16 MB) holds ~30 MB more peak RSS for no gain in speed.
// Exit codes: 0 done, 1 a --ci rule failed, 2 bad input or an engine/archive error (one line on stderr), 130 cancelled.
import { parseArgs } from 'node:util';
import { LayerlensError, messageOf } from './core/errors';
import { formatBytes, parseBytes } from './core/format';
import { IndexCache, defaultCacheDirectory } from './core/indexCache';
import { analyzeReport, diffReport, evaluateCiRules, layersReport, treeReport, type CiLimits } from './core/reports';
import { renderAnalysis, renderDiff, renderLayers, renderTree } from './cli/humanOutput';
import { explainCommand } from './cli/explainCommand';
import { lintCommand } from './cli/lintCommand';
import { resolveEndpoint } from './docker/connection';
import { DockerEngine } from './docker/engine';
import { loadAnalysis, loadImage, type LoadOptions } from './docker/imageLoader';

// docker-modem builds an "ssh:host:port…" URL for ssh:// hosts that Node flags as DEP0170, once per request;
// the request itself goes through the ssh agent and works. Keep that one warning off the user's terminal.
process.removeAllListeners('warning');
process.on('warning', (warning: Error & { code?: string }) => {
  if (warning.code !== 'DEP0170') process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

const USAGE = `Usage: layerlens <command> <ref> [options]

<ref> is an image name or ID on the Docker engine, or a path to a docker save archive (.tar, .tar.gz) or an OCI layout.
(lint takes a Dockerfile instead: layerlens lint <Dockerfile> [--image <ref>] [--target <stage>] [--json].)

Commands:
  layers <ref>                         build steps and layers, with sizes and changes
  tree <ref> [--layer N]               the merged filesystem at layer N (default: the top)
  diff <ref> --from A --to B           changes between the merged views at layers A and B
  analyze <ref>                        layers, efficiency, wasted bytes and the top wasted files
  explain <ref> --layer N | --step N   what one layer or step did, what it costs, findings and fixes
  lint <Dockerfile> [--image <ref>]    Dockerfile rules (and, with --image, the image's own); exit 1 on a warning

Options:
  --json                               machine-readable output (see the README for the contract)
  --host <host>                        Docker host (overrides DOCKER_HOST and the docker context)
  --no-cache                           neither read nor write the layer index cache
  --ci                                 analyze: exit 1 when a rule fails (dive's rules and defaults)
  --lowest-efficiency <ratio>          analyze --ci: minimum efficiency (default 0.9)
  --highest-wasted-bytes <size>        analyze --ci: e.g. 20MB (default: not checked)
  --highest-user-wasted-percent <r>    analyze --ci: maximum ratio (default 0.1)
  --top <n>                            analyze: wasted files to list (default 10)
  --large-file <size>                  explain: report files of this size or more (default 50MB)
  --target <stage>                     lint: the stage built (default: the last)
`;

const OPTIONS = {
  json: { type: 'boolean' },
  host: { type: 'string' },
  'no-cache': { type: 'boolean' },
  layer: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  ci: { type: 'boolean' },
  'lowest-efficiency': { type: 'string' },
  'highest-wasted-bytes': { type: 'string' },
  'highest-user-wasted-percent': { type: 'string' },
  top: { type: 'string' },
  step: { type: 'string' },
  'large-file': { type: 'string' },
  image: { type: 'string' },
  target: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (error) {
    throw new LayerlensError(`${messageOf(error)} (see layerlens --help).`);
  }
  const { values, positionals } = parsed;
  const [command, ref, ...extra] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  if (!['layers', 'tree', 'diff', 'analyze', 'explain', 'lint'].includes(command)) throw new LayerlensError(`Unknown command "${command}" (see layerlens --help).`);
  if (!ref) throw new LayerlensError(`layerlens ${command} needs ${command === 'lint' ? 'a Dockerfile' : 'an image reference or a path'}.`);
  if (extra.length) throw new LayerlensError(`Unexpected argument "${extra[0]}".`);

  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const progress = process.stderr.isTTY ? new TerminalProgress() : undefined;
  const options: LoadOptions = {
    engine: () => new DockerEngine(resolveEndpoint({ explicitHost: values.host, explicitSource: '--host' })),
    cache: new IndexCache(defaultCacheDirectory()),
    noCache: values['no-cache'],
    signal: abort.signal,
    onProgress: progress?.update,
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
  };
  const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  const json = (value: unknown) => out(JSON.stringify(value, null, 2));

  if (command === 'lint') return lintCommand(ref, values, options, () => progress?.clear());
  if (command === 'explain') {
    out(await explainCommand(ref, values, options, () => progress?.clear()));
    return 0;
  }
  if (command === 'layers' || command === 'analyze') {
    const { overview, analysis } = await loadAnalysis(ref, options).finally(() => progress?.clear());
    if (command === 'layers') {
      values.json ? json(layersReport(overview, analysis)) : out(renderLayers(overview, analysis, true));
      return 0;
    }
    const ci = values.ci ? evaluateCiRules(analysis, ciLimits(values)) : undefined;
    const top = values.top === undefined ? 10 : positiveInteger(values.top, '--top');
    values.json ? json(analyzeReport(overview, analysis, ci)) : out(renderAnalysis(overview, analysis, ci, top));
    return ci && !ci.every((r) => r.pass) ? 1 : 0;
  }

  const model = (await loadImage(ref, options).finally(() => progress?.clear())).model;
  switch (command) {
    case 'tree': {
      const layer = values.layer === undefined ? model.topLayer : layerNumber(values.layer, '--layer', model.topLayer);
      const entries = model.mergedViewAt(layer);
      values.json ? json(treeReport(layer, entries)) : out(renderTree(entries, layer));
      return 0;
    }
    case 'diff': {
      if (values.from === undefined || values.to === undefined) throw new LayerlensError('layerlens diff needs --from A and --to B (layer numbers).');
      const from = layerNumber(values.from, '--from', model.topLayer, true);
      const to = layerNumber(values.to, '--to', model.topLayer);
      const changes = model.diff(from, to);
      values.json ? json(diffReport(from, to, changes)) : out(renderDiff(changes, from, to));
      return 0;
    }
  }
  return 2;
}

function ciLimits(values: Record<string, unknown>): CiLimits {
  const ratio = (name: string, fallback: number | undefined) => {
    const text = values[name] as string | undefined;
    if (text === undefined) return fallback;
    if (/^disabled$/i.test(text)) return undefined;
    const n = Number(text.replace(/%$/, '')) / (text.endsWith('%') ? 100 : 1);
    if (!Number.isFinite(n) || n < 0) throw new LayerlensError(`--${name} must be a ratio such as 0.9 (or a percentage such as 90%).`);
    return n;
  };
  const sizeText = values['highest-wasted-bytes'] as string | undefined;
  let highestWastedBytes: number | undefined;
  if (sizeText !== undefined && !/^disabled$/i.test(sizeText)) {
    highestWastedBytes = parseBytes(sizeText);
    if (highestWastedBytes === undefined) throw new LayerlensError('--highest-wasted-bytes must be a size such as 20MB.');
  }
  return {
    lowestEfficiency: ratio('lowest-efficiency', 0.9),
    highestWastedBytes,
    highestUserWastedPercent: ratio('highest-user-wasted-percent', 0.1),
  };
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
