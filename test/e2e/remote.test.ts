// End to end, in code-server + Chromium against the loopback registries of test/setup/registry.sh (test/.registry.json):
// "Layerlens: Open Remote Image…" opens the Layer Explorer on an image only the registry has, its layers those the
// CLI reads; a multi-platform index (made here) asks which platform; a missing tag is one sentence; Basic auth uses
// the docker CLI's credentials (a DOCKER_CONFIG made here); the Images view's Remote group lists what was opened
// with its size and platform, survives a reload, and explains a remote layer as the CLI does; a Dockerfile whose
// FROM and COPY --from images are only in the registry shows their size, layers and platform in the hover.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { formatBytes, printablePath } from '../../src/core/format';
import { runCli } from '../integration/support/cli';
import { activityBarItem, launchBrowser, openWorkbench, type Browser } from './support/browser';
import { assertInstalled, packageExtension, ROOT, startCodeServer, type CodeServer } from './support/codeServer';
import { detailsButton, explorerFrame, notifications, selectLayer, selectRow } from './support/explorerPage';
import type { Locator, Page } from './support/playwright';
import { chooseDockerHost, contextMenu, imagesRow, markdownPreview, runCommand, screenshot, waitForEngineStatus } from './support/workbench';

const ENGINE = 'unix:///var/run/docker.sock';
const registries = JSON.parse(readFileSync(join(ROOT, 'test', '.registry.json'), 'utf8')) as { plain: string; basic: string; user: string; password: string };
const PLAIN = registries.plain;
const BASICS = `${PLAIN}/d20/basics:legacy`;
const WHITEOUTS = `${PLAIN}/d20/whiteouts:legacy`;
const MULTI_REPO = `e2e-remote-${process.pid}/multi`;
const MULTI = `${PLAIN}/${MULTI_REPO}:index`;
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFESTS = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';

let vsixDir: string | undefined;
let workspace: string | undefined;
let dockerConfig: string | undefined;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;

before(async () => {
  assertInstalled();
  vsixDir = mkdtempSync(join(tmpdir(), 'layerlens-e2e-vsix-'));
  workspace = mkdtempSync(join(tmpdir(), 'layerlens-e2e-remote-'));
  mkdirSync(join(workspace, 'remote'));
  writeFileSync(join(workspace, 'remote', 'Dockerfile'), `FROM ${BASICS}\nCOPY --from=${WHITEOUTS} /readd.txt /readd.txt\n`);
  // The docker CLI's own file, as `docker login` writes it: the extension must find the Basic registry's password here.
  dockerConfig = mkdtempSync(join(tmpdir(), 'layerlens-e2e-docker-config-'));
  const auth = Buffer.from(`${registries.user}:${registries.password}`).toString('base64');
  writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [registries.basic]: { auth } } }));
  await makeMultiPlatformIndex();
  const vsix = await packageExtension(vsixDir);
  server = await startCodeServer({
    vsix,
    workspace,
    env: { DOCKER_CONFIG: dockerConfig },
    settings: { 'layerlens.dockerHost': ENGINE, 'workbench.editor.enablePreview': false, 'editor.hover.delay': 200, 'files.autoSave': 'off' },
  });
  browser = await launchBrowser({ viewport: { width: 1400, height: 860 } });
  page = browser.page;
  page.setDefaultTimeout(30_000);
  await openWorkbench(page, server.url);
  await activityBarItem(page, 'Layerlens').click();
  await waitForEngineStatus(page);
});

