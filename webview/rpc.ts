// The explorer's requests to the extension host, matched to their responses by id (messageChannel.ts).
import type { Command, Request, Response, ToWebview } from '../src/explorer/protocol';
import { messageChannel, vscode } from './messageChannel';

const channel = messageChannel<Request, Response, Command, ToWebview>();

export const request = channel.request;
export const send = channel.send;
export const listen = channel.listen;
export { vscode };
