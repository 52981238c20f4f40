// `created_by` as the two builders write it: the legacy builder (moby builder/dockerfile) and BuildKit
// (moby/buildkit frontend/dockerfile/dockerfile2llb).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mapSteps, readableInstruction } from '../../src/core/model/history';

describe('readableInstruction', () => {
  const cases: [string, string, string][] = [
    ['/bin/sh -c #(nop)  ENV X=1', 'ENV X=1', 'legacy'],
    ['/bin/sh -c #(nop) COPY file:abc in /x ', 'COPY file:abc in /x', 'legacy'],
    ['/bin/sh -c #(nop)  CMD ["/bin/sh"]', 'CMD ["/bin/sh"]', 'legacy'],
    ['/bin/bash -o pipefail -c #(nop)  USER 1:2', 'USER 1:2', 'legacy'], // metadata under a custom SHELL
    ['/bin/sh -c apt-get update', 'RUN apt-get update', 'legacy'],
    ['|2 A=1 B=2 /bin/sh -c make', 'RUN make', 'legacy'],
    ['|1 EMPTY= /bin/sh -c make install', 'RUN make install', 'legacy'],
    ['RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit', 'RUN apt-get update && apt-get install -y curl', 'buildkit'],
    ['RUN |1 X=y /bin/sh -c echo # buildkit', 'RUN echo', 'buildkit'],
    ['RUN /bin/sh -c echo "a # b" # buildkit', 'RUN echo "a # b"', 'buildkit'],
    ['RUN ["/bin/busybox","--install","-s","/bin"] # buildkit', 'RUN ["/bin/busybox","--install","-s","/bin"]', 'buildkit'],
    ['COPY x /y # buildkit', 'COPY x /y', 'buildkit'],
    ['ADD https://example.com/a.tgz /opt/ # buildkit', 'ADD https://example.com/a.tgz /opt/', 'buildkit'],
    ['ENV A=b', 'ENV A=b', 'buildkit'],
    ['WORKDIR /app', 'WORKDIR /app', 'buildkit'],
    ['CMD ["/bin/sh"]', 'CMD ["/bin/sh"]', 'buildkit'],
    // BuildKit prints EXPOSE's port set as a Go map; it reads as the Dockerfile line.
    ['EXPOSE map[8080/tcp:{}]', 'EXPOSE 8080/tcp', 'buildkit'],
    ['EXPOSE map[443/tcp:{} 53/udp:{} 80/tcp:{}]', 'EXPOSE 443/tcp 53/udp 80/tcp', 'buildkit'],
    ['EXPOSE map[]', 'EXPOSE map[]', 'buildkit'], // nothing to read: kept as recorded
    ['EXPOSE map[8080/tcp:{} odd]', 'EXPOSE map[8080/tcp:{} odd]', 'buildkit'], // not Go's form: kept as recorded
    ['/bin/sh -c #(nop)  EXPOSE 8080', 'EXPOSE 8080', 'legacy'],
  ];
  for (const [createdBy, instruction, builder] of cases) {
    test(JSON.stringify(createdBy), () => {
      assert.deepEqual(readableInstruction(createdBy), { instruction, builder });
    });
  }

  test('a multi-line RUN keeps its lines', () => {
    assert.deepEqual(readableInstruction('RUN /bin/sh -c set -e\n  make\n  make install # buildkit'), { instruction: 'RUN set -e\n  make\n  make install', builder: 'buildkit' });
  });

  test('nothing recorded, or a committed container\'s command', () => {
    assert.deepEqual(readableInstruction(undefined), { instruction: '', builder: 'unknown' });
    assert.deepEqual(readableInstruction('   '), { instruction: '', builder: 'unknown' });
    assert.deepEqual(readableInstruction('bash'), { instruction: 'RUN bash', builder: 'unknown' });
  });
});

describe('mapSteps', () => {
  test('empty_layer entries get no layer; the others take diff_ids in order', () => {
    const steps = mapSteps(
      {
        history: [
          { created_by: '/bin/sh -c #(nop) ADD file:1 in / ', created: '2024-01-01T00:00:00Z' },
          { created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
          { created_by: 'WORKDIR /app', empty_layer: true },
          { created_by: 'RUN /bin/sh -c make # buildkit' },
          { created_by: 'ENV A=b', empty_layer: true },
          { created_by: 'COPY x /y # buildkit', comment: 'buildkit.dockerfile.v0' },
        ],
      },
      3,
    );
    assert.deepEqual(steps.map((s) => [s.index, s.instruction, s.builder, s.layerIndex]), [
      [0, 'ADD file:1 in /', 'legacy', 0],
      [1, 'CMD ["sh"]', 'legacy', undefined],
      [2, 'WORKDIR /app', 'buildkit', undefined],
      [3, 'RUN make', 'buildkit', 1],
      [4, 'ENV A=b', 'buildkit', undefined],
      [5, 'COPY x /y', 'buildkit', 2],
    ]);
    assert.equal(steps[0].created, '2024-01-01T00:00:00Z');
    assert.equal(steps[5].comment, 'buildkit.dockerfile.v0');
    assert.equal(steps[3].createdBy, 'RUN /bin/sh -c make # buildkit');
  });

  test('history shorter than the layers (docker import): leftover layers get steps of their own', () => {
    const steps = mapSteps({ history: [{ created_by: '', comment: 'Imported from -' }] }, 3);
    assert.deepEqual(steps.map((s) => [s.index, s.instruction, s.layerIndex]), [
      [0, '(Imported from -)', 0],
      [1, '(layer 1: no build history)', 1],
      [2, '(layer 2: no build history)', 2],
    ]);
  });

  test('no history at all', () => {
    const steps = mapSteps({}, 2);
    assert.deepEqual(steps.map((s) => [s.instruction, s.builder, s.layerIndex]), [
      ['(layer 0: no build history)', 'unknown', 0],
      ['(layer 1: no build history)', 'unknown', 1],
    ]);
    assert.deepEqual(mapSteps({ history: 'bogus' as never }, 0), []);
  });

  test('more layer steps in history than layers: the extra steps get no layer', () => {
    const steps = mapSteps({ history: [{ created_by: 'RUN a # buildkit' }, { created_by: 'RUN b # buildkit' }] }, 1);
    assert.deepEqual(steps.map((s) => s.layerIndex), [0, undefined]);
  });

  test('an entry without created_by and without comment', () => {
    assert.equal(mapSteps({ history: [{}] }, 1)[0].instruction, '(no instruction recorded)');
  });
});
