// Secrets in build metadata (src/core/secrets): every form found by name and step, every value masked, and
// nothing found in ordinary settings. All tokens are fake ones of the right shape; the key armour is built in
// pieces so that this file holds no key marker itself.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildSecretFindings } from '../../src/core/secrets/buildSecretFindings';
import { scanBuildMetadata, scanImageConfig } from '../../src/core/secrets/buildSecrets';
import { SecretMasker, SHAPE_MASKER } from '../../src/core/secrets/masking';
import { isSecretName, shapeOf } from '../../src/core/secrets/secretShapes';
import { mapSteps } from '../../src/core/model/history';
import { stepsFromEngineHistory } from '../../src/core/model/engineHistory';
import type { ImageConfig } from '../../src/core/model/types';
import { parseDockerfile } from '../../src/core/dockerfile/parse';
import { lintDockerfile } from '../../src/core/dockerfile/rules/index';
import { hoverMarkdown } from '../../src/dockerfile/hoverMarkdown';
import { ImageModel } from '../../src/core/model/imageModel';
import { SecurityMarks } from '../../src/explorer/securityMarks';

const GHP = 'ghp_' + 'FakeLayerlensToken0123456789abcdefABCD';
const PAT = 'github_pat_' + 'FakeLayerlens0123456789_abcdefghij';
const NPM = 'npm_' + 'FakeLayerlensToken0123456789abcdefAB';
const AKIA = 'AKIA' + 'FAKELAYERLENS001';
const AWS_SECRET = 'FakeLayerlensSecretAccessKey0123456789ab';
const SLACK = 'xoxb-' + '0000000000-FakeLayerlensSlack';
const PYPI = 'pypi-' + 'AgEIcHlwaS5vcmcFakeLayerlens';
const ARMOUR = 'PRIV' + 'ATE KEY-----';
const KEY = `-----BEGIN OPENSSH ${ARMOUR}\nZmFrZS1sYXllcmxlbnMta2V5\n-----END OPENSSH ${ARMOUR}`;

describe('token shapes', () => {
  test('each form the issue lists', () => {
    assert.equal(shapeOf(GHP), 'github-token');
    assert.equal(shapeOf(PAT), 'github-token');
    assert.equal(shapeOf(NPM), 'npm-token');
    assert.equal(shapeOf(AKIA), 'aws-access-key');
    assert.equal(shapeOf(`aws_secret_access_key = ${AWS_SECRET}`), 'aws-secret-key');
    assert.equal(shapeOf(SLACK), 'slack-token');
    assert.equal(shapeOf(PYPI), 'pypi-token');
    assert.equal(shapeOf(KEY), 'private-key');
    assert.equal(shapeOf('password=FakeLayerlens99'), 'password-assignment');
    assert.equal(shapeOf('--passwd: FakeLayerlens99'), 'password-assignment');
    assert.equal(shapeOf('secret=FakeLayerlens99'), 'password-assignment');
    assert.equal(shapeOf('token=FakeLayerlens99'), 'password-assignment');
  });

  test('no shape: short values, variables, paths, hashes, ordinary words', () => {
    for (const text of [
      'password=short',
      'token=${NPM_TOKEN}',
      'secret=/run/secrets/npm',
      'ghp_short',
      'npm_install',
      'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef',
      'A035C8C19219BA821ECEA86B64E628F8D684696D',
      '--mount=type=secret,id=npmrc',
      'apt-get install -y ca-certificates',
      'AKIAlower0000000000',
    ]) {
      assert.equal(shapeOf(text), undefined, text);
    }
  });

  test('names that say secret, and ones that do not', () => {
    for (const name of ['GITHUB_TOKEN', 'DB_PASSWORD', 'APP_SECRET', 'AWS_SECRET_ACCESS_KEY', 'API_KEY', 'APIKEY', 'com.example.api-key', 'token', 'GOOGLE_CREDENTIALS']) {
      assert.ok(isSecretName(name), name);
    }
    for (const name of ['PATH', 'HOME', 'LANG', 'PWD', 'GPG_KEY', 'PUBLIC_KEY', 'SSH_PUB_KEY', 'KEY_ID', 'TOKEN_FILE', 'NODE_VERSION', 'org.opencontainers.image.authors']) {
      assert.ok(!isSecretName(name), name);
    }
  });
});

