// The compare mode's requests to the extension host, matched to their responses by id (rpc.ts does the same for
// the explorer; both share the page's one VS Code API object).
import type { CompareCommand, CompareRequest, CompareResponse, ToCompareWebview } from '../src/explorer/compareProtocol';
import { vscode } from './rpc';

type Pending = (response: CompareResponse) => void;
const pending = new Map<number, Pending>();
let nextId = 1;

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export function compareRequest(message: WithoutId<CompareRequest>): Promise<CompareResponse> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    vscode.postMessage({ ...message, id });
  });
}

export function sendCompare(command: CompareCommand): void {
  vscode.postMessage(command);
}

export function listenCompare(onNotification: (message: Exclude<ToCompareWebview, CompareResponse>) => void): void {
  window.addEventListener('message', (event: MessageEvent<ToCompareWebview>) => {
    const message = event.data;
    if (message.kind === 'response') {
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    } else onNotification(message);
  });
}

export { vscode };