after(async () => {
  try {
    await server?.stop();
  } finally {
    await browser?.close();
    for (const dir of [vsixDir, workspace, dockerConfig]) if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

/** An image manifest of the plain registry, as it serves it (the oracle for sizes and digests). */
async function manifestOf(repository: string, tag: string): Promise<{ bytes: Buffer; mediaType: string; digest: string; layers: { size: number }[] }> {
  const answer = await fetch(`http://${PLAIN}/v2/${repository}/manifests/${tag}`, { headers: { Accept: MANIFESTS } });
  assert.equal(answer.status, 200, `${repository}:${tag}`);
  const bytes = Buffer.from(await answer.arrayBuffer());
  const digest = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
  return { bytes, mediaType: answer.headers.get('content-type')!, digest, layers: (JSON.parse(bytes.toString('utf8')) as { layers: { size: number }[] }).layers };
}

/** An index of two pushed images (linux/amd64 and linux/arm64/v8) and an attestation listed first, in a repository of its own. */
async function makeMultiPlatformIndex(): Promise<void> {
  const base = `http://${PLAIN}/v2/`;
  const copy = async (from: string, tag: string) => {
    const manifest = await manifestOf(from, tag);
    const parsed = JSON.parse(manifest.bytes.toString('utf8')) as { config: { digest: string }; layers: { digest: string }[] };
    for (const blob of [parsed.config, ...parsed.layers]) {
      const mounted = await fetch(`${base}${MULTI_REPO}/blobs/uploads/?mount=${blob.digest}&from=${from}`, { method: 'POST' });
      assert.equal(mounted.status, 201, `mount ${blob.digest}`);
    }
    await put(manifest.digest, manifest.bytes, manifest.mediaType);
    return { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.length };
  };
  const put = async (reference: string, bytes: Buffer, mediaType: string) => {
    const answer = await fetch(`${base}${MULTI_REPO}/manifests/${reference}`, { method: 'PUT', body: bytes, headers: { 'Content-Type': mediaType } });
    assert.equal(answer.status, 201, `PUT ${MULTI_REPO}:${reference}: ${await answer.text()}`);
  };
  const amd64 = await copy('d20/basics', 'legacy');
  const arm64 = await copy('d26c/basics', 'buildkit');
  const attestation = await copy('d20/whiteouts', 'legacy');
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      { ...attestation, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': amd64.digest } },
      { ...amd64, platform: { os: 'linux', architecture: 'amd64' } },
      { ...arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ],
  };
  await put('index', Buffer.from(JSON.stringify(index)), OCI_INDEX);
}

interface CliLayer {
  index: number;
  instruction: string;
  size: number;
}

/** The CLI's layers of a registry image: the oracle for the explorer's list. */
async function cliLayers(reference: string): Promise<CliLayer[]> {
  const result = await runCli(['layers', `registry://${reference}`, '--json'], { DOCKER_CONFIG: dockerConfig! });
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { layers: CliLayer[] }).layers;
}

/** The explorer's layer rows once indexed: number, instruction and size as shown. */
async function explorerLayers(): Promise<string[][]> {
  const frame = explorerFrame(page);
  await frame.locator('.layers:not(.waiting) .layer.selected').first().waitFor({ state: 'visible', timeout: 180_000 });
  const rows = frame.locator('.layer[data-layer]');
  const shown: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    shown.push([(await row.locator('.layer-number').innerText()).trim(), (await row.locator('.instruction').innerText()).trim(), (await row.locator('.layer-size').innerText()).trim()]);
  }
  return shown;
}

/** The CLI's layers as the explorer shows them (control characters and backslashes escaped: src/core/format.ts). */
const expectedRows = (layers: CliLayer[]) => layers.map((l) => [`#${l.index}`, printablePath(l.instruction), formatBytes(l.size)]);

/** Runs Open Remote Image… and enters `reference` in its box (waiting until the box offers what was typed). */
async function openRemote(reference: string, log?: (message: string) => void): Promise<void> {
  const started = Date.now();
  await page.keyboard.press('Escape');
  await runCommand(page, 'View: Close All Editors');
  log?.(`editors closed after ${Date.now() - started} ms`);
  await runCommand(page, 'Layerlens: Open Remote Image…');
  const box = page.locator('.quick-input-widget');
  await box.locator('input').waitFor({ state: 'visible' });
  await page.keyboard.type(reference);
  await box.locator('.monaco-list-row').filter({ hasText: 'open this reference' }).first().waitFor({ state: 'visible' });
  log?.(`reference typed after ${Date.now() - started} ms`);
  await page.keyboard.press('Enter');
}

const tab = (text: string): Locator => page.locator('.tab').filter({ hasText: text }).first();

test('Open Remote Image… opens the explorer on an image only the registry has, its layers the CLI\'s', async (t) => {
  const started = Date.now();
  await openRemote(BASICS, (m) => t.diagnostic(m));
  await tab('d20/basics:legacy').waitFor({ state: 'visible', timeout: 60_000 });
  t.diagnostic(`explorer tab after ${Date.now() - started} ms`);
  const shown = await explorerLayers();
  t.diagnostic(`indexed after ${Date.now() - started} ms`);
  assert.deepEqual(shown, expectedRows(await cliLayers(BASICS)));
  const header = await explorerFrame(page).locator('body').innerText();
  assert.ok(header.includes(`registry ${PLAIN}`), `the header names the registry: ${header.slice(0, 300)}`);
  await screenshot(page, 'remote-explorer');

  // Its files open in VS Code's editor (the layerlens: file system reads them from the layer's blob), each
  // version from the layer that wrote it.
  for (const [instruction, text] of [["RUN echo 'config v2'", 'config v2'], ['RUN mkdir -p /app/data', 'config v1']] as const) {
    await page.locator('.tab').filter({ hasText: 'd20/basics:legacy' }).first().click();
    await selectLayer(page, instruction);
    await selectRow(page, '/app/data/config.txt');
    await detailsButton(page, 'Open').click();
    await page.locator('.editor-instance .view-lines').filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: 60_000 });
    t.diagnostic(`${text} open after ${Date.now() - started} ms`);
  }
  assert.equal(await page.locator('.notifications-toasts .notification-list-item .codicon-error').count(), 0, 'no error toast');
});

