// Where the peers' own test suites are (issue 15): ../shared/conformance beside the project, as in this
// workplace's checkouts; a clone elsewhere (CI may clone into a temporary folder) finds them through
// LAYERLENS_CONFORMANCE_DIR or the workplace's fixed /work/shared. The project commits none of their files.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The conformance folder: the first of the candidates that exists, else the first (so messages name it). */
export function conformanceDirectory(): string {
  const candidates = [process.env.LAYERLENS_CONFORMANCE_DIR, join(ROOT, '..', 'shared', 'conformance'), '/work/shared/conformance'].filter(
    (c): c is string => !!c,
  );
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}
