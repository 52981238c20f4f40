// Each finding of "Explain This Layer": what triggers it (with exact evidence and totals), and look-alikes that must not.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { explainLayer, type ExplainContext } from '../../src/core/explain/explainLayer';
import { explanationToMarkdown } from '../../src/core/explain/markdown';
import type { Finding, FindingId, LayerExplanation } from '../../src/core/explain/explanation';
import { ImageModel } from '../../src/core/model/imageModel';
import { SecretMarker } from '../../src/core/index/secretMarkers';
import type { LayerEntry, LayerIndex } from '../../src/core/model/types';
import { assertOneSentence, dir, file, image, layer } from './helpers';

/** A small base every test stacks on: /tmp is sticky, as in real images. */
const BASE = layer([dir('/bin'), file('/bin/sh', 1000, 'SH', { mode: 0o755 }), dir('/tmp', { mode: 0o1777 }), dir('/usr'), dir('/usr/bin')]);

function explainTop(entries: LayerEntry[], context: ExplainContext = {}, changes: { whiteouts?: string[] } = {}): LayerExplanation {
  return explainAt([BASE, layer(entries, changes)], 1, context);
}

function explainAt(layers: LayerIndex[], at: number, context: ExplainContext = {}): LayerExplanation {
  const model = new ImageModel(image(layers));
  return explainLayer(model, analyzeImage(model), at, context);
}

function only(e: LayerExplanation, id: FindingId): Finding[] {
  return e.findings.filter((f) => f.id === id);
}

const evidenceOf = (f: Finding) => f.evidence.map((ev) => [ev.path, ev.bytes, ev.layer]);

describe('explain findings: package-manager leftovers', () => {
  test('apt lists and cache in this layer: one finding per manager, bytes per cache directory', () => {
    const e = explainTop([
      dir('/var'), dir('/var/lib'), dir('/var/lib/apt'), dir('/var/lib/apt/lists'), dir('/var/lib/apt/lists/partial'),
      file('/var/lib/apt/lists/deb_Packages', 300_000, 'P'), file('/var/lib/apt/lists/deb_Release', 5_000, 'R'), file('/var/lib/apt/lists/lock', 0, 'E'),
      dir('/var/cache'), dir('/var/cache/apt'), file('/var/cache/apt/pkgcache.bin', 100_000, 'C'),
      dir('/root'), file('/root/.cache/pip/http/a/b', 50_000, 'W'), file('/root/.npm/_cacache/index-v5/x', 20_000, 'N'),
    ]);
    const found = only(e, 'package-cache');
    assert.deepEqual(found.map((f) => f.title), [
      'The apt package lists or archives are left in this layer.',
      'The pip download cache is left in this layer.',
      'The npm cache is left in this layer.',
    ]);
    assert.deepEqual(evidenceOf(found[0]), [['/var/lib/apt/lists', 305_000, undefined], ['/var/cache/apt', 100_000, undefined]]);
    assert.deepEqual(found[0].total, { paths: 2, bytes: 405_000 });
    assert.deepEqual(evidenceOf(found[1]), [['/root/.cache/pip', 50_000, undefined]]);
    assert.deepEqual(evidenceOf(found[2]), [['/root/.npm/_cacache', 20_000, undefined]]);
    for (const f of found) {
      assert.equal(f.severity, 'warning');
      assertOneSentence(f.title);
      assertOneSentence(f.fix);
    }
  });

  test('every other manager is recognised where it keeps its cache', () => {
    const caches: [string, string][] = [
      ['/var/cache/apk/APKINDEX.tar.gz', '/var/cache/apk'],
      ['/var/cache/dnf/repo.solv', '/var/cache/dnf'],
      ['/var/cache/yum/x86_64/primary.db', '/var/cache/yum'],
      ['/usr/local/share/.cache/yarn/v6/pkg.tgz', '/usr/local/share/.cache/yarn'],
      ['/root/.cache/go-build/ab/cd', '/root/.cache/go-build'],
      ['/go/pkg/mod/cache/download/x.zip', '/go/pkg/mod/cache'],
      ['/home/app/.m2/repository/org/x.jar', '/home/app/.m2/repository'],
      ['/root/.gradle/caches/modules-2/x.jar', '/root/.gradle/caches'],
    ];
    for (const [path, cacheDir] of caches) {
      const found = only(explainTop([file(path, 10, 'X')]), 'package-cache');
      assert.deepEqual(found.map(evidenceOf), [[[cacheDir, 10, undefined]]], path);
    }
  });

  test('no finding: empty lock files of a base image, look-alike paths, or a cache that a lower layer left', () => {
    assert.deepEqual(only(explainTop([file('/var/lib/apt/lists/lock', 0, 'E'), file('/var/cache/apt/archives/lock', 0, 'E')]), 'package-cache'), []);
    assert.deepEqual(only(explainTop([file('/var/lib/apt/listsX/a', 10, 'A'), file('/usr/lib/python3/dist-packages/pip/cache.py', 10, 'B'), file('/app/npm/_cacache.txt', 10, 'C')]), 'package-cache'), []);
    const lower = layer([file('/var/lib/apt/lists/deb_Packages', 300_000, 'P')]);
    assert.deepEqual(only(explainAt([BASE, lower, layer([file('/app/x', 1, 'X')])], 2), 'package-cache'), []);
  });
});

