// The one computation behind the editor's diagnostics and `layerlens lint`: static and image-backed findings
// together, the image's proof replacing the static rule's suspicion on the same command (LL2001 for LL1001,
// LL2009 for LL1003), and the setuid finding on the chmod that set the bit, with no size. An image built by
// hand, its history in the legacy builder's words.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeImage } from '../../src/core/analysis/analysis';
import { dockerfileFindings, lintDockerfile, matchDockerfile, parseDockerfile, type Finding } from '../../src/core/dockerfile';
import { setidBits } from '../../src/core/dockerfile/permissionCommands';
import { explainLayers } from '../../src/core/explain/explainLayer';
import { ImageModel } from '../../src/core/model/imageModel';
import { dir, file, image, layer } from './helpers';

const copy = (dest: string) => `/bin/sh -c #(nop) COPY file:${'d'.repeat(64)} in ${dest} `;
const DOCKERFILE = [
  'FROM scratch', //                                                                   0
  'COPY busybox /bin/busybox', //                                                      1
  'COPY data.bin /srv/data.bin', //                                                    2
  'RUN rm /srv/data.bin && echo x > /srv/x', //                                        3
  'COPY app.sh /srv/app.sh', //                                                        4
  'RUN chmod 755 /srv/app.sh && chown 1000 /srv/app.sh', //                            5
  'RUN printf x > /usr/local/bin/suid && chmod 4755 /usr/local/bin/suid \\', //        6
  '    && printf y > /usr/local/bin/sgid && chmod g+s /usr/local/bin/sgid && tar -xf /t.tar -C /opt', // 7
  '',
].join('\n');
const model = new ImageModel(
  image(
    [
      layer([dir('/bin'), file('/bin/busybox', 100, 'B')]),
      layer([dir('/srv'), file('/srv/data.bin', 500, 'D')]),
      layer([dir('/srv'), file('/srv/x', 2, 'X')], { whiteouts: ['/srv/data.bin'] }),
      layer([dir('/srv'), file('/srv/app.sh', 19, 'A')]),
      layer([dir('/srv'), file('/srv/app.sh', 19, 'A', { mode: 0o755, uid: 1000 })]),
      layer([
        dir('/usr/local/bin'), file('/usr/local/bin/suid', 2, 'S', { mode: 0o4755 }), file('/usr/local/bin/sgid', 2, 'G', { mode: 0o2755 }),
        dir('/opt'), file('/opt/helper', 9, 'H', { mode: 0o4755 }),
      ]),
    ],
    {
      history: [
        { created_by: copy('/bin/busybox') },
        { created_by: copy('/srv/data.bin') },
        { created_by: '/bin/sh -c rm /srv/data.bin && echo x > /srv/x' },
        { created_by: copy('/srv/app.sh') },
        { created_by: '/bin/sh -c chmod 755 /srv/app.sh && chown 1000 /srv/app.sh' },
        { created_by: '/bin/sh -c printf x > /usr/local/bin/suid && chmod 4755 /usr/local/bin/suid     && printf y > /usr/local/bin/sgid && chmod g+s /usr/local/bin/sgid && tar -xf /t.tar -C /opt' },
      ],
    },
  ),
);
const analysis = analyzeImage(model);
const explained = explainLayers(model, analysis).map((e) => e.findings);

function findingsOf(text: string): Finding[] {
  const df = parseDockerfile(text);
  const match = matchDockerfile(df, model.steps);
  return dockerfileFindings(df, { image: { match, analysis, explained: (l) => explained[l] ?? [] } });
}
// Layerlens' findings, but for LL1004 (the RUNs on lines 5 and 6 could be one), which is beside the point here.
const ours = (findings: Finding[]) => findings.filter((f) => f.ruleId.startsWith('LL') && f.ruleId !== 'LL1004');
const at = (f: Finding) => [f.range.startLine, f.range.startCharacter, f.range.endLine, f.range.endCharacter];

describe('dockerfileFindings: with the image', () => {
  const findings = ours(findingsOf(DOCKERFILE));

  test('the static rules alone see the rm and the chmod/chown', () => {
    const alone = ours(lintDockerfile(parseDockerfile(DOCKERFILE)));
    assert.deepEqual(alone.map((f) => [f.range.startLine, f.ruleId]), [[3, 'LL1001'], [5, 'LL1003'], [5, 'LL1003']]);
  });

  test('one finding per rm: LL2001, with the bytes and the line that added them, on the rm itself', () => {
    const rm = findings.filter((f) => f.range.startLine === 3);
    assert.deepEqual(rm.map((f) => [f.ruleId, f.severity, f.message, at(f)]), [
      ['LL2001', 'warning', 'This RUN deletes 500 B that earlier layers still ship (/srv/data.bin, added by the COPY on line 3).', [3, 4, 3, 20]],
    ]);
  });

  test('one finding for the chmod and chown of a copied file: LL2009 with its bytes, on the chmod', () => {
    const rewrite = findings.filter((f) => f.range.startLine === 5);
    assert.deepEqual(rewrite.map((f) => [f.ruleId, f.severity, at(f)]), [['LL2009', 'warning', [5, 4, 5, 25]]]);
    assert.equal(rewrite[0].message, 'This layer copies a file from a lower layer only to change its owner or mode, which ships its bytes a second time (19 B: /srv/app.sh, added by the COPY on line 5).');
  });

  test('setuid and setgid on the chmod that set each bit, with no size; a file no chmod names stays on the RUN', () => {
    const setid = findings.filter((f) => f.ruleId === 'LL3002');
    assert.deepEqual(setid.map((f) => [f.message, at(f)]), [
      ['This RUN adds a setuid or setgid program, which runs with the rights of its owner or group (/opt/helper).', [6, 0, 6, 70]],
      ['chmod 4755 makes /usr/local/bin/suid setuid: it runs with the rights of its owner.', [6, 38, 6, 68]],
      ['chmod g+s makes /usr/local/bin/sgid setgid: it runs with the rights of its group.', [7, 41, 7, 70]],
    ]);
    for (const f of setid) assert.doesNotMatch(f.message, /\d+ B\b/);
  });

  test('nothing else: the COPY whose file a later step deletes has no finding of its own (LL2001 says it)', () => {
    assert.deepEqual(findings.map((f) => f.ruleId).sort(), ['LL2001', 'LL2009', 'LL3002', 'LL3002', 'LL3002']);
  });

  test('a line changed since the build keeps the static rule: the image proves nothing about its text', () => {
    const changed = ours(findingsOf(DOCKERFILE.replace('echo x > /srv/x', 'echo y > /srv/x')));
    assert.deepEqual(changed.filter((f) => f.range.startLine === 3).map((f) => f.ruleId), ['LL1001']);
  });

  test('chmod modes that set the bits, and ones that do not', () => {
    const cases: [string, boolean, boolean][] = [
      ['4755', true, false], ['2755', false, true], ['6755', true, true], ['04711', true, false], ['755', false, false],
      ['u+s', true, false], ['g+s', false, true], ['+s', true, true], ['a+rs', true, true], ['u=rwxs,g=rx', true, false], ['o+s', false, false], ['u-s', false, false],
    ];
    for (const [mode, setuid, setgid] of cases) assert.deepEqual(setidBits(mode), { setuid, setgid }, mode);
  });
});
