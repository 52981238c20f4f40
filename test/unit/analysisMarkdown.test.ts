// The Analyze preview's Markdown: the exact waste figure as the headline, dive's measures labelled as dive's,
// real tables, and names from the image shown literally.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { analysisToMarkdown, DIVE_MEASURES_EXPLAINED } from '../../src/core/analysis/analysisMarkdown';
import { formatBytes, formatPercent } from '../../src/core/format';
import { ImageModel } from '../../src/core/model/imageModel';
import { dir, file, image, layer } from './helpers';

const L0 = layer([dir('/app'), file('/app/a', 100, 'A'), file('/app/b|*x*', 50, 'B'), dir('/etc'), file('/etc/m', 40, 'M')]);
const L1 = layer([dir('/app'), file('/app/a', 120, 'A2'), dir('/etc'), file('/etc/m', 40, 'M', { mode: 0o600 }), file('/new', 7, 'N')], { whiteouts: ['/app/b|*x*'] });
const model = new ImageModel(image([L0, L1]));
const analysis = analyzeImage(model);
const markdown = analysisToMarkdown('demo:<b>1</b>', model, analysis);
const lines = markdown.split('\n');

test('the headline is the exact waste, and dive\'s numbers are a labelled table with what they measure', () => {
  // /app/a's first version (100), the deleted file (50), /etc/m copied again by a chmod (40).
  assert.equal(analysis.exactWastedBytes, 190);
  assert.notEqual(analysis.wastedBytes, analysis.exactWastedBytes, 'the fixture tells the two measures apart');
  assert.ok(lines.some((l) => l.startsWith(`**Wasted: ${formatBytes(190)}** (190 bytes in 3 file versions)`)), markdown);
  assert.ok(!lines.some((l) => l.includes(formatBytes(analysis.wastedBytes)) && !l.includes("dive's")), 'dive\'s wasted bytes appear only labelled as dive\'s');
  assert.ok(lines.includes(`| dive's efficiency | ${formatPercent(analysis.efficiency)} |`));
  assert.ok(lines.includes(`| dive's wasted bytes | ${formatBytes(analysis.wastedBytes)} |`));
  assert.ok(lines.includes(DIVE_MEASURES_EXPLAINED));
});

test('layers and wasted files are Markdown tables (header, alignment row, one row each)', () => {
  const header = lines.indexOf('| Layer | Size | Added | Modified | Deleted | Wasted | Instruction |');
  assert.ok(header > 0);
  assert.match(lines[header + 1], /^\| ---: \| ---: (\| ---: ){4}\| :--- \|$/);
  assert.match(lines[header + 2], /^\| 0 \| 190 B \| /);
  const wasted = lines.indexOf('| Size | Path | In layer | Why | By layer |');
  assert.ok(wasted > header);
  const rows = lines.slice(wasted + 2).filter((l) => l.startsWith('| '));
  assert.equal(rows.length, 3);
  assert.equal(rows[0], '| 100 B | /app/a | 0 | overwritten | 1 |');
  // A name holding | and * stays one cell and no emphasis; the title's HTML stays text.
  assert.ok(rows.includes('| 50 B | /app/b\\|\\*x\\* | 0 | deleted | 1 |'), rows.join('\n'));
  assert.equal(lines[0], '# Analysis of demo\\:\\<b\\>1\\</b\\>');
});
