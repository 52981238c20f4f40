// End to end, in a real VS Code (code-server) in headless Chromium, on Engine 20.10: the sidebar views.
// Containers: a container's read-write layer tells a copy-up (same bytes as the image's version) from a file that
// replaces it, with sizes; its files open read-only and compare with the image's version; the image's read-only
// layers are listed with their sizes and open in the Layer Explorer. Images: a step's size leads its label, its
// tooltip gives files and waste once the image is indexed, metadata steps are dimmed, an active filter shows in
// the view's description with a Clear Filter action; the Command Palette's image picker gives size, ID and age.
// Needs test/e2e/setup.sh, the engines and the fixtures.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openSession, type Session } from './support/session';
import { imagesViewRootRows } from './support/imagesViewRows';
import { ensureNoiseImages } from './support/noiseImages';
import {
  contextMenu,
  filterImages,
  imagesRow,
  markdownPreview,
  openLayerlens,
  row as sidebarRow,
  runCommand,
  screenshot,
  sidebar as workbenchSidebar,
  waitForImagesRootRows,
  widenSidebar,
} from './support/workbench';
import type { Page } from './support/playwright';
import { runCli } from '../integration/support/cli';
import { formatAge, formatBytes } from '../../src/core/format';
import { endpointFor } from '../../src/docker/connection';
import { DockerEngine } from '../../src/docker/engine';

const ENGINE = 'unix:///var/run/docker.sock';
const IMAGE = 'layerlens-test/basics:legacy';
const CONTAINER = `layerlens-e2e-views-${process.pid}`;
const docker = new DockerEngine(endpointFor(ENGINE, 'test', undefined)).docker;

interface CliLayers {
  image: { id: string };
  layers: { index: number; size: number; added: number; modified: number; deleted: number; wastedBytes: number; instruction: string; diffId: string }[];
  steps: { instruction: string; layerIndex: number | null }[];
}

let session: Session | undefined;
let page: Page;
let layers: CliLayers;

