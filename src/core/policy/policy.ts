// A Layerlens policy (`.layerlens.yaml`): what dive's three numbers cannot say. Plain data checked against its
// schema here, one line per mistake; evaluatePolicy.ts judges an image by it, and `compare --ci` reads
// `maxGrowth`. The file:
//
//   rules:
//     - id: no-git                  # required, unique: the rule id in text, JSON and SARIF
//       message: Git repositories must not ship.   # optional: what the report says
//       forbid-paths: ["**/.git/**", "/root/.cache/**", "**/*.pem"]
//     - id: image-size
//       max-image-size: 200MB
//     - id: layer-size
//       max-layer-size: 50MB
//     - id: no-secrets
//       fail-on-findings: [secret, setuid]        # finding ids, or rule ids such as LL3001
//     - id: growth
//       max-growth: 10MB                          # or 5%: compare --ci's limit
//
// Each rule has exactly one kind key.
import type { FindingId } from '../explain/explanation';
import { FINDING_RULES } from '../explain/findingRules';
import { parseBytes } from '../format';

export type PolicyRule =
  | { id: string; message?: string; kind: 'forbid-paths'; globs: string[] }
  | { id: string; message?: string; kind: 'max-image-size'; bytes: number }
  | { id: string; message?: string; kind: 'max-layer-size'; bytes: number }
  | { id: string; message?: string; kind: 'fail-on-findings'; findings: FindingId[] }
  | { id: string; message?: string; kind: 'max-growth'; growth: { bytes: number } | { ratio: number } };

export type PolicyKind = PolicyRule['kind'];
/** A rule without its id and message: what its kind key says. */
type RuleBody = PolicyRule extends infer R ? (R extends PolicyRule ? Omit<R, 'id' | 'message'> : never) : never;

export const POLICY_KINDS: readonly PolicyKind[] = ['forbid-paths', 'max-image-size', 'max-layer-size', 'fail-on-findings', 'max-growth'];

export interface Policy {
  rules: PolicyRule[];
}

/** The file's mistakes, one line each (empty: valid). */
export class PolicyMistakes extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

const FINDING_IDS = Object.keys(FINDING_RULES) as FindingId[];

/** A policy from the parsed YAML; throws PolicyMistakes listing every mistake. */
export function parsePolicy(content: unknown): Policy {
  const mistakes: string[] = [];
  const rules: PolicyRule[] = [];
  if (content === undefined || content === null) return { rules };
  if (!isMap(content)) throw new PolicyMistakes([`the file must be a map with a "rules" list; it is ${describe(content)}.`]);
  for (const key of Object.keys(content)) if (key !== 'rules') mistakes.push(`unknown key "${key}" (the file has one key, "rules").`);
  const list = content.rules;
  if (list !== undefined && list !== null && !Array.isArray(list)) mistakes.push(`"rules" must be a list of rules; it is ${describe(list)}.`);
  const seen = new Set<string>();
  (Array.isArray(list) ? list : []).forEach((item, i) => {
    const where = `rules[${i}]`;
    if (!isMap(item)) return void mistakes.push(`${where} must be a map with an id and one of ${POLICY_KINDS.join(', ')}; it is ${describe(item)}.`);
    const id = item.id;
    const named = typeof id === 'string' && /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(id);
    if (!named) mistakes.push(`${where}.id must be a name such as no-git (letters, digits, . _ / -); it is ${id === undefined ? 'missing' : describe(id)}.`);
    else if (seen.has(id)) mistakes.push(`${where}.id "${id}" is already the id of an earlier rule.`);
    else seen.add(id);
    const label = named ? `${where} (${id})` : where;
    if (item.message !== undefined && typeof item.message !== 'string') mistakes.push(`${label}.message must be text; it is ${describe(item.message)}.`);
    const kinds = Object.keys(item).filter((k) => (POLICY_KINDS as readonly string[]).includes(k)) as PolicyKind[];
    for (const key of Object.keys(item)) {
      if (key !== 'id' && key !== 'message' && !(POLICY_KINDS as readonly string[]).includes(key)) {
        const guess = POLICY_KINDS.find((k) => similar(k, key));
        mistakes.push(`${label}: unknown key "${key}"${guess ? ` (did you mean ${guess}?)` : ''}; a rule has id, message and one of ${POLICY_KINDS.join(', ')}.`);
      }
    }
    if (kinds.length !== 1) {
      if (kinds.length > 1) mistakes.push(`${label} has ${kinds.join(' and ')}: give each its own rule.`);
      else if (!Object.keys(item).some((k) => k !== 'id' && k !== 'message')) mistakes.push(`${label} says nothing to check: add one of ${POLICY_KINDS.join(', ')}.`);
      return;
    }
    const rule = ruleOf(kinds[0], item[kinds[0]], `${label}.${kinds[0]}`, mistakes);
    if (rule && named) rules.push({ ...rule, id, ...(typeof item.message === 'string' ? { message: item.message } : {}) } as PolicyRule);
  });
  if (mistakes.length) throw new PolicyMistakes(mistakes);
  return { rules };
}