describe('explain findings: temporary and build leftovers', () => {
  test('files in /tmp and /var/tmp', () => {
    const found = only(explainTop([file('/tmp/build.log', 3000, 'L'), file('/var/tmp/cache.bin', 2000, 'C')]), 'temporary-files');
    assert.deepEqual(found.map(evidenceOf), [[['/tmp/build.log', 3000, undefined], ['/var/tmp/cache.bin', 2000, undefined]]]);
    assert.equal(found[0].severity, 'warning');
  });

  test('no temporary-files finding for /tmp itself, nor for look-alike directories', () => {
    const e = explainTop([dir('/tmp', { mode: 0o1777 }), file('/tmpdata/x', 10, 'X'), file('/app/tmp/y', 10, 'Y')]);
    assert.deepEqual(only(e, 'temporary-files'), []);
  });

  test('a .git directory, with the bytes of everything below it', () => {
    const found = only(explainTop([file('/src/.git/HEAD', 21, 'H'), file('/src/.git/objects/pack/p.pack', 5000, 'P'), file('/src/main.c', 100, 'M')]), 'git-directory');
    assert.deepEqual(found.map(evidenceOf), [[['/src/.git', 5021, undefined]]]);
  });

  test('no git-directory finding for .gitignore or .github', () => {
    assert.deepEqual(only(explainTop([file('/src/.gitignore', 10, 'I'), file('/src/.github/workflows/ci.yml', 10, 'W')]), 'git-directory'), []);
  });

  test('object files outside installed software', () => {
    const e = explainTop([
      file('/src/app/main.o', 1500, 'O'),
      file('/build/util.obj', 700, 'J'),
      // Shipped on purpose by packages: the C runtime's crt1.o, a module's own objects.
      file('/usr/lib/x86_64-linux-gnu/crt1.o', 900, 'C'),
      file('/app/node_modules/native/build/a.o', 50, 'N'),
      file('/src/app/radio', 10, 'R'),
    ]);
    assert.deepEqual(only(e, 'object-files').map(evidenceOf), [[['/src/app/main.o', 1500, undefined], ['/build/util.obj', 700, undefined]]]);
  });

  test('an archive unpacked next to itself is a warning; an archive alone is information', () => {
    const e = explainTop([
      file('/opt/tool-1.0.tar.gz', 400, 'T'), dir('/opt/tool-1.0'), file('/opt/tool-1.0/bin/tool', 5, 'B'),
      file('/opt/data.zip', 700, 'Z'),
      // Not build archives: compressed docs, packaged fixtures, a plain .gz.
      file('/usr/share/doc/x/changelog.tar.gz', 10, 'D'), file('/app/node_modules/p/test/fixture.tgz', 10, 'F'), file('/app/notes.gz', 10, 'G'),
    ]);
    assert.deepEqual(only(e, 'unpacked-archive').map(evidenceOf), [[['/opt/tool-1.0.tar.gz', 400, undefined]]]);
    assert.deepEqual(only(e, 'archive').map(evidenceOf), [[['/opt/data.zip', 700, undefined]]]);
    assert.equal(only(e, 'unpacked-archive')[0].severity, 'warning');
    assert.equal(only(e, 'archive')[0].severity, 'info');
  });

  test('the directory an archive was unpacked into may come from a lower layer', () => {
    const lower = layer([dir('/opt'), dir('/opt/jdk-21'), file('/opt/jdk-21/bin/java', 10, 'J')]);
    const e = explainAt([BASE, lower, layer([file('/opt/jdk-21.tar.xz', 300, 'X')])], 2);
    assert.deepEqual(only(e, 'unpacked-archive').map(evidenceOf), [[['/opt/jdk-21.tar.xz', 300, undefined]]]);
  });
});

