// End to end, in code-server + Chromium on Engine 20.10: comparing two images (issue 13). Compare with… from the
// Images view's context menu opens the Layer Explorer's compare mode with the markers the two images call for;
// Open Changes shows both versions in the diff editor; after a rebuild, Compare with Previous Build compares the
// tag's old image with its new one, and says so in one sentence when the old image is gone; the Packages
// section of the debian base against the debian fixture equals `layerlens compare --json`'s packages.
// The images are built by the test (legacy builder, FROM scratch) and removed after it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { endpointFor } from '../../src/docker/connection';
import { DockerEngine } from '../../src/docker/engine';
import { BENCH_IMAGE, ensureBenchImage } from '../../scripts/bench/benchImage';
import { formatBytes } from '../../src/core/format';
import { ROOT } from './support/codeServer';
import { runCli } from '../integration/support/cli';
import { buildTar, type TarMember } from '../support/tarBuilder';
import { expandTo, explorerFrame, notifications, treeRow } from './support/explorerPage';
import type { Page } from './support/playwright';
import { openSession, type Session } from './support/session';
import { contextMenu, filterImages, imagesRow, openLayerlens, runCommand, screenshot, waitForEngineStatus } from './support/workbench';

const ENGINE = 'unix:///var/run/docker.sock';
const RUN = randomBytes(4).toString('hex');
const REPOSITORY = `layerlens-e2e/compare-${RUN}`;
const BEFORE = `${REPOSITORY}:before`;
const AFTER = `${REPOSITORY}:after`;
const REBUILT = `${REPOSITORY}:rebuild`;
const LINKED = `${REPOSITORY}:linked`;
/** The bench image rebuilt with 20,000 of its files rewritten (same repository, so Compare with… offers it first). */
const BENCH_REBUILT = `layerlens-bench/big:compare-${RUN}`;
const workspace = mkdtempSync(join(tmpdir(), 'layerlens-e2e-compare-'));

let session: Session | undefined;
let page: Page;
const docker = new DockerEngine(endpointFor(ENGINE, 'test', undefined)).docker;
/** For the bench rebuild: its RUN writes 20,000 files and the build says nothing meanwhile. */
const patientDocker = new DockerEngine(endpointFor(ENGINE, 'test', undefined), { idleSeconds: 1800 }).docker;
const built = new Set<string>();

const dirs = (...names: string[]): TarMember[] => names.map((name) => ({ name, type: 'dir', mode: 0o755 }));

/** A: a file to rewrite, one to chmod, one to remove, one that becomes a directory, one that stays. */
const BEFORE_CONTEXT: TarMember[] = [
  { name: 'Dockerfile', content: 'FROM scratch\nCOPY app/ /app/\n' },
  ...dirs('app/'),
  { name: 'app/config.txt', content: 'version one\n', mode: 0o644 },
  { name: 'app/run.sh', content: '#!/bin/sh\necho run\n', mode: 0o755 },
  { name: 'app/gone.txt', content: 'bye\n', mode: 0o644 },
  { name: 'app/kind', content: 'a file for now\n', mode: 0o644 },
  { name: 'app/same.txt', content: 'same\n', mode: 0o644 },
];
/** B: the same step with other files, and one more step. */
const AFTER_CONTEXT: TarMember[] = [
  { name: 'Dockerfile', content: 'FROM scratch\nCOPY app/ /app/\nCOPY extra/ /app/extra/\n' },
  ...dirs('app/', 'app/kind/', 'extra/'),
  { name: 'app/config.txt', content: 'version two, a little longer\n', mode: 0o644 },
  { name: 'app/run.sh', content: '#!/bin/sh\necho run\n', mode: 0o700 },
  { name: 'app/kind/inside.txt', content: 'now a directory\n', mode: 0o644 },
  { name: 'app/new.txt', content: 'hello\n', mode: 0o644 },
  { name: 'app/same.txt', content: 'same\n', mode: 0o644 },
  { name: 'extra/more.txt', content: 'more\n', mode: 0o644 },
];
/** What the compare mode must mark (the explorer's letters: A added, D removed, M content, m metadata, T type). */
const MARKERS: [string, string][] = [
  ['/app/config.txt', 'M'],
  ['/app/extra', 'A'],
  ['/app/gone.txt', 'D'],
  ['/app/kind', 'T'],
  ['/app/new.txt', 'A'],
  ['/app/run.sh', 'm'],
];

