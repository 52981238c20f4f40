// Open and Compare from the Layer Explorer, in VS Code's own editors. What each does on a path is decided by
// fileActions.ts (the same answer the details' buttons and the context menu show); a disabled action says why
// in one sentence. Files open through the editor resolver (`vscode.open`), so a binary gets VS Code's own
// "binary file" placeholder (Open Anyway, or a hex editor) instead of a "File seems to be binary" error.
import * as vscode from 'vscode';
import { formatBytes } from '../core/format';
import { describePath } from '../core/model/imagePaths';
import { looksBinary } from '../fs/binaryContent';
import type { ExplorerSession } from './explorerSession';
import { versionPair } from './fileActions';

export interface FileCommandContext {
  session: ExplorerSession;
  fileUri(imageId: string, layer: number, path: string): vscode.Uri;
}

/** Beyond this size Compare does not read both versions to tell binaries apart; the diff editor decides. */
const SNIFF_LIMIT = 64 * 1024 * 1024;

const beside = { preview: true, viewColumn: vscode.ViewColumn.Beside };

export async function openFromExplorer(context: FileCommandContext, path: string, layer: number): Promise<void> {
  const action = context.session.fileActions(path, layer).open;
  if (!action.enabled) {
    void vscode.window.showInformationMessage(action.title);
    return;
  }
  // A link to a directory is revealed by the webview itself; nothing opens in an editor.
  if (action.kind === 'revealTarget') return;
  const uri = context.fileUri(context.session.model.data.id, layer, action.target ?? path);
  await vscode.commands.executeCommand('vscode.open', uri, beside);
}

export async function compareFromExplorer(context: FileCommandContext, path: string, layer: number): Promise<void> {
  const { session } = context;
  const action = session.fileActions(path, layer).compare;
  const pair = action.enabled ? versionPair((p) => session.pathHistory(p), action.target ?? path, layer) : undefined;
  if (!pair) {
    void vscode.window.showInformationMessage(action.title);
    return;
  }
  const id = session.model.data.id;
  const left = context.fileUri(id, pair.previous.layer, pair.path);
  const right = context.fileUri(id, pair.current.layer, pair.path);
  const name = pair.path.slice(pair.path.lastIndexOf('/') + 1);
  const title = `${name} (#${pair.previous.layer} ↔ #${pair.current.layer})`;
  // Entry sizes: a hardlink's own entry says 0, so this only skips reading what is surely huge.
  if (pair.previous.entry.size <= SNIFF_LIMIT && pair.current.entry.size <= SNIFF_LIMIT) {
    const [before, after] = await Promise.all([vscode.workspace.fs.readFile(left), vscode.workspace.fs.readFile(right)]);
    if (looksBinary(before) || looksBinary(after)) {
      // The diff editor would show two "binary file" placeholders side by side: say what differs instead.
      const what = Buffer.from(before).equals(after)
        ? `#${pair.previous.layer} and #${pair.current.layer} hold the same ${formatBytes(after.length)}, so only its mode or owner changed`
        : `#${pair.previous.layer} has ${formatBytes(before.length)} and #${pair.current.layer} has ${formatBytes(after.length)}, and their bytes differ`;
      const openPrevious = `Open #${pair.previous.layer}`;
      const openCurrent = `Open #${pair.current.layer}`;
      const choice = await vscode.window.showInformationMessage(`${describePath(pair.path)} is a binary file, which the diff editor cannot show: ${what}.`, openPrevious, openCurrent);
      if (choice) await vscode.commands.executeCommand('vscode.open', choice === openPrevious ? left : right, beside);
      return;
    }
  }
  await vscode.commands.executeCommand('vscode.diff', left, right, title, beside);
}
