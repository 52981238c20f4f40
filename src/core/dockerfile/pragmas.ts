// Inline pragmas that silence rules, as hadolint reads them (src/Hadolint/Pragma.hs): a comment
// `# hadolint ignore=DL3009,DL3015` applies to the instruction that starts on the very next line;
// `# hadolint global ignore=…` to the whole file. `# layerlens ignore=LL1001` (and `global`) is the same for our
// own rules; both pragmas accept every rule id, DL, LL or a BuildKit check name.
import type { ParsedDockerfile } from './parse';
import type { Finding } from './rules/types';

export interface IgnorePragmas {
  /** 0-based line of an instruction's start → the rules ignored on that instruction. */
  byInstructionLine: Map<number, Set<string>>;
  global: Set<string>;
}

// hadolint: spaces, "hadolint", spaces, ["global" spaces], "ignore", spaces, "=", spaces, rules separated by
// commas, then an optional trailing comment.
const PRAGMA = /^#\s*(hadolint|layerlens)[ \t]+(?:(global)[ \t]+)?ignore[ \t]*=[ \t]*([A-Za-z0-9]+(?:[ \t]*,[ \t]*[A-Za-z0-9]+)*)[ \t]*(?:#.*)?$/;

export function ignorePragmas(dockerfile: ParsedDockerfile): IgnorePragmas {
  const pragmas: IgnorePragmas = { byInstructionLine: new Map(), global: new Set() };
  dockerfile.lines.forEach((text, line) => {
    const match = PRAGMA.exec(text.trim());
    if (!match) return;
    const rules = match[3].split(',').map((r) => r.trim());
    if (match[2]) rules.forEach((r) => pragmas.global.add(r));
    else pragmas.byInstructionLine.set(line + 1, new Set([...(pragmas.byInstructionLine.get(line + 1) ?? []), ...rules]));
  });
  return pragmas;
}

/** The findings no pragma silences: each is judged on the instruction it sits in (its first line). */
export function withoutIgnored(dockerfile: ParsedDockerfile, findings: Finding[], pragmas = ignorePragmas(dockerfile)): Finding[] {
  if (!pragmas.global.size && !pragmas.byInstructionLine.size) return findings;
  return findings.filter((f) => {
    if (pragmas.global.has(f.ruleId)) return false;
    const instruction = dockerfile.instructions.find((i) => i.range.startLine <= f.range.startLine && f.range.startLine <= i.range.endLine);
    const line = instruction ? instruction.range.startLine : f.range.startLine;
    return !pragmas.byInstructionLine.get(line)?.has(f.ruleId);
  });
}
