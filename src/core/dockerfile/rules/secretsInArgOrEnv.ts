// SecretsUsedInArgOrEnv (BuildKit's build check of that name): an ARG or ENV whose name says it holds a secret
// (BuildKit's words: apikey, auth, credential(s), key, password, pword, passwd, secret, token, between
// underscores or at an end; "public" clears it, and here "gpg" too: official images set GPG_KEY to a public key's
// fingerprint), or whose value has a token's form (core/secrets). Both end up
// in the image: ENV in its config, ARG in the history of every RUN after it. The message names the variable,
// never its value.
import { shapeOf } from '../../secrets/secretShapes';
import type { DockerfileInstruction, ParsedDockerfile } from '../parse';
import { keyValues } from '../stageWalk';
import { rangeOf, type TextRange } from '../textEdits';
import { splitWords } from '../variables';
import type { Finding, StaticRule } from './types';

const SECRET_WORD = /(?:_|^)(?:apikey|auth|credentials?|key|password|pword|passwd|secret|token)(?:_|$)/i;
const PUBLIC_WORD = /(?:_|^)(?:public|gpg)(?:_|$)/i;

/** BuildKit's test of a name (its secret words and its "public" allow-list, to which GPG is added). */
export function nameSaysSecret(name: string): boolean {
  return SECRET_WORD.test(name) && !PUBLIC_WORD.test(name);
}

/** The name=value pairs an ENV or ARG sets (an ARG without a default has the value null). */
function settings(instruction: DockerfileInstruction, escapeChar: string): [string, string | null][] {
  if (instruction.keyword === 'ENV') return keyValues(instruction.argumentsText, escapeChar);
  return splitWords(instruction.argumentsText, escapeChar).map((word) => {
    const eq = word.indexOf('=');
    return eq < 0 ? [word, null] : [word.slice(0, eq), word.slice(eq + 1)];
  });
}

/** The name where it is written on the instruction's lines, else the keyword. */
function nameRange(dockerfile: ParsedDockerfile, instruction: DockerfileInstruction, name: string): TextRange {
  for (let line = instruction.range.startLine; line <= instruction.range.endLine; line++) {
    const text = dockerfile.lines[line] ?? '';
    const from = line === instruction.range.startLine ? instruction.keywordRange.endCharacter : 0;
    const at = text.indexOf(name, from);
    if (at >= 0) return rangeOf({ line, character: at }, { line, character: at + name.length });
  }
  return instruction.keywordRange;
}

export const secretsInArgOrEnv: StaticRule = {
  id: 'SecretsUsedInArgOrEnv',
  severity: 'warning',
  title: 'No secrets in ARG or ENV',
  explanation:
    'An ENV value is stored in the image config and an ARG value in the build history of every RUN after it: anyone who can pull the image reads them. ' +
    'Give secrets to the build with `RUN --mount=type=secret` (`docker build --secret`), or pass them when the container starts.',
  url: 'https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/',
  check({ dockerfile }) {
    const findings: Finding[] = [];
    for (const instruction of dockerfile.instructions) {
      if (instruction.keyword !== 'ENV' && instruction.keyword !== 'ARG') continue;
      for (const [name, value] of settings(instruction, dockerfile.escapeChar)) {
        const byName = nameSaysSecret(name);
        const shape = value === null ? undefined : shapeOf(value);
        if (!byName && !shape) continue;
        const why = byName ? 'its name says it holds a secret' : 'its value looks like a token';
        findings.push({
          ruleId: secretsInArgOrEnv.id,
          severity: secretsInArgOrEnv.severity,
          message: `Do not put secrets in ${instruction.keyword} "${name}" (${why}): it stays readable in the image; use RUN --mount=type=secret or pass it at run time.`,
          range: nameRange(dockerfile, instruction, name),
        });
      }
    }
    return findings;
  },
};