async function buildImage(tag: string, context: TarMember[], engine = docker): Promise<string> {
  const stream = await engine.buildImage(Readable.from([buildTar(context)]) as unknown as NodeJS.ReadableStream, { t: tag, networkmode: 'none', version: '1' } as object);
  const output = await new Promise<{ error?: string }[]>((resolve, reject) =>
    engine.modem.followProgress(stream, (error: Error | null, result: unknown[]) => (error ? reject(error) : resolve(result as never))),
  );
  assert.equal(output.find((line) => line.error), undefined, `building ${tag} failed`);
  const { Id } = await docker.getImage(tag).inspect();
  built.add(Id);
  return Id;
}

before(async () => {
  await buildImage(BEFORE, BEFORE_CONTEXT);
  await buildImage(AFTER, AFTER_CONTEXT);
  // A Dockerfile that the "after" image is built from, for the hover's "since the previous build".
  mkdirSync(join(workspace, 'linked'));
  writeFileSync(join(workspace, 'linked', 'Dockerfile'), String(AFTER_CONTEXT[0].content));
  session = await openSession({
    settings: { 'layerlens.dockerHost': ENGINE, 'workbench.editor.enablePreview': false, 'editor.hover.delay': 200, 'files.autoSave': 'off' },
    viewport: { width: 1400, height: 860 },
    workspace,
  });
  page = session.page;
  await openLayerlens(page);
  await waitForEngineStatus(page);
});

after(async () => {
  try {
    await session?.close();
  } finally {
    for (const id of built) await docker.getImage(id).remove({ force: true }).catch(() => undefined);
    rmSync(workspace, { recursive: true, force: true });
  }
});

const compare = () => explorerFrame(page);

async function closeEditors(): Promise<void> {
  await page.keyboard.press('Escape');
  await runCommand(page, 'View: Close All Editors');
  await runCommand(page, 'Notifications: Clear All Notifications');
}

/** Waits until the compare panel has compared (its summary shown) and its root rows are listed. */
async function waitForComparison(): Promise<void> {
  await compare().locator('.subtitle .fact-changes').waitFor({ state: 'visible', timeout: 180_000 });
  await compare().locator('.tree[data-view^="compare"]').waitFor({ state: 'attached' });
}

/** Picks `label` in the open quick pick (typed, then clicked). */
async function pick(label: string): Promise<void> {
  const quickInput = page.locator('.quick-input-widget');
  await quickInput.locator('input').waitFor({ state: 'visible' });
  await page.keyboard.type(label);
  await quickInput.locator('.monaco-list-row').filter({ hasText: label }).first().click();
}

async function waitForNotification(pattern: RegExp): Promise<string> {
  for (;;) {
    const found = (await notifications(page)).find((n) => pattern.test(n));
    if (found) return found;
    await page.waitForTimeout(200);
  }
}

