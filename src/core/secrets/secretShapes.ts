// What a secret looks like in build metadata (ENV, ARG, LABEL values and RUN lines): the well-known token
// forms, `password=…`-style assignments with a long value, and names that say "secret". Each shape says
// which part of a match is the secret and how much of it may stay visible (the token's public prefix, so
// `GITHUB_TOKEN=ghp_****` still says what kind of token it was).

export type SecretShape =
  | 'github-token'
  | 'npm-token'
  | 'aws-access-key'
  | 'aws-secret-key'
  | 'slack-token'
  | 'pypi-token'
  | 'private-key'
  | 'password-assignment';

/** What stands for a masked secret. */
export const MASK = '****';

interface ShapePattern {
  shape: SecretShape;
  /** Global, with the `d` flag; group `keep` (optional) stays visible, group `value` is the secret. */
  pattern: RegExp;
}

// The armour is written in two pieces so that this file holds no key marker itself (secretMarkers.ts).
const KEY_ARMOUR = 'PRIV' + 'ATE KEY';

const SHAPES: readonly ShapePattern[] = [
  // GitHub: classic tokens (ghp_, gho_, ghu_, ghs_, ghr_ and 36 characters) and fine-grained ones (github_pat_…).
  { shape: 'github-token', pattern: /(?<![A-Za-z0-9_])(?<keep>gh[pousr]_)(?<value>[A-Za-z0-9]{36,})/dg },
  { shape: 'github-token', pattern: /(?<![A-Za-z0-9_])(?<keep>github_pat_)(?<value>[A-Za-z0-9_]{22,})/dg },
  // npm access tokens: npm_ and 36 characters.
  { shape: 'npm-token', pattern: /(?<![A-Za-z0-9_])(?<keep>npm_)(?<value>[A-Za-z0-9]{36,})/dg },
  // AWS access key IDs: AKIA (long-term) or ASIA (temporary) and 16 upper-case letters or digits.
  { shape: 'aws-access-key', pattern: /(?<![A-Za-z0-9])(?<keep>AKIA|ASIA)(?<value>[A-Z0-9]{16})(?![A-Za-z0-9])/dg },
  { shape: 'aws-secret-key', pattern: /aws_secret_access_key["']?\s*[=:]\s*["']?(?<value>[A-Za-z0-9/+]{20,}={0,2})/dgi },
  // Slack: xoxb-, xoxp-, xoxa-, xoxo-, xoxs-, xoxr-.
  { shape: 'slack-token', pattern: /(?<![A-Za-z0-9])(?<keep>xox[abposr]-)(?<value>[A-Za-z0-9-]{10,})/dg },
  // PyPI API tokens are macaroons: every one starts with "pypi-AgE".
  { shape: 'pypi-token', pattern: /(?<![A-Za-z0-9])(?<keep>pypi-)(?<value>AgE[A-Za-z0-9_-]{16,})/dg },
  // A PEM/OpenSSH/PGP private key: everything after the BEGIN line, to its END line (or the end of the text).
  {
    shape: 'private-key',
    pattern: new RegExp(`(?<keep>-----BEGIN [A-Z0-9 ]*${KEY_ARMOUR}(?: BLOCK)?-----)(?<value>[^]*?(?:-----END [A-Z0-9 ]*${KEY_ARMOUR}(?: BLOCK)?-----|$))`, 'dg'),
  },
  // password=…, passwd=…, secret=…, token=…, api_key: … with a value of 8 characters or more that is not a
  // variable ($X), a path (/run/secrets/x) or a placeholder (<token>); a backslash ends it (printf's "\n").
  {
    shape: 'password-assignment',
    pattern: /(?<![A-Za-z0-9])[A-Za-z0-9_.-]*?(?:password|passwd|secret|token|api[_-]?key)["']?\s*[=:]\s*["']?(?<value>[^\s"'$/<\\][^\s"';&|\\]{7,})/dgi,
  },
];

export interface ShapeMatch {
  shape: SecretShape;
  /** Where the secret starts and ends in the text (the visible prefix included). */
  start: number;
  end: number;
  /** What replaces text[start, end). */
  masked: string;
  /** The secret itself, for the masker only: never printed. */
  value: string;
}

/** Every token-shaped secret in `text`, in order, overlaps resolved in favour of the one that starts first. */
export function shapeMatches(text: string): ShapeMatch[] {
  const found: ShapeMatch[] = [];
  for (const { shape, pattern } of SHAPES) {
    for (const m of text.matchAll(pattern)) {
      const indices = m.indices!.groups!;
      const value = indices.value!;
      const keep = indices.keep;
      const start = keep ? keep[0] : value[0];
      const kept = keep ? text.slice(keep[0], keep[1]) : '';
      // Already masked ("token=ghp_****"): masking again must change nothing.
      if (text.slice(value[0], value[1]).includes(MASK)) continue;
      found.push({ shape, start, end: value[1], masked: kept + MASK, value: text.slice(value[0], value[1]) });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: ShapeMatch[] = [];
  for (const m of found) if (!kept.length || m.start >= kept[kept.length - 1].end) kept.push(m);
  return kept;
}

/** The shape of a value as a whole (a token in an ENV value, a label), if it has one. */
export function shapeOf(value: string): SecretShape | undefined {
  return shapeMatches(value)[0]?.shape;
}

/**
 * Names that say they hold a secret: *_TOKEN, *_PASSWORD, *_SECRET, *_KEY (and -key, .key for labels), APIKEY,
 * CREDENTIALS. Public keys and GPG key fingerprints (official images set GPG_KEY) say they are not.
 */
const SECRET_NAME = /(?:^|[_.-])(?:token|password|passwd|secret|key|apikey|credentials?)$/i;
const NOT_SECRET_NAME = /(?:^|[_.-])(?:public|pub|gpg)(?:[_.-]|$)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name);
}

/** A value worth hiding under a secret name: not empty, and not a variable the builder left unexpanded. */
export function isSecretValue(value: string): boolean {
  const trimmed = value.trim();
  return trimmed !== '' && !/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(trimmed);
}

/** A readable name for a shape, for the findings' evidence. */
export const SHAPE_NAMES: Readonly<Record<SecretShape, string>> = {
  'github-token': 'a GitHub token',
  'npm-token': 'an npm token',
  'aws-access-key': 'an AWS access key ID',
  'aws-secret-key': 'an AWS secret access key',
  'slack-token': 'a Slack token',
  'pypi-token': 'a PyPI token',
  'private-key': 'a private key',
  'password-assignment': 'a password or token assignment',
};
