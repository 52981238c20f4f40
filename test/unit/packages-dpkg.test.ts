// dpkg's database as the reader sees it: status stanzas, file lists, distroless status.d, and damaged input,
// each problem one sentence with the rest still read.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dpkgReader } from '../../src/core/packages/dpkg';
import { assertOneSentence } from './helpers';

const text = (s: string) => new TextEncoder().encode(s);

const STATUS = `Package: libc6
Status: install ok installed
Priority: optional
Architecture: amd64
Multi-Arch: same
Version: 2.36-9+deb12u7
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: less
Status: install ok installed
Architecture: amd64
Version: 590-2.1~deb12u2
Conffiles:
 /etc/lesskey 0123456789abcdef0123456789abcdef

Package: e2fsprogs
Status: deinstall ok config-files
Architecture: amd64
Version: 1.47.0-2

Package: old
Status: purge ok not-installed
Architecture: amd64
`;

describe('dpkg status', () => {
  test('present packages with version, architecture and the file list of their .list', () => {
    const { packages, problems } = dpkgReader.read(
      new Map([
        ['/var/lib/dpkg/status', text(STATUS)],
        ['/var/lib/dpkg/info/libc6:amd64.list', text('/.\n/lib\n/lib/x86_64-linux-gnu/libc.so.6\n')],
        ['/var/lib/dpkg/info/less.list', text('/.\n/usr/bin/less\n')],
      ]),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(packages, [
      { manager: 'dpkg', name: 'libc6', version: '2.36-9+deb12u7', architecture: 'amd64', files: ['/lib', '/lib/x86_64-linux-gnu/libc.so.6'], location: '/var/lib/dpkg/status' },
      { manager: 'dpkg', name: 'less', version: '590-2.1~deb12u2', architecture: 'amd64', files: ['/usr/bin/less'], location: '/var/lib/dpkg/status' },
    ]);
  });

  test('wants the status, the .list files and status.d, nothing else', () => {
    for (const p of ['/var/lib/dpkg/status', '/var/lib/dpkg/info/bash.list', '/var/lib/dpkg/status.d/base', '/var/lib/dpkg/status.d/base.md5sums']) assert.ok(dpkgReader.wants(p), p);
    for (const p of ['/var/lib/dpkg/status-old', '/var/lib/dpkg/info/bash.md5sums', '/var/lib/dpkg/status.d', '/usr/var/lib/dpkg/status']) assert.ok(!dpkgReader.wants(p), p);
  });

  test('a malformed stanza costs one sentence; the stanzas around it are kept', () => {
    const damaged = STATUS.replace('Package: less\n', 'Package: less\nthis line is no field\n') + '\nStatus: install ok installed\nVersion: 1\n';
    const { packages, problems } = dpkgReader.read(new Map([['/var/lib/dpkg/status', text(damaged)]]));
    assert.deepEqual(packages.map((p) => p.name), ['libc6']);
    assert.equal(problems.length, 1);
    assertOneSentence(problems[0]);
    assert.match(problems[0], /\/var\/lib\/dpkg\/status has 2 malformed stanzas/);
  });

  test('a truncated status file keeps every whole stanza before the cut', () => {
    const cut = STATUS.slice(0, STATUS.indexOf('Version: 590'));
    const { packages } = dpkgReader.read(new Map([['/var/lib/dpkg/status', text(cut)]]));
    assert.deepEqual(packages.map((p) => p.name), ['libc6']);
  });

  test('a binary status file is one sentence and no package', () => {
    const { packages, problems } = dpkgReader.read(new Map([['/var/lib/dpkg/status', new Uint8Array([80, 0, 1, 2])]]));
    assert.deepEqual(packages, []);
    assert.equal(problems.length, 1);
    assertOneSentence(problems[0]);
  });
});

describe('distroless status.d', () => {
  test('one stanza per file, no Status needed, files from its .md5sums', () => {
    const { packages, problems } = dpkgReader.read(
      new Map([
        ['/var/lib/dpkg/status.d/tzdata', text('Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n')],
        ['/var/lib/dpkg/status.d/tzdata.md5sums', text('0123456789abcdef0123456789abcdef  usr/share/zoneinfo/UTC\n')],
      ]),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(packages, [
      { manager: 'dpkg', name: 'tzdata', version: '2024a-0+deb12u1', architecture: 'all', files: ['/usr/share/zoneinfo/UTC'], location: '/var/lib/dpkg/status.d/tzdata' },
    ]);
  });
});
