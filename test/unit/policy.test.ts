// The .layerlens.yaml policy (core/policy): each rule kind read from plain data, every mistake of a bad file
// one line, and the path globs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { matchesGlob } from '../../src/core/policy/glob';
import { parsePolicy, PolicyMistakes } from '../../src/core/policy/policy';

const mistakes = (yaml: string): string[] => {
  try {
    parsePolicy(parse(yaml));
  } catch (error) {
    if (error instanceof PolicyMistakes) return error.lines;
    throw error;
  }
  return [];
};

test('each kind of rule, with its id and message', () => {
  const policy = parsePolicy(
    parse(`rules:
  - id: no-git
    message: No git.
    forbid-paths: ["**/.git/**", "*.pem"]
  - { id: image-size, max-image-size: 200MB }
  - { id: layer-size, max-layer-size: 1048576 }
  - { id: no-secrets, fail-on-findings: [secret, LL3002] }
  - { id: growth, max-growth: 5% }
  - { id: growth-bytes, max-growth: 10MB }
`),
  );
  assert.deepEqual(policy.rules, [
    { id: 'no-git', message: 'No git.', kind: 'forbid-paths', globs: ['**/.git/**', '*.pem'] },
    { id: 'image-size', kind: 'max-image-size', bytes: 200_000_000 },
    { id: 'layer-size', kind: 'max-layer-size', bytes: 1_048_576 },
    { id: 'no-secrets', kind: 'fail-on-findings', findings: ['secret', 'setuid'] },
    { id: 'growth', kind: 'max-growth', growth: { ratio: 0.05 } },
    { id: 'growth-bytes', kind: 'max-growth', growth: { bytes: 10_000_000 } },
  ]);
  assert.deepEqual(parsePolicy(undefined).rules, [], 'an empty file is an empty policy');
});

test('a bad file: one line per mistake, each naming the rule and what is wrong', () => {
  assert.deepEqual(
    mistakes(`rules:
  - id: a
    max-image-sise: 10MB
  - id: a
    max-layer-size: big
  - forbid-paths: []
  - id: c
    fail-on-findings: [secrets]
  - id: d
    max-image-size: 1MB
    max-layer-size: 1MB
  - id: e
  - just text
  - { id: f, max-growth: lots, message: 3 }
extra: 1
`),
    [
      'unknown key "extra" (the file has one key, "rules").',
      'rules[0] (a): unknown key "max-image-sise" (did you mean max-image-size?); a rule has id, message and one of forbid-paths, max-image-size, max-layer-size, fail-on-findings, max-growth.',
      'rules[1].id "a" is already the id of an earlier rule.',
      'rules[1] (a).max-layer-size must be a size such as 200MB; it is "big".',
      'rules[2].id must be a name such as no-git (letters, digits, . _ / -); it is missing.',
      'rules[2].forbid-paths must be a list of path globs such as "**/.git/**"; it is an empty list.',
      'rules[3] (c).fail-on-findings[0] "secrets" is not a finding; the findings are package-cache, temporary-files, git-directory, object-files, unpacked-archive, archive, undone-later, metadata-rewrite, large-file, package-removed-later, build-toolchain, package-docs-deleted, secret, setuid, world-writable.',
      'rules[4] (d) has max-image-size and max-layer-size: give each its own rule.',
      'rules[5] (e) says nothing to check: add one of forbid-paths, max-image-size, max-layer-size, fail-on-findings, max-growth.',
      'rules[6] must be a map with an id and one of forbid-paths, max-image-size, max-layer-size, fail-on-findings, max-growth; it is "just text".',
      'rules[7] (f).message must be text; it is "3".',
      'rules[7] (f).max-growth must be a size such as 10MB or a percentage such as 5%; it is "lots".',
    ],
  );
  assert.deepEqual(mistakes('- a\n'), ['the file must be a map with a "rules" list; it is a list.']);
  assert.deepEqual(mistakes('rules: 3\n'), ['"rules" must be a list of rules; it is "3".']);
});

test('globs: ** crosses directories, * and ? stay in one name, a pattern without a slash is a name anywhere', () => {
  const cases: [string, string, boolean][] = [
    ['/src/.git/HEAD', '**/.git/**', true],
    ['/.git', '**/.git/**', true],
    ['/src/.gitignore', '**/.git/**', false],
    ['/root/.cache/pip/wheel', '/root/.cache/**', true],
    ['/root/.cachex', '/root/.cache/**', false],
    ['/app/keys/a.pem', '**/*.pem', true],
    ['/a.pem.bak', '**/*.pem', false],
    ['/deep/x.pem', '*.pem', true],
    ['/etc/a', 'etc/?', true],
    ['/etc/ab', 'etc/?', false],
    ['/etc/x/y', '/etc/*', false],
    ['/a+b/(c).txt', '/a+b/(c).txt', true],
  ];
  for (const [path, glob, expected] of cases) assert.equal(matchesGlob(path, glob), expected, `${glob} ${path}`);
});
