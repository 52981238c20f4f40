// The explorer's page: a strict Content-Security-Policy (no inline script or style, no eval; scripts only with
// this page's nonce), and nothing but the bundle's own files.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function explorerHtml(webview: vscode.Webview, bundle: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(bundle, name)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${asset('codicon.css')}">
<link rel="stylesheet" href="${asset('explorer.css')}">
<title>Layer Explorer</title>
</head>
<body>
<script nonce="${nonce}" src="${asset('explorer.js')}"></script>
</body>
</html>`;
}