describe('scanBuildMetadata', () => {
  test('legacy builder: ENV, LABEL, ARG steps, build arguments before the shell, tokens in RUN', () => {
    const history = [
      '/bin/sh -c #(nop) ADD file:0123 in / ',
      `/bin/sh -c #(nop)  ENV GITHUB_TOKEN=${GHP}`,
      '/bin/sh -c #(nop)  ENV DB_PASSWORD=hunter2-fake',
      `/bin/sh -c #(nop)  LABEL com.example.notes=deploys with ${AKIA}`,
      `/bin/sh -c #(nop)  ARG NPM_TOKEN=${NPM}`,
      `|1 NPM_TOKEN=${NPM} /bin/sh -c echo $NPM_TOKEN > /dev/null`,
      `/bin/sh -c echo "aws_secret_access_key=${AWS_SECRET}" > /root/.aws`,
      '/bin/sh -c #(nop)  ENV PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8',
    ];
    const { secrets, values } = scanBuildMetadata(history);
    assert.deepEqual(
      secrets.map((s) => [s.place, s.name, s.step, s.matchedBy, s.shape]),
      [
        ['env', 'GITHUB_TOKEN', 1, 'history', 'github-token'],
        ['env', 'DB_PASSWORD', 2, 'history', null],
        ['label', 'com.example.notes', 3, 'history', 'aws-access-key'],
        ['arg', 'NPM_TOKEN', 4, 'history', 'npm-token'],
        ['run', 'NPM_TOKEN', 5, 'history', 'npm-token'],
        ['run', null, 6, 'history', 'aws-secret-key'],
      ],
    );
    // A token's secret part (what follows its public prefix) is what the masker must know.
    for (const v of [GHP, 'hunter2-fake', AKIA, NPM, AWS_SECRET]) assert.ok(values.some((known) => v.endsWith(known) && known.length >= 16 || v === known), v);
  });

  test('BuildKit: "RUN |1 A=… /bin/sh -c … # buildkit" and metadata steps without a marker', () => {
    const history = [`ENV GITHUB_TOKEN=${GHP}`, `ARG PYPI_TOKEN=${PYPI}`, `RUN |1 PYPI_TOKEN=${PYPI} /bin/sh -c pip install x # buildkit`, `RUN /bin/sh -c echo ${SLACK} # buildkit`];
    const { secrets } = scanBuildMetadata(history);
    assert.deepEqual(
      secrets.map((s) => [s.place, s.name, s.step]),
      [
        ['env', 'GITHUB_TOKEN', 0],
        ['arg', 'PYPI_TOKEN', 1],
        ['run', 'PYPI_TOKEN', 2],
        ['run', null, 3],
      ],
    );
  });

  test('the config: Env and Labels, merged with the step that set them', () => {
    const config: ImageConfig = {
      config: { Env: ['PATH=/bin', `GITHUB_TOKEN=${GHP}`, 'EMPTY_TOKEN=', 'LANG=C.UTF-8'], Labels: { 'com.example.slack-token': SLACK, 'layerlens.fixture-hash': 'a'.repeat(64) } },
      history: [{ created_by: `ENV GITHUB_TOKEN=${GHP}` }, { created_by: `LABEL com.example.slack-token=${SLACK} layerlens.fixture-hash=${'a'.repeat(64)}` }],
    };
    const { secrets } = scanImageConfig(config);
    assert.deepEqual(
      secrets.map((s) => [s.place, s.name, s.step, s.matchedBy]),
      [
        ['env', 'GITHUB_TOKEN', 0, 'config'],
        ['label', 'com.example.slack-token', 1, 'config'],
      ],
    );
  });

  test('no false positive on ordinary settings', () => {
    const config: ImageConfig = {
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/bin', 'HOME=/root', 'LANG=C.UTF-8', 'GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D', 'PYTHON_VERSION=3.12.1', 'NPM_TOKEN=${NPM_TOKEN}'], Labels: { maintainer: 'someone@example.invalid' } },
      history: [
        { created_by: '/bin/sh -c #(nop)  ENV PATH=/usr/local/bin:/usr/bin HOME=/root LANG=C.UTF-8' },
        { created_by: 'RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends ca-certificates # buildkit' },
        { created_by: 'RUN /bin/sh -c echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc # buildkit' },
        { created_by: '/bin/sh -c #(nop)  ARG NPM_TOKEN' },
        { created_by: 'COPY file:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef in / ' },
      ],
    };
    assert.deepEqual(scanImageConfig(config).secrets, []);
  });
});

