// Views refresh from the engine's events; a burst (a build, a prune, a compose up) becomes one refresh.
import * as vscode from 'vscode';
import { LayerlensError, messageOf } from '../core/errors';
import type { EngineService } from '../services/engineService';

export function refreshOnEvents(engines: EngineService, type: 'image' | 'container', refresh: () => void): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const subscriptions = [
    engines.onDidChangeState(() => refresh()),
    engines.onDidReceiveEvent((event) => {
      if (event.type !== type) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    }),
  ];
  return new vscode.Disposable(() => {
    if (timer) clearTimeout(timer);
    subscriptions.forEach((s) => s.dispose());
  });
}

/**
 * Shows a failed listing as one sentence. A vanished image or container is just reported (its event refreshes
 * the view); anything else may mean the engine went away, so the engine service checks again.
 */
export function reportListingFailure(engines: EngineService, log: vscode.LogOutputChannel, what: string, error: unknown): void {
  const message = messageOf(error);
  log.warn(`${what}: ${message}`);
  void vscode.window.showWarningMessage(message);
  if (!(error instanceof LayerlensError && error.kind === 'not-found')) void engines.connect();
}