test('a multi-platform index asks which platform (attestations never offered) and opens that one', async () => {
  await openRemote(MULTI);
  const picks = page.locator('.quick-input-widget .monaco-list-row');
  await picks.filter({ hasText: 'linux/arm64/v8' }).first().waitFor({ state: 'visible', timeout: 60_000 });
  const offered: string[] = [];
  for (let i = 0; i < (await picks.count()); i++) offered.push((await picks.nth(i).locator('.label-name').first().innerText()).trim());
  assert.deepEqual([...offered].sort(), ['linux/amd64', 'linux/arm64/v8']);
  assert.match((await picks.first().innerText()).replace(/\s+/g, ' '), /^linux\/amd64\s*the engine’s platform/, 'the engine\'s platform is offered first');
  await picks.filter({ hasText: 'linux/arm64/v8' }).first().click();
  await tab(`${MULTI_REPO}:index (linux/arm64/v8)`).waitFor({ state: 'visible', timeout: 60_000 });
  // The arm64 entry is the containerd-store engine's push of basics:buildkit: its layers, not the amd64 one's.
  const arm64 = await cliLayers(`${PLAIN}/d26c/basics:buildkit`);
  assert.notDeepEqual(expectedRows(arm64), expectedRows(await cliLayers(BASICS)));
  assert.deepEqual(await explorerLayers(), expectedRows(arm64));
});

test('a tag the registry lacks is one sentence, and opens nothing', async () => {
  const missing = `${PLAIN}/d20/basics:no-such-tag-${process.pid}`;
  await openRemote(missing);
  // The notification that says it is reading names the tag too (an info): wait for the error itself.
  const errorsShown = async () => (await notifications(page)).filter((n) => n.startsWith('error: ') && n.includes('no-such-tag'));
  const deadline = Date.now() + 60_000;
  let errors = await errorsShown();
  while (!errors.length && Date.now() < deadline) {
    await page.waitForTimeout(200);
    errors = await errorsShown();
  }
  assert.equal(errors.length, 1);
  const [message] = errors;
  assert.match(message, /^error: /);
  const sentence = message.slice('error: '.length);
  assert.ok(sentence.includes('d20/basics') && sentence.includes(`no-such-tag-${process.pid}`), `names the repository and the tag: ${sentence}`);
  assert.match(sentence, /^[^\n]+\.$/, 'one line, one sentence');
  assert.doesNotMatch(sentence, /\bat \S+:\d+|Error:/, 'no stack, no error class');
  assert.equal(await page.locator('.tab').filter({ hasText: 'no-such-tag' }).count(), 0);
  await page.keyboard.press('Escape');
  await runCommand(page, 'Notifications: Clear All Notifications');
});

