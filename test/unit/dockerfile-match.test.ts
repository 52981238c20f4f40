// Linking a Dockerfile to an image's build steps, with `created_by` strings recorded from real builds of both
// builders (dockerfileHistories.ts): every instruction kind, multi-stage, the escape directive, heredocs,
// edited Dockerfiles (exactly the edited lines are "changed", with no step numbers) and unrelated images.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { matchAtLine, matchDockerfile, type DockerfileMatch, type MatchableStep } from '../../src/core/dockerfile/match';
import { parseDockerfile } from '../../src/core/dockerfile/parse';
import { stepForm } from '../../src/core/dockerfile/stepForms';
import { mapSteps, readableInstruction } from '../../src/core/model/history';
import type { HistoryEntry } from '../../src/core/model/types';
import { FIXTURE_BUILDS, PROBE_BUILDS } from './dockerfileHistories';

/** Steps as the image model makes them: every history entry, layers numbered over the non-empty ones. */
function stepsOf(history: HistoryEntry[]): MatchableStep[] {
  const layers = history.filter((h) => !h.empty_layer).length;
  return mapSteps({ history }, layers);
}

function lineStatus(match: DockerfileMatch): Record<number, string> {
  return Object.fromEntries(match.instructions.map((m) => [m.instruction.range.startLine + 1, m.status]));
}

const changedLines = (match: DockerfileMatch) => match.instructions.filter((m) => m.status === 'changed').map((m) => m.instruction.range.startLine + 1);

describe('stepForm: both builders reduced to keyword and text', () => {
  const form = (createdBy: string) => stepForm({ instruction: readableInstruction(createdBy).instruction });
  test('RUN with build args, legacy metadata under a custom SHELL', () => {
    assert.deepEqual(form('|2 A=1 B=two /bin/sh -c echo $A $B > /args.txt'), { keyword: 'RUN', text: 'echo $A $B > /args.txt' });
    assert.deepEqual(form('RUN |1 GLOBAL=one /bin/sh -e -c echo shell # buildkit'), { keyword: 'RUN', text: '/bin/sh -e -c echo shell' });
    assert.deepEqual(form('/bin/sh -e -c #(nop)  USER 1:2'), { keyword: 'USER', text: '1:2' });
    assert.deepEqual(form('/bin/sh -c #(nop) COPY file:abc in /x '), { keyword: 'COPY', text: 'file:abc in /x' });
  });
});

describe('matchDockerfile: the fixture Dockerfiles against their images', () => {
  for (const [name, build] of Object.entries(FIXTURE_BUILDS)) {
    test(`${name}: every instruction matches its own step, 100 %`, () => {
      const steps = stepsOf(build.history);
      const match = matchDockerfile(parseDockerfile(build.dockerfile), steps);
      assert.equal(match.score, 1, JSON.stringify(lineStatus(match)));
      assert.equal(match.matched, match.total);
      assert.deepEqual(match.unexplainedSteps, []);
      // The Dockerfile's instructions are the history's steps in order (the legacy builder's --label step last).
      const matched = match.instructions.flatMap((m) => (m.status === 'matched' ? [m] : []));
      assert.deepEqual(matched.map((m) => m.stepIndex), matched.map((_, i) => i));
      for (const m of matched) assert.equal(m.layerIndex, steps[m.stepIndex].layerIndex);
      const from = match.instructions[0];
      assert.equal(from.status === 'from' && from.baseSteps, 0, 'FROM scratch: no base steps');
    });
  }

  test('the layer a RUN made, and the line lookup used by hovers', () => {
    const build = FIXTURE_BUILDS['basics:buildkit'];
    const match = matchDockerfile(parseDockerfile(build.dockerfile), stepsOf(build.history));
    // Line 13 (0-based 12) is inside the first big RUN (lines 12-17, 1-based): step 5, which made layer 3
    // (BuildKit of Engine 20.10 gave the WORKDIR before it a layer of its own).
    const m = matchAtLine(match, 12);
    assert.ok(m && m.status === 'matched');
    assert.deepEqual([m.stepIndex, m.layerIndex, m.instruction.range.startLine], [5, 3, 11]);
    assert.equal(matchAtLine(match, 0), undefined, 'a comment line is no instruction');
  });
});

