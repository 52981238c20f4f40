// Long image work (an export being indexed) under a cancellable notification with a percentage: cancelling aborts
// the export at once. Shared by the image commands and the Containers view's background indexing.
import * as vscode from 'vscode';
import type { IndexCache } from '../core/index/indexCache';
import type { LoadOptions } from '../docker/imageLoader';
import type { EngineService } from './engineService';
import { insecureRegistriesSetting } from '../views/insecureRegistriesSetting';

export function withImageProgress<T>(
  title: string,
  engines: EngineService,
  cache: IndexCache,
  log: vscode.LogOutputChannel,
  run: (options: LoadOptions) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    let reported = 0;
    let reportedAt = 0;
    // A bar at 0 % from the start, not an endless animation while the engine prepares the export: drawing it (with
    // the explorer's own) took a browser without a GPU a quarter to half a core, away from the engine and the reader.
    progress.report({ increment: 0 });
    return run({
      engine: () => engines.requireEngine(),
      cache,
      insecureRegistries: insecureRegistriesSetting(),
      signal: abort.signal,
      onProgress: (done, expected) => {
        if (expected <= 0) return;
        // Twice a second at most, per whole percent: each report is a message to the workbench, which redraws the
        // notification (a browser without a GPU spent a fifth of a core on them while the explorer read an image).
        const percent = Math.min(100, Math.floor((done / expected) * 100));
        const now = Date.now();
        if (percent <= reported || (now - reportedAt < 500 && percent < 100)) return;
        progress.report({ increment: percent - reported, message: `${percent} %` });
        reported = percent;
        reportedAt = now;
      },
      onWarning: (message) => log.warn(message),
      // A name the engine lacks, read from its registry instead: said in the log, as the CLI says it on stderr.
      onRegistryFallback: (notice) => log.info(notice),
    });
  });
}