test('Basic auth: the credentials the docker CLI would use are found, never shown', async () => {
  const reference = `${registries.basic}/d20/whiteouts:legacy`;
  await openRemote(reference);
  await tab('d20/whiteouts:legacy').waitFor({ state: 'visible', timeout: 60_000 });
  assert.deepEqual(await explorerLayers(), expectedRows(await cliLayers(reference)));
  assert.ok(!(await page.locator('body').innerText()).includes(registries.password), 'the password shows nowhere');
});

test('the Remote group lists the opened images with size, layers and platform, keeps them across a reload, and explains a remote layer', async () => {
  const basics = await manifestOf('d20/basics', 'legacy');
  const compressed = basics.layers.reduce((sum, l) => sum + l.size, 0);
  const basicsRow = imagesRow(page, BASICS);
  const groupShown = async () => {
    await imagesRow(page, /^Remote/).waitFor({ state: 'visible', timeout: 60_000 });
    await basicsRow.waitFor({ state: 'visible', timeout: 60_000 });
  };
  await groupShown();
  const text = (await basicsRow.innerText()).replace(/\s+/g, ' ');
  assert.ok(text.includes(`${formatBytes(compressed)} compressed · ${basics.layers.length} layers · linux/amd64`), `size, layers, platform: ${text}`);
  assert.ok(await imagesRow(page, `${MULTI_REPO}:index (linux/arm64/v8)`).isVisible(), 'the platform picked from the index is its own row');
  assert.equal(await imagesRow(page, 'no-such-tag').count(), 0, 'what failed to open is not remembered');
  await screenshot(page, 'remote-group');

  const reloaded = page.waitForEvent('load', { timeout: 60_000 });
  await runCommand(page, 'Developer: Reload Window');
  await reloaded;
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await waitForEngineStatus(page);
  await groupShown();

  // Its steps come from the config; Explain This Layer on one gives the CLI's explanation of that layer.
  const layers = await cliLayers(BASICS);
  const chmod = layers.find((l) => l.instruction.includes('chmod 600 /app/big.bin'));
  assert.ok(chmod, 'basics has the chmod layer');
  await basicsRow.click();
  const stepRow = imagesRow(page, 'chmod 600 /app/big.bin');
  await stepRow.waitFor({ state: 'visible', timeout: 60_000 });
  const explained = await runCli(['explain', `registry://${BASICS}`, '--layer', String(chmod.index), '--json']);
  assert.equal(explained.code, 0, explained.stderr);
  const explanation = JSON.parse(explained.stdout) as { cost: { size: number }; findings: { title: string }[] };
  await contextMenu(page, stepRow, 'Explain This Layer');
  const preview = markdownPreview(page);
  await preview.getByText('What it costs').first().waitFor({ state: 'visible', timeout: 120_000 });
  const previewText = (await preview.innerText()).replace(/\s+/g, ' ');
  assert.match(previewText, new RegExp(`Layer ${chmod.index} of `));
  assert.ok(previewText.includes(`Size: ${formatBytes(explanation.cost.size)}`), `the CLI's size in: ${previewText.slice(0, 400)}`);
  for (const finding of explanation.findings) assert.ok(previewText.includes(finding.title), `the finding "${finding.title}"`);
});

test('Compare with… on a Remote row offers the engine\'s images and compares the registry image with one of them', async () => {
  // BASICS was pushed from this engine's layerlens-test/basics:legacy: the same layers, so nothing differs.
  const local = 'layerlens-test/basics:legacy';
  const layers = await cliLayers(BASICS);
  await runCommand(page, 'View: Close All Editors');
  const basicsRow = imagesRow(page, BASICS);
  await basicsRow.waitFor({ state: 'visible', timeout: 60_000 });
  await contextMenu(page, basicsRow, 'Compare with…');
  const quickInput = page.locator('.quick-input-widget');
  await quickInput.locator('input').waitFor({ state: 'visible' });
  await page.keyboard.type(local);
  await quickInput.locator('.monaco-list-row').filter({ hasText: local }).first().click();
  const compare = explorerFrame(page);
  await compare.locator('.subtitle .fact-changes').waitFor({ state: 'visible', timeout: 180_000 });
  // The image compared from (the remote one) is B.
  assert.equal((await compare.locator('.title').innerText()).trim(), `${local} ↔ ${BASICS}`);
  assert.equal((await compare.locator('.subtitle .fact-shared').innerText()).trim(), `${layers.length} of ${layers.length} → ${layers.length} layers shared`);
  assert.equal((await compare.locator('.subtitle .fact-changes').innerText()).trim(), '0 changed paths');
  await runCommand(page, 'View: Close All Editors');
});

