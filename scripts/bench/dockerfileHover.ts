// "A Dockerfile hover in < 50 ms once the image is indexed": measured in-process with the code the extension's
// hover runs (hoverContent + hoverMarkdown over the precomputed facts), on a real image and the Dockerfile it was
// built from. Prints the one-time cost of the facts (analysis + "Explain This Layer" for every layer), then per
// hover: steady (the match cached for this text, as between two edits) and after an edit (parse + match again).
// Standalone: node --import tsx scripts/bench/dockerfileHover.ts [--host H] [--image REF] [--dockerfile PATH] [--rounds N]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { lintDockerfile, matchDockerfile, parseDockerfile } from '../../src/core/dockerfile';
import { explainLayer } from '../../src/core/explain/explainLayer';
import { IndexCache, defaultCacheDirectory } from '../../src/core/index/indexCache';
import { endpointFor } from '../../src/docker/connection';
import { DockerEngine } from '../../src/docker/engine';
import { loadImage } from '../../src/docker/imageLoader';
import type { DocumentView } from '../../src/dockerfile/dockerfileViews';
import { imageFacts } from '../../src/dockerfile/imageFacts';
import { hoverContent } from '../../src/dockerfile/hoverContent';
import { hoverMarkdown } from '../../src/dockerfile/hoverMarkdown';
import { agreement } from '../../src/dockerfile/imageRanking';

const ROOT = join(__dirname, '..', '..');
const { values } = parseArgs({
  options: {
    host: { type: 'string', default: 'unix:///var/run/docker.sock' },
    image: { type: 'string', default: 'layerlens-bench/big:latest' },
    dockerfile: { type: 'string', default: join(ROOT, 'test', 'fixtures', 'bench', 'Dockerfile') },
    rounds: { type: 'string', default: '200' },
  },
});

async function main(): Promise<void> {
  const engine = new DockerEngine(endpointFor(values.host!, 'the --host option', undefined));
  const cache = new IndexCache(defaultCacheDirectory());
  let t = performance.now();
  const loaded = await loadImage(values.image!, { engine: () => engine, cache });
  const loadMs = performance.now() - t;
  const model = loaded.model;

  t = performance.now();
  const analysis = analyzeImage(model);
  const explained = Array.from({ length: model.layerCount }, (_, layer) => explainLayer(model, analysis, layer).findings);
  const facts = imageFacts({ id: model.data.id, label: values.image!, steps: model.steps }, analysis, (layer) => explained[layer]);
  const factsMs = performance.now() - t;

  const text = readFileSync(values.dockerfile!, 'utf8');
  const rounds = Number(values.rounds);
  const viewOf = (parsed: ReturnType<typeof parseDockerfile>, match: ReturnType<typeof matchDockerfile>): DocumentView => ({
    kind: 'ready', link: { id: facts.id, reference: values.image!, manual: true }, facts, parsed, match, score: agreement(match),
  });
  const hover = (view: DocumentView, parsed: ReturnType<typeof parseDockerfile>, findings: ReturnType<typeof lintDockerfile>, line: number) =>
    hoverMarkdown(hoverContent(view, parsed, parsed.instructions[line], findings, 'file:///Dockerfile', () => values.image!));
  // Steady: the text's parse, match and lint are cached (the extension keeps them per document version).
  const parsed = parseDockerfile(text);
  const match = matchDockerfile(parsed, facts.steps);
  const findings = lintDockerfile(parsed);
  const view = viewOf(parsed, match);
  const steady: number[] = [];
  const afterEdit: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < parsed.instructions.length; i++) {
      const started = performance.now();
      hover(view, parsed, findings, i);
      steady.push(performance.now() - started);
    }
    // First hover after an edit: parse, match and lint the new text, then the hover.
    const started = performance.now();
    const edited = parseDockerfile(text);
    const editedMatch = matchDockerfile(edited, facts.steps);
    hover(viewOf(edited, editedMatch), edited, lintDockerfile(edited), round % edited.instructions.length);
    afterEdit.push(performance.now() - started);
  }
  const cachedMatch = match;
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(3);
    return `median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${sorted[sorted.length - 1].toFixed(3)} ms (${xs.length} hovers)`;
  };
  console.log(`${values.image}: ${model.layerCount} layers, ${model.data.layers.reduce((n, l) => n + l.entries.length, 0).toLocaleString('en-US')} entries, ${facts.steps.length} steps; matched ${cachedMatch.matched} of ${cachedMatch.total} instructions`);
  console.log(`load (${loaded.source}): ${loadMs.toFixed(0)} ms; facts once per image (analysis + explain every layer): ${factsMs.toFixed(0)} ms`);
  console.log(`hover, steady:            ${stats(steady)}`);
  console.log(`hover, first after edit:  ${stats(afterEdit)}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
