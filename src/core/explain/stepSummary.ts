// A history step as an explanation shows it, and what kind of step made a layer.
import type { Step } from '../model/types';
import type { ConfigField, DockerfileLocation, LayerOrigin, StepKind, StepSummary } from './explanation';
import { splitShellCommands } from './shellCommands';

const KEYWORD = /^([A-Z]+)(?:\s|$)/;

export function summarizeStep(step: Step, dockerfile?: DockerfileLocation): StepSummary {
  const origin = stepOrigin(step);
  const keyword = origin === 'dockerfile' ? KEYWORD.exec(step.instruction)?.[1] ?? null : null;
  // history.ts writes a commit's command as a RUN too, its shell prefix removed.
  const shell = keyword === 'RUN' || origin === 'commit' ? /^RUN\s+([^]*)$/.exec(step.instruction)?.[1] : undefined;
  return {
    index: step.index,
    instruction: step.instruction,
    keyword,
    commands: shell === undefined ? [step.instruction] : splitShellCommands(shell),
    createdBy: step.createdBy,
    builder: step.builder,
    created: step.created ?? null,
    comment: step.comment ?? null,
    dockerfile: dockerfile ? { file: dockerfile.file, line: dockerfile.line } : null,
  };
}

/**
 * Both builders leave a Dockerfile instruction in `created_by`; the legacy builder never writes a comment and
 * BuildKit always writes "buildkit.dockerfile.v0" (Buildah "FROM <base>"). `docker commit` records the
 * container's command and the commit message as the comment; `docker import` only the comment.
 */
export function stepOrigin(step: Step | undefined): LayerOrigin {
  if (!step || (!step.createdBy && !step.comment)) return 'unknown';
  if (!step.createdBy) return 'import';
  const builderComment = !step.comment || /^buildkit\.|^FROM /.test(step.comment);
  return builderComment || step.builder === 'buildkit' || /#\(nop\)/.test(step.createdBy) ? 'dockerfile' : 'commit';
}

/**
 * COPY/ADD from the build context, COPY --from (another stage or image), RUN, or anything else (a base image's
 * import, a commit, no history). The legacy builder records `COPY --from` like a context COPY (`COPY file:… in`),
 * so there it counts as one.
 */
export function stepKind(step: Step | undefined): StepKind {
  if (stepOrigin(step) !== 'dockerfile') return 'other';
  const keyword = KEYWORD.exec(step!.instruction)?.[1];
  if (keyword === 'RUN') return 'run';
  if (keyword !== 'COPY' && keyword !== 'ADD') return 'other';
  return /^[A-Z]+\s+(?:--\S+\s+)*--from[=\s]/.test(step!.instruction) ? 'copy-from' : 'context-copy';
}

const CONFIG_FIELDS: Record<string, ConfigField> = {
  ENV: 'Env',
  LABEL: 'Labels',
  CMD: 'Cmd',
  ENTRYPOINT: 'Entrypoint',
  EXPOSE: 'ExposedPorts',
  USER: 'User',
  WORKDIR: 'WorkingDir',
  VOLUME: 'Volumes',
  STOPSIGNAL: 'StopSignal',
  HEALTHCHECK: 'Healthcheck',
  SHELL: 'Shell',
  ONBUILD: 'OnBuild',
  MAINTAINER: 'author',
};

/** The config field an instruction without a layer sets (OCI image-spec config.md; Docker's own for the rest). */
export function configFieldOf(keyword: string | null): ConfigField | null {
  return (keyword && CONFIG_FIELDS[keyword]) || null;
}
