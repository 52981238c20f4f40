// The Layer Explorer's Packages tab, host side, without VS Code: reading the packages of an image (what the
// panel does once the first tree is on screen), the path → package map, and one tab's rows. Three rounds.
// Usage: node --import tsx scripts/bench/explorerPackages.ts [--host H] [--image REF] (default: the debian fixture)
// The image is read through the index cache (~/.cache/layerlens), so a second run makes no export.
import { parseArgs } from 'node:util';
import { IndexCache, defaultCacheDirectory } from '../../src/core/index/indexCache';
import { loadImagePackages } from '../../src/core/packages/imagePackages';
import { resolveEndpoint } from '../../src/docker/connection';
import { DockerEngine } from '../../src/docker/engine';
import { loadImage } from '../../src/docker/imageLoader';
import { PackageOwners } from '../../src/explorer/packageOwners';
import { packageRows } from '../../src/explorer/packageRows';

const { values } = parseArgs({ options: { host: { type: 'string', default: 'unix:///var/run/docker.sock' }, image: { type: 'string', default: 'layerlens-test/debian:legacy' } } });
const ms = (since: number) => `${Math.round(performance.now() - since)} ms`;

async function main(): Promise<void> {
  const engine = new DockerEngine(resolveEndpoint({ explicitHost: values.host, explicitSource: '--host' }));
  const { model, source } = await loadImage(values.image!, { engine: () => engine, cache: new IndexCache(defaultCacheDirectory()) });
  console.log(`${values.image} (${source}, ${model.layerCount} layers)`);
  for (let round = 1; round <= 3; round++) {
    let t = performance.now();
    const packages = await loadImagePackages(model.data);
    const read = ms(t);
    t = performance.now();
    const owners = new PackageOwners(packages);
    const map = ms(t);
    t = performance.now();
    const rows = packageRows(owners, { from: model.topLayer, to: model.topLayer }, 'present').rows.length;
    console.log(`round ${round}: packages ${read}, ownership map ${map} (${owners.versions.length} versions), rows at the top ${ms(t)} (${rows})`);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
