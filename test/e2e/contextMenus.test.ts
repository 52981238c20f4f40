// End to end, in a real VS Code (code-server) in headless Chromium: the Images view's context menus on Engine 20.10.
// "Analyze Image" shows, in a read-only preview with Markdown tables, the same exact waste, dive's efficiency and
// wasted bytes, and wasted files as the `layerlens` CLI computes from its own export; "Copy Image ID" and "Copy Instruction" put the engine's ID and the step's full instruction on the
// clipboard. Needs test/e2e/setup.sh, the engines and the fixtures.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from './support/playwright';
import { openSession, type Session } from './support/session';
import { ensureNoiseImages } from './support/noiseImages';
import { clearClipboard, contextMenu, filterImages, imagesRow as row, markdownPreview, openLayerlens, screenshot, waitForClipboard } from './support/workbench';
import { runCli } from '../integration/support/cli';
import { formatBytes, formatPercent } from '../../src/core/format';

const ENGINE = 'unix:///var/run/docker.sock';
const IMAGE = 'layerlens-test/basics:legacy';

interface CliAnalysis {
  image: { id: string };
  steps: { instruction: string; layerIndex: number | null }[];
  layers: { index: number; size: number; added: number; modified: number; deleted: number; wastedBytes: number }[];
  efficiency: number;
  wastedBytes: number;
  exactWastedBytes: number;
  wastedFiles: { path: string; layer: number; size: number; by: number }[];
}

let session: Session | undefined;
let page: Page;
let expected: CliAnalysis;

before(async () => {
  // Other repositories first, as on a developer's Docker: the fixture's rows must be found as a user would.
  await ensureNoiseImages(ENGINE);
  session = await openSession({ settings: { 'layerlens.dockerHost': ENGINE } });
  page = session.page;
  // The truth to compare with: the CLI's own analysis of a fresh export (packaging has just built dist/cli.js).
  const result = await runCli(['analyze', IMAGE, '--json', '--no-cache', '--host', ENGINE]);
  assert.equal(result.code, 0, `layerlens analyze ${IMAGE}: ${result.stderr}`);
  expected = JSON.parse(result.stdout) as CliAnalysis;
  await openLayerlens(page);
  await (await filterImages(page, 'layerlens-test/basics')).click();
  await row(page, /^legacy/).waitFor({ state: 'visible' });
});

after(async () => {
  await session?.close();
});

/** Runs of spaces as one: the preview and the CLI pad columns alike, but only the values matter here. */
const squeeze = (text: string) => text.replace(/[ \u00a0]+/g, ' ').trim();

test('"Analyze Image" opens a read-only Markdown preview whose tables hold the figures the CLI computes', async () => {
  await contextMenu(page, row(page, /^legacy/), 'Analyze Image');
  const preview = markdownPreview(page);
  await preview.getByText("dive's measures").first().waitFor({ state: 'visible', timeout: 60_000 });
  const tabs = page.locator('.tabs-container .tab');
  // The tab is named after the virtual document (a "/" in a name shows as "∕": a path separator would cut it).
  const tab = tabs.filter({ hasText: `Analysis of ${IMAGE.replace('/', '∕')}` }).first();
  await tab.waitFor({ state: 'visible' });
  // A virtual document shown as a preview: no Untitled editor, nothing to save.
  const titles = (await tabs.allTextContents()).map(squeeze);
  assert.ok(!titles.some((t) => /Untitled/.test(t)), `no Untitled editor among the tabs: ${titles.join(' | ')}`);
  assert.equal(await preview.locator('h1').first().innerText(), `Analysis of ${IMAGE}`);

  // The one waste figure is Layerlens' exact one; dive's are labelled as dive's, with what they measure.
  const text = squeeze(await preview.innerText());
  assert.ok(expected.exactWastedBytes > 0 && expected.exactWastedBytes !== expected.wastedBytes, 'the fixture tells the two measures apart');
  assert.ok(text.includes(`Wasted: ${formatBytes(expected.exactWastedBytes)} (${expected.exactWastedBytes.toLocaleString('en-US')} bytes`), `the exact waste in:\n${text}`);
  assert.ok(text.includes("dive counts, for every path found in two or more layers"), 'a line says what dive measures');
  const cells = async (table: number) =>
    (await preview.locator('table').nth(table).locator('tr').evaluateAll((rows) => rows.map((r) => [...(r as unknown as { cells: { innerText: string }[] }).cells].map((c) => c.innerText.trim()))));
  assert.equal(await preview.locator('table').count(), 3, 'layers, dive\'s measures and wasted files are Markdown tables');
  const layers = await cells(0);
  assert.deepEqual(layers[0], ['Layer', 'Size', 'Added', 'Modified', 'Deleted', 'Wasted', 'Instruction']);
  for (const l of expected.layers) {
    const r = layers.find((cellsOfRow) => cellsOfRow[0] === String(l.index));
    assert.deepEqual(r?.slice(0, 6), [String(l.index), formatBytes(l.size), String(l.added), String(l.modified), String(l.deleted), formatBytes(l.wastedBytes)], `layer ${l.index}`);
  }
  const dive = await cells(1);
  assert.deepEqual(dive.find((r) => r[0] === "dive's efficiency"), ["dive's efficiency", formatPercent(expected.efficiency)]);
  assert.deepEqual(dive.find((r) => r[0] === "dive's wasted bytes"), ["dive's wasted bytes", formatBytes(expected.wastedBytes)]);
  const wasted = await cells(2);
  assert.ok(expected.wastedFiles.length > 0, 'the fixture wastes bytes (a chmod of a 2 MiB file, an overwrite, a deletion)');
  assert.equal(wasted.length - 1, expected.wastedFiles.length, 'one row per wasted file version');
  for (const w of expected.wastedFiles) {
    const r = wasted.find((cellsOfRow) => cellsOfRow[1] === w.path && cellsOfRow[2] === String(w.layer));
    assert.ok(r, `a row for ${w.path} of layer ${w.layer}`);
    assert.deepEqual([r[0], r[4]], [formatBytes(w.size), String(w.by)], `${w.path}: its size and the layer that wasted it`);
  }
  await screenshot(page, 'analyze-image');

  // Closing asks nothing: the preview goes, and no "Do you want to save" dialog comes.
  await tab.hover();
  await tab.locator('.tab-actions .action-label').first().click();
  await tab.waitFor({ state: 'detached' });
  assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no save prompt');
  assert.ok(!(await tabs.allTextContents()).some((t) => /Untitled/.test(t)), 'no Untitled editor left behind');
  // Focus back in the workbench's own document (the clipboard needs it), on the empty editor area.
  await page.locator('.part.editor .editor-group-watermark').first().click();
});

