// End to end, in code-server + Chromium: the Layer Explorer's figures and marks on the fixture images of
// Engine 20.10 — one "wasted" figure in the header, the layer list and the CLI; deleted bytes apart from
// added ones in "Changes in this layer"; secrets and setuid programs marked in the tree, the layer list and the
// details — and, on the 50,000-file benchmark image, loading feedback and the explorer's cold open next to the
// CLI's cold `analyze --no-cache` (both printed; no timing is asserted).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { BENCH_IMAGE, ensureBenchImage } from '../../scripts/bench/benchImage';
import { ROOT } from './support/codeServer';
import type { Locator, Page } from './support/playwright';
import { startOpeningExplorer } from './support/explorerPage';
import { openSession, type Session } from './support/session';
import { openLayerlens, runCommand, screenshot, SCREENSHOTS, waitForEngineStatus } from './support/workbench';

const ENGINE = 'unix:///var/run/docker.sock';
const CLI = join(ROOT, 'dist', 'cli.js');
const run = promisify(execFile);

interface Frame {
  locator(selector: string): Locator;
}
interface FrameList {
  frameLocator(selector: string): FrameList & Frame;
  last(): FrameList & Frame;
}

let session: Session | undefined;
let page: Page;

before(async () => {
  session = await openSession({ settings: { 'layerlens.dockerHost': ENGINE, 'workbench.editor.enablePreview': false }, viewport: { width: 1400, height: 860 } });
  page = session.page;
  await openLayerlens(page);
  await waitForEngineStatus(page);
});

after(async () => {
  await session?.close();
});

/** The shown explorer's document: VS Code nests each webview in two iframes, and keeps hidden ones in the DOM. */
const explorer = (): Frame => (page as unknown as FrameList).frameLocator('iframe.webview.ready:visible').last().frameLocator('#active-frame');
const treeRow = (path: string) => explorer().locator(`.tree-row[data-path="${path}"]`).first();
const layerRow = (instruction: string | RegExp) => explorer().locator('.layer').filter({ hasText: instruction }).first();
const indexedMarker = '.layers:not(.waiting) .layer.selected';

async function cli(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args, '--host', ENGINE], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Starts opening an image's explorer alone; resolves with the click's time once its tab shows. */
const startOpening = (image: string): Promise<number> => startOpeningExplorer(page, image);

async function openExplorer(image: string): Promise<void> {
  await startOpening(image);
  await explorer().locator('.title').filter({ hasText: image }).waitFor({ state: 'visible', timeout: 120_000 });
  await explorer().locator(indexedMarker).first().waitFor({ state: 'visible', timeout: 180_000 });
}

async function selectLayer(instruction: string): Promise<void> {
  const row = layerRow(instruction);
  await row.click();
  const layer = await row.getAttribute('data-layer');
  await explorer().locator(`.tree[data-view$=" ${layer}:${layer}"]`).waitFor({ state: 'attached' });
}

async function expand(path: string): Promise<void> {
  const row = treeRow(path);
  await row.waitFor({ state: 'visible' });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await explorer().locator(`.tree-row[data-path="${path}"][aria-expanded="true"]`).waitFor({ state: 'visible' });
}

test('one waste figure: the header\'s "wasted" is the layer list\'s sum and the CLI\'s exactWastedBytes; dive\'s figures are labelled', async () => {
  const image = 'layerlens-test/basics:legacy';
  const analysis = JSON.parse(await cli(['analyze', image, '--json'])) as { exactWastedBytes: number; wastedBytes: number; efficiency: number };
  assert.ok(analysis.exactWastedBytes > 0, 'the fixture has a chmod copy to waste bytes');
  assert.notEqual(analysis.exactWastedBytes, analysis.wastedBytes, "dive's formula counts the kept version too: the two figures differ here");

  await openExplorer(image);
  const wasted = explorer().locator('.subtitle .fact-wasted');
  assert.equal(Number(await wasted.getAttribute('data-bytes')), analysis.exactWastedBytes);
  assert.match(await wasted.innerText(), /^[\d.]+ [kMG]?B wasted$/);
  const perLayer = (await explorer().locator('.layer .layer-wasted').evaluateAll((items) => items.map((i) => Number((i as { getAttribute(n: string): string | null }).getAttribute('data-bytes')))));
  assert.ok(perLayer.length > 0, 'the layer list shows the layer that wastes bytes');
  assert.equal(perLayer.reduce((a, b) => a + b, 0), analysis.exactWastedBytes, "the layer list's figures sum to the header's");

  const dive = explorer().locator('.subtitle .fact-dive');
  assert.match(await dive.innerText(), /^dive efficiency [\d.]+ % · dive wasted [\d.]+ [kMG]?B$/);
  assert.equal(Number(await dive.getAttribute('data-bytes')), analysis.wastedBytes);
  assert.match((await dive.getAttribute('title')) ?? '', /kept one included/, "the tooltip says what dive's figures measure");
  assert.equal((await explorer().locator('.subtitle').innerText()).match(/wasted/g)?.length, 2, 'exactly one unlabelled "wasted" and one of dive\'s');

  // The Wasted space tab lists the same bytes.
  await explorer().locator('vscode-tab-header').filter({ hasText: 'Wasted space' }).click();
  await explorer().locator('.wasted-row').first().waitFor({ state: 'visible' });
  const listed = await explorer().locator('.wasted-row .size').allTextContents();
  assert.ok(listed.length >= 1);
  await explorer().locator('vscode-tab-header').filter({ hasText: 'Files' }).click();
  await screenshot(page, 'explorer-header');
});

