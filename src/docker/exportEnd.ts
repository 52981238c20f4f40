// An export is one tar, and it ends at its end-of-archive marker: whatever an engine writes after it (a broken
// engine may send zeros forever) is never read. Once the marker has passed, the response is destroyed, which
// closes the connection so the engine stops writing, and the stream handed to the reader ends cleanly.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { TarEndGate } from '../core/archive/tarEndGate';

export function endingAtArchiveEnd(response: IncomingMessage): Readable {
  const gate = new TarEndGate();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    gate.end();
  };
  response.on('data', (chunk: Buffer) => {
    if (ended) return;
    const more = gate.write(chunk);
    if (gate.reachedEnd) {
      end();
      response.destroy();
    } else if (!more) response.pause();
  });
  gate.on('drain', () => response.resume());
  response.on('end', end);
  // The engine's errors (a reset, the idle bound) reach the reader through the stream it reads.
  response.on('error', (error) => gate.destroy(error));
  // A reader that stops early (a cancel, an incremental read done) closes the connection too.
  gate.on('close', () => response.destroy());
  return gate;
}
