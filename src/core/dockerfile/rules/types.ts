// What a Dockerfile rule is and what it reports. Plain data: the editor maps a finding to a Diagnostic
// (and its fix to a CodeAction), the CLI prints it.
import type { DockerfileStage, ParsedDockerfile } from '../parse';
import type { TextEdit, TextRange } from '../textEdits';

export type Severity = 'hint' | 'info' | 'warning' | 'error';

/** A safe, mechanical change: apply all edits together. */
export interface QuickFix {
  /** What the fix does, as a command title: "Merge with the RUN above". */
  title: string;
  edits: TextEdit[];
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** One sentence. */
  message: string;
  /** What to underline: 0-based lines and characters. */
  range: TextRange;
  fix?: QuickFix;
}

export interface RuleContext {
  dockerfile: ParsedDockerfile;
  /** The stage being built (the last one, or --target). */
  target: DockerfileStage;
  /** Indexes of the stages whose layers end up in the target image (the target and the stages it is built FROM). */
  shipping: ReadonlySet<number>;
}

export interface StaticRule {
  /** hadolint's id where one exists (DL…), or BuildKit's build check name (SecretsUsedInArgOrEnv), else Layerlens' own (LL1…). */
  id: string;
  severity: Severity;
  /** A few words for tables and quick picks. */
  title: string;
  /** Why it matters and what to do, in two or three sentences (hover text, README). */
  explanation: string;
  /** hadolint's page for DL rules. */
  url?: string;
  check(context: RuleContext): Finding[];
}

export function hadolintUrl(id: string): string {
  return `https://github.com/hadolint/hadolint/wiki/${id}`;
}
