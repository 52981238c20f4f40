// The platform of the connected engine: what a registry image is read for when no --platform is given, as
// `docker pull` picks the daemon's. An engine that does not answer soon is taken as absent (this machine's
// platform is used then): reading a registry must not wait on an engine it does not need.
import type { DefaultPlatform } from '../registry/platform';
import type { DockerEngine } from './engine';

const PROBE_MS = 2000;

export async function enginePlatform(engine: DockerEngine | undefined): Promise<DefaultPlatform | undefined> {
  if (!engine) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), PROBE_MS);
    timer.unref();
  });
  try {
    const version = await Promise.race([engine.version(), late]);
    if (!version?.os || !version.arch) return undefined;
    return { platform: { os: version.os, architecture: version.arch }, of: `the engine at ${engine.endpoint.host}` };
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
