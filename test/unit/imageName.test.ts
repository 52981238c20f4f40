// How the CLI (and, through the same helper, the extension) names an image: as the user referred to it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { imageDisplayName, shortImageId } from '../../src/core/catalog/imageName';

const ID = 'sha256:4fbbd74ca728e1b2f3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081920';
// A pull through a mirror leaves both names; the engine lists the mirror's first.
const TAGS = ['127.0.0.1:5055/evalll/debian:legacy', 'evalll/debian:legacy'];

describe('imageDisplayName', () => {
  test('the name the user typed, not the first RepoTag', () => {
    assert.equal(imageDisplayName(ID, TAGS, 'evalll/debian:legacy'), 'evalll/debian:legacy');
    assert.equal(imageDisplayName(ID, TAGS, '127.0.0.1:5055/evalll/debian:legacy'), '127.0.0.1:5055/evalll/debian:legacy');
  });

  test('a name the engine resolved (short name, digest reference) is kept as typed', () => {
    assert.equal(imageDisplayName(ID, ['debian:latest'], 'debian'), 'debian');
    assert.equal(imageDisplayName(ID, TAGS, 'evalll/debian@sha256:0123'), 'evalll/debian@sha256:0123');
    assert.equal(imageDisplayName(ID, TAGS, '  evalll/debian:legacy \n'), 'evalll/debian:legacy');
  });

  test('an ID reference, full or short, gets the first real tag; an untagged image its short ID', () => {
    assert.equal(imageDisplayName(ID, TAGS, ID), TAGS[0]);
    assert.equal(imageDisplayName(ID, TAGS, '4fbbd74c'), TAGS[0]);
    assert.equal(imageDisplayName(ID, TAGS, 'sha256:4fbbd74ca728'), TAGS[0]);
    assert.equal(imageDisplayName(ID, ['<none>:<none>', 'app:1'], '4fbbd74c'), 'app:1');
    assert.equal(imageDisplayName(ID, ['<none>:<none>'], '4fbbd74c'), '4fbbd74ca728');
    assert.equal(imageDisplayName(ID, [], ID), '4fbbd74ca728');
  });

  test('hex that is not a prefix of the ID is a name; so is a hex name the image is tagged with', () => {
    assert.equal(imageDisplayName(ID, TAGS, 'cafe'), 'cafe');
    assert.equal(imageDisplayName(ID, ['4fbb:latest'], '4fbb'), '4fbb');
    assert.equal(imageDisplayName(ID, ['4fbb:latest', 'other:1'], '4fbb'), '4fbb');
  });

  test('without a reference (an archive, a pick from a list): the first real tag, else the short ID', () => {
    assert.equal(imageDisplayName(ID, TAGS), TAGS[0]);
    assert.equal(imageDisplayName(ID, ['<none>@<none>', '<none>:<none>']), '4fbbd74ca728');
    assert.equal(imageDisplayName(ID, [], ''), '4fbbd74ca728');
  });

  test('shortImageId: the 12 digits docker image ls shows', () => {
    assert.equal(shortImageId(ID), '4fbbd74ca728');
    assert.equal(shortImageId('4fbbd74ca728e1b2'), '4fbbd74ca728');
  });
});
