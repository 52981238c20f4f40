// The status-bar item shown while a Dockerfile editor is active: the linked image and how well it matches;
// clicking it runs "Link Dockerfile to Image…".
import * as vscode from 'vscode';
import { isDockerfileDocument } from './dockerfileSelector';
import type { DockerfileViews } from './dockerfileViews';
import { linkStatusText } from './linkStatusText';

export function createLinkStatusBar(views: DockerfileViews): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('layerlens.dockerfileImage', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Layerlens: Dockerfile Image';
  item.command = 'layerlens.linkDockerfile';
  let timer: NodeJS.Timeout | undefined;
  const update = () => {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !isDockerfileDocument(document)) {
      item.hide();
      return;
    }
    const status = linkStatusText(views.view(document), (v) => views.labelOf(v.link));
    item.text = status.text;
    item.tooltip = status.tooltip;
    item.show();
  };
  const subscriptions = [
    vscode.window.onDidChangeActiveTextEditor(update),
    views.onDidChange(update),
    // Edits change how well the text matches the image.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== vscode.window.activeTextEditor?.document) return;
      clearTimeout(timer);
      timer = setTimeout(update, 300);
    }),
  ];
  update();
  return new vscode.Disposable(() => {
    clearTimeout(timer);
    subscriptions.forEach((s) => s.dispose());
    item.dispose();
  });
}
