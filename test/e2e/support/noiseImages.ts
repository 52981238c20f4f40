// Unrelated images on Engine 20.10, as a developer's own Docker has: 30 repositories whose names sort before
// layerlens-test/, so that the fixtures' rows start below the fold of the virtualized Images view and the tests must
// find them as a user would (by the view's filter). One tiny imported image, tagged under every repository (each
// repository is a row; a tag is idempotent and cheap). Labelled, named apart, and left in place on purpose:
// removing them while another e2e file runs could race, and they are the suite's own.
import type Docker from 'dockerode';
import { importTinyImage } from './tinyImages';
import { endpointFor } from '../../../src/docker/connection';
import { DockerEngine } from '../../../src/docker/engine';

export const NOISE_LABEL = 'layerlens.e2e.noise';
export const NOISE_REFERENCES = Array.from({ length: 30 }, (_, i) => `aaa-layerlens-noise/n${String(i + 1).padStart(2, '0')}:latest`);

/** Makes every noise reference exist on the engine at `host`, adding only what is missing (a second call changes nothing). */
export async function ensureNoiseImages(host: string): Promise<void> {
  const docker = new DockerEngine(endpointFor(host, 'test', undefined)).docker;
  const labelled = await docker.listImages({ filters: JSON.stringify({ label: [NOISE_LABEL] }) } as Docker.ListImagesOptions);
  const present = new Set(labelled.flatMap((i) => i.RepoTags ?? []));
  const missing = NOISE_REFERENCES.filter((r) => !present.has(r));
  if (missing.length === 0) return;
  // Tag the noise image already there (tagged), else import it once under the first missing name.
  let base = labelled.find((i) => (i.RepoTags ?? []).some((t) => NOISE_REFERENCES.includes(t)))?.Id;
  if (!base) {
    await importTinyImage(docker, missing[0], `${NOISE_LABEL}=1`);
    base = ((await docker.getImage(missing[0]).inspect()) as { Id: string }).Id;
  }
  for (const reference of missing) {
    const colon = reference.lastIndexOf(':');
    await docker.getImage(base).tag({ repo: reference.slice(0, colon), tag: reference.slice(colon + 1) });
  }
}
