// src/core is the pure model shared by the extension and the CLI: it must never reach for VS Code, the
// Docker client, or the UI/transport layers (as go-containerregistry's depcheck_test.go guards pkg/v1).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = resolve(__dirname, '../../src');
const CORE = join(SRC, 'core');
const FORBIDDEN_PACKAGES = ['vscode', 'dockerode', 'docker-modem'];

/** Every module specifier of import/export-from/require/dynamic import statements in a TypeScript source. */
export function specifiersOf(source: string): string[] {
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[\w*{}\s,$]+\s+from\s+['"]([^'"]+)['"]/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  const found: string[] = [];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1]);
  return found;
}

/** Why a specifier is not allowed in `file` (under src/core), or undefined if it is fine. */
function violation(file: string, specifier: string): string | undefined {
  const packageName = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
  if (FORBIDDEN_PACKAGES.includes(packageName) || specifier === '@types/vscode') return `imports the package ${specifier}`;
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(file), specifier);
    const insideSrc = target === SRC || target.startsWith(SRC + sep);
    const insideCore = target === CORE || target.startsWith(CORE + sep);
    if (insideSrc && !insideCore) return `imports ${relative(SRC, target)} from outside src/core`;
  }
  return undefined;
}

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

describe('core purity', () => {
  test('the import scanner sees every statement form and flags what it must', () => {
    const sample = [
      "import * as vscode from 'vscode';",
      "import type { DockerOptions } from 'dockerode';",
      "import '../docker/engine';",
      "export { x } from '../views/images';",
      "const m = require('docker-modem');",
      "const e = await import('../explorer/panel');",
      "import {\n  a,\n  b,\n} from './paths';",
    ].join('\n');
    const specifiers = specifiersOf(sample);
    assert.deepEqual(specifiers.sort(), ['../docker/engine', '../explorer/panel', '../views/images', './paths', 'docker-modem', 'dockerode', 'vscode'].sort());
    const file = join(CORE, 'sample.ts');
    const flagged = specifiers.filter((s) => violation(file, s));
    assert.deepEqual(flagged.sort(), ['../docker/engine', '../explorer/panel', '../views/images', 'docker-modem', 'dockerode', 'vscode'].sort());
  });

  test('no file under src/core imports vscode, dockerode, docker-modem or another src/ layer', () => {
    const files = tsFilesUnder(CORE);
    assert.ok(files.length >= 10, `expected the core sources, found ${files.length} files`);
    const problems: string[] = [];
    let imports = 0;
    for (const file of files) {
      for (const specifier of specifiersOf(readFileSync(file, 'utf8'))) {
        imports++;
        const why = violation(file, specifier);
        if (why) problems.push(`${relative(SRC, file)} ${why}`);
      }
    }
    assert.ok(imports >= files.length, 'the scanner found suspiciously few imports');
    assert.deepEqual(problems, []);
  });
});