describe('explain findings: bytes shipped twice', () => {
  //   L1  adds /data/download.bin 1000 and /data/settings.txt 3
  //   L2  deletes download.bin and overwrites settings.txt
  const L1 = layer([dir('/data'), file('/data/download.bin', 1000, 'D'), file('/data/settings.txt', 3, 'V1')]);
  const L2 = layer([dir('/data'), file('/data/settings.txt', 3, 'V2')], { whiteouts: ['/data/download.bin'] });

  test('files a later layer deletes or overwrites: evidence names the later layer, total = the layer\'s wasted bytes', () => {
    const e = explainAt([BASE, L1, L2], 1);
    const found = only(e, 'undone-later');
    assert.deepEqual(found.map(evidenceOf), [[['/data/download.bin', 1000, 2], ['/data/settings.txt', 3, 2]]]);
    assert.deepEqual(found[0].total, { paths: 2, bytes: 1003 });
    assert.equal(e.stack.undoneLater.bytes, 1003);
    assert.deepEqual(e.stack.undoneLater.byLayers, [{ layer: 2, paths: 2, bytes: 1003 }]);
  });

  test('the layer that deletes and overwrites has no finding of its own', () => {
    assert.deepEqual(explainAt([BASE, L1, L2], 2).findings, []);
  });

  test('chmod/chown of a lower file: a metadata rewrite, its bytes copied from the lower layer', () => {
    const copy = layer([dir('/srv'), file('/srv/app.sh', 19, 'A')]);
    const chmod = layer([dir('/srv'), file('/srv/app.sh', 19, 'A', { mode: 0o755, uid: 1000, gid: 1000 })]);
    const e = explainAt([BASE, copy, chmod], 2);
    assert.deepEqual(only(e, 'metadata-rewrite').map(evidenceOf), [[['/srv/app.sh', 19, 1]]]);
    assert.equal(e.stack.copiedUp.sameContentBytes, 19);
    // And the COPY's own explanation tells it to set the mode itself.
    assert.deepEqual(only(explainAt([BASE, copy, chmod], 1), 'undone-later').map(evidenceOf), [[['/srv/app.sh', 19, 2]]]);
  });

  test('no metadata rewrite for a content change or a directory chmod', () => {
    const copy = layer([dir('/srv'), file('/srv/app.sh', 19, 'A')]);
    const rewrite = layer([dir('/srv', { mode: 0o700 }), file('/srv/app.sh', 20, 'B', { mode: 0o755 })]);
    assert.deepEqual(only(explainAt([BASE, copy, rewrite], 2), 'metadata-rewrite'), []);
  });
});

