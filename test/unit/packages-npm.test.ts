// npm packages from a real tree: test/setup/package-tools.sh `npm pack`s small registry packages and `npm install`s
// those tarballs, so npm itself lays out node_modules (is-odd's is-number ^6 nested under it beside the project's
// is-number 7, a scoped package) and a global prefix. Here the project sits at /app and the prefix at /usr/local of
// a pretend image root. Oracles: `npm ls --all --parseable --long` (npm's own view, path → name@version) and every
// package.json that `find -path '*/node_modules/*/package.json'` would list.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmPackageDirectory, npmReader } from '../../src/core/packages/npm';
import { captureFor, filesUnder, packageData, run } from './packagesFixtures';

let root: string;

/** npm ls's packages as "image path of the package.json name@version", the project itself left out. */
function npmLs(hostDir: string, imageDir: string, global = false): string[] {
  const args = global ? ['ls', '-g', '--prefix', hostDir, '--all', '--parseable', '--long'] : ['ls', '--all', '--parseable', '--long'];
  const out = run('npm', args, global ? {} : { cwd: hostDir });
  return out
    .trim()
    .split('\n')
    .filter((line) => line.includes('/node_modules/'))
    .map((line) => {
      const [path, spec] = line.split(':');
      return `${imageDir}${path.slice(hostDir.length)}/package.json ${spec}`;
    })
    .sort();
}

function listed(files: Map<string, Uint8Array>) {
  const { packages, problems } = npmReader.read(files);
  return { problems, specs: packages.map((p) => `${p.location} ${p.name}@${p.version}`).sort(), packages };
}

function assertOneSentence(problems: string[], pattern: RegExp) {
  assert.equal(problems.length, 1, `one problem expected, got ${JSON.stringify(problems)}`);
  assert.match(problems[0], pattern);
  assert.doesNotMatch(problems[0], /\n/);
}

describe('npm packages', () => {
  let oracle: string[];
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'layerlens-npm-'));
    cpSync(packageData('npm-tree', 'project'), join(root, 'app'), { recursive: true, verbatimSymlinks: true });
    cpSync(packageData('npm-tree', 'global', 'usr'), join(root, 'usr'), { recursive: true, verbatimSymlinks: true });
    oracle = [...npmLs(packageData('npm-tree', 'project'), '/app'), ...npmLs(packageData('npm-tree', 'global', 'usr', 'local'), '/usr/local', true)].sort();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('wants package.json directly at node_modules/<name>/ or node_modules/@scope/<name>/ only', () => {
    for (const yes of ['/app/node_modules/a/package.json', '/app/node_modules/@s/a/package.json', '/usr/lib/node_modules/npm/package.json', '/app/node_modules/a/node_modules/b/package.json']) {
      assert.equal(npmReader.wants(yes), true, yes);
    }
    for (const no of ['/app/package.json', '/app/node_modules/a/lib/package.json', '/app/node_modules/@s/package.json', '/app/node_modules/.bin/package.json', '/app/node_modules/a/package.json.bak', '/app/node_modules/@/a/package.json']) {
      assert.equal(npmReader.wants(no), false, no);
    }
  });

  test("a nested tree, a scoped package and a global prefix: npm ls's packages, each where npm put it", () => {
    assert.ok(oracle.includes('/app/node_modules/is-odd/node_modules/is-number/package.json is-number@6.0.0'), 'npm nested is-number 6');
    assert.ok(oracle.some((s) => s.startsWith('/usr/local/lib/node_modules/')), 'a global package');
    assert.equal(oracle.length, 5);
    const { specs, problems, packages } = listed(captureFor(npmReader, root));
    assert.deepEqual(problems, []);
    assert.deepEqual(specs, oracle);
    assert.ok(packages.every((p) => p.manager === 'npm' && p.files.length === 0));
  });

  test('the package.json files find would list under node_modules are exactly the ones read', () => {
    const found = [...filesUnder(root)].filter((p) => /\/node_modules\/(@[^/]+\/)?[^/@.][^/]*\/package\.json$/.test(p)).sort();
    assert.deepEqual(listed(captureFor(npmReader, root)).specs.map((s) => s.split(' ')[0]), found);
  });

  test('a package owns its directory: the deepest package directory holds its files', () => {
    const { packages } = listed(captureFor(npmReader, root));
    const nested = packages.find((p) => p.location.includes('/is-odd/node_modules/'))!;
    assert.equal(npmPackageDirectory(nested.location), '/app/node_modules/is-odd/node_modules/is-number');
    const inIt = [...filesUnder(root)].filter((f) => f.startsWith(npmPackageDirectory(nested.location) + '/'));
    assert.ok(inIt.includes('/app/node_modules/is-odd/node_modules/is-number/index.js'));
  });

  test('invalid JSON, binary garbage, no version, an oversized manifest: one sentence each, the rest still listed', () => {
    const base = captureFor(npmReader, root);
    const victim = '/app/node_modules/is-odd/package.json';
    const rest = oracle.filter((s) => !s.startsWith(victim));
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated', base.get(victim)!.subarray(0, 40), /^1 package\.json file under node_modules is not valid JSON and was skipped: \/app\/node_modules\/is-odd\/package\.json\.$/],
      ['garbage', Uint8Array.from({ length: 999 }, (_, i) => (i * 37) & 0xff), /\/app\/node_modules\/is-odd\/package\.json \(npm package manifest\) holds binary data/],
      ['no version', Buffer.from('{"name":"is-odd"}'), /^1 package\.json file under node_modules without a name or version skipped: \/app\/node_modules\/is-odd\/package\.json\.$/],
      ['an array', Buffer.from('[1,2,3]'), /without a name or version skipped/],
      ['oversized', Buffer.alloc(4 * 1024 * 1024 + 1, ' '), /is 4194305 bytes, over the 4194304-byte limit, so it was not read\.$/],
    ];
    for (const [label, bytes, pattern] of cases) {
      const files = new Map(base).set(victim, bytes);
      const { specs, problems } = listed(files);
      assertOneSentence(problems, pattern);
      assert.deepEqual(specs, rest, label);
    }
  });
});
