// `layerlens compare`'s command line: two references, repeatable --ignore, --max-growth only with compare, and
// the growth limit's two forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../src/cli/commandLine';
import { growthLimit } from '../../src/cli/compareCommand';
import { LayerlensError } from '../../src/core/errors';

function refusal(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (error) {
    assert.ok(error instanceof LayerlensError);
    assert.match(error.message, /^[^\n]+\.$/, 'one line ending with a full stop');
    return error.message;
  }
  assert.fail(`accepted: ${argv.join(' ')}`);
}

test('compare takes A and B, --ignore as often as given, --ci and --max-growth', () => {
  const line = parseCommandLine(['compare', 'app:1', './b.tar', '--ignore', '/var/log/**', '--json', '--ignore=*.pyc', '--ci', '--max-growth', '5%']);
  assert.deepEqual(line, {
    kind: 'run',
    command: 'compare',
    ref: 'app:1',
    otherRef: './b.tar',
    flags: { ignore: ['/var/log/**', '*.pyc'], json: true, ci: true, 'max-growth': '5%' },
  });
});

test('compare needs exactly two images', () => {
  assert.match(refusal(['compare']), /needs two images/);
  assert.match(refusal(['compare', 'a']), /needs two images/);
  assert.match(refusal(['compare', 'a', 'b', 'c']), /Unexpected argument "c" \(layerlens compare takes two images\)/);
});

test('the other commands still take one image, and compare options are compare options', () => {
  assert.match(refusal(['tree', 'a', 'b']), /takes one image/);
  assert.match(refusal(['tree', 'a', '--ignore', 'x']), /--ignore is not an option of layerlens tree \(it belongs to compare\)/);
  assert.match(refusal(['analyze', 'a', '--max-growth', '1MB']), /belongs to compare/);
  assert.match(refusal(['compare', 'a', 'b', '--max-growth']), /--max-growth needs a value/);
  assert.equal(parseCommandLine(['tree', 'a']).kind, 'run');
});

test('growth limits: a size or a percentage of A; anything else, or none with --ci, is one sentence', () => {
  assert.deepEqual(growthLimit('10MB'), { bytes: 10_000_000 });
  assert.deepEqual(growthLimit('1 MiB'), { bytes: 1_048_576 });
  assert.deepEqual(growthLimit('5%'), { ratio: 0.05 });
  assert.deepEqual(growthLimit(' 150 % '), { ratio: 1.5 });
  for (const bad of ['five', '-5%', '10QB', '%']) {
    assert.throws(() => growthLimit(bad), (e: unknown) => e instanceof LayerlensError && e.kind === 'bad-input' && /--max-growth must be/.test(e.message));
  }
  assert.throws(() => growthLimit(undefined), (e: unknown) => e instanceof LayerlensError && /needs --max-growth/.test(e.message));
});
