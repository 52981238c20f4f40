// The explorer's page: a strict Content-Security-Policy (no inline script or style, no eval; scripts only with
// this page's nonce), and nothing but the bundle's own files.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * `label`, the image's name, is in the page itself (escaped), so the shell shows it before any message arrives.
 * `script`: the bundle's entry (the compare mode has its own).
 */
export function explorerHtml(webview: vscode.Webview, bundle: vscode.Uri, label: string, script = 'explorer.js'): string {
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
<meta name="layerlens-image" content="${escapeAttribute(label)}">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${asset('codicon.css')}">
<link rel="stylesheet" href="${asset('explorer.css')}">
<title>${escapeAttribute(label)}</title>
</head>
<body>
<script nonce="${nonce}" src="${asset(script)}"></script>
</body>
</html>`;
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
