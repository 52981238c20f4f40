// Wires the Layer Explorer's compare mode into VS Code: its panels and serializer, the previous-build memory and
// the commands that open a comparison.
import * as vscode from 'vscode';
import { registerCompareCommands } from '../views/compareCommands';
import { PreviousBuilds } from '../views/previousBuilds';
import { ComparePanel } from './comparePanel';
import { ComparePanels } from './comparePanels';
import { explorerHost, type ExplorerDeps } from './registerExplorer';
import type { RemoteImages } from '../views/remoteImages';

export function registerCompare(context: vscode.ExtensionContext, deps: ExplorerDeps & { remotes: RemoteImages }): { compares: ComparePanels; previousBuilds: PreviousBuilds } {
  const compares = new ComparePanels(explorerHost(context, deps));
  const previousBuilds = new PreviousBuilds(deps.engines, context.globalState, deps.log);
  context.subscriptions.push(compares, previousBuilds, vscode.window.registerWebviewPanelSerializer(ComparePanel.viewType, compares));
  registerCompareCommands(context, { engines: deps.engines, compares, previousBuilds, remotes: deps.remotes, log: deps.log });
  return { compares, previousBuilds };
}
