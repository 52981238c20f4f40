// What makes the package model cheap must not change its answers: one read per model shared by every caller in
// a process, and bytes a later layer hid found while stacking (a file replaced by a directory, a chmod, an
// opaque directory, a deleted parent) rather than by a lookup at the top, and symlinked directories resolved
// from node to node.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadImagePackages, readImagePackages } from '../../src/core/packages/imagePackages';
import type { LayerIndex } from '../../src/core/model/types';
import { buildTar, type TarMember } from '../support/tarBuilder';
import { indexBlob } from './helpers';

const stanza = (name: string, version: string) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n`;
const status = (...stanzas: string[]): TarMember => ({ name: 'var/lib/dpkg/status', content: stanzas.join('\n') });
const list = (name: string, ...paths: string[]): TarMember => ({ name: `var/lib/dpkg/info/${name}.list`, content: ['/.', ...paths].join('\n') + '\n' });
const bytes = (n: number) => Buffer.alloc(n, 0x61);

async function layers(...tars: TarMember[][]): Promise<LayerIndex[]> {
  return Promise.all(tars.map((members) => indexBlob(buildTar(members))));
}

describe('the package model, read once and measured while stacking', async () => {
  const image = await layers(
    [
      { name: 'opt/x', content: bytes(11) },
      { name: 'opt/mode', content: bytes(13) },
      { name: 'srv/keep/a', content: bytes(17) },
      { name: 'etc/gone/b', content: bytes(19) },
      { name: 'usr/bin/stays', content: bytes(23) },
      status(stanza('p', '1')),
      list('p', '/opt/x', '/opt/mode', '/srv/keep/a', '/etc/gone/b', '/usr/bin/stays'),
    ],
    [
      // /opt/x becomes a directory (a member under it, no entry of its own); /opt/mode only changes its mode.
      { name: 'opt/x/inside', content: bytes(1) },
      { name: 'opt/mode', content: bytes(13), mode: 0o600 },
      { name: 'srv/keep/', type: 'dir' },
      { name: 'srv/keep/.wh..wh..opq' },
      { name: 'etc/.wh.gone' },
    ],
  );

  test('deletedLaterBytes counts every file the top no longer shows from the installing layer', () => {
    const p = readImagePackages({ layers: image }).present[1].find((v) => v.name === 'p')!;
    assert.equal(p.size, 11 + 13 + 17 + 19 + 23);
    assert.equal(p.deletedLaterBytes, 11 + 13 + 17 + 19);
  });

  test('one model is read once: every caller gets the same answer, and a replaced layer list is read again', async () => {
    const data = { layers: image };
    const first = loadImagePackages(data);
    assert.equal(loadImagePackages(data), first);
    assert.deepEqual(await first, readImagePackages(data));
    data.layers = image.slice(0, 1);
    const again = await loadImagePackages(data);
    assert.notEqual(again, await first);
    assert.equal(again.present.length, 1);
  });

  test('paths through symlinked directories resolve from node to node, and a symlink cycle ends', async () => {
    const looped = await layers([
      { name: 'a', type: 'symlink', linkname: 'b' },
      { name: 'b', type: 'symlink', linkname: '/a' },
      { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
      { name: 'usr/lib/x.so', content: bytes(29) },
      status(stanza('q', '1')),
      list('q', '/a/f', '/lib/x.so', '/lib'),
    ]);
    const q = readImagePackages({ layers: looped }).present[0][0];
    assert.deepEqual(q.files, ['/usr/lib/x.so']);
    assert.equal(q.size, 29);
  });
});