const cli = async (args: string[]) => {
  const result = await runCli([...args, '--json', '--host', ENGINE]);
  assert.equal(result.code, 0, `layerlens ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
};

before(async () => {
  // Other repositories first, as on a developer's Docker: the fixtures' rows must be found as a user would.
  await ensureNoiseImages(ENGINE);
  session = await openSession({ settings: { 'layerlens.dockerHost': ENGINE } });
  page = session.page;
  layers = (await cli(['layers', IMAGE, '--no-cache'])) as CliLayers;
  await openLayerlens(page);
});

after(async () => {
  try {
    await docker.getContainer(CONTAINER).remove({ force: true }).catch(() => undefined);
  } finally {
    await session?.close();
  }
});

const sidebar = () => workbenchSidebar(page);
const row = (text: string | RegExp) => sidebarRow(page, text);
/** A row of the Images view only (the Containers view also names images). */
const imageRow = (text: string | RegExp) => imagesRow(page, text);
/** Every repository of the engine is a top-level row again (most are below the fold: the tree is virtualized). */
const everyImageListed = async () => waitForImagesRootRows(page, await imagesViewRootRows(ENGINE));
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ');

/** The Containers view's pane (the Images view has focused rows of its own). */
const containersPane = () => sidebar().locator('.pane').filter({ has: page.locator('.pane-header h3.title').filter({ hasText: /^Containers$/ }) });

/**
 * The labels of an expanded row's children, in order, read by focusing each in turn with the Down key: the
 * focused row is scrolled into view, and says its place among its siblings (aria-posinset of aria-setsize).
 */
async function walkChildRows(parent: ReturnType<Page['locator']>): Promise<string[]> {
  // The parent was just clicked (expanded and focused): Down goes to its first child.
  const level = Number(await parent.getAttribute('aria-level')) + 1;
  const labels: string[] = [];
  let count = 1;
  for (let position = 1; position <= count; position++) {
    await page.keyboard.press('ArrowDown');
    const focused = containersPane().locator(`.monaco-list-row.focused[aria-level="${level}"][aria-posinset="${position}"]`);
    await focused.waitFor({ state: 'visible' });
    count = Number(await focused.getAttribute('aria-setsize'));
    labels.push((await focused.locator('.label-name').first().innerText()).trim());
  }
  return labels;
}

/** Closes an editor by its tab's close button, as a user does (keys typed into a webview may not reach the workbench). */
async function closeTab(tab: ReturnType<Page['locator']>): Promise<void> {
  await tab.hover();
  await tab.locator('.tab-actions .action-label').first().click();
  await tab.waitFor({ state: 'detached' });
}

/** Where each path of the image's top view comes from, by the CLI: the layer holding it, that layer's step, its size. */
async function topViewSources(): Promise<Map<string, { layer: number; instruction: string; size: number }>> {
  const tree = (await cli(['tree', IMAGE])) as { entries: { path: string; size: number; addedIn: number; modifiedIn: number[] }[] };
  const instructions = new Map(layers.steps.filter((s) => s.layerIndex !== null).map((s) => [s.layerIndex!, oneLine(s.instruction)]));
  return new Map(
    tree.entries.map((e) => {
      // The version a container sees is the last layer that rewrote the path, else the one that added it.
      const layer = e.modifiedIn.at(-1) ?? e.addedIn;
      return [e.path, { layer, instruction: instructions.get(layer) ?? '', size: e.size }];
    }),
  );
}

test('a container\'s read-write layer tells a copy-up from a replacement, with sizes, and says where each came from', async () => {
  // A chmod copies big.bin up with the same bytes; an append gives config.txt new bytes; a new file; a deletion.
  const created = await docker.createContainer({
    name: CONTAINER,
    Image: IMAGE,
    User: '0',
    Cmd: ['/bin/sh', '-c', 'echo new > /new.txt && rm /app/hello.txt && echo more >> /app/data/config.txt && chmod 644 /app/big.bin'],
    HostConfig: { NetworkMode: 'none' },
  });
  await created.start();
  await created.wait();
  const sources = await topViewSources();
  const big = sources.get('/app/big.bin')!;
  const config = sources.get('/app/data/config.txt')!;
  const hello = sources.get('/app/hello.txt')!;
  const newConfigSize = config.size + 'more\n'.length;
  assert.match(big.instruction, /chmod 600 \/app\/big\.bin/, 'only the chmod\'s layer holds the visible big.bin');

  await sidebar().locator('.pane-header h3.title').filter({ hasText: 'Containers' }).waitFor({ state: 'visible' });
  await row(CONTAINER).click();
  // The image was never indexed in this fresh VS Code: its sources arrive after a background indexing.
  await row('Container layer (read-write)')
    .filter({ hasText: `1 added · 4 changed · 1 deleted · 1 copied up · ${formatBytes(big.size)} duplicated · 1 replaced` })
    .waitFor({ state: 'visible', timeout: 60_000 });
  await row(/^new\.txt/).filter({ hasText: '4 B' }).waitFor({ state: 'visible' });
  await row(/^app/).filter({ hasText: `1 copied up · ${formatBytes(big.size)} duplicated · 1 replaced` }).click();
  await row(/^big\.bin/).filter({ hasText: `${formatBytes(big.size)} · copied up from #${big.layer} ${big.instruction.slice(0, 30)}` }).waitFor({ state: 'visible' });
  await row(/^hello\.txt/).filter({ hasText: `whiteout over #${hello.layer} ${hello.instruction.slice(0, 30)}` }).waitFor({ state: 'visible' });
  await row(/^data/).click();
  const configRow = row(/^config\.txt/).filter({ hasText: `${formatBytes(newConfigSize)} · replaces #${config.layer}'s version (${formatBytes(config.size)})` });
  await configRow.waitFor({ state: 'visible' });
  assert.equal(await row(/^config\.txt/).filter({ hasText: 'copied up' }).count(), 0, 'new bytes are not called a copy-up');

  await widenSidebar(page, 620);
  await row(/^big\.bin/).hover();
  await page.locator('.monaco-hover').filter({ hasText: `Same size and bytes as the version of layer #${big.layer}` }).filter({ hasText: `${formatBytes(big.size)} duplicated` }).first().waitFor({ state: 'visible' });
  await screenshot(page, 'containers-view', { keepPointer: true });
  await configRow.hover();
  await page.locator('.monaco-hover').filter({ hasText: `${formatBytes(config.size)} in the image, ${formatBytes(newConfigSize)} in the container` }).first().waitFor({ state: 'visible' });
  await widenSidebar(page, 300);
});

test('a file of the read-write layer opens read-only, and compares with the image\'s version', async () => {
  const config = (await topViewSources()).get('/app/data/config.txt')!;
  await row(/^config\.txt/).click();
  const tab = page.locator('.tabs-container .tab').filter({ hasText: 'config.txt' }).first();
  await tab.waitFor({ state: 'visible' });
  const editor = page.locator('.editor-instance .monaco-editor .view-lines').first();
  await editor.filter({ hasText: 'more' }).waitFor({ state: 'visible' });
  const before = await editor.innerText();
  // Typing changes nothing: the file system is read-only.
  await editor.click();
  await page.keyboard.type('XYZ');
  assert.equal(await editor.innerText(), before);
  assert.ok(!before.includes('XYZ'));
  await closeTab(tab);

  await contextMenu(page, row(/^config\.txt/), "Compare with Image's Version");
  const diffTab = page.locator('.tabs-container .tab').filter({ hasText: `config.txt (image #${config.layer} ↔ container ${CONTAINER})` }).first();
  await diffTab.waitFor({ state: 'visible' });
  const diff = page.locator('.monaco-diff-editor').first();
  await diff.waitFor({ state: 'visible' });
  const original = diff.locator('.editor.original .view-lines');
  const modified = diff.locator('.editor.modified .view-lines');
  await modified.filter({ hasText: 'more' }).waitFor({ state: 'visible' });
  assert.ok(!(await original.innerText()).includes('more'), 'the image\'s side is the version before the append');
  assert.ok((await original.innerText()).trim().length > 0, 'the image\'s side is read from the image');
  await screenshot(page, 'container-file-compare');
  await closeTab(diffTab);
});

