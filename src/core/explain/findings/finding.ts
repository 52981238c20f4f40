// Builds a Finding from all of its evidence: sorted biggest first, capped for display, with the full total.
import { comparePaths } from '../../model/paths';
import { EVIDENCE_LIMIT, type Evidence, type Finding, type FindingId, type Severity } from '../explanation';
import { FINDING_RULES } from '../findingRules';

/** A sentence, or one that depends on how many paths back the finding ("A file is…" / "Files are…"). */
export type CountedText = string | ((paths: number) => string);

export interface FindingText {
  id: FindingId;
  severity: Severity;
  title: CountedText;
  fix: CountedText;
  matchedBy?: Finding['matchedBy'];
}

/** The finding, or nothing when there is no evidence for it. */
export function findingFrom(text: FindingText, evidence: Evidence[]): Finding[] {
  if (evidence.length === 0) return [];
  const sorted = [...evidence].sort((a, b) => b.bytes - a.bytes || comparePaths(a.path, b.path));
  const paths = evidence.length;
  const finding: Finding = {
    id: text.id,
    ruleId: FINDING_RULES[text.id].ruleId,
    severity: text.severity,
    title: counted(text.title, paths),
    evidence: sorted.slice(0, EVIDENCE_LIMIT),
    total: { paths, bytes: evidence.reduce((sum, e) => sum + e.bytes, 0) },
    fix: counted(text.fix, paths),
  };
  if (text.matchedBy) finding.matchedBy = text.matchedBy;
  return [finding];
}

function counted(text: CountedText, paths: number): string {
  return typeof text === 'string' ? text : text(paths);
}

/** Sums the bytes of files below each directory a matcher names (e.g. every file under /var/lib/apt/lists). */
export function bytesByDirectory(files: { path: string; size: number }[], directoryOf: (path: string) => string | undefined): Evidence[] {
  const totals = new Map<string, number>();
  for (const file of files) {
    const dir = directoryOf(file.path);
    if (dir !== undefined) totals.set(dir, (totals.get(dir) ?? 0) + file.size);
  }
  return [...totals].map(([path, bytes]) => ({ path, bytes }));
}
