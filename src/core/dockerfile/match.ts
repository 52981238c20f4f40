// Links a Dockerfile to an image: which build step each instruction produced. The image's history lists the
// base image's steps first, then the target stage's chain (the stages it is built FROM, then its own), so the
// instructions are aligned with the history's end by an edit-distance alignment: a prefix of base steps is
// free, a changed or added line costs one, a step no line explains costs one. A line that does not read like
// its step is "changed" and gets no step at all — never another step's numbers.
import { baseImageOf } from './baseImage';
import { stageChain, targetStage, type DockerfileInstruction, type DockerfileStage, type ParsedDockerfile } from './parse';
import { instructionTest, stepForm, type ReadableStep } from './stepForms';
import { walkChain } from './stageWalk';

/** What the matcher needs of a step: history.ts' Step and engineHistory.ts' ViewStep both fit. */
export interface MatchableStep extends ReadableStep {
  /** Position in the image's history, oldest first. */
  index: number;
  /** The layer it produced, if any (0 = base). */
  layerIndex?: number;
}

export type InstructionMatch =
  | { status: 'matched'; instruction: DockerfileInstruction; stepIndex: number; layerIndex?: number }
  /** The text no longer reads like the step the image has here (edited, added, or never built). */
  | { status: 'changed'; instruction: DockerfileInstruction }
  /** A FROM line: `baseSteps` steps of the image come before this stage's own (the base image, or earlier stages). */
  | { status: 'from'; instruction: DockerfileInstruction; baseSteps: number }
  /** No step to compare with, and none expected: BuildKit records no history for ONBUILD. */
  | { status: 'unrecorded'; instruction: DockerfileInstruction };

export interface DockerfileMatch {
  /** The stage the image was built from (the last one, or --target). */
  stage: DockerfileStage;
  /** Every instruction of the stage and of the stages it is built FROM, in file order. */
  instructions: InstructionMatch[];
  /** Instructions (FROM excepted) that match a step. */
  matched: number;
  /** Instructions of the chain that the image records (FROM and unrecorded ONBUILDs excepted). */
  total: number;
  /** matched ÷ total (0 when there is nothing to match): ranks images for "Link Dockerfile to Image…". */
  score: number;
  /** Steps after the base that no instruction accounts for (build-time `--label`s of the legacy builder excepted). */
  unexplainedSteps: number[];
}

