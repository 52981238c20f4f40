// The real engines started by test/setup/engines.sh, as described in test/.engines.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { endpointFor } from '../../../src/docker/connection';
import { DockerEngine } from '../../../src/docker/engine';

export interface TestEngine {
  name: string;
  host: string;
  saveFormat: 'legacy' | 'oci' | 'containerd' | 'podman';
  version: string;
}

export const ROOT = join(__dirname, '..', '..', '..');

export function testEngines(): TestEngine[] {
  const file = join(ROOT, 'test', '.engines.json');
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { engines: TestEngine[] }).engines;
  } catch {
    throw new Error(`${file} is missing: run test/setup/engines.sh (scripts/test.sh does) before the integration tests.`);
  }
}

export function connect(engine: TestEngine): DockerEngine {
  return new DockerEngine(endpointFor(engine.host, 'test', undefined));
}

/** Fixture image names on an engine (Podman prefixes loaded names with localhost/). */
export function fixtureName(engine: TestEngine, name: string): string {
  return engine.saveFormat === 'podman' ? `localhost/${name}` : name;
}

/** The engine for tests that need just one: Engine 26 when present, else the first one set up. */
export function oneEngine(): TestEngine {
  const engines = testEngines();
  return engines.find((e) => e.name === 'd26') ?? engines[0];
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
