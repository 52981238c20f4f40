// End to end, in a real VS Code (code-server) in headless Chromium: the Images view's context menus on Engine 20.10.
// "Analyze Image" shows the same efficiency, wasted bytes and wasted files as the `layerlens` CLI computes from its
// own export; "Copy Image ID" and "Copy Instruction" put the engine's ID and the step's full instruction on the
// clipboard. Needs test/e2e/setup.sh, the engines and the fixtures.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from './support/playwright';
import { openSession, type Session } from './support/session';
import { clearClipboard, contextMenu, markdownPreview, openLayerlens, row, screenshot, waitForClipboard } from './support/workbench';
import { runCli } from '../integration/support/cli';
import { formatBytes, formatPercent } from '../../src/core/format';

const ENGINE = 'unix:///var/run/docker.sock';
const IMAGE = 'layerlens-test/basics:legacy';

interface CliAnalysis {
  image: { id: string };
  steps: { instruction: string; layerIndex: number | null }[];
  efficiency: number;
  wastedBytes: number;
  wastedFiles: { path: string; layer: number; size: number; by: number }[];
}

let session: Session | undefined;
let page: Page;
let expected: CliAnalysis;

before(async () => {
  session = await openSession({ settings: { 'layerlens.dockerHost': ENGINE } });
  page = session.page;
  // The truth to compare with: the CLI's own analysis of a fresh export (packaging has just built dist/cli.js).
  const result = await runCli(['analyze', IMAGE, '--json', '--no-cache', '--host', ENGINE]);
  assert.equal(result.code, 0, `layerlens analyze ${IMAGE}: ${result.stderr}`);
  expected = JSON.parse(result.stdout) as CliAnalysis;
  await openLayerlens(page);
  await row(page, 'layerlens-test/basics').click();
  await row(page, /^legacy/).waitFor({ state: 'visible' });
});

after(async () => {
  await session?.close();
});

/** Runs of spaces as one: the preview and the CLI pad columns alike, but only the values matter here. */
const squeeze = (text: string) => text.replace(/[ \u00a0]+/g, ' ').trim();

test('"Analyze Image" opens a Markdown preview with the efficiency, wasted bytes and top wasted files the CLI computes', async () => {
  await contextMenu(page, row(page, /^legacy/), 'Analyze Image');
  const preview = markdownPreview(page);
  await preview.getByText('Efficiency').first().waitFor({ state: 'visible' });
  const lines = (await preview.innerText()).split('\n').map(squeeze);

  assert.ok(lines.includes(IMAGE), `the preview is titled with the image: ${lines.slice(0, 3).join(' | ')}`);
  assert.ok(lines.includes(`Efficiency ${formatPercent(expected.efficiency)}`), `efficiency ${formatPercent(expected.efficiency)} in:\n${lines.join('\n')}`);
  assert.ok(lines.some((l) => l.startsWith(`Wasted bytes ${formatBytes(expected.wastedBytes)} `)), `wasted bytes ${formatBytes(expected.wastedBytes)}`);
  assert.ok(expected.wastedFiles.length > 0, 'the fixture wastes bytes (a chmod of a 2 MiB file, an overwrite, a deletion)');
  assert.ok(lines.includes(`Top wasted files (${expected.wastedFiles.length} in all)`), 'the count of wasted files');
  for (const w of expected.wastedFiles) {
    const line = lines.find((l) => l.startsWith(`${formatBytes(w.size)} ${w.path} `));
    assert.ok(line, `a line for ${w.path} (${formatBytes(w.size)})`);
    assert.ok(line.includes(`in layer ${w.layer},`) && line.endsWith(`by layer ${w.by}`), `${w.path}: in layer ${w.layer}, … by layer ${w.by}, not "${line}"`);
  }
  await screenshot(page, 'analyze-image');
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
