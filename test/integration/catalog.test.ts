// What the sidebar will stand on, against real engines: the image catalogue from list/inspect (no export),
// layer sharing, the event stream (tag/untag seen live) and a container's read-write layer (docker diff).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildCatalog, layerUsage } from '../../src/core/catalog/catalog';
import { watchEngineEvents, type EngineEvent } from '../../src/docker/events';
import { connect, fixtureName, testEngines } from './support/engines';

/** Resolves with the first event matching `wanted`, or rejects after `seconds` (a hang guard, not a speed test). */
function nextEvent(events: EngineEvent[], wanted: (e: EngineEvent) => boolean, seconds: number): Promise<EngineEvent> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const hit = events.find(wanted);
      if (hit) {
        clearInterval(timer);
        resolve(hit);
      } else if (Date.now() - started > seconds * 1000) {
        clearInterval(timer);
        reject(new Error(`no matching event within ${seconds} s; saw ${JSON.stringify(events)}`));
      }
    }, 50);
  });
}

for (const info of testEngines()) {
  describe(`catalogue on ${info.name}`, () => {
    const engine = connect(info);

    test('fixtures are grouped by repository and tag; a commit image shares its parent layers', async () => {
      const listed = await engine.listImages();
      const images = await Promise.all(
        listed.map(async (i) => ({
          id: i.Id,
          repoTags: i.RepoTags ?? [],
          repoDigests: i.RepoDigests ?? [],
          created: i.Created,
          size: i.Size,
          layers: (await engine.inspectImage(i.Id)).RootFS.Layers ?? [],
        })),
      );
      const catalog = buildCatalog(images);
      const basics = catalog.repositories.find((r) => r.name === fixtureName(info, 'layerlens-test/basics'));
      assert.deepEqual(basics?.tags.map((t) => t.tag), ['buildkit', 'legacy']);
      if (info.saveFormat !== 'podman') {
        const usage = layerUsage(images);
        const commit = images.find((i) => i.repoTags.includes('layerlens-test/commit:latest'))!;
        for (const diffId of commit.layers.slice(0, -1)) assert.ok(usage.get(diffId)! >= 2, `${diffId} is shared with the image it was committed from`);
      }
    });

    test('tag and untag arrive on the event stream', async () => {
      const abort = new AbortController();
      const events: EngineEvent[] = [];
      let opened!: () => void;
      const open = new Promise<void>((resolve) => (opened = resolve));
      const watching = watchEngineEvents(engine, (e) => events.push(e), abort.signal, opened);
      try {
        const source = fixtureName(info, 'layerlens-test/whiteouts:legacy');
        const id = (await engine.inspectImage(source)).Id;
        const repo = fixtureName(info, 'layerlens-test/events');
        const tag = `t${process.pid}`;
        await open;
        await engine.docker.getImage(id).tag({ repo, tag });
        const reference = `${repo}:${tag}`;
        const ours = (e: EngineEvent) => e.type === 'image' && (e.name === reference || e.id === id || e.id === reference);
        await nextEvent(events, (e) => ours(e) && e.action === 'tag', 30);
        await engine.docker.getImage(`${repo}:${tag}`).remove({ noprune: true });
        await nextEvent(events, (e) => ours(e) && e.action === 'untag', 30);
      } finally {
        abort.abort();
        await watching;
      }
    });

    if (info.saveFormat !== 'podman') {
      test("a container's read-write layer: added, changed and deleted paths (docker diff)", async () => {
        const image = fixtureName(info, 'layerlens-test/basics:legacy');
        const container = await engine.docker.createContainer({
          Image: image,
          User: '0',
          Cmd: ['/bin/sh', '-c', 'echo new > /new.txt && rm /app/hello.txt && echo more >> /app/data/config.txt'],
          HostConfig: { NetworkMode: 'none' },
        });
        try {
          await container.start();
          await container.wait();
          const changes = await engine.containerChanges(container.id);
          const byPath = new Map(changes.map((c) => [c.Path, c.Kind]));
          assert.equal(byPath.get('/new.txt'), 1, 'added');
          assert.equal(byPath.get('/app/hello.txt'), 2, 'deleted');
          assert.equal(byPath.get('/app/data/config.txt'), 0, 'changed');
        } finally {
          await container.remove({ force: true });
        }
        await assert.rejects(engine.containerChanges('layerlens-no-such-container'), /There is no container "layerlens-no-such-container"/);
      });
    }
  });
}