describe('matchDockerfile: edited Dockerfiles', () => {
  for (const builder of ['legacy', 'buildkit']) {
    test(`${builder}: exactly the edited, added lines are changed; a removed line leaves its step unexplained`, () => {
      const build = FIXTURE_BUILDS[`basics:${builder}`];
      const edited = build.dockerfile
        .replace("echo 'hello' > /app/hello.txt", "echo 'hello!' > /app/hello.txt") // line 13 of the RUN on line 12
        .replace('ENV LAYERLENS_FIXTURE=basics', 'ENV LAYERLENS_FIXTURE=edited') // line 7
        .replace('WORKDIR /app\n', 'WORKDIR /app\nRUN echo new\n') // a new line 10
        .replace('EXPOSE 8080\n', ''); // removed
      const steps = stepsOf(build.history);
      const match = matchDockerfile(parseDockerfile(edited), steps);
      assert.deepEqual(changedLines(match), [7, 10, 13]);
      assert.equal(match.matched, 9);
      assert.equal(match.total, 12);
      assert.deepEqual(match.unexplainedSteps.map((i) => stepForm(steps[i]).keyword), ['EXPOSE']);
      for (const m of match.instructions) {
        if (m.status === 'changed') assert.deepEqual(Object.keys(m).sort(), ['instruction', 'status'], 'a changed line carries no step numbers');
        if (m.status === 'matched') assert.equal(stepForm(steps[m.stepIndex]).keyword, m.instruction.keyword);
      }
    });
  }

  test('whitespace and continuations do not count as edits', () => {
    const build = FIXTURE_BUILDS['whiteouts:legacy'];
    const reflowed = build.dockerfile.replace('RUN echo \'second life\' > /readd.txt', 'RUN echo  \'second life\' \\\n      >   /readd.txt');
    assert.equal(matchDockerfile(parseDockerfile(reflowed), stepsOf(build.history)).score, 1);
  });

  test('an unrelated image: low score, and no line claims a step of another text', () => {
    const steps = stepsOf(FIXTURE_BUILDS['whiteouts:buildkit'].history);
    const match = matchDockerfile(parseDockerfile(FIXTURE_BUILDS['basics:buildkit'].dockerfile), steps);
    assert.ok(match.score < 0.3, String(match.score));
    const matched = match.instructions.flatMap((m) => (m.status === 'matched' ? [m] : []));
    // Only the lines both images really share: the busybox install and the CMD.
    assert.deepEqual(matched.map((m) => steps[m.stepIndex].instruction), ['COPY busybox /bin/busybox', 'RUN /bin/busybox --install -s /bin', 'CMD ["/bin/sh"]']);
  });
});

