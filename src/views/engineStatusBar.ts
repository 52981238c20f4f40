// The connected engine (or the host that does not answer) in the status bar: always visible, unlike a
// view's description, which VS Code hides when a container shows a single view. A click changes the host.
import * as vscode from 'vscode';
import type { EngineService } from '../services/engineService';

export function createEngineStatusBar(engines: EngineService): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('layerlens.engine', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Layerlens: Docker engine';
  item.command = 'layerlens.chooseDockerHost';
  const update = () => {
    const state = engines.state;
    if (state.kind === 'connected') {
      item.text = `$(layers) ${state.version.product} ${state.version.version}`;
      item.tooltip = `Layerlens is connected to ${state.version.product} ${state.version.version} (API ${state.version.apiVersion}) at ${state.endpoint.host}, from ${state.endpoint.source}. Click to choose another host.`;
      item.backgroundColor = undefined;
    } else if (state.kind === 'unreachable') {
      item.text = `$(error) No Docker engine at ${state.host}`;
      item.tooltip = `${state.message} Click to choose another host.`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      item.text = `$(sync~spin) Docker: connecting${state.host ? ` to ${state.host}` : ''}`;
      item.tooltip = undefined;
      item.backgroundColor = undefined;
    }
    item.show();
  };
  update();
  const subscription = engines.onDidChangeState(update);
  return vscode.Disposable.from(item, subscription);
}