test('"Copy Image ID" puts the engine\'s image ID on the clipboard', async () => {
  await clearClipboard(page);
  await contextMenu(page, row(page, /^legacy/), 'Copy Image ID');
  assert.equal(await waitForClipboard(page), expected.image.id);
});

test('"Copy Instruction" on a step puts its whole instruction on the clipboard', async () => {
  const step = expected.steps.find((s) => s.instruction.startsWith('RUN mkdir -p /app/data'));
  assert.ok(step, 'basics has a RUN mkdir -p /app/data step');
  await row(page, /^legacy/).click();
  const stepRow = row(page, 'RUN mkdir -p /app/data');
  await stepRow.waitFor({ state: 'visible' });
  await clearClipboard(page);
  await contextMenu(page, stepRow, 'Copy Instruction', 'step-context-menu');
  // The row shows the instruction on one line; the clipboard gets it whole, as the history has it.
  assert.equal(await waitForClipboard(page), step.instruction);
});

test('"Explain This Layer" on a step opens a preview whose numbers and findings are the CLI\'s', async () => {
  const step = expected.steps.find((s) => s.instruction.includes('chmod 600 /app/big.bin'));
  assert.ok(step && step.layerIndex !== null, 'basics has a layer that chmods /app/big.bin');
  const result = await runCli(['explain', IMAGE, '--layer', String(step.layerIndex), '--json', '--host', ENGINE]);
  assert.equal(result.code, 0, result.stderr);
  const explained = JSON.parse(result.stdout) as { cost: { size: number; shareOfImage: number }; findings: { title: string }[] };
  assert.ok(explained.findings.length > 0, 'the chmod layer has a finding (a metadata-only rewrite)');

  const stepRow = row(page, "RUN echo 'config v2'");
  if (!(await stepRow.isVisible())) await row(page, /^legacy/).click();
  await stepRow.waitFor({ state: 'visible' });
  await contextMenu(page, stepRow, 'Explain This Layer');
  const preview = markdownPreview(page);
  await preview.getByText('What it costs').first().waitFor({ state: 'visible', timeout: 60_000 });
  const text = squeeze(await preview.innerText());
  assert.match(text, new RegExp(`Layer ${step.layerIndex} of ${IMAGE.replace(/[/.]/g, '\\$&')}`));
  assert.ok(text.includes(`Size: ${formatBytes(explained.cost.size)}, ${(explained.cost.shareOfImage * 100).toFixed(1)} % of the image`), `the size and share in:\n${text}`);
  for (const finding of explained.findings) assert.ok(text.includes(finding.title), `the finding "${finding.title}"`);
  assert.ok(text.includes('chmod 600 /app/big.bin'), 'the step\'s commands');
  await screenshot(page, 'explain-layer');

  // Paths are text, not links: the preview would not follow them (see src/views/explainPreview.ts).
  assert.equal(await preview.locator('a').count(), 0);
});
