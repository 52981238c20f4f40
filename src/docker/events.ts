// The engine's event stream (`GET /events`), so views refresh when images are pulled, tagged, untagged,
// deleted or built, and when containers change — without polling.
import { TEMPORARY_CONTAINER_LABEL, type DockerEngine } from './engine';

export interface EngineEvent {
  /** "image", "container"… */
  type: string;
  /** "pull", "tag", "untag", "delete", "import", "load", "create", "die"… */
  action: string;
  /** Image or container ID (or name, for some image events). */
  id: string;
  /** Image reference or container name, when the engine says. */
  name?: string;
}

/**
 * Calls `onEvent` for every image and container event until `signal` aborts (then resolves) or the stream
 * breaks (then rejects with the engine's error). Events are newline-delimited JSON (API ≥ 1.22 shape; Podman's
 * compatible API uses it too).
 */
export async function watchEngineEvents(
  engine: DockerEngine,
  onEvent: (event: EngineEvent) => void,
  signal: AbortSignal,
  /** Called once the engine has accepted the subscription: changes made after it are all reported. */
  onOpen?: () => void,
): Promise<void> {
  const stream = await engine.openEventStream({ type: ['image', 'container'] }, signal);
  onOpen?.();
  let pending = '';
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        const event = line ? parseEvent(line) : undefined;
        if (event) onEvent(event);
      }
    });
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', (error: Error) => (signal.aborted ? resolve() : reject(error)));
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  if (!signal.aborted) return;
  (stream as unknown as { destroy?: () => void }).destroy?.();
}

export function parseEvent(line: string): EngineEvent | undefined {
  let raw: { Type?: string; Action?: string; status?: string; id?: string; from?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  const type = raw.Type ?? (raw.from ? 'container' : 'image');
  const action = (raw.Action ?? raw.status ?? '').split(':')[0];
  const id = raw.Actor?.ID ?? raw.id ?? '';
  if (!action || !id) return undefined;
  // Layerlens' own file readers (never-started containers, see TEMPORARY_CONTAINER_LABEL) are not the user's news.
  if (raw.Actor?.Attributes?.[TEMPORARY_CONTAINER_LABEL] === 'true') return undefined;
  const name = raw.Actor?.Attributes?.name;
  return name ? { type, action, id, name } : { type, action, id };
}