describe('masking', () => {
  test('token forms keep their public prefix, names mask their value, known values are masked everywhere', () => {
    const masker = new SecretMasker(['hunter2-fake']);
    assert.equal(masker.mask(`ENV GITHUB_TOKEN=${GHP}`), 'ENV GITHUB_TOKEN=ghp_****');
    assert.equal(masker.mask(`ENV A=${PAT} B=1`), 'ENV A=github_pat_**** B=1');
    assert.equal(masker.mask(`|1 NPM_TOKEN=${NPM} /bin/sh -c make`), '|1 NPM_TOKEN=npm_**** /bin/sh -c make');
    assert.equal(masker.mask(`LABEL notes=${AKIA}`), 'LABEL notes=AKIA****');
    assert.equal(masker.mask(`echo aws_secret_access_key=${AWS_SECRET}`), 'echo aws_secret_access_key=****');
    assert.equal(masker.mask(`curl -H ${SLACK}`), 'curl -H xoxb-****');
    assert.equal(masker.mask(`twine upload -p ${PYPI}`), 'twine upload -p pypi-****');
    assert.equal(masker.mask(`printf '${KEY}' > key`), `printf '-----BEGIN OPENSSH ${ARMOUR}****' > key`);
    assert.equal(masker.mask('ENV DB_PASSWORD=hunter2-fake'), 'ENV DB_PASSWORD=****');
    assert.equal(masker.mask('ENV DB_PASSWORD="x y"'), 'ENV DB_PASSWORD="****"');
    assert.equal(masker.mask('RUN echo hunter2-fake | login'), 'RUN echo **** | login');
    assert.equal(masker.mask('ENV SHORT_TOKEN=ab'), 'ENV SHORT_TOKEN=****');
  });

  test('ordinary text is left alone, and masking twice changes nothing more', () => {
    const plain = ['ENV PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8', 'RUN apt-get install -y ca-certificates', 'ENV NPM_TOKEN=${NPM_TOKEN}', 'COPY file:5f70bf18a086 in /', ''];
    for (const text of plain) assert.equal(SHAPE_MASKER.mask(text), text);
    const once = SHAPE_MASKER.mask(`ENV GITHUB_TOKEN=${GHP} DB_PASSWORD=hunter2-fake`);
    assert.equal(SHAPE_MASKER.mask(once), once);
  });

  test('steps enter the model masked: createdBy, instruction and comment, from the config and from the engine history', () => {
    const config: ImageConfig = {
      config: { Env: ['DB_PASSWORD=hunter2-fake'] },
      history: [
        { created_by: '/bin/sh -c #(nop)  ENV DB_PASSWORD=hunter2-fake', empty_layer: true },
        { created_by: `|1 NPM_TOKEN=${NPM} /bin/sh -c echo hunter2-fake | login` },
        { created_by: 'RUN /bin/sh -c true # buildkit', comment: `built with ${GHP}` },
      ],
      rootfs: { diff_ids: ['sha256:a', 'sha256:b'] },
    };
    const steps = mapSteps(config, 2);
    const text = JSON.stringify(steps);
    for (const value of ['hunter2-fake', NPM, GHP]) assert.ok(!text.includes(value), value);
    assert.equal(steps[0].instruction, 'ENV DB_PASSWORD=****');
    assert.equal(steps[1].createdBy, '|1 NPM_TOKEN=npm_**** /bin/sh -c echo **** | login');
    assert.equal(steps[1].instruction, 'RUN echo **** | login');
    assert.equal(steps[2].comment, 'built with ghp_****');

    const engine = stepsFromEngineHistory(
      [...config.history!].reverse().map((h, i) => ({ Id: `id${i}`, Created: 0, CreatedBy: h.created_by!, Tags: null, Size: 1, Comment: h.comment ?? '' })),
      2,
    );
    const engineText = JSON.stringify(engine);
    for (const value of ['hunter2-fake', NPM, GHP]) assert.ok(!engineText.includes(value), value);
    assert.equal(engine[1].instruction, 'RUN echo **** | login');
  });
});

describe('buildSecretFindings', () => {
  test('one finding for the config, one for the history; the evidence names the setting and step, never the value', () => {
    const { secrets } = scanImageConfig({
      config: { Env: [`GITHUB_TOKEN=${GHP}`] },
      history: [
        { created_by: `ENV GITHUB_TOKEN=${GHP}` },
        { created_by: `RUN |1 NPM_TOKEN=${NPM} /bin/sh -c make # buildkit` },
        { created_by: `RUN /bin/sh -c echo ${SLACK} # buildkit` },
        { created_by: `/bin/sh -c #(nop)  CMD ["curl" "-H" "${SLACK}"]` },
      ],
    });
    const findings = buildSecretFindings(secrets);
    assert.deepEqual(
      findings.map((f) => [f.id, f.ruleId, f.severity, f.matchedBy, f.evidence.map((e) => [e.path, e.step, e.variable])]),
      [
        ['secret', 'LL3001', 'security', 'config', [['ENV GITHUB_TOKEN', 0, 'GITHUB_TOKEN']]],
        [
          'secret',
          'LL3001',
          'security',
          'history',
          [
            ['ARG NPM_TOKEN in the RUN of step 1', 1, 'NPM_TOKEN'],
            ['RUN of step 2 (a Slack token)', 2, undefined],
            ['CMD of step 3 (a Slack token)', 3, undefined],
          ],
        ],
      ],
    );
    assert.match(findings[1].fix, /--mount=type=secret/);
    assert.match(findings[0].fix, /run time|docker run/);
    const text = JSON.stringify(findings);
    for (const value of [GHP, NPM, SLACK]) assert.ok(!text.includes(value), value);
  });
});

