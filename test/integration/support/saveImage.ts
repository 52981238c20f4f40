// Writes an engine's `docker save` of an image to a file (test inputs for the archive readers).
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { DockerEngine } from '../../../src/docker/engine';

export async function saveImageToFile(engine: DockerEngine, ref: string, file: string): Promise<void> {
  const stream = await engine.exportImage(ref);
  await pipeline(stream, createWriteStream(file));
}
