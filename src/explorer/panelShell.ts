// What both Layer Explorer panels (explorerPanel.ts, comparePanel.ts) set up on their webview panel: scripts
// limited to the bundle's folder, the icon and title, the page (explorerHtml.ts: strict CSP with a nonce), the
// message listener, and one dispose path that runs `closing` first (abort reads, forget the panel) and then
// disposes every listener. Returns the list the panel adds its own disposables to.
import * as vscode from 'vscode';
import { explorerHtml } from './explorerHtml';

export interface PanelPage {
  title: string;
  /** The bundle's entry (explorer.js unless given). */
  script?: string;
  receive: (raw: unknown) => void;
  closing: () => void;
}

export function setUpPanel(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, page: PanelPage): vscode.Disposable[] {
  const bundle = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  panel.webview.options = { enableScripts: true, localResourceRoots: [bundle] };
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'layerlens.svg');
  panel.title = page.title;
  const disposables: vscode.Disposable[] = [];
  disposables.push(
    panel.webview.onDidReceiveMessage(page.receive),
    panel.onDidDispose(() => {
      page.closing();
      for (const d of disposables) d.dispose();
    }),
  );
  panel.webview.html = explorerHtml(panel.webview, bundle, page.title, page.script);
  return disposables;
}
