// LAYERLENS_TIMINGS: the CLI's stage line (what the e2e bench parses beside the explorer's stages).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stageTimings } from '../../src/cli/stageTimings';

/** What `run` writes to stderr. */
function stderrOf(run: () => void): string {
  const write = process.stderr.write;
  let written = '';
  process.stderr.write = ((chunk: string) => ((written += chunk), true)) as typeof process.stderr.write;
  try {
    run();
  } finally {
    process.stderr.write = write;
  }
  return written;
}

test('asked for, the stages reached are written once, in one line, and the progress still reaches the terminal', () => {
  const timings = stageTimings(true);
  const seen: number[] = [];
  const hooks = timings.hooks((done) => seen.push(done));
  hooks.onStage!('inspected');
  hooks.onStage!('exportRequested');
  hooks.onProgress!(1024 * 1024, 10);
  hooks.onProgress!(2 * 1024 * 1024, 10);
  hooks.onStage!('read');
  const line = stderrOf(() => {
    timings.report();
    timings.report();
  });
  assert.deepEqual(seen, [1024 * 1024, 2 * 1024 * 1024], 'the terminal progress is still told');
  assert.match(line, /^timings: \{.*\}\n$/);
  const stages = JSON.parse(line.slice('timings: '.length)) as Record<string, number>;
  assert.deepEqual(Object.keys(stages), ['inspected', 'exportRequested', 'firstBytes', 'read', 'done']);
  assert.ok(stages.inspected <= stages.firstBytes && stages.firstBytes <= stages.done);
});

test('not asked for, nothing is written and the progress hook is the one given', () => {
  const timings = stageTimings(false);
  const onProgress = () => undefined;
  const hooks = timings.hooks(onProgress);
  assert.equal(hooks.onProgress, onProgress);
  assert.equal(hooks.onStage, undefined);
  assert.equal(stderrOf(() => timings.report()), '');
});