describe('SecretsUsedInArgOrEnv (static lint)', () => {
  const lint = (...lines: string[]) => lintDockerfile(parseDockerfile(lines.join('\n'))).filter((f) => f.ruleId === 'SecretsUsedInArgOrEnv');

  test('an ENV or ARG named like a secret, or with a token-shaped value; the message names the variable, never the value', () => {
    const findings = lint(
      'ARG NPM_TOKEN',
      'FROM scratch',
      `ENV GITHUB_TOKEN=${GHP} LANG=C.UTF-8`,
      `ENV CI_NOTE=${PAT}`,
      'ARG DB_PASSWORD=hunter2-fake',
      'ENV AWS_SECRET_ACCESS_KEY hunter2-fake',
      'ENV API_KEY_ID=abc',
    );
    assert.deepEqual(
      findings.map((f) => [f.range.startLine, f.range.startCharacter, f.severity]),
      [
        [0, 4, 'warning'],
        [2, 4, 'warning'],
        [3, 4, 'warning'],
        [4, 4, 'warning'],
        [5, 4, 'warning'],
        [6, 4, 'warning'],
      ],
    );
    assert.match(findings[1].message, /ENV "GITHUB_TOKEN"/);
    assert.match(findings[2].message, /ENV "CI_NOTE" \(its value looks like a token\)/);
    const text = JSON.stringify(findings);
    for (const value of [GHP, PAT, 'hunter2-fake']) assert.ok(!text.includes(value), value);
  });

  test('ordinary settings and public keys raise nothing', () => {
    assert.deepEqual(lint('FROM scratch', 'ENV PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8', 'ARG NODE_VERSION=20', 'ENV SSH_PUBLIC_KEY=ssh-ed25519', 'ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D', 'ARG BUILD_DATE'), []);
  });
});

describe('the Dockerfile hover of a secret ENV line', () => {
  test('shows the step as recorded, masked, and names the secret; never the value', () => {
    const config: ImageConfig = { config: { Env: [`GITHUB_TOKEN=${GHP}`] }, history: [{ created_by: `ENV GITHUB_TOKEN=${GHP}`, empty_layer: true }] };
    const [step] = mapSteps(config, 0);
    const secrets = buildSecretFindings(scanImageConfig(config).secrets.filter((s) => s.step === 0));
    const markdown = hoverMarkdown({
      kind: 'linked',
      image: { id: 'sha256:x', label: 'app:1' },
      insight: { kind: 'metadata', keyword: 'ENV', stepIndex: 0, recorded: step.instruction, secrets },
      hints: [],
    });
    assert.ok(markdown.includes('Recorded as: ENV GITHUB\\_TOKEN\\=ghp\\_\\*\\*\\*\\*'), markdown);
    assert.match(markdown, /\$\(shield\) LL3001 .*ENV GITHUB\\_TOKEN/);
    assert.ok(!markdown.includes(GHP.slice(4)));
  });
});

describe('the explorer\'s layer badges', () => {
  test('a RUN layer that records a secret build argument has a secret badge', () => {
    const model = new ImageModel({
      id: 'sha256:x',
      repoTags: [],
      config: { history: [{ created_by: `ARG NPM_TOKEN=${NPM}`, empty_layer: true }, { created_by: `RUN |1 NPM_TOKEN=${NPM} /bin/sh -c make # buildkit` }, { created_by: 'RUN /bin/sh -c true # buildkit' }] },
      layers: [
        { diffId: 'sha256:a', entries: [{ path: '/a', type: 'file', size: 1, mode: 0o644, uid: 0, gid: 0 }], whiteouts: [], opaqueDirs: [], tarBytes: 0, warnings: [] },
        { diffId: 'sha256:b', entries: [{ path: '/b', type: 'file', size: 1, mode: 0o644, uid: 0, gid: 0 }], whiteouts: [], opaqueDirs: [], tarBytes: 0, warnings: [] },
      ],
    });
    const marks = new SecurityMarks(model);
    assert.deepEqual(marks.ofLayer(0).map((s) => [s.kind, s.paths]), [['secret', 1]]);
    assert.deepEqual(marks.ofLayer(1), []);
    assert.ok(!JSON.stringify(marks.ofLayer(0)).includes(NPM.slice(4)));
  });
});
