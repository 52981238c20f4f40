// End to end, in a real VS Code (code-server) in headless Chromium: the Images view with 200 more local images.
// The images are imported into Engine 26 (not the Engine 20.10 the other e2e tests look at, so their views are not
// flooded), labelled and removed afterwards. The view must list them from `GET /images/json` alone, never waiting
// for an export or an inspect per image; the test prints how long the first paint took (no wall-clock assertion:
// machines are noisy) and checks that every one of the 200 is listed. Needs test/e2e/setup.sh and the engines.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { activityBarItem } from './support/browser';
import type { Page } from './support/playwright';
import { openSession, type Session } from './support/session';
import { importTinyImages, removeTinyImages } from './support/tinyImages';
import { imagesViewRootRows } from './support/imagesViewRows';
import { chooseDockerHost, imagesPane, runCommand, screenshot, waitForImagesRootRows } from './support/workbench';
import { endpointFor } from '../../src/docker/connection';
import { DockerEngine } from '../../src/docker/engine';

const ENGINE = 'unix:///tmp/docker26.sock';
/** Another engine, to switch away from and back. */
const OTHER_ENGINE = 'unix:///var/run/docker.sock';
const COUNT = 200;
const RUN = `${process.pid}-${Date.now()}`;
const REPOSITORIES = Array.from({ length: COUNT }, (_, i) => `layerlens-scale-${process.pid}/app-${String(i).padStart(3, '0')}`);

const docker = new DockerEngine(endpointFor(ENGINE, 'test', undefined)).docker;
let session: Session | undefined;
let page: Page;

before(async () => {
  const started = Date.now();
  await importTinyImages(
    docker,
    REPOSITORIES.map((r) => `${r}:latest`),
    RUN,
  );
  console.log(`imported ${COUNT} images into ${ENGINE} in ${Date.now() - started} ms`);
  session = await openSession({ settings: { 'layerlens.dockerHost': ENGINE } });
  page = session.page;
});

after(async () => {
  try {
    await removeTinyImages(docker, RUN);
  } finally {
    await session?.close();
  }
});

/** Every top-level label of the Images view, scrolling through the virtualized list. */
async function allRootLabels(count: number): Promise<Set<string>> {
  const list = imagesPane(page).locator('.monaco-list');
  const box = await list.boundingBox();
  assert.ok(box, 'the Images view shows a list');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const labels = new Set<string>();
  for (let round = 0; round < 200 && labels.size < count; round++) {
    for (const label of await list.locator('.monaco-list-row[aria-level="1"] .label-name').allTextContents()) labels.add(label);
    await page.mouse.wheel(0, box.height / 2);
    await page.waitForTimeout(50);
  }
  return labels;
}

test(`opening the Images view paints all ${COUNT} images at once; every one is listed`, async () => {
  const rows = await imagesViewRootRows(ENGINE);
  assert.ok(rows >= COUNT, `${ENGINE} lists at least the ${COUNT} imported repositories`);
  // Activate the extension first (any of its commands does; the hidden view lists nothing) and let it connect, so
  // that the figure is the view's own: code-server's extension host start-up is not about images.
  // Its commands are in the palette once its manifest is loaded, which the activity-bar item shows.
  await activityBarItem(page, 'Layerlens').waitFor({ state: 'visible' });
  await runCommand(page, 'Layerlens: Refresh');
  await page.locator('.statusbar-item').filter({ hasText: /Docker Engine 26\./ }).first().waitFor({ state: 'visible' });
  const started = Date.now();
  await activityBarItem(page, 'Layerlens').click();
  await waitForImagesRootRows(page, rows);
  const firstPaint = Date.now() - started;
  console.log(`first paint of the Images view with ${rows} repositories (${COUNT} imported images), from the click that shows it: ${firstPaint} ms`);
  await screenshot(page, 'images-view-200');

  const labels = await allRootLabels(rows);
  const missing = REPOSITORIES.filter((r) => !labels.has(r));
  assert.deepEqual(missing, [], `every imported image is listed (saw ${labels.size} of ${rows} rows)`);
});

test(`switching to the engine with ${COUNT} more images repaints them at once`, async () => {
  await chooseDockerHost(page, OTHER_ENGINE);
  await waitForImagesRootRows(page, await imagesViewRootRows(OTHER_ENGINE));
  const rows = await imagesViewRootRows(ENGINE);
  await chooseDockerHost(page, ENGINE);
  const started = Date.now();
  await waitForImagesRootRows(page, rows);
  // Also a settings write, a reconnection (ping, event stream) and the listing.
  console.log(`paint of ${rows} repositories after switching engines, from the Enter in Choose Docker Host: ${Date.now() - started} ms`);
});
