// DL3020 (hadolint): ADD fetches URLs and unpacks local tar archives; for plain files and directories COPY
// does the same with no surprises. ADD of a URL, a git repository or a local archive is left alone.
import { splitWords } from '../variables';
import type { DockerfileInstruction } from '../parse';
import { hadolintUrl, type Finding, type StaticRule } from './types';

/** What ADD would unpack (moby/buildkit: any tar, plain or compressed, recognised by content; these are its usual names). */
const ARCHIVE = /\.(?:tar|tgz|taz|tbz2?|tb2|txz|tzst|tlz|tar\.(?:gz|z|bz2|xz|zst|lz|lz4|lzma)|gz|bz2|xz|zst|lz4|lzma)$/i;
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i;
/** Flags only ADD has: with them, COPY would not do. */
const ADD_ONLY_FLAGS = new Set(['checksum', 'keep-git-dir', 'unpack']);

export function addSources(instruction: DockerfileInstruction, escapeChar: string): string[] {
  const words = instruction.json ?? splitWords(instruction.argumentsText, escapeChar);
  return words.slice(0, -1);
}

export const addInsteadOfCopy: StaticRule = {
  id: 'DL3020',
  severity: 'info',
  title: 'Use COPY for files and folders',
  explanation:
    'ADD also downloads URLs and unpacks tar archives, so a reader must check which it does. ' +
    'For local files and directories use COPY; keep ADD for URLs, git sources and archives to unpack.',
  url: hadolintUrl('DL3020'),
  check({ dockerfile }) {
    const findings: Finding[] = [];
    for (const instruction of dockerfile.instructions) {
      if (instruction.keyword !== 'ADD' || instruction.heredocs.length || instruction.flags.some((f) => ADD_ONLY_FLAGS.has(f.name))) continue;
      const sources = addSources(instruction, dockerfile.escapeChar).map((s) => s.replace(/^["']|["']$/g, ''));
      if (!sources.length || sources.some((s) => REMOTE.test(s) || ARCHIVE.test(s) || s.includes('$'))) continue;
      const written = dockerfile.lines[instruction.keywordRange.startLine].slice(instruction.keywordRange.startCharacter, instruction.keywordRange.endCharacter);
      findings.push({
        ruleId: addInsteadOfCopy.id,
        severity: addInsteadOfCopy.severity,
        message: `ADD of local files does nothing COPY would not; use COPY.`,
        range: instruction.keywordRange,
        fix: { title: 'Replace ADD with COPY', edits: [{ range: instruction.keywordRange, newText: written === written.toLowerCase() ? 'copy' : 'COPY' }] },
      });
    }
    return findings;
  },
};