describe('explain findings: secrets', () => {
  const entries = [
    file('/root/.ssh/id_ed25519', 111, 'K1', { secretMarkers: SecretMarker.privateKey }),
    file('/root/.ssh/id_rsa', 90, 'K2'),
    file('/root/.ssh/id_rsa.pub', 80, 'K3'),
    file('/app/keys/deploy.txt', 71, 'K4', { secretMarkers: SecretMarker.privateKey }),
    file('/root/.npmrc', 54, 'N1', { secretMarkers: SecretMarker.npmToken }),
    file('/root/.pypirc', 62, 'P1', { secretMarkers: SecretMarker.pypiToken }),
    file('/srv/app/.npmrc', 40, 'N2'),
    file('/root/.aws/credentials', 86, 'A1'),
    file('/root/.git-credentials', 44, 'G1'),
    file('/home/u/.netrc', 30, 'G2'),
    file('/srv/app/.env', 25, 'E1'),
    file('/srv/app/.env.production', 26, 'E2'),
    file('/srv/app/.env.example', 11, 'E3'),
    file('/srv/app/.envrc.sample', 11, 'E4'),
  ];

  test('by content and by name, one finding per kind of secret and way of matching, all security', () => {
    const found = only(explainTop(entries), 'secret');
    const summary = found.map((f) => [f.title, f.matchedBy, evidenceOf(f).map(([path]) => path)]);
    // The biggest total first: 182, 116, 90, 86, 74, 51 bytes.
    assert.deepEqual(summary, [
      ['Private keys are in this layer, where anyone who can pull the image can read them.', 'content', ['/root/.ssh/id_ed25519', '/app/keys/deploy.txt']],
      ['Package-registry tokens (npm or PyPI) are in this layer.', 'content', ['/root/.pypirc', '/root/.npmrc']],
      ['A private key is in this layer, where anyone who can pull the image can read it.', 'name', ['/root/.ssh/id_rsa']],
      ['Cloud credentials are in this layer.', 'name', ['/root/.aws/credentials']],
      ['Saved login credentials (.git-credentials or .netrc) are in this layer.', 'name', ['/root/.git-credentials', '/home/u/.netrc']],
      ['Env files (.env…), which usually hold secrets, are in this layer.', 'name', ['/srv/app/.env.production', '/srv/app/.env']],
    ]);
    for (const f of found) {
      assert.equal(f.severity, 'security');
      assertOneSentence(f.title);
      assertOneSentence(f.fix);
      // Evidence names and sizes files; it has no place for their content.
      for (const ev of f.evidence) assert.deepEqual(Object.keys(ev).sort(), ['bytes', 'path']);
    }
  });

  test('a content match wins over the name: AWS credentials with their key are one content finding', () => {
    const found = only(explainTop([file('/root/.aws/credentials', 86, 'A1', { secretMarkers: SecretMarker.awsSecretKey })]), 'secret');
    assert.deepEqual(found.map((f) => [f.matchedBy, evidenceOf(f)]), [['content', [['/root/.aws/credentials', 86, undefined]]]]);
  });

  test('still flagged in the layer that added them when a later layer deletes them', () => {
    const secrets = layer([dir('/root'), file('/root/.git-credentials', 44, 'G1')]);
    const removal = layer([], { whiteouts: ['/root/.git-credentials'] });
    const e = explainAt([BASE, secrets, removal], 1);
    assert.equal(only(e, 'secret').length, 1);
    assert.deepEqual(explainAt([BASE, secrets, removal], 2).findings, [], 'the deleting layer adds nothing');
  });

  test('no finding for templates, public keys, a token-less .npmrc, or files that only mention a name', () => {
    const e = explainTop([
      file('/srv/.env.example', 10, 'A'), file('/srv/.env.sample', 10, 'B'), file('/root/.ssh/id_rsa.pub', 10, 'C'), file('/srv/.npmrc', 10, 'D'),
      file('/docs/id_rsa.md', 10, 'E'), file('/srv/credentials', 10, 'F'), file('/srv/environment', 10, 'G'),
    ]);
    assert.deepEqual(only(e, 'secret'), []);
  });
});

describe('explain findings: permissions and sizes', () => {
  test('setuid and setgid files this layer adds, or makes setuid', () => {
    const lower = layer([dir('/usr/local'), file('/usr/local/bin/old', 10, 'O'), file('/usr/local/bin/was-suid', 10, 'W', { mode: 0o4755 })]);
    const upper = layer([
      file('/usr/local/bin/suid-tool', 20, 'S', { mode: 0o4755 }),
      file('/usr/local/bin/sgid-tool', 21, 'G', { mode: 0o2755 }),
      file('/usr/local/bin/old', 10, 'O', { mode: 0o4711 }),
      // Not new: a setuid file rewritten with the bit it already had; a setgid directory.
      file('/usr/local/bin/was-suid', 11, 'W2', { mode: 0o4755 }),
      dir('/srv/shared', { mode: 0o2775 }),
    ]);
    const found = only(explainAt([BASE, lower, upper], 2), 'setuid');
    assert.deepEqual(found.map(evidenceOf), [[['/usr/local/bin/sgid-tool', 21, undefined], ['/usr/local/bin/suid-tool', 20, undefined], ['/usr/local/bin/old', 10, undefined]]]);
    assert.equal(found[0].severity, 'security');
    assert.deepEqual(only(explainAt([BASE, lower, upper], 1), 'setuid').map(evidenceOf), [[['/usr/local/bin/was-suid', 10, undefined]]]);
  });

  test('world-writable files and directories, but not sticky directories, symlinks or devices', () => {
    const e = explainTop([
      dir('/srv/shared', { mode: 0o777 }),
      file('/srv/shared/notes.txt', 7, 'N', { mode: 0o666 }),
      dir('/srv/scratch', { mode: 0o1777 }),
      { path: '/srv/link', type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, linkTarget: 'shared' },
      { path: '/dev/null', type: 'char', size: 0, mode: 0o666, uid: 0, gid: 0, devMajor: 1, devMinor: 3 },
      file('/srv/private.txt', 5, 'P', { mode: 0o664 }),
    ]);
    assert.deepEqual(only(e, 'world-writable').map(evidenceOf), [[['/srv/shared/notes.txt', 7, undefined], ['/srv/shared', 0, undefined]]]);
  });

  test('large files: at the threshold and above (default 50 MB, or as asked)', () => {
    const entries = [file('/srv/model.bin', 50_000_000, 'M'), file('/srv/almost.bin', 49_999_999, 'A')];
    const byDefault = only(explainTop(entries), 'large-file');
    assert.deepEqual(byDefault.map(evidenceOf), [[['/srv/model.bin', 50_000_000, undefined]]]);
    assert.equal(byDefault[0].title, 'This layer adds a file of 50.0 MB or more.');
    assert.equal(byDefault[0].severity, 'info');
    assert.equal(only(explainTop(entries, { largeFileBytes: 1_000 }), 'large-file')[0].total.paths, 2);
    assert.deepEqual(only(explainTop([file('/srv/small.bin', 49_999_999, 'A')]), 'large-file'), []);
  });
});

