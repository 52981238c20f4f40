// The explorer header's facts: one "wasted" (Layerlens' exact figure), dive's two figures labelled as dive's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headerFacts } from '../../webview/headerFacts';

test('the header says "wasted" once, for the exact figure; dive\'s figures are labelled and explained', () => {
  const facts = headerFacts({ name: 'x', id: 'sha256:' + 'ab'.repeat(32), engine: 'Docker Engine', totalSize: 6_180_000, exactWastedBytes: 2_097_182, efficiency: 0.6604, wastedBytes: 4_194_344 });
  const texts = facts.map((f) => f.text);
  assert.deepEqual(texts, ['abababababab', '6.2 MB', '2.1 MB wasted', 'dive efficiency 66 % · dive wasted 4.2 MB', 'Docker Engine']);
  const wasted = facts.find((f) => f.kind === 'wasted')!;
  assert.equal(wasted.bytes, 2_097_182);
  assert.match(wasted.title!, /^2,097,182 bytes shipped for nothing/);
  assert.match(facts.find((f) => f.kind === 'dive')!.title!, /kept one included/);
});

test('before the engine answers, the header has the name alone; an image without figures shows none', () => {
  assert.deepEqual(headerFacts({ name: 'x', id: '', engine: 'image archive', totalSize: 0 }).map((f) => f.text), ['image archive']);
});
