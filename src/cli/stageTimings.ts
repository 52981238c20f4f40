// LAYERLENS_TIMINGS=1: the CLI writes, on exit, one stderr line `timings: {...}` with the time (ms since the
// process started) at which each stage of the image's load was reached. The e2e bench sets it to put the CLI's
// stages beside the explorer's (the export's first bytes, the read, the end).
import type { LoadOptions, LoadStage } from '../docker/imageLoader';

type Stage = LoadStage | 'firstBytes' | 'done';

export interface StageTimings {
  /** The load options' hooks, wrapping the ones given (the terminal's progress). */
  hooks(onProgress: LoadOptions['onProgress']): Pick<LoadOptions, 'onProgress' | 'onStage'>;
  /** Writes the line, once, when timings were asked for. */
  report(): void;
}

export function stageTimings(enabled = !!process.env.LAYERLENS_TIMINGS): StageTimings {
  const reached: Partial<Record<Stage, number>> = {};
  const mark = (stage: Stage) => void (reached[stage] ??= Math.round(performance.now()));
  let reported = false;
  return {
    hooks: (onProgress) =>
      enabled
        ? {
            onProgress: (done, expected) => {
              mark('firstBytes');
              onProgress?.(done, expected);
            },
            onStage: mark,
          }
        : { onProgress },
    report: () => {
      if (!enabled || reported) return;
      reported = true;
      mark('done');
      process.stderr.write(`timings: ${JSON.stringify(reached)}\n`);
    },
  };
}
