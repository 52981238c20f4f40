// The Layer Explorer's host-side work on the benchmark image, without VS Code: building a layer's tree,
// indexing every path's history, a directory's children and filters (the webview-side figures come from
// test/e2e/explorer.test.ts). Usage: node --import tsx scripts/bench/explorerTree.ts [--host H] [--image REF]
// The image is read through the index cache (~/.cache/layerlens), so a second run makes no export.
import { parseArgs } from 'node:util';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { IndexCache, defaultCacheDirectory } from '../../src/core/index/indexCache';
import { resolveEndpoint } from '../../src/docker/connection';
import { DockerEngine } from '../../src/docker/engine';
import { loadImage } from '../../src/docker/imageLoader';
import { ExplorerSession } from '../../src/explorer/explorerSession';
import type { TreeQuery } from '../../src/explorer/protocol';
import { BENCH_IMAGE } from './benchImage';

const { values } = parseArgs({ options: { host: { type: 'string', default: 'unix:///var/run/docker.sock' }, image: { type: 'string', default: BENCH_IMAGE } } });
const ms = (since: number) => `${Math.round(performance.now() - since)} ms`;

async function main(): Promise<void> {
  const engine = new DockerEngine(resolveEndpoint({ explicitHost: values.host, explicitSource: '--host' }));
  let t = performance.now();
  const { model, source } = await loadImage(values.image!, { engine: () => engine, cache: new IndexCache(defaultCacheDirectory()) });
  console.log(`load (${source}): ${ms(t)}`);
  t = performance.now();
  const session = new ExplorerSession(model, analyzeImage(model));
  console.log(`analysis: ${ms(t)}`);
  for (let layer = 0; layer <= model.topLayer; layer++) {
    t = performance.now();
    session.tree({ from: layer, to: layer });
    console.log(`tree of layer ${layer}: ${ms(t)}`);
  }
  t = performance.now();
  session.pathHistory('/');
  console.log(`every path's history (once): ${ms(t)}`);
  const busiest = session.layers().reduce((a, b) => ((b.added ?? 0) > (a.added ?? 0) ? b : a));
  const query: TreeQuery = { mode: 'changes', sort: 'name', range: { from: busiest.layer!, to: busiest.layer! } };
  for (const text of ['f0201', '*.txt', '*']) {
    const answer = session.answer({ kind: 'filter', id: 1, query, filter: { text, kinds: [], minSize: 0, onlyChanges: false } });
    console.log(`filter "${text}" on layer ${busiest.layer}: ${answer.elapsedMs} ms, ${'rows' in answer ? answer.rows.length : 0} rows of ${'total' in answer ? answer.total : 0}`);
  }
  const children = session.answer({ kind: 'children', id: 2, query, dir: '/', depth: 0 });
  console.log(`children of / on layer ${busiest.layer}: ${children.elapsedMs} ms`);
}

void main();
