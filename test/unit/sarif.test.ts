// The SARIF writer (core/reports/sarif.ts): URIs that code scanning can resolve, regions counted from 1, and a
// rule entry for every result's rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileUri, referenceUri, sarifLog } from '../../src/core/reports/sarif';

test('file paths: relative ones stay relative, absolute ones become file URIs, each segment encoded', () => {
  assert.equal(fileUri('./docker/Dockerfile'), 'docker/Dockerfile');
  assert.equal(fileUri('docker files/Dockerfile #2'), 'docker%20files/Dockerfile%20%232');
  assert.equal(fileUri('/src/app/Dockerfile'), 'file:///src/app/Dockerfile');
  assert.equal(fileUri('C:\\src\\Dockerfile'), 'file:///C:/src/Dockerfile');
});

test('an image reference is a relative URI whose colons cannot read as a scheme', () => {
  assert.equal(referenceUri('alpine:3.19'), 'alpine%3A3.19');
  assert.equal(referenceUri('ghcr.io/org/app@sha256:ab'), 'ghcr.io/org/app%40sha256%3Aab');
});

test('rules in the order given, one entry added for a rule not listed, ruleIndex pointing at it', () => {
  const log = sarifLog({ name: 'T', version: '1.0.0' }, [{ id: 'A', title: 'Rule a', helpUri: 'https://example.invalid/A' }], [
    { ruleId: 'B', level: 'warning', message: 'b happened', location: { kind: 'file', path: 'Dockerfile', line: 3, column: 1, endLine: 3, endColumn: 9 } },
    { ruleId: 'A', level: 'error', message: 'a happened.', location: { kind: 'image', reference: 'app:1', layer: 2, path: '/etc/x' } },
  ]);
  const run = log.runs[0];
  assert.deepEqual(run.tool.driver.rules.map((r) => r.id), ['A', 'B']);
  assert.deepEqual(run.results.map((r) => [r.ruleId, r.ruleIndex]), [['B', 1], ['A', 0]]);
  assert.deepEqual(run.results[0].locations, [{ physicalLocation: { artifactLocation: { uri: 'Dockerfile' }, region: { startLine: 3, startColumn: 1, endLine: 3, endColumn: 9 } } }]);
  assert.deepEqual(run.results[0].message, { text: 'b happened.' });
  assert.deepEqual(run.results[1].properties, { image: 'app:1', layer: 2, path: '/etc/x' });
  assert.deepEqual((run.results[1].locations as { logicalLocations: unknown }[])[0].logicalLocations, [{ kind: 'module', fullyQualifiedName: 'app:1 layer 2 /etc/x' }]);
});
