// Every request to an engine ends when the engine goes quiet: no complete response headers within the bound,
// or no byte for that long while the body streams. An export is bounded by idle time, never by total time, so
// a slow but moving export of a large image always completes. The event stream is the one request that may be
// quiet for hours: only its headers are bounded. Some engines (Docker's own store, 20.10 and 26) pack a whole
// image before the first byte of its export (6.5 s for 600 MB here), so an export may take longer to answer:
// see exportAnswerSeconds.
import * as http from 'node:http';
import * as https from 'node:https';
import { CancelledError, LayerlensError } from '../core/errors';

/** Seconds an engine may stay silent before a request is given up (the layerlens.engineIdleTimeout default). */
export const DEFAULT_ENGINE_IDLE_SECONDS = 30;

/** Thrown into a request whose engine stayed silent: the user's sentence, which engine.ts can sharpen with the task. */
export class EngineIdleError extends LayerlensError {
  constructor(
    readonly where: string,
    readonly seconds: number,
    /** Silent before the response headers were complete, or in the middle of the body. */
    readonly phase: 'answer' | 'body',
    what?: string,
  ) {
    const silence = phase === 'answer' ? `gave no complete answer within ${seconds} s` : `sent nothing for ${seconds} s in the middle of its answer`;
    super(`The Docker engine at ${where} ${silence}${what ? ` while asked to ${what}` : ''}; ${HINT}`, 'unreachable');
  }

  during(what: string): EngineIdleError {
    return new EngineIdleError(this.where, this.seconds, this.phase, what);
  }
}

const HINT = 'it seems hung (if it is only slow, raise layerlens.engineIdleTimeout or LAYERLENS_ENGINE_IDLE_TIMEOUT).';

/** Seconds of packing allowed per byte of image before an export's first answer: 1 s per 10 MB, a slow disk's pace. */
const PACKING_SECONDS_PER_BYTE = 1 / 10_000_000;

/** How long an export of an image of `imageBytes` may take to answer: the bound plus the time to pack the image. */
export function exportAnswerSeconds(seconds: number, imageBytes: number): number {
  return seconds + Math.ceil((Number.isFinite(imageBytes) && imageBytes > 0 ? imageBytes : 0) * PACKING_SECONDS_PER_BYTE);
}

/** The bound in seconds: LAYERLENS_ENGINE_IDLE_TIMEOUT when set to a positive number, else the default. */
export function idleSecondsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return parseIdleSeconds(env.LAYERLENS_ENGINE_IDLE_TIMEOUT) ?? DEFAULT_ENGINE_IDLE_SECONDS;
}

/** "30", "0.5" → seconds; anything not a positive finite number → undefined. */
export function parseIdleSeconds(text: string | number | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * An agent (http for unix sockets and tcp, https for TLS) whose every request is bounded; see the file comment.
 * `where` names the engine in messages; aborting `signal` ends every request at once; `answerSeconds` may give a
 * request path a longer wait for its answer (an export).
 */
export function boundedAgent(
  protocol: 'http' | 'https',
  seconds: number,
  where: string,
  signal?: AbortSignal,
  answerSeconds: (path: string) => number = () => seconds,
): http.Agent {
  const agent = protocol === 'https' ? new https.Agent({ keepAlive: false }) : new http.Agent({ keepAlive: false });
  // One listener for all requests (not one each): the cancels of the requests in flight.
  const inFlight = new Set<() => void>();
  signal?.addEventListener('abort', () => [...inFlight].forEach((cancel) => cancel()), { once: true });
  // addRequest is where an agent first sees each request: the one place to watch them all, whoever made them.
  const addRequest = (agent as unknown as { addRequest(req: http.ClientRequest, options: object): void }).addRequest.bind(agent);
  (agent as unknown as { addRequest(req: http.ClientRequest, options: object): void }).addRequest = (req, options) => {
    watch(req, seconds, answerSeconds(req.path), where, signal, inFlight);
    addRequest(req, options);
  };
  return agent;
}

function watch(req: http.ClientRequest, seconds: number, answer: number, where: string, signal: AbortSignal | undefined, inFlight: Set<() => void>): void {
  const ms = seconds * 1000;
  const quietForHours = /\/events(\?|$)/.test(req.path); // with or without an API version prefix
  let response: http.IncomingMessage | undefined;
  const end = (error: Error) => {
    // The stream's reader sees the response's error; a buffered (JSON) call sees the request's.
    response?.destroy(error);
    req.destroy(error);
  };
  const giveUp = (phase: EngineIdleError['phase']) => end(new EngineIdleError(where, phase === 'answer' ? answer : seconds, phase));
  if (signal?.aborted) return end(new CancelledError());
  const cancel = () => end(new CancelledError());
  inFlight.add(cancel);
  req.once('close', () => inFlight.delete(cancel));
  // Headers trickled a byte at a time never leave the socket idle: their bound is total time.
  const answerTimer = setTimeout(() => giveUp('answer'), answer * 1000);
  answerTimer.unref();
  req.once('response', (res: http.IncomingMessage) => {
    clearTimeout(answerTimer);
    response = res;
    if (quietForHours) req.setTimeout(0);
    else req.setTimeout(ms);
  });
  req.once('close', () => clearTimeout(answerTimer));
  // Before the answer, the answer bound rules alone (it may be longer than the silence bound, for an export).
  req.setTimeout(answer * 1000, () => giveUp(response ? 'body' : 'answer'));
}
