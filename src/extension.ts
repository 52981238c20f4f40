// Activation: builds the services once and registers them. No logic of its own.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Layerlens', { log: true });
  context.subscriptions.push(log);
  log.info('Layerlens activated.');
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
