// `lint --format sarif`: each finding on its Dockerfile line and columns, the Dockerfile rules in tool.driver.rules.
import type { Finding } from '../core/dockerfile/rules/types';
import { lintLevel, lintRules } from '../core/reports/ruleCatalog';
import { sarifLog, type CheckResult, type SarifLog } from '../core/reports/sarif';
import { SARIF_TOOL } from './sarifTool';

export function lintSarif(file: string, findings: readonly Finding[]): SarifLog {
  return sarifLog(SARIF_TOOL, lintRules(), findings.map((f) => lintResult(file, f)));
}

export function lintResult(file: string, f: Finding): CheckResult {
  const { startLine, startCharacter, endLine, endCharacter } = f.range;
  return {
    ruleId: f.ruleId,
    level: lintLevel(f.severity),
    message: f.message,
    // TextRange is 0-based with an exclusive end; SARIF counts lines and columns from 1.
    location: { kind: 'file', path: file, line: startLine + 1, column: startCharacter + 1, endLine: endLine + 1, endColumn: endCharacter + 1 },
  };
}
