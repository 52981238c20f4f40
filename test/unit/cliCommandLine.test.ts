// The CLI's reading of its arguments: the suggestions for typos, and one sentence for each mistake.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { closestWord, editDistance } from '../../src/cli/closestWord';
import { parseCommandLine } from '../../src/cli/commandLine';

describe('closestWord', () => {
  test('edit distance counts a swap of neighbours as one edit', () => {
    assert.equal(editDistance('analyze', 'analyze'), 0);
    assert.equal(editDistance('analyse', 'analyze'), 1);
    assert.equal(editDistance('jsno', 'json'), 1);
    assert.equal(editDistance('lyers', 'layers'), 1);
    assert.equal(editDistance('', 'tree'), 4);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });

  test('typos find their word; unrelated words find none', () => {
    const commands = ['layers', 'tree', 'diff', 'analyze', 'explain', 'lint'];
    assert.equal(closestWord('analyse', commands), 'analyze');
    assert.equal(closestWord('Analyze', commands), 'analyze');
    assert.equal(closestWord('expalin', commands), 'explain');
    assert.equal(closestWord('trees', commands), 'tree');
    assert.equal(closestWord('frobnicate', commands), undefined);
    assert.equal(closestWord('ls', commands), undefined);
  });
});

function errorOf(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail(`${argv.join(' ')} was accepted`);
}

describe('parseCommandLine', () => {
  test('a command, its reference and its options', () => {
    assert.deepEqual(parseCommandLine(['tree', 'app:1', '--layer', '2', '--json']), { kind: 'run', command: 'tree', ref: 'app:1', flags: { layer: '2', json: true } });
    // A negative layer number is a value, not a forgotten one (diff --from -1: from the empty filesystem).
    assert.deepEqual(parseCommandLine(['diff', 'app:1', '--from', '-1', '--to=3']), { kind: 'run', command: 'diff', ref: 'app:1', flags: { from: '-1', to: '3' } });
  });

  test('help, version, and nothing at all', () => {
    assert.deepEqual(parseCommandLine(['--help']), { kind: 'help' });
    assert.deepEqual(parseCommandLine(['-h']), { kind: 'help' });
    assert.deepEqual(parseCommandLine(['help']), { kind: 'help' });
    assert.deepEqual(parseCommandLine(['analyze', 'x', '--help']), { kind: 'help' });
    assert.deepEqual(parseCommandLine(['--version']), { kind: 'version' });
    assert.deepEqual(parseCommandLine([]), { kind: 'usage' });
  });

  test('unknown commands and options: our words, with the nearest known one', () => {
    assert.equal(errorOf(['analyse', 'x']), 'Unknown command "analyse": did you mean analyze?');
    assert.equal(errorOf(['frobnicate', 'x']), 'Unknown command "frobnicate"; the commands are layers, tree, diff, compare, analyze, explain, packages and lint (see layerlens --help).');
    assert.equal(errorOf(['analyze', 'x', '--jsno']), 'Unknown option --jsno: did you mean --json?');
    assert.equal(errorOf(['analyze', 'x', '--lowest-efficency', '0.5']), 'Unknown option --lowest-efficency: did you mean --lowest-efficiency?');
    assert.equal(errorOf(['explain', 'x', '--layers', '2']), 'Unknown option --layers: did you mean --layer?');
    assert.equal(errorOf(['tree', 'x', '--frob']), 'Unknown option --frob (layerlens --help lists the options).');
    assert.equal(errorOf(['tree', 'x', '-x']), 'Unknown option -x (layerlens --help lists the options).');
  });

  test("an option of another command, a forgotten value, a value for a switch, an extra argument", () => {
    assert.equal(errorOf(['tree', 'x', '--step', '2']), '--step is not an option of layerlens tree (it belongs to explain).');
    assert.equal(errorOf(['layers', 'x', '--layer', '2']), '--layer is not an option of layerlens layers (it belongs to tree, explain and packages).');
    assert.equal(errorOf(['tree', 'x', '--layer']), '--layer needs a value: --layer N.');
    assert.equal(errorOf(['tree', 'x', '--layer', '--json']), '--layer needs a value: --layer N.');
    assert.equal(errorOf(['tree', 'x', '--json=yes']), '--json takes no value.');
    assert.equal(errorOf(['tree', 'x', 'y']), 'Unexpected argument "y" (layerlens tree takes one image).');
    assert.equal(errorOf(['tree']), 'layerlens tree needs an image reference or a path.');
    assert.equal(errorOf(['lint']), 'layerlens lint needs a Dockerfile.');
  });
});
