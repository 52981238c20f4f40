// Requests to the extension host, matched to their responses by id.
import type { Command, Request, Response, ToWebview } from '../src/explorer/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const vscode = acquireVsCodeApi();

type Pending = (response: Response) => void;
const pending = new Map<number, Pending>();
let nextId = 1;

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export function request(message: WithoutId<Request>): Promise<Response> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    vscode.postMessage({ ...message, id });
  });
}

export function send(command: Command): void {
  vscode.postMessage(command);
}

/** Routes responses to their requests; everything else to `onNotification`. */
export function listen(onNotification: (message: Exclude<ToWebview, Response>) => void): void {
  window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
    const message = event.data;
    if (message.kind === 'response') {
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    } else onNotification(message);
  });
}