test('Compare with… from the Images view opens the compare mode with the markers of what changed', async () => {
  await (await filterImages(page, REPOSITORY)).click();
  const after = imagesRow(page, /^after/);
  await after.waitFor({ state: 'visible' });
  await contextMenu(page, after, 'Compare with…');
  // The same repository's other tag is offered first.
  const quickInput = page.locator('.quick-input-widget');
  const first = quickInput.locator('.monaco-list-row').first();
  await first.waitFor({ state: 'visible' });
  assert.match(await first.innerText(), new RegExp(BEFORE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  await pick(BEFORE);
  await waitForComparison();
  // The older image is A: "before" ↔ "after".
  assert.equal((await compare().locator('.title').innerText()).trim(), `${BEFORE} ↔ ${AFTER}`);
  await expandTo(page, '/app');
  for (const [path, marker] of MARKERS) {
    const row = treeRow(page, path);
    await row.waitFor({ state: 'visible' });
    assert.equal((await row.locator('.marker').innerText()).trim(), marker, `${path} is marked ${marker}`);
  }
  // An unchanged file is not in the comparison; a rewritten one shows both sizes and both steps.
  assert.equal(await treeRow(page, '/app/same.txt').count(), 0);
  const config = treeRow(page, '/app/config.txt');
  assert.equal(await config.locator('.size-a').getAttribute('data-bytes'), String('version one\n'.length));
  assert.equal(await config.locator('.size-b').getAttribute('data-bytes'), String('version two, a little longer\n'.length));
  assert.match(await config.locator('.compare-step-cell').innerText(), /^#\d+ · #\d+$/);
  // The aligned histories: B's extra COPY is only in B.
  const onlyB = compare().locator('.compare-step.step-onlyB');
  assert.equal(await onlyB.count(), 1);
  assert.match(await onlyB.innerText(), /COPY .*extra/);
  await screenshot(page, 'compare-mode');

  // The explorer's filter: a glob keeps the matches and their directories.
  const field = compare().locator('vscode-textfield[aria-label="Filter by text or glob"] input');
  await field.fill('*.sh');
  await compare().locator('.status').filter({ hasText: /^1 match · filtered in \d+ ms/ }).waitFor({ state: 'visible' });
  await treeRow(page, '/app/run.sh').waitFor({ state: 'visible' });
  assert.equal(await treeRow(page, '/app/config.txt').count(), 0);
  await field.fill('');
  await compare().locator('.status').filter({ hasText: /rows? · loaded in/ }).waitFor({ state: 'visible' });
});

test('Open Changes shows both versions of a changed file in the diff editor', async () => {
  await expandTo(page, '/app');
  await treeRow(page, '/app/config.txt').click();
  await compare().locator('.details-path').filter({ hasText: '/app/config.txt' }).waitFor({ state: 'visible' });
  assert.match(await compare().locator('.compare-side-a .made-by').innerText(), /^#\d+ COPY/);
  await page.keyboard.press('Enter');
  const diff = page.locator('.monaco-diff-editor');
  await diff.locator('.editor.original .view-lines').filter({ hasText: 'version one' }).waitFor({ state: 'visible', timeout: 60_000 });
  await diff.locator('.editor.modified .view-lines').filter({ hasText: 'version two, a little longer' }).waitFor({ state: 'visible' });
  const tab = page.locator('.tab').filter({ hasText: `config.txt (${BEFORE} ↔ ${AFTER})` }).first();
  await tab.waitFor({ state: 'visible' });
  await screenshot(page, 'compare-open-changes');
});

test('after a rebuild, Compare with Previous Build compares the old image with the new; once the old one is gone, it says so', async () => {
  await closeEditors();
  const first = await buildImage(REBUILT, BEFORE_CONTEXT);
  // Before any rebuild there is nothing to compare with (this also makes sure the extension has seen the tag).
  await runCommand(page, 'Layerlens: Compare with Previous Build');
  await pick(REBUILT);
  assert.match(await waitForNotification(/has not seen/), new RegExp(`^info: Layerlens has not seen ${REBUILT.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} point to another image yet`));
  await runCommand(page, 'Notifications: Clear All Notifications');

  const second = await buildImage(REBUILT, AFTER_CONTEXT);
  assert.notEqual(second, first);
  await runCommand(page, 'Layerlens: Compare with Previous Build');
  await pick(REBUILT);
  await waitForComparison();
  assert.equal((await compare().locator('.title').innerText()).trim(), `${REBUILT} (previous build ${first.slice(7, 19)}) ↔ ${REBUILT}`);
  await expandTo(page, '/app');
  for (const [path, marker] of MARKERS) assert.equal((await treeRow(page, path).locator('.marker').innerText()).trim(), marker, `${path} is marked ${marker}`);

  // The old image pruned: one sentence, no panel.
  await closeEditors();
  await docker.getImage(first).remove({ force: true });
  await runCommand(page, 'Layerlens: Compare with Previous Build');
  await pick(REBUILT);
  const gone = await waitForNotification(/previous build/);
  assert.equal(gone, `info: The previous build of ${REBUILT} (image ${first.slice(7, 19)}) is no longer on the engine: it was removed or pruned.`);
});

/** Before any rebuild of `tag`, Compare with Previous Build has nothing to compare with; this also makes sure the extension has listed the tag. */
async function expectNoPreviousBuild(tag: string): Promise<void> {
  await runCommand(page, 'Layerlens: Compare with Previous Build');
  await pick(tag);
  await waitForNotification(/has not seen/);
  await runCommand(page, 'Notifications: Clear All Notifications');
}

const editor = () => page.locator('.editor-instance .monaco-editor').first();
const editorLine = (text: string) => editor().locator('.view-line').filter({ hasText: text }).first();

test('the Dockerfile hover and CodeLens say how a step changed since the previous build, as `layerlens compare --json` does', async () => {
  await closeEditors();
  const previous = await buildImage(LINKED, BEFORE_CONTEXT);
  await expectNoPreviousBuild(LINKED);
  const current = await buildImage(LINKED, AFTER_CONTEXT);

  // The CLI's figures for each of the linked image's steps: B's layer size minus A's (0 for a new step).
  const result = await runCli(['compare', previous, current, '--json', '--host', ENGINE]);
  assert.equal(result.code, 0, result.stderr);
  type Side = { index: number; instruction: string; size: number | null } | null;
  const steps = (JSON.parse(result.stdout) as { steps: { status: string; a: Side; b: Side }[] }).steps;
  const expected = (fragment: string) => {
    const step = steps.find((s) => s.b?.instruction.includes(fragment))!;
    assert.ok(step?.b?.size !== null && step?.b?.size !== undefined, `the CLI lists the step ${fragment}`);
    const delta = step.b!.size! - (step.a?.size ?? 0);
    return `${delta < 0 ? '−' : '+'}${formatBytes(Math.abs(delta))} since the previous build${step.a ? '' : ' (a new step)'}`;
  };
  const copyApp = expected('app/');
  const copyExtra = expected('extra/');
  assert.notEqual(copyApp, '+0 B since the previous build', 'the first COPY changed between the builds');

  // Open the Dockerfile and link it to the tag.
  await page.locator('.part.statusbar').click();
  await page.keyboard.press('Control+P');
  const quickOpen = page.locator('.quick-input-widget');
  await quickOpen.locator('input').waitFor({ state: 'visible' });
  await page.keyboard.type('linked/Dockerfile');
  await quickOpen.locator('.monaco-list-row').filter({ hasText: 'linked' }).first().click();
  await editorLine('FROM scratch').waitFor({ state: 'visible' });
  await runCommand(page, 'Layerlens: Link Dockerfile to Image…');
  await pick(LINKED);
  const lens = (text: string) => editor().locator('.codelens-decoration').filter({ hasText: text }).first();
  await lens(copyApp).waitFor({ state: 'visible', timeout: 120_000 });
  await lens(copyExtra).waitFor({ state: 'visible' });

  await page.mouse.move(700, 10);
  const box = await editorLine('COPY app/').boundingBox();
  assert.ok(box, 'the COPY line is shown');
  await page.mouse.move(box.x + 12, box.y + box.height / 2, { steps: 4 });
  const hover = page.locator('.monaco-hover').filter({ hasText: /Layerlens/ }).first();
  await hover.waitFor({ state: 'visible' });
  assert.ok((await hover.innerText()).includes(copyApp), `the hover says "${copyApp}"`);
  await screenshot(page, 'compare-dockerfile-since-build', { keepPointer: true });
  await page.mouse.move(700, 10);
});

test('the Packages section lists the package difference `layerlens compare --json` gives, and the keyboard moves through it', async () => {
  await closeEditors();
  const [base, debian] = ['layerlens-test/debian-base:bookworm', 'layerlens-test/debian:legacy'];
  const result = await runCli(['compare', base, debian, '--json', '--host', ENGINE]);
  assert.equal(result.code, 0, result.stderr);
  type Side = { version: string; layer: number; size: number } | null;
  const expected = (JSON.parse(result.stdout) as { packages: { manager: string; name: string; change: string; a: Side; b: Side }[] }).packages.map((p) =>
    [p.change, p.manager, p.name, p.a?.version ?? null, p.b?.version ?? null, p.a?.layer ?? null, p.b?.layer ?? null, p.a?.size ?? null, p.b?.size ?? null].join(' '),
  );
  assert.ok(expected.length >= 4, `the CLI lists ${expected.length} differing packages`);

  await runCommand(page, 'Layerlens: Compare with…');
  await pick(debian);
  await pick(base);
  await waitForComparison();
  assert.equal((await compare().locator('.title').innerText()).trim(), `${base} ↔ ${debian}`);
  const rows = compare().locator('.compare-packages .compare-package');
  await rows.first().waitFor({ state: 'visible' });
  const shown = await rows.evaluateAll((list) =>
    list.map((r) => {
      const d = (r as { dataset: Record<string, string | undefined> }).dataset;
      return [d.change, d.manager, d.name, d.versionA ?? null, d.versionB ?? null, d.layerA ?? null, d.layerB ?? null, d.bytesA ?? null, d.bytesB ?? null].join(' ');
    }),
  );
  assert.deepEqual(shown, expected);
  // What each row says in text: its mark, name and versions.
  const jq = compare().locator('.compare-packages .compare-package[data-name="jq"]');
  assert.deepEqual((await jq.locator('[role="cell"]').allTextContents()).slice(0, 4), ['+', 'dpkg', 'jq', '1.6-2.1+deb12u2']);
  assert.match(await compare().locator('.compare-packages-summary').innerText(), /^\+3 added · −1 removed$/);

  // Keyboard: the first row is the list's tab stop; arrows and End move the focus, and the tab stop with it.
  type Row = { tabIndex: number; ownerDocument: { activeElement: unknown } };
  const focus = () => rows.evaluateAll((list) => [list.findIndex((r) => (r as Row).ownerDocument.activeElement === r), list.findIndex((r) => (r as Row).tabIndex === 0)]);
  assert.equal((await focus())[1], 0, 'the first row is the tab stop');
  await rows.first().click();
  await page.keyboard.press('ArrowDown');
  assert.deepEqual(await focus(), [1, 1], 'ArrowDown moves to the second row');
  await page.keyboard.press('End');
  assert.deepEqual(await focus(), [expected.length - 1, expected.length - 1], 'End moves to the last row');
  await screenshot(page, 'compare-packages');
});

test('bench: expand and filter in compare mode between the 50,000-file bench image and a rebuild that rewrites 20,000 files', async () => {
  await closeEditors();
  await ensureBenchImage({
    dockerCli: '/usr/bin/docker',
    host: ENGINE,
    context: join(ROOT, 'test', 'fixtures', 'bench'),
    buildLog: join(tmpdir(), 'layerlens-e2e-bench-build.log'),
    rebuild: false,
    log: (line) => process.stderr.write(`[bench image] ${line}\n`),
  });
  // The rebuild rewrites /usr/share/bench-doc's 20,000 files with other bytes (another seed).
  const dockerfile = `FROM ${BENCH_IMAGE}\nRUN rm -rf /usr/share/bench-doc && awk -f /bin/gen-files.awk -v root=/usr/share/bench-doc -v n=20000 -v max=4096 -v seed=${Date.now() % 1000 + 3}\n`;
  await buildImage(BENCH_REBUILT, [{ name: 'Dockerfile', content: dockerfile }], patientDocker);

  await runCommand(page, 'Layerlens: Compare with…');
  await pick(BENCH_REBUILT);
  await pick(BENCH_IMAGE);
  await waitForComparison();
  const changes = Number((await compare().locator('.subtitle .fact-changes').innerText()).replace(/[^0-9]/g, ''));
  // The count the CLI gives for the same pair: a rewritten file can by chance get its old bytes back (an empty
  // one holds only its header line, whatever the seed), so it is about 20,000, not exactly.
  const cli = await runCli(['compare', BENCH_IMAGE, BENCH_REBUILT, '--json', '--host', ENGINE]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(changes, (JSON.parse(cli.stdout) as { changes: unknown[] }).changes.length, 'the CLI\'s count of changed paths');
  assert.ok(changes >= 19_900, `${changes} changed paths`);

  const expandTimes: number[] = [];
  const body = compare().locator('body');
  for (const path of ['/usr', '/usr/share', '/usr/share/bench-doc', '/usr/share/bench-doc/d005', '/usr/share/bench-doc/d005/e07']) {
    const row = treeRow(page, path);
    await row.waitFor({ state: 'visible' });
    await row.click();
    await compare().locator(`.tree-row[data-path="${path}"][aria-expanded="true"]`).waitFor({ state: 'visible' });
    expandTimes.push(Number(await body.getAttribute('data-last-expand-ms')));
  }
  const filterTimes: number[] = [];
  const field = compare().locator('vscode-textfield[aria-label="Filter by text or glob"] input');
  for (const [text, match] of [['f0120', /f0120/], ['d005/e07', /e07/], ['*.txt', /\.txt/]] as const) {
    await field.fill(text);
    await compare().locator('.status').filter({ hasText: /^[\d,]+ match(es)? .*filtered in \d+ ms/ }).waitFor({ state: 'visible', timeout: 60_000 });
    await compare().locator('.tree-row[data-path]').filter({ hasText: match }).first().waitFor({ state: 'visible' });
    filterTimes.push(Number(await body.getAttribute('data-last-filter-ms')));
    await field.fill('');
    await compare().locator('.status').filter({ hasText: /rows? · loaded in/ }).waitFor({ state: 'visible' });
  }
  const timings = await body.getAttribute('data-load-timings');
  assert.ok(expandTimes.every((ms) => Number.isFinite(ms) && ms >= 0) && filterTimes.every((ms) => Number.isFinite(ms) && ms >= 0), 'every expand and filter was measured');
  await screenshot(page, 'compare-bench');
  process.stderr.write(`[compare bench] ${JSON.stringify({ changes, expandMs: expandTimes, filterMs: filterTimes, hostMs: timings ? JSON.parse(timings) : null })}\n`);
});
