import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imagePicks } from '../../src/core/catalog/imagePicks';

const now = Date.UTC(2026, 11, 1, 10, 0, 0);
const hoursAgo = (h: number) => (now - h * 3600_000) / 1000;
const id = (c: string) => `sha256:${c.repeat(64)}`;

test('image picks: one per name, sorted by name then newest, untagged last, each with size, short ID and age', () => {
  const picks = imagePicks(
    [
      { id: id('a'), repoTags: ['zeta:1'], created: hoursAgo(1), size: 1_500_000 },
      { id: id('b'), repoTags: null, created: hoursAgo(2), size: 10 },
      { id: id('c'), repoTags: ['alpha:2', 'alpha:1'], created: hoursAgo(48), size: 2_000 },
      { id: id('d'), repoTags: ['<none>:<none>'], created: hoursAgo(0.5), size: 10 },
      { id: id('e'), repoTags: ['alpha:1'], created: hoursAgo(3), size: 2_000 },
    ],
    now,
  );
  assert.deepEqual(
    picks.map((p) => p.label),
    ['alpha:1', 'alpha:1', 'alpha:2', 'zeta:1', `<untagged> ${'d'.repeat(12)}`, `<untagged> ${'b'.repeat(12)}`],
  );
  // The two alpha:1 (a name that moved): the newest first.
  assert.deepEqual(picks.slice(0, 2).map((p) => p.ref), [id('e'), id('c')]);
  assert.equal(picks[0].description, `2.0 kB · ${'e'.repeat(12)} · 3 hours ago`);
  assert.equal(picks[3].description, `1.5 MB · ${'a'.repeat(12)} · 1 hour ago`);
  assert.equal(picks[3].name, 'zeta:1');
  assert.equal(picks[5].name, 'b'.repeat(12));
});
