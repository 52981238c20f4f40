// Linking a Dockerfile to a local image automatically: real build histories (dockerfileHistories.ts) passed
// through the engine's history API shape (newest first, no empty_layer flag), as the extension reads them
// before any export. The image built from the Dockerfile wins, the newest of equals first; an image that only
// starts like the Dockerfile is not linked; an image built with --target is found with its stage.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../src/core/dockerfile';
import { stepsFromEngineHistory, type EngineHistoryEntry } from '../../src/core/model/engineHistory';
import type { HistoryEntry } from '../../src/core/model/types';
import { AUTO_LINK_MIN_SCORE, automaticLink, matchPercent, rankImages, type CandidateImage } from '../../src/dockerfile/imageRanking';
import { FIXTURE_BUILDS, PROBE_BUILDS } from './dockerfileHistories';

/** What `GET /images/{id}/history` returns for a config history: newest first, a size for each layer step. */
function engineHistory(history: HistoryEntry[]): EngineHistoryEntry[] {
  return history
    .map((h, i) => ({ Id: `<missing-${i}>`, Created: i, CreatedBy: h.created_by ?? '', Tags: null, Size: h.empty_layer ? 0 : 1000, Comment: h.comment ?? '' }))
    .reverse();
}

function candidate(name: string, history: HistoryEntry[], created: number): CandidateImage {
  return { id: `sha256:${name}`, tags: [`layerlens-test/${name}`], created, size: 1, steps: stepsFromEngineHistory(engineHistory(history), 0) };
}

const fixtures = (names: string[]) => names.map((name, i) => candidate(name, FIXTURE_BUILDS[name].history, 100 * (i + 1)));

describe('rankImages', () => {
  test('the images built from the Dockerfile first (both builders, 100%), the newest of them first', () => {
    const images = fixtures(['basics:legacy', 'whiteouts:legacy', 'basics:buildkit', 'names:legacy']);
    const ranked = rankImages(parseDockerfile(FIXTURE_BUILDS['basics:legacy'].dockerfile), images);
    assert.deepEqual(
      ranked.slice(0, 2).map((r) => [r.id, r.score, r.matched, r.total]),
      [
        ['sha256:basics:buildkit', 1, 12, 12],
        ['sha256:basics:legacy', 1, 12, 12],
      ],
    );
    for (const other of ranked.slice(2)) assert.ok(other.score < AUTO_LINK_MIN_SCORE, `${other.id}: ${other.score}`);
    assert.equal(automaticLink(ranked)?.id, 'sha256:basics:buildkit');
  });

  test('each fixture Dockerfile picks its own image among all of them', () => {
    const names = Object.keys(FIXTURE_BUILDS);
    const images = fixtures(names);
    for (const name of names) {
      const best = automaticLink(rankImages(parseDockerfile(FIXTURE_BUILDS[name].dockerfile), images));
      assert.equal(best?.id.replace(/:(legacy|buildkit)$/, ''), `sha256:${name.replace(/:(legacy|buildkit)$/, '')}`, name);
      assert.equal(best?.score, 1, name);
    }
  });

  test('a Dockerfile that every image merely starts like is linked to none', () => {
    const prefix = 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\n';
    const ranked = rankImages(parseDockerfile(prefix), fixtures(Object.keys(FIXTURE_BUILDS)));
    assert.ok(ranked.every((r) => r.matched === 2), 'both instructions match each image');
    assert.ok(ranked[0].score < AUTO_LINK_MIN_SCORE, `the steps it does not explain count against it: ${ranked[0].score}`);
    assert.equal(automaticLink(ranked), undefined);
  });

  test('an image built with --target is found with that stage', () => {
    const build = PROBE_BUILDS['every-instruction:legacy'];
    const dockerfile = parseDockerfile(build.dockerfile);
    const buildStage = dockerfile.stages.find((s) => s.name === 'build')!;
    const steps = buildStage.instructions.length;
    // The legacy builder records every instruction of the stage (ARGs too): the history up to its end.
    const targetImage = candidate('target-build', build.history.slice(0, steps), 1);
    const [ranked] = rankImages(dockerfile, [targetImage]);
    assert.equal(ranked.target, 'build');
    assert.equal(ranked.score, 1);
    const [whole] = rankImages(dockerfile, [candidate('whole', build.history, 1)]);
    assert.equal(whole.target, undefined, 'the whole build: the last stage');
  });

  test('no FROM, no candidates', () => {
    assert.deepEqual(rankImages(parseDockerfile('# nothing yet\n'), fixtures(['basics:legacy'])), []);
  });

  test('matchPercent rounds down: 100% only for a full match', () => {
    assert.equal(matchPercent(1), '100% match');
    assert.equal(matchPercent(0.999), '99% match');
    assert.equal(matchPercent(0.5), '50% match');
  });
});