test('"changes in this layer": deleted bytes are shown apart from added ones, and a deleted folder says so', async () => {
  await openExplorer('layerlens-test/whiteouts:legacy');
  // This layer adds /partial/p3 (3 bytes) and deletes p1 and p2 (3 bytes each): /partial is not 9 bytes.
  await selectLayer('rm -rf /opq');
  const partial = treeRow('/partial');
  await partial.waitFor({ state: 'visible' });
  assert.equal((await partial.locator('.size').innerText()).trim(), '3 B', 'the folder shows the bytes the layer adds, not the ones it deletes');
  assert.equal((await partial.locator('.rollup').innerText()).trim(), '+1 changed · 3 B · −2 deleted (6 B hidden, still shipped)');

  await selectLayer('rm -rf /dir2file');
  const gone = treeRow('/gone');
  await gone.waitFor({ state: 'visible' });
  assert.match(await gone.getAttribute('class') ?? '', /change-deleted/);
  assert.match((await gone.locator('.size').innerText()).trim(), /^deleted · 2 B$/);
  assert.match((await gone.locator('.rollup').innerText()).trim(), /^−1 deleted \(2 B hidden, still shipped\)$/);

  // A directory's details give the rolled-up size its row shows, not its own 0 B.
  await selectLayer('rm -rf /opq');
  await partial.click();
  await explorer().locator('.details-path').filter({ hasText: '/partial' }).waitFor({ state: 'visible' });
  const facts = await explorer().locator('.details dd').allTextContents();
  assert.ok(facts.some((f) => /^3 B \(3 bytes, the files below it\)$/.test(f)), `details: ${facts.join(' | ')}`);
  assert.ok(facts.includes('+1 changed · 3 B · −2 deleted (6 B hidden, still shipped)'));
  // "1 row", not "1 rows".
  await expand('/partial');
  assert.doesNotMatch(await explorer().locator('.status').innerText(), /\b1 rows\b/);
});

