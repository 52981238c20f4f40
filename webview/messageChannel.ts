// The page's one channel to the extension host, shared by the explorer (rpc.ts) and the compare mode
// (compareRpc.ts), each typing it with its own protocol: requests matched to their responses by id, commands,
// and every other message handed to the page as a notification.
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** VS Code hands a page its API once: every module uses this one. */
export const vscode = acquireVsCodeApi();

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface MessageChannel<Req extends { id: number }, Res extends { kind: 'response'; id: number }, Cmd, In extends { kind: string }> {
  request(message: WithoutId<Req>): Promise<Res>;
  send(command: Cmd): void;
  /** Routes responses to their requests; everything else to `onNotification`. */
  listen(onNotification: (message: Exclude<In, Res>) => void): void;
}

export function messageChannel<Req extends { id: number }, Res extends { kind: 'response'; id: number }, Cmd, In extends { kind: string }>(): MessageChannel<Req, Res, Cmd, In> {
  const pending = new Map<number, (response: Res) => void>();
  let nextId = 1;
  return {
    request(message) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        vscode.postMessage({ ...message, id });
      });
    },
    send(command) {
      vscode.postMessage(command);
    },
    listen(onNotification) {
      window.addEventListener('message', (event: MessageEvent<In>) => {
        const message = event.data;
        if (message.kind === 'response') {
          const { id } = message as unknown as Res;
          pending.get(id)?.(message as unknown as Res);
          pending.delete(id);
        } else onNotification(message as Exclude<In, Res>);
      });
    },
  };
}
