import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeJsonWithList } from '../../src/cli/streamedJson';

async function streamed(head: Record<string, unknown>, key: string, items: unknown[]): Promise<string> {
  let text = '';
  await writeJsonWithList(head, key, items, (x) => x, (t) => void (text += t));
  return text;
}

test('the streamed text is exactly JSON.stringify(…, null, 2), for empty, short and multi-batch lists', async () => {
  const entry = (i: number) => ({ path: `/d/${i}\n"q"`, size: i, modifiedIn: i % 2 ? [1, 2] : [], linkTarget: null, nested: { a: [i] } });
  for (const count of [0, 1, 2, 999, 1000, 1001, 2500]) {
    const items = Array.from({ length: count }, (_, i) => entry(i));
    assert.equal(await streamed({ layer: 3 }, 'entries', items), JSON.stringify({ layer: 3, entries: items }, null, 2) + '\n', `${count} items`);
  }
  assert.equal(await streamed({ from: -1, to: 0 }, 'changes', [{ a: 1 }]), JSON.stringify({ from: -1, to: 0, changes: [{ a: 1 }] }, null, 2) + '\n');
  assert.equal(await streamed({}, 'x', [1, 'two']), JSON.stringify({ x: [1, 'two'] }, null, 2) + '\n');
});

test('a long list is written in several pieces, never as one string, each after the reader caught up', async () => {
  const pieces: string[] = [];
  let pending = false;
  await writeJsonWithList({ layer: 0 }, 'entries', Array.from({ length: 5000 }, (_, i) => ({ i })), (x) => x, (t) => {
    assert.equal(pending, false, 'a piece written before the previous one drained');
    pieces.push(t);
    pending = true;
    return new Promise<void>((resolve) => setImmediate(() => ((pending = false), resolve())));
  });
  assert.ok(pieces.length >= 5, `${pieces.length} pieces`);
  assert.ok(Math.max(...pieces.map((p) => p.length)) < 100_000);
});