describe('explain findings: overall', () => {
  test('a clean layer (an app, its config, a sticky /tmp) has no finding at all', () => {
    const e = explainTop([
      dir('/app'), file('/app/server.js', 5000, 'J'), file('/app/config.json', 200, 'C'), dir('/app/node_modules'), file('/app/node_modules/x/index.js', 100, 'X'),
      dir('/tmp', { mode: 0o1777 }), { path: '/usr/bin/app', type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, linkTarget: '/app/server.js' },
    ]);
    assert.deepEqual(e.findings, []);
  });

  test('security first, then warnings, then information; the biggest first within each', () => {
    const e = explainTop([file('/srv/.env', 5, 'E'), file('/tmp/a', 10, 'T'), file('/src/.git/HEAD', 20, 'G'), file('/opt/x.zip', 30, 'Z')]);
    assert.deepEqual(e.findings.map((f) => [f.severity, f.id]), [['security', 'secret'], ['warning', 'git-directory'], ['warning', 'temporary-files'], ['info', 'archive']]);
  });

  test('evidence lists at most 20 paths, the biggest first; the total counts them all', () => {
    const many = Array.from({ length: 25 }, (_, i) => file(`/tmp/f${String(i).padStart(2, '0')}`, i + 1, `T${i}`));
    const [f] = only(explainTop(many), 'temporary-files');
    assert.equal(f.evidence.length, 20);
    assert.deepEqual(f.evidence[0], { path: '/tmp/f24', bytes: 25 });
    assert.deepEqual(f.total, { paths: 25, bytes: (25 * 26) / 2 });
  });
});