test('security: a secret deleted by the next layer and a setuid program are marked in the layer list, the tree and the details', async () => {
  await openExplorer('layerlens-test/findings:legacy');
  const secretLayer = layerRow('mkdir -p /root/.ssh');
  assert.match(await secretLayer.locator('.layer-security').innerText(), /secrets?/);
  assert.match((await secretLayer.locator('.layer-security').getAttribute('aria-label')) ?? '', /^Security findings: /);
  assert.match(await layerRow('chmod 4755').locator('.layer-security').innerText(), /setuid/);
  assert.equal(await layerRow('head -c 3000000').locator('.layer-security').count(), 0, 'a clean layer has no mark');

  // Deleted in the next layer: the ghost keeps its mark, because layer #10 still ships the key.
  await selectLayer('rm -rf /root/.ssh');
  await expand('/root');
  await expand('/root/.ssh');
  const key = treeRow('/root/.ssh/id_ed25519');
  assert.match((await key.getAttribute('class')) ?? '', /change-deleted/);
  const badge = key.locator('.security-secret');
  assert.match(await badge.innerText(), /secret/);
  assert.match((await badge.getAttribute('aria-label')) ?? '', /^Security: secret\. .*private key/i);
  assert.ok((await treeRow('/root').locator('.security-below').count()) === 1, 'the folder above tells there is a marked path below');
  await key.click();
  const finding = explorer().locator('.details .security-finding');
  await finding.waitFor({ state: 'visible' });
  assert.match(await finding.innerText(), /Secret \(the version in #\d+\): .*private key/i);

  await selectLayer('chmod 4755');
  await expand('/usr');
  await expand('/usr/local');
  await expand('/usr/local/bin');
  assert.equal(await treeRow('/usr/local/bin/suid-tool').locator('.security-setuid').count(), 1);
  assert.equal(await treeRow('/usr/local/bin/sgid-tool').locator('.security-setuid').count(), 1, 'setgid too');
  await treeRow('/usr/local/bin/suid-tool').click();
  await explorer().locator('.details .security-finding').filter({ hasText: /Setuid\/setgid program \(the version in #\d+\): .*setuid/ }).waitFor({ state: 'visible' });
  // The selected layer's full command, in the details box under the layer list.
  assert.match(await explorer().locator('.layer-details .command').innerText(), /chmod 4755 \/usr\/local\/bin\/suid-tool/);
  assert.match(await explorer().locator('.layer-details').innerText(), /ago/, 'its date as people read it');
  await screenshot(page, 'explorer-security');
});

/** WCAG contrast of an element's text against the page background, from their computed colours. */
async function contrastOf(locator: Locator): Promise<number> {
  // Colours are read in the page; the arithmetic is done here (the page gets a function without helpers).
  const [fgCss, bgCss, opacity] = (await locator.evaluateAll((nodes) => {
    const win = globalThis as unknown as { getComputedStyle(n: unknown): { color: string; backgroundColor: string; opacity: string }; document: { body: unknown } };
    // Opacity fades the text without changing its computed colour: it counts too, up to the page.
    let faded = 1;
    for (let n = nodes[0] as { parentElement: unknown } | null; n; n = n.parentElement as typeof n) faded *= Number(win.getComputedStyle(n).opacity);
    return [win.getComputedStyle(nodes[0]).color, win.getComputedStyle(win.document.body).backgroundColor, String(faded)];
  })) as string[];
  assert.equal(Number(opacity), 1, 'no text is dimmed by opacity');
  const luminance = (css: string) => {
    const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((c) => {
      const v = Number(c) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [fg, bg] = [luminance(fgCss), luminance(bgCss)];
  return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
}

test('contrast: dimmed metadata steps, the amber "wasted" and the red counts reach 4.5:1 in Light Modern and Dark Modern', async () => {
  await openExplorer('layerlens-test/basics:legacy');
  const figures: Record<string, Record<string, number>> = {};
  for (const theme of ['Light Modern', 'Dark Modern']) {
    await page.keyboard.press('Escape');
    await runCommand(page, 'Preferences: Color Theme');
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.locator('input').waitFor({ state: 'visible' });
    await page.keyboard.type(theme);
    await quickInput.locator('.monaco-list-row').filter({ hasText: new RegExp(`^\\s*${theme}`) }).first().click();
    await page.locator('.monaco-workbench').waitFor({ state: 'visible' });
    await page.waitForTimeout(800); // the webview gets the new theme's variables
    const measured = {
      metadataStep: await contrastOf(explorer().locator('.layer.metadata .instruction')),
      wastedInList: await contrastOf(explorer().locator('.layer:not(.selected) .layer-wasted')),
      wastedInHeader: await contrastOf(explorer().locator('.subtitle .fact-wasted')),
      deletedCount: await contrastOf(explorer().locator('.layer:not(.selected) .count-deleted')),
      addedCount: await contrastOf(explorer().locator('.layer:not(.selected) .count-added')),
    };
    figures[theme] = Object.fromEntries(Object.entries(measured).map(([k, v]) => [k, Math.round(v * 100) / 100]));
    for (const [what, ratio] of Object.entries(measured)) assert.ok(ratio >= 4.5, `${theme}: ${what} has a contrast of ${ratio.toFixed(2)}:1`);
  }
  process.stderr.write(`[explorer contrast] ${JSON.stringify(figures)}\n`);
});

test('bench: a cold open shows progress as a percentage with no layer selected, and costs about what the CLI\'s cold analyze does', async () => {
  await ensureBenchImage({
    dockerCli: '/usr/bin/docker',
    host: ENGINE,
    context: join(ROOT, 'test', 'fixtures', 'bench'),
    buildLog: join(tmpdir(), 'layerlens-e2e-bench-build.log'),
    rebuild: false,
    log: (line) => process.stderr.write(`[bench image] ${line}\n`),
  });
  const image = BENCH_IMAGE.replace(/:latest$/, '');

  // The CLI's cold analyze runs before and after the explorer's cold open: on a shared machine the load
  // changes by the minute, and the mean of the two is the fairer figure to compare with. LAYERLENS_TIMINGS
  // has it print its stages (ms since its process started), to set beside the explorer's.
  const cliStages: Record<string, number>[] = [];
  const loadAverages: string[] = [];
  const loadAverage = async () => (await run('cat', ['/proc/loadavg'])).stdout.split(' ').slice(0, 3).join(' ');
  const cliCold = async () => {
    const begun = Date.now();
    const { stderr } = await run(process.execPath, [CLI, 'analyze', BENCH_IMAGE, '--no-cache', '--json', '--host', ENGINE], {
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, LAYERLENS_TIMINGS: '1' },
    });
    const ms = Date.now() - begun;
    const line = stderr.split('\n').find((l) => l.startsWith('timings: '));
    assert.ok(line, `the CLI printed its stages: ${stderr}`);
    cliStages.push(JSON.parse(line.slice('timings: '.length)) as Record<string, number>);
    loadAverages.push(await loadAverage());
    return ms;
  };
  const cliBeforeMs = await cliCold();
  let started: number;

  // This session's index cache is empty: the first open exports and indexes the whole image.
  started = await startOpening(image);
  await explorer().locator('.title').filter({ hasText: image }).waitFor({ state: 'visible', timeout: 60_000 });
  const shellMs = Date.now() - started;
  const scriptMs = Number(await explorer().locator('body').getAttribute('data-script-started-at')) - started;
  const percent = explorer().locator('.status').filter({ hasText: /^Reading the image: .* of ~.* \(\d+ %\)$/ });
  await percent.waitFor({ state: 'visible', timeout: 120_000 });
  assert.equal(await explorer().locator('.layers.waiting').count(), 1, 'still reading');
  assert.equal(await explorer().locator('.layer.selected').count(), 0, 'no layer looks selected while nothing is shown');
  await explorer().locator(indexedMarker).first().waitFor({ state: 'visible', timeout: 300_000 });
  await explorer().locator('.tree-row').first().waitFor({ state: 'visible' });
  const explorerColdMs = Date.now() - started;
  loadAverages.push(await loadAverage());
  const { panelOpenedAt, ...timings } = JSON.parse((await explorer().locator('body').getAttribute('data-load-timings')) ?? '{}') as Record<string, number>;
  // The host's stages are timed from the panel's creation: from the click, as the explorer's total is.
  const clickToPanelMs = panelOpenedAt - started;
  const hostStagesFromClickMs = Object.fromEntries(Object.entries(timings).map(([stage, ms]) => [stage, ms + clickToPanelMs]));
  const cliAfterMs = await cliCold();
  const cliColdMs = Math.round((cliBeforeMs + cliAfterMs) / 2);

  // Reopened: from the index cache, no export.
  started = await startOpening(image);
  await explorer().locator('.title').filter({ hasText: image }).waitFor({ state: 'visible', timeout: 60_000 });
  const reopenShellMs = Date.now() - started;
  const reopenScriptMs = Number(await explorer().locator('body').getAttribute('data-script-started-at')) - started;
  await explorer().locator(indexedMarker).first().waitFor({ state: 'visible', timeout: 120_000 });
  await explorer().locator('.tree-row').first().waitFor({ state: 'visible' });
  const reopenMs = Date.now() - started;

  const load = await loadAverage();
  // Load averages after the CLI's first run, the explorer's open, the CLI's second run and the reopen.
  loadAverages.push(load);
  // How long the engine prepares its export (before the first bytes) varies by seconds from one export to the
  // next on a busy machine; what follows the first bytes is the reader's, the analysis' and the UI's.
  const cliAfterFirstBytesMs = Math.round(cliStages.reduce((sum, s) => sum + (s.done - s.firstBytes), 0) / cliStages.length);
  const explorerAfterFirstBytesMs = explorerColdMs - hostStagesFromClickMs.firstBytes;
  const results = {
    image: BENCH_IMAGE,
    cliBeforeMs,
    cliAfterMs,
    cliColdMs,
    explorerColdMs,
    ratio: Math.round((explorerColdMs / cliColdMs) * 100) / 100,
    cliAfterFirstBytesMs,
    explorerAfterFirstBytesMs,
    afterFirstBytesRatio: Math.round((explorerAfterFirstBytesMs / cliAfterFirstBytesMs) * 100) / 100,
    cliStagesMs: cliStages,
    clickToPanelMs,
    hostStagesFromClickMs,
    shellMs,
    scriptMs,
    reopenShellMs,
    reopenScriptMs,
    reopenMs,
    loadAverage: load,
    loadAverages,
  };
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(join(SCREENSHOTS, 'explorer-cold-open.json'), JSON.stringify(results, null, 2));
  process.stderr.write(`[explorer cold open] ${JSON.stringify(results)}\n`);
  assert.ok(Number.isFinite(timings.read) && timings.read > 0, 'the host reported its stages');
  assert.ok(Number.isFinite(clickToPanelMs) && timings.exportRequested < timings.firstBytes, 'the export was asked for before its first bytes came');
  for (const stages of cliStages) assert.ok(stages.exportRequested < stages.firstBytes && stages.firstBytes < stages.done, "the CLI's stages are in order");
  assert.ok(cliColdMs > 0 && explorerColdMs > 0);
});
