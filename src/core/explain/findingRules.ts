// Each kind of "Explain This Layer" finding has a Layerlens rule id, in the scheme the Dockerfile rules use:
// LL1xxx the static Dockerfile rules, LL2xxx what the image's layers waste, LL3xxx what they expose.
// Diagnostics, `lint --json` and `explain --json` (as `ruleId`) all name a finding by it; the README's tables list them.
import type { FindingId } from './explanation';

export interface FindingRule {
  ruleId: string;
  /** A few words for tables and hovers. */
  title: string;
}

export const FINDING_RULES: Readonly<Record<FindingId, FindingRule>> = {
  'package-cache': { ruleId: 'LL2002', title: 'Package-manager cache left in the layer' },
  'temporary-files': { ruleId: 'LL2003', title: 'Temporary files left in the layer' },
  'git-directory': { ruleId: 'LL2004', title: 'Git repository in the layer' },
  'object-files': { ruleId: 'LL2005', title: 'Object files left in the layer' },
  'unpacked-archive': { ruleId: 'LL2006', title: 'Archive left next to what it unpacked' },
  archive: { ruleId: 'LL2007', title: 'Archive left in the layer' },
  'undone-later': { ruleId: 'LL2008', title: 'Files a later step deletes or overwrites' },
  'metadata-rewrite': { ruleId: 'LL2009', title: 'Files copied again only to change owner or mode' },
  'large-file': { ruleId: 'LL2010', title: 'Very large files' },
  'package-removed-later': { ruleId: 'LL2011', title: 'Packages removed by a later step, whose files still ship' },
  'build-toolchain': { ruleId: 'LL2012', title: 'Build toolchain in the final image' },
  'package-docs-deleted': { ruleId: 'LL2013', title: "Packages' documentation deleted by a later step, whose bytes still ship" },
  secret: { ruleId: 'LL3001', title: 'Secret in the layer' },
  setuid: { ruleId: 'LL3002', title: 'setuid or setgid program' },
  'world-writable': { ruleId: 'LL3003', title: 'Writable by every user' },
};