describe('explain findings: the fix fits the step that added the files', () => {
  const HASH = 'e'.repeat(64);
  /** An image whose history says how each layer above BASE was made (legacy builder's words). */
  function explainWithHistory(layers: LayerIndex[], createdBy: string[], at: number): LayerExplanation {
    const model = new ImageModel(image([BASE, ...layers], { history: [{ created_by: '/bin/sh -c #(nop) ADD file:base in / ' }, ...createdBy.map((c) => ({ created_by: c }))] }));
    return explainLayer(model, analyzeImage(model), at);
  }
  const env = layer([dir('/srv'), file('/srv/.env', 25, 'E1')]);

  test('.dockerignore only for an .env that a COPY of the build context brought in', () => {
    const copied = only(explainWithHistory([env], [`/bin/sh -c #(nop) COPY file:${HASH} in /srv/.env `], 1), 'secret');
    assert.match(copied[0].fix, /\.dockerignore/);
    const written = only(explainWithHistory([env], ["/bin/sh -c printf 'API_TOKEN=x\\n' > /srv/.env"], 1), 'secret');
    assert.doesNotMatch(written[0].fix, /dockerignore/);
    assert.match(written[0].fix, /RUN --mount=type=secret/);
    const buildkitFrom = only(explainWithHistory([env], ['COPY --from=build /out/.env /srv/.env # buildkit'], 1), 'secret');
    assert.doesNotMatch(buildkitFrom[0].fix, /dockerignore/, 'COPY --from does not read the build context');
    for (const f of [...copied, ...written, ...buildkitFrom]) assertOneSentence(f.fix);
  });

  test('a .git directory: .dockerignore for a COPY, a shallow clone for a RUN', () => {
    const git = layer([file('/src/.git/HEAD', 21, 'H')]);
    assert.match(only(explainWithHistory([git], [`/bin/sh -c #(nop) COPY dir:${HASH} in /src `], 1), 'git-directory')[0].fix, /\.dockerignore/);
    const cloned = only(explainWithHistory([git], ['/bin/sh -c git clone https://example.invalid/x /src'], 1), 'git-directory')[0].fix;
    assert.doesNotMatch(cloned, /dockerignore/);
    assert.match(cloned, /--depth 1/);
  });

  test('a secret a later layer deletes: a security finding naming that layer, not waste', () => {
    const removal = layer([], { whiteouts: ['/srv/.env'] });
    const e = explainWithHistory([env, removal], ["/bin/sh -c printf 'x' > /srv/.env", '/bin/sh -c rm /srv/.env'], 1);
    assert.deepEqual(only(e, 'secret').map(evidenceOf), [[['/srv/.env', 25, 2]]]);
    assert.deepEqual(only(e, 'undone-later'), [], 'its risk is exposure, not the 25 bytes');
    assert.equal(e.stack.undoneLater.bytes, 25, 'the stack still counts the bytes');
    const md = explanationToMarkdown(e);
    assert.match(md, /### Security \(LL3001\): An \.env file, which usually holds secrets, is in this layer\./);
    assert.match(md, /25 B, deleted or replaced in layer 2 but still readable in this one/);
    assert.match(md, /A later layer deletes or overwrites 1 file of this layer \(layer 2: 25 B\), a secret, which stays readable in this layer for anyone who pulls the image \(see the security findings\)\./);
    assert.doesNotMatch(md, /ship for nothing/);
    // With a file that is no secret beside it, only that file's bytes ship for nothing.
    const both = layer([dir('/srv'), file('/srv/.env', 25, 'E1'), file('/srv/cache.bin', 100, 'C')]);
    const mixed = explanationToMarkdown(explainWithHistory([both, layer([], { whiteouts: ['/srv/.env', '/srv/cache.bin'] })], ["/bin/sh -c printf 'x' > /srv/.env", '/bin/sh -c rm /srv/.env /srv/cache.bin'], 1));
    assert.match(mixed, /deletes or overwrites 2 files of this layer \(layer 2: 125 B\): one of them is a secret, which stays readable in this layer for anyone who pulls the image \(see the security findings\); the other file's 100 B ship for nothing\./);
  });

  test('COPY --chown only for files a COPY added; a RUN\'s files and a base layer\'s get their own fix', () => {
    const rewrite = (path: string) => layer([file(path, 19, 'A', { mode: 0o755, uid: 1000, gid: 1000 })]);
    const copy = layer([dir('/srv'), file('/srv/app.sh', 19, 'A')]);
    const byCopy = only(explainWithHistory([copy, rewrite('/srv/app.sh')], [`/bin/sh -c #(nop) COPY file:${HASH} in /srv/app.sh `, '/bin/sh -c chmod 755 /srv/app.sh'], 2), 'metadata-rewrite');
    assert.match(byCopy[0].fix, /COPY --chown/);
    const byRun = only(explainWithHistory([copy, rewrite('/srv/app.sh')], ['/bin/sh -c echo x > /srv/app.sh', '/bin/sh -c chmod 755 /srv/app.sh'], 2), 'metadata-rewrite');
    assert.doesNotMatch(byRun[0].fix, /--chown/);
    assert.match(byRun[0].fix, /in the RUN that writes it/);
    // /bin/sh came from a layer `docker import` made (no build step added it), or one the history does not cover.
    const chmodShell = layer([file('/bin/sh', 1000, 'SH', { mode: 0o755, uid: 1000, gid: 1000 })]);
    const imported = new ImageModel(image([BASE, chmodShell], { history: [{ comment: 'Imported from -' }, { created_by: '/bin/sh -c chown 1000:1000 /bin/sh' }] }));
    const fromImport = only(explainLayer(imported, analyzeImage(imported), 1), 'metadata-rewrite');
    const fromUnknown = only(explainAt([BASE, chmodShell], 1), 'metadata-rewrite');
    assert.deepEqual([fromImport.length, fromUnknown.length], [1, 1]);
    for (const f of [...fromImport, ...fromUnknown]) {
      assert.doesNotMatch(f.fix, /--chown/);
      assert.match(f.fix, /^It comes from a layer no step of this build added/);
    }
    for (const f of [...byCopy, ...byRun, ...fromImport, ...fromUnknown]) assertOneSentence(f.fix);
  });
});