test('the FROM and COPY --from hovers of images only the registry has show their size, layers and platform', async () => {
  await page.keyboard.press('Escape');
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.part.statusbar').click();
  await page.keyboard.press('Control+P');
  const quickInput = page.locator('.quick-input-widget');
  await quickInput.locator('input').waitFor({ state: 'visible' });
  await page.keyboard.type('remote/Dockerfile');
  await quickInput.locator('.monaco-list-row').filter({ hasText: 'remote' }).first().click();
  const editor = page.locator('.editor-instance .monaco-editor').first();
  const line = (text: string) => editor.locator('.view-line').filter({ hasText: text }).first();
  await line('FROM').waitFor({ state: 'visible' });

  const hoverOn = async (text: string, expected: RegExp): Promise<string> => {
    // The hover may answer "reading…" if the registry were slow: hovering again then shows the figures.
    for (let attempt = 0; ; attempt++) {
      await page.mouse.move(700, 10);
      await page.waitForTimeout(300);
      await line(text).waitFor({ state: 'visible' });
      const box = await line(text).boundingBox();
      assert.ok(box, `line "${text}" is shown`);
      await page.mouse.move(box.x + 12, box.y + box.height / 2, { steps: 4 });
      const hover = page.locator('.monaco-hover').filter({ hasText: /Layerlens/ }).first();
      await hover.waitFor({ state: 'visible' });
      await hover.filter({ hasText: /from its registry/ }).waitFor({ state: 'visible' });
      const shown = (await hover.innerText()).replace(/\s+/g, ' ');
      if (expected.test(shown) || attempt >= 5) return shown;
      await page.waitForTimeout(1000);
    }
  };
  for (const [text, repository, role] of [
    ['FROM', 'd20/basics', 'Base image'],
    ['COPY', 'd20/whiteouts', 'Copied from'],
  ] as const) {
    const manifest = await manifestOf(repository, 'legacy');
    const size = formatBytes(manifest.layers.reduce((sum, l) => sum + l.size, 0));
    const figures = `${size} compressed in ${manifest.layers.length} layers · linux/amd64`;
    const shown = await hoverOn(text, new RegExp(figures.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    assert.ok(shown.includes(`${role} ${PLAIN}/${repository}:legacy · from its registry, not pulled`), `${text}: ${shown}`);
    assert.ok(shown.includes(figures), `${text}: ${figures} in ${shown}`);
    assert.ok(shown.includes('Show in Layer Explorer'), shown);
    if (text === 'FROM') await screenshot(page, 'remote-from-hover', { keepPointer: true });
  }
});

test('with no engine at all, the Remote group stays and Open Remote Image… still opens an image', async () => {
  const port = await new Promise<number>((resolve) => {
    const listener = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = listener.address() as AddressInfo;
      listener.close(() => resolve(free));
    });
  });
  await chooseDockerHost(page, `tcp://127.0.0.1:${port}`);
  await page.locator('.statusbar-item').filter({ hasText: `No Docker engine at tcp://127.0.0.1:${port}` }).first().waitFor({ state: 'visible', timeout: 60_000 });
  await imagesRow(page, BASICS).waitFor({ state: 'visible' });
  // The welcome view cannot show beside the group: a row says what it would, and retries on a click.
  await imagesRow(page, 'No local images: no Docker engine answers').waitFor({ state: 'visible', timeout: 60_000 });
  const reference = `${PLAIN}/d20/findings:legacy`;
  await openRemote(reference);
  await tab('d20/findings:legacy').waitFor({ state: 'visible', timeout: 60_000 });
  assert.deepEqual(await explorerLayers(), expectedRows(await cliLayers(reference)));
  await imagesRow(page, reference).waitFor({ state: 'visible' });
});