test('the image\'s read-only layers are listed under the container, top first, and open in the Layer Explorer', async () => {
  const imageLayers = row(`Image ${IMAGE} (read-only layers)`);
  await imageLayers.click();
  const top = layers.layers.at(-1)!;
  const topRow = row(`#${top.index} · `);
  await topRow.waitFor({ state: 'visible' });
  // The tree is virtualized: rows below the Containers view's fold are not rendered. Walking them with the
  // keyboard, as a user does, scrolls each one into view: every layer row is read, in order.
  const labels = await walkChildRows(imageLayers);
  const expected = layers.layers.map((l) => l.index).reverse();
  assert.deepEqual(
    labels.map((l) => Number(/^#(\d+) · /.exec(l)?.[1])),
    expected,
    `one row per layer, top first: ${labels.join(' | ')}`,
  );
  for (const l of layers.layers) {
    const label = labels.find((x) => x.startsWith(`#${l.index} · `))!;
    assert.match(label, /^#\d+ · \d+(\.\d)? [kMG]?B · /, `a size on ${label}`);
    assert.ok(label.endsWith(oneLine(l.instruction)) || label.includes(oneLine(l.instruction).slice(0, 30)), `${label} names its step ${l.instruction}`);
  }
  // Back up to the top layer's row (the walk scrolled it away), and open it with Enter: a click could land on
  // the sticky parent rows the tree lays over its top when scrolled.
  for (let position = labels.length - 1; position >= 1; position--) {
    await page.keyboard.press('ArrowUp');
    await containersPane().locator(`.monaco-list-row.focused[aria-posinset="${position}"]`).waitFor({ state: 'visible' });
  }
  await containersPane().locator('.monaco-list-row.focused').filter({ hasText: `#${top.index} · ` }).waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  const explorerTab = page.locator('.tabs-container .tab').filter({ hasText: 'basics:legacy' }).first();
  await explorerTab.waitFor({ state: 'visible', timeout: 60_000 });
  await closeTab(explorerTab);
  // Out of the way of the Images view's tests.
  await sidebar().locator('.pane-header').filter({ hasText: 'Containers' }).first().click();
  await row(CONTAINER).waitFor({ state: 'hidden' });
});

test('Images view: a step\'s size leads its label, metadata steps are dimmed, and the tooltip gives files and waste', async () => {
  await (await filterImages(page, 'layerlens-test/basics')).click();
  await imageRow(/^legacy/).click();
  const history = (await docker.getImage(IMAGE).history()) as { CreatedBy: string; Size: number }[];
  const chmodStep = history.find((h) => h.CreatedBy.includes('chmod 600 /app/big.bin'))!;
  const chmodRow = imageRow(new RegExp(`^${formatBytes(chmodStep.Size).replace('.', '\\.')} · RUN .*chmod 600 /app/big\\.bin`));
  await chmodRow.waitFor({ state: 'visible' });
  const metadataRow = imageRow('ENV LAYERLENS_FIXTURE=basics').filter({ hasText: 'metadata' });
  await metadataRow.waitFor({ state: 'visible' });
  type Styled = { className: string; closest(s: string): Styled | null };
  type Globals = { getComputedStyle(e: unknown): { color: string } };
  const colour = (r: typeof chmodRow) =>
    r.locator('.label-name').first().evaluateAll((els) => {
      const g = globalThis as unknown as Globals;
      const label = els[0] as Styled;
      return {
        color: g.getComputedStyle(label).color,
        classes: label.closest('.monaco-icon-label')?.className ?? '',
      };
    });
  // File decorations arrive after the row is drawn.
  await metadataRow.locator('.monaco-icon-label[class*="monaco-decoration-itemColor"]').first().waitFor({ state: 'attached' });
  const dimmed = await colour(metadataRow);
  const normal = await colour(chmodRow);
  // The contributed colour layerlens.metadataStepForeground (#6e6e6e on the light default theme, #9d9d9d on dark ones).
  assert.ok(['rgb(110, 110, 110)', 'rgb(157, 157, 157)'].includes(dimmed.color), `the metadata step's label colour: ${JSON.stringify(dimmed)}`);
  assert.notEqual(normal.color, dimmed.color, 'a layer step keeps the normal colour');

  // Indexed by Analyze Image, the layer's files and waste show in the tooltip, as the CLI counts them.
  await contextMenu(page, imageRow(/^legacy/), 'Analyze Image');
  await markdownPreview(page).getByText("dive's measures").first().waitFor({ state: 'visible', timeout: 60_000 });
  await closeTab(page.locator('.tabs-container .tab').filter({ hasText: 'Analysis of' }).first());
  const chmodLayer = layers.layers.find((l) => l.instruction.includes('chmod 600 /app/big.bin'))!;
  await widenSidebar(page, 620);
  await chmodRow.hover();
  const hover = page.locator('.monaco-hover').filter({ hasText: `Layer #${chmodLayer.index}: ${formatBytes(chmodStep.Size)}` });
  await hover.first().waitFor({ state: 'visible' });
  // MarkdownString.appendText keeps spaces as no-break spaces.
  const text = (await hover.first().innerText()).replace(/\u00a0/g, ' ');
  assert.ok(text.includes(`Files: +${chmodLayer.added} ~${chmodLayer.modified} −${chmodLayer.deleted}`), text);
  assert.ok(text.includes(`Wasted: ${formatBytes(chmodLayer.wastedBytes)}`), text);
  assert.ok(text.includes(`Digest: ${chmodLayer.diffId}`), text);
  assert.match(text, /Created: (just now|\d+ (minute|hour|day|week|month|year)s? ago) \(\d{4}-\d\d-\d\dT/);
  await screenshot(page, 'images-step-tooltip', { keepPointer: true });
  await widenSidebar(page, 300);
});

test('an active filter shows in the Images view\'s description, and Clear Filter brings every image back', async () => {
  await runCommand(page, 'Layerlens: Filter Images…');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('whiteouts');
  await page.keyboard.press('Enter');
  const header = sidebar().locator('.pane-header').filter({ hasText: 'Images' }).first();
  await header.filter({ hasText: 'filter "whiteouts"' }).waitFor({ state: 'visible' });
  await imageRow('layerlens-test/whiteouts').waitFor({ state: 'visible' });
  assert.equal(await imageRow('layerlens-test/basics').count(), 0, 'the filter hides the other images');
  await screenshot(page, 'images-filter');
  // A filter that hides everything says so (not the welcome for an engine without images), and clears on a click.
  await runCommand(page, 'Layerlens: Filter Images…');
  await input.waitFor({ state: 'visible' });
  await input.fill('no-such-image-anywhere');
  await page.keyboard.press('Enter');
  const noMatch = imageRow('No image name or ID contains "no-such-image-anywhere"');
  await noMatch.waitFor({ state: 'visible' });
  assert.equal(await sidebar().getByText('No images on this engine yet').count(), 0);
  await noMatch.click();
  await everyImageListed();

  await runCommand(page, 'Layerlens: Filter Images…');
  await input.waitFor({ state: 'visible' });
  await input.fill('whiteouts');
  await page.keyboard.press('Enter');
  await header.filter({ hasText: 'filter "whiteouts"' }).waitFor({ state: 'visible' });
  await header.hover();
  await header.locator('.action-label[aria-label="Clear Filter"]').click();
  await everyImageListed();
  // The description no longer names a filter.
  await header.filter({ hasText: 'filter "' }).waitFor({ state: 'detached' });
  assert.equal(await header.locator('.action-label[aria-label="Clear Filter"]').count(), 0, 'Clear Filter goes with the filter');
});

test('the Command Palette\'s image picker gives each image its size, short ID and age, by name', async () => {
  const listed = await docker.listImages();
  await runCommand(page, 'Layerlens: Analyze Image');
  const quickInput = page.locator('.quick-input-widget');
  const rows = quickInput.locator('.monaco-list-row');
  await rows.first().waitFor({ state: 'visible' });
  const labels = (await rows.locator('.label-name').allTextContents()).map((l) => l.trim()).filter((l) => !l.startsWith('<untagged>'));
  assert.ok(labels.length >= 2, 'several images are listed');
  assert.deepEqual(labels, [...labels].sort((a, b) => a.localeCompare(b)), 'by repository:tag');
  // The list is virtualized: typing the name brings the image's own row, as it does for a user.
  await page.keyboard.type(IMAGE);
  const basics = listed.find((i) => i.RepoTags?.includes(IMAGE))!;
  const item = rows.filter({ hasText: IMAGE }).first();
  const description = await item.locator('.label-description').first().innerText();
  assert.equal(description, `${formatBytes(basics.Size)} · ${basics.Id.slice(7, 19)} · ${formatAge(basics.Created * 1000)}`);
  await page.keyboard.press('Escape');
});