export function matchDockerfile(dockerfile: ParsedDockerfile, steps: readonly MatchableStep[], options: { target?: string } = {}): DockerfileMatch {
  const stage = targetStage(dockerfile, options.target);
  const chain = stageChain(dockerfile, stage);
  const walked = walkChain(dockerfile, chain);
  const tests = walked.map((w) => instructionTest(dockerfile, w));
  const forms = steps.map(stepForm);
  const n = walked.length;
  const m = steps.length;
  const equal = (i: number, j: number) => tests[i](forms[j]);
  const sameKeyword = (i: number, j: number) => walked[i].instruction.keyword === forms[j].keyword;
  // `docker build --label` makes the legacy builder add LABEL steps after the last instruction.
  const labelTail: boolean[] = new Array(m + 1).fill(true);
  for (let j = m - 1; j >= 0; j--) labelTail[j] = labelTail[j + 1] && forms[j].keyword === 'LABEL';

  // best[i][j]: the cheapest alignment of instructions i.. with steps j.. as [edits, -matches].
  type Cost = [number, number];
  const better = (a: Cost, b: Cost) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  const best: Cost[][] = Array.from({ length: n + 1 }, () => new Array<Cost>(m + 1));
  const move: ('match' | 'change' | 'line' | 'step' | 'end')[][] = Array.from({ length: n + 1 }, () => new Array(m + 1));
  for (let j = m; j >= 0; j--) {
    best[n][j] = labelTail[j] ? [0, 0] : [best[n][j + 1][0] + 1, best[n][j + 1][1]];
    move[n][j] = labelTail[j] ? 'end' : 'step';
  }
  // A line without a step costs one, except ONBUILD, which BuildKit does not record.
  const lineCost = (i: number) => (walked[i].instruction.keyword === 'ONBUILD' ? 0 : 1);
  for (let i = n - 1; i >= 0; i--) {
    best[i][m] = [best[i + 1][m][0] + lineCost(i), best[i + 1][m][1]];
    move[i][m] = 'line';
    for (let j = m - 1; j >= 0; j--) {
      let cost: Cost = [best[i + 1][j][0] + lineCost(i), best[i + 1][j][1]];
      let choice: (typeof move)[number][number] = 'line';
      const skipStep: Cost = [best[i][j + 1][0] + 1, best[i][j + 1][1]];
      if (better(skipStep, cost)) [cost, choice] = [skipStep, 'step'];
      if (sameKeyword(i, j)) {
        const diagonal = best[i + 1][j + 1];
        const candidate: Cost = equal(i, j) ? [diagonal[0], diagonal[1] - 1] : [diagonal[0] + 1, diagonal[1]];
        if (!better(cost, candidate)) [cost, choice] = [candidate, equal(i, j) ? 'match' : 'change'];
      }
      best[i][j] = cost;
      move[i][j] = choice;
    }
  }

  // Where our part of the history starts: anywhere for an image base (its steps come first), 0 for scratch.
  const fromScratch = baseImageOf(dockerfile, chain[0]).kind === 'scratch';
  let start = 0;
  if (!fromScratch) for (let j = 1; j <= m; j++) if (better(best[0][j], best[0][start])) start = j;

  const byInstruction = new Map<DockerfileInstruction, InstructionMatch>();
  const stageStart = new Map<number, number>();
  const unexplainedSteps: number[] = [];
  let matched = 0;
  let skipped = 0;
  for (let i = 0, j = start; i < n || j < m; ) {
    const choice = move[i][j];
    if (choice === 'end') break;
    if (i < n && !stageStart.has(walked[i].stage.index)) stageStart.set(walked[i].stage.index, j);
    if (choice === 'match') {
      byInstruction.set(walked[i].instruction, { status: 'matched', instruction: walked[i].instruction, stepIndex: steps[j].index, ...layerOf(steps[j]) });
      matched++;
      i++;
      j++;
    } else if (choice === 'change') {
      byInstruction.set(walked[i].instruction, { status: 'changed', instruction: walked[i].instruction });
      i++;
      j++;
    } else if (choice === 'line') {
      const unrecorded = lineCost(i) === 0;
      byInstruction.set(walked[i].instruction, { status: unrecorded ? 'unrecorded' : 'changed', instruction: walked[i].instruction });
      if (unrecorded) skipped++;
      i++;
    } else {
      unexplainedSteps.push(steps[j].index);
      j++;
    }
  }

  const instructions: InstructionMatch[] = [];
  for (const s of chain) {
    instructions.push({ status: 'from', instruction: s.from, baseSteps: stageStart.get(s.index) ?? start });
    for (const instruction of s.instructions) instructions.push(byInstruction.get(instruction) ?? { status: 'changed', instruction });
  }
  instructions.sort((a, b) => a.instruction.range.startLine - b.instruction.range.startLine);
  const total = n - skipped;
  return { stage, instructions, matched, total, score: total ? matched / total : 0, unexplainedSteps };
}

/** The match of the instruction that covers `line` (0-based), if that instruction is part of the match. */
export function matchAtLine(match: DockerfileMatch, line: number): InstructionMatch | undefined {
  return match.instructions.find((m) => m.instruction.range.startLine <= line && line <= m.instruction.range.endLine);
}

function layerOf(step: MatchableStep): { layerIndex?: number } {
  return step.layerIndex === undefined ? {} : { layerIndex: step.layerIndex };
}
