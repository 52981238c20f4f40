// On every engine: a container's files read through its archive endpoint (src/docker/containerArchive.ts) are the
// bytes put there (or the image's), hashed as the layer indexer hashes; links and directories are reported for
// what they are and refused as files; a missing path is "nothing there", not an error.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { pack } from 'tar-stream';
import { contentHashOf } from '../../src/core/index/contentHash';
import { LayerlensError } from '../../src/core/errors';
import { hashContainerFile, readContainerFile, statContainerPath } from '../../src/docker/containerArchive';
import { connect, fixtureName, testEngines } from './support/engines';

for (const engine of testEngines()) {
  describe(`container archive reads on ${engine.name}`, () => {
    const docker = connect(engine);
    const name = `layerlens-archive-${engine.name}-${process.pid}`;
    let id = '';

    after(async () => {
      await docker.docker.getContainer(name).remove({ force: true }).catch(() => undefined);
    });

    test('stat, read and hash what the container wrote; links and directories are what they are', async () => {
      // Never started (Podman cannot start containers on every machine): `docker cp` puts the files in, as a user would.
      const container = await docker.docker.createContainer({
        name,
        Image: fixtureName(engine, 'layerlens-test/basics:legacy'),
        Entrypoint: ['/never-started'],
        HostConfig: { NetworkMode: 'none' },
      });
      id = container.id;
      const tar = pack();
      tar.entry({ name: 'new.txt', mode: 0o644 }, 'hello\nworld\n');
      tar.entry({ name: 'link', type: 'symlink', linkname: '/app/hello.txt' });
      tar.finalize();
      await container.putArchive(tar as unknown as NodeJS.ReadableStream, { path: '/' });

      const stat = await statContainerPath(docker, id, '/new.txt');
      assert.equal(stat?.type, 'file');
      assert.equal(stat?.size, 12);
      const { bytes } = await readContainerFile(docker, id, '/new.txt');
      assert.equal(bytes.toString(), 'hello\nworld\n');
      const big = await hashContainerFile(docker, id, '/app/big.bin');
      assert.equal(big.size, 2 * 1024 * 1024);
      assert.equal(big.hash, contentHashOf((await readContainerFile(docker, id, '/app/big.bin')).bytes), 'the streamed hash is the indexer\'s hash');

      assert.deepEqual(
        { type: (await statContainerPath(docker, id, '/link'))?.type, target: (await statContainerPath(docker, id, '/link'))?.linkTarget },
        { type: 'symlink', target: '/app/hello.txt' },
      );
      assert.equal((await statContainerPath(docker, id, '/app'))?.type, 'dir');
      await assert.rejects(readContainerFile(docker, id, '/link'), (e: unknown) => e instanceof LayerlensError && /symbolic link to \/app\/hello\.txt/.test(e.message));
      await assert.rejects(readContainerFile(docker, id, '/app'), (e: unknown) => e instanceof LayerlensError && /is a directory/.test(e.message));
      assert.equal(await statContainerPath(docker, id, '/no/such/file'), undefined);
    });
  });
}
