// A report with one long list (a tree's entries, a diff's changes) is written piece by piece: the whole text of
// 200,000 entries is a 46 MB string on top of the objects it is made from. The output is byte for byte what
// JSON.stringify(report, null, 2) gives, so the JSON contract does not depend on how it was written. Between
// batches it waits while the reader is behind (a pipe to a slow reader would otherwise buffer it all).

const BATCH = 1000;

/**
 * Writes `head` with `items` as its last field `listKey`, formatted as JSON.stringify(…, null, 2) formats it.
 * `write` may return a promise that settles once the reader has caught up.
 */
export async function writeJsonWithList<T>(
  head: Record<string, unknown>,
  listKey: string,
  items: readonly T[],
  toJson: (item: T) => unknown,
  write: (text: string) => void | Promise<void>,
): Promise<void> {
  if (items.length === 0) {
    await write(JSON.stringify({ ...head, [listKey]: [] }, null, 2) + '\n');
    return;
  }
  const opening = JSON.stringify(head, null, 2);
  // "{\n  …\n}" → "{\n  …,\n  "key": [\n"; an empty head is "{}".
  const prefix = opening === '{}' ? '{\n' : opening.slice(0, -2) + ',\n';
  await write(`${prefix}  ${JSON.stringify(listKey)}: [\n`);
  for (let start = 0; start < items.length; start += BATCH) {
    const parts: string[] = [];
    for (let i = start; i < Math.min(items.length, start + BATCH); i++) {
      parts.push('    ' + JSON.stringify(toJson(items[i]), null, 2).replace(/\n/g, '\n    '));
    }
    await write(parts.join(',\n') + (start + BATCH < items.length ? ',\n' : '\n'));
  }
  await write('  ]\n}\n');
}