function ruleOf(kind: PolicyKind, value: unknown, where: string, mistakes: string[]): RuleBody | undefined {
  switch (kind) {
    case 'forbid-paths': {
      const globs = stringList(value, where, 'a list of path globs such as "**/.git/**"', mistakes);
      return globs && { kind, globs };
    }
    case 'max-image-size':
    case 'max-layer-size': {
      const bytes = typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : typeof value === 'string' ? parseBytes(value) : undefined;
      if (bytes === undefined) return void mistakes.push(`${where} must be a size such as 200MB; it is ${describe(value)}.`);
      return { kind, bytes };
    }
    case 'fail-on-findings': {
      const names = stringList(value, where, `a list of finding ids (${FINDING_IDS.join(', ')}) or their rule ids (LL3001…)`, mistakes);
      if (!names) return undefined;
      const findings: FindingId[] = [];
      names.forEach((name, i) => {
        const id = FINDING_IDS.find((f) => f === name || FINDING_RULES[f].ruleId === name);
        if (id) findings.push(id);
        else mistakes.push(`${where}[${i}] "${name}" is not a finding; the findings are ${FINDING_IDS.join(', ')}.`);
      });
      return { kind, findings };
    }
    case 'max-growth': {
      const text = typeof value === 'number' ? String(value) : value;
      const percent = typeof text === 'string' && /^\s*\d+(?:\.\d+)?\s*%\s*$/.test(text) ? Number(text.trim().slice(0, -1).trim()) / 100 : undefined;
      if (percent !== undefined) return { kind, growth: { ratio: percent } };
      const bytes = typeof text === 'string' ? parseBytes(text) : undefined;
      if (bytes === undefined) return void mistakes.push(`${where} must be a size such as 10MB or a percentage such as 5%; it is ${describe(value)}.`);
      return { kind, growth: { bytes } };
    }
  }
}

function stringList(value: unknown, where: string, what: string, mistakes: string[]): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return void mistakes.push(`${where} must be ${what}; it is ${describe(value)}.`);
  const bad = value.findIndex((v) => typeof v !== 'string' || v.trim() === '');
  if (bad >= 0) return void mistakes.push(`${where}[${bad}] must be text; it is ${describe(value[bad])}.`);
  return value as string[];
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return value.length ? 'a list' : 'an empty list';
  if (isMap(value)) return 'a map';
  if (value === null || value === undefined) return 'empty';
  return `"${String(value)}"`;
}

/** A typo of a kind: one letter off, or the same letters with other separators ("max_image_size", "maxImageSize"). */
function similar(kind: string, key: string): boolean {
  const plain = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  if (plain(kind) === plain(key)) return true;
  const a = plain(kind);
  const b = plain(key);
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(i + 1) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i) || a.slice(i) === b.slice(i + 1);
}
