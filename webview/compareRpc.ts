// The compare mode's requests to the extension host, matched to their responses by id (messageChannel.ts, as the
// explorer's rpc.ts).
import type { CompareCommand, CompareRequest, CompareResponse, ToCompareWebview } from '../src/explorer/compareProtocol';
import { messageChannel, vscode } from './messageChannel';

const channel = messageChannel<CompareRequest, CompareResponse, CompareCommand, ToCompareWebview>();

export const compareRequest = channel.request;
export const sendCompare = channel.send;
export const listenCompare = channel.listen;
export { vscode };
