// One layer's blob of a registry image, as it downloads: the image's manifest (fetched by its digest, so it is
// exactly the one the model was read from) names the blob at that layer's place. Files of a remote image are read
// from it, only as far as the file (the caller stops the stream, which closes the download).
import { LayerlensError } from '../core/errors';
import { formatReference, type RegistryReference } from './reference';
import { RegistryClient, type RegistryClientOptions } from './registryClient';

export async function* streamLayerBlob(
  ref: RegistryReference,
  manifestDigest: string,
  layer: number,
  options: RegistryClientOptions = {},
): AsyncGenerator<Buffer> {
  const client = new RegistryClient(ref, options);
  const fetched = await client.getManifest(manifestDigest).catch((error: unknown) => {
    if (error instanceof LayerlensError && error.kind === 'not-found') {
      throw new LayerlensError(`The registry no longer has the manifest ${manifestDigest} of ${formatReference(ref)} that this image was read from; open the image again.`, 'not-found');
    }
    throw error;
  });
  let layers: { digest?: unknown }[] | undefined;
  try {
    layers = (JSON.parse(fetched.bytes.toString('utf8')) as { layers?: { digest?: unknown }[] }).layers;
  } catch {
    layers = undefined;
  }
  const digest = Array.isArray(layers) ? layers[layer]?.digest : undefined;
  if (typeof digest !== 'string') {
    throw new LayerlensError(`The manifest ${manifestDigest} of ${formatReference(ref)} has no layer ${layer}; open the image again.`, 'corrupt');
  }
  yield* client.streamBlob(digest);
}