describe('matchDockerfile: every instruction kind, multi-stage, escape directive, heredocs', () => {
  const probeSteps = (history: HistoryEntry[]): MatchableStep[] => history.map((h, index) => ({ index, instruction: readableInstruction(h.created_by).instruction }));

  test('legacy builder: ENV/LABEL quoting, EXPOSE, VOLUME, SHELL, HEALTHCHECK, ONBUILD, shell-form CMD/ENTRYPOINT under a custom SHELL, COPY --from', () => {
    const build = PROBE_BUILDS['every-instruction:legacy'];
    const match = matchDockerfile(parseDockerfile(build.dockerfile), probeSteps(build.history));
    assert.equal(match.score, 1, JSON.stringify(lineStatus(match)));
    assert.equal(match.total, 26);
    const from = match.instructions.filter((m) => m.status === 'from').map((m) => (m.status === 'from' ? m.baseSteps : -1));
    assert.deepEqual(from, [0, 11], 'the final stage builds on the 11 steps of stage "build"');
  });

  test('BuildKit: the same, and ONBUILD (which BuildKit does not record) is "unrecorded", not changed', () => {
    const build = PROBE_BUILDS['every-instruction:buildkit'];
    const match = matchDockerfile(parseDockerfile(build.dockerfile), probeSteps(build.history));
    assert.equal(match.score, 1, JSON.stringify(lineStatus(match)));
    assert.equal(match.total, 25);
    assert.equal(lineStatus(match)[26], 'unrecorded');
  });

  test('--target: the chain of the named stage only', () => {
    const build = PROBE_BUILDS['every-instruction:buildkit'];
    const buildStageSteps = probeSteps(build.history.slice(0, 11));
    const match = matchDockerfile(parseDockerfile(build.dockerfile), buildStageSteps, { target: 'build' });
    assert.equal(match.stage.name, 'build');
    assert.equal(match.score, 1);
    assert.equal(match.instructions.length, 12, 'FROM and 11 instructions');
  });

  for (const builder of ['legacy', 'buildkit']) {
    test(`escape directive (${builder}): backtick continuations, comment inside, ENV-substituted and relative WORKDIR, COPY . .`, () => {
      const build = PROBE_BUILDS[`escape:${builder}`];
      const match = matchDockerfile(parseDockerfile(build.dockerfile), probeSteps(build.history));
      assert.equal(match.score, 1, JSON.stringify(lineStatus(match)));
      const edited = build.dockerfile.replace('WORKDIR sub', 'WORKDIR other');
      assert.deepEqual(changedLines(matchDockerfile(parseDockerfile(edited), probeSteps(build.history))), [7]);
    });
  }

  test('COPY: BuildKit records sources and destination, the legacy builder only the destination (sources as a hash)', () => {
    for (const builder of ['legacy', 'buildkit']) {
      const build = PROBE_BUILDS[`escape:${builder}`];
      const steps = probeSteps(build.history);
      const newDestination = build.dockerfile.replace('COPY src/ ./src/', 'COPY src/ ./lib/');
      assert.deepEqual(changedLines(matchDockerfile(parseDockerfile(newDestination), steps)), [8], builder);
      const newSource = build.dockerfile.replace('COPY src/ ./src/', 'COPY lib/ ./src/');
      assert.deepEqual(changedLines(matchDockerfile(parseDockerfile(newSource), steps)), builder === 'legacy' ? [] : [8], builder);
    }
  });

  test('heredocs and --mount (BuildKit of Engine 26): RUN <<EOF recorded as its body, COPY <<EOF as its first line', () => {
    const build = PROBE_BUILDS['heredoc:buildkit-26'];
    const match = matchDockerfile(parseDockerfile(build.dockerfile), probeSteps(build.history));
    assert.equal(match.score, 1, JSON.stringify(lineStatus(match)));
    const edited = build.dockerfile.replace('echo two   >  /two', 'echo 2 > /two');
    assert.deepEqual(changedLines(matchDockerfile(parseDockerfile(edited), probeSteps(build.history))), [6]);
  });

  test('an image FROM a base image: the base steps come first and are not ours', () => {
    const history: HistoryEntry[] = [
      { created_by: '/bin/sh -c #(nop) ADD file:' + 'a'.repeat(64) + ' in / ' },
      { created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true },
      { created_by: 'WORKDIR /app', empty_layer: true },
      { created_by: 'COPY package.json ./ # buildkit' },
      { created_by: 'RUN /bin/sh -c npm ci # buildkit' },
      { created_by: 'CMD ["node" "index.js"]', empty_layer: true },
    ];
    const text = 'FROM node:20\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\nCMD ["node", "index.js"]\n';
    const match = matchDockerfile(parseDockerfile(text), stepsOf(history));
    assert.equal(match.score, 1);
    const from = match.instructions[0];
    assert.ok(from.status === 'from' && from.baseSteps === 2);
    const run = matchAtLine(match, 3);
    assert.ok(run?.status === 'matched' && run.stepIndex === 4 && run.layerIndex === 2);
  });
});
