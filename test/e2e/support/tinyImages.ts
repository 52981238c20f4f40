// Many small, distinct images made fast on a real engine, for tests that need a crowded image list: each is a
// `docker import` of a one-file tar (a different file each, so every image has its own ID), labelled so that
// the test removes exactly its own.
import type Docker from 'dockerode';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';

export const SCALE_LABEL = 'layerlens.e2e.scale';

async function oneFileTar(text: string): Promise<Buffer> {
  const tar = pack();
  tar.entry({ name: 'image.txt', mode: 0o644, mtime: new Date(0) }, text);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Imports one image of a one-file tar (its text makes its ID), with a `LABEL label` (key=value) and no progress kept. */
export async function importTinyImage(docker: Docker, reference: string, label: string): Promise<void> {
  const colon = reference.lastIndexOf(':');
  const tar = await oneFileTar(`${reference}\n`);
  const response = await docker.importImage(Readable.from([tar]), {
    repo: reference.slice(0, colon),
    tag: reference.slice(colon + 1),
    changes: [`LABEL ${label}`],
  });
  // The engine reports progress and errors in the body.
  let body = '';
  for await (const chunk of response) body += chunk.toString();
  if (/"error"/.test(body)) throw new Error(`docker import of ${reference} failed: ${body.trim()}`);
}

/** Imports `references.length` images, a few at a time, each labelled SCALE_LABEL=`run`. */
export async function importTinyImages(docker: Docker, references: string[], run: string, parallel = 8): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < references.length) await importTinyImage(docker, references[next++], `${SCALE_LABEL}=${run}`);
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** Removes every image labelled SCALE_LABEL=`run` (whatever its tags). */
export async function removeTinyImages(docker: Docker, run: string): Promise<void> {
  const images = await docker.listImages({ filters: JSON.stringify({ label: [`${SCALE_LABEL}=${run}`] }) } as Docker.ListImagesOptions);
  for (const image of images) await docker.getImage(image.Id).remove({ force: true });
}
