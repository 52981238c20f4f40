// What a Dockerfile's FROM (or COPY --from=<image>) names when the engine does not have it: its size, layers and
// platform, read from its registry in the background (manifest and config only) and kept a while, so that a
// hover never waits for the network longer than a short bound. Plain data and injected readers (no vscode):
// dockerfileHover.ts asks, the markdown is in remoteBaseHover.ts.
import { baseImageOf } from '../core/dockerfile/baseImage';
import type { DockerfileInstruction, ParsedDockerfile } from '../core/dockerfile/parse';
import { messageOf } from '../core/errors';
import type { Platform } from '../core/archive/archiveAssembler';
import type { RemoteImageSummary } from '../registry/imageSummary';
import { formatPlatform, parsePlatform } from '../registry/platform';
import { formatReference, parseRegistryReference, REGISTRY_SCHEME, type RegistryReference } from '../registry/reference';

/** An image a line of a Dockerfile brings in. */
export interface NamedImage {
  /** As resolved from the file ("nginx:1.27", "127.0.0.1:5000/base:3"). */
  name: string;
  role: 'base' | 'copied';
  /** From `FROM --platform=…`, when written without variables. */
  platform?: string;
}

export type RemoteBaseNote =
  | {
      kind: 'remote';
      image: NamedImage;
      /** "docker.io/library/nginx:1.27". */
      reference: string;
      /** Opens this very image: `registry://…@<manifest digest>`. */
      ref: string;
      compressedSize: number;
      layerCount: number;
      platform: string;
    }
  | { kind: 'reading'; image: NamedImage }
  | { kind: 'failed'; image: NamedImage; message: string };

/** The image a FROM or a COPY/ADD --from=<image> names, if it is an image (not scratch, a stage or a variable). */
export function imageNamedBy(parsed: ParsedDockerfile, instruction: DockerfileInstruction): NamedImage | undefined {
  if (instruction.keyword === 'FROM') {
    const stage = parsed.stages[instruction.stage];
    if (!stage) return undefined;
    const base = baseImageOf(parsed, stage);
    if (base.kind !== 'image' || !base.resolved) return undefined;
    const platform = stage.platform && !stage.platform.includes('$') ? stage.platform : undefined;
    return { name: base.resolved, role: 'base', ...(platform ? { platform } : {}) };
  }
  if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') return undefined;
  const from = instruction.flags.find((f) => f.name === 'from')?.value;
  if (!from || from.includes('$') || /^\d+$/.test(from)) return undefined;
  const earlier = parsed.stages.slice(0, Math.max(0, instruction.stage + 1));
  if (earlier.some((s) => s.name?.toLowerCase() === from.toLowerCase())) return undefined;
  return { name: from, role: 'copied' };
}

export interface RemoteBaseReaders {
  /** Whether the engine has an image of this name (false when no engine answers). */
  onEngine(name: string): Promise<boolean>;
  /** The platform to read when the file names none: the engine's, else this machine's. */
  defaultPlatform(): Platform | undefined;
  readSummary(ref: RegistryReference, platform: Platform | undefined): Promise<RemoteImageSummary>;
  now?: () => number;
}

/** A read that succeeded is trusted this long (a tag may move); a failure is tried again sooner (after a login). */
const KEEP_FOUND_MS = 10 * 60_000;
const KEEP_FAILED_MS = 20_000;

interface Entry {
  note: Promise<RemoteBaseNote | undefined>;
  settled?: RemoteBaseNote | undefined | null;
  at: number;
}

export class RemoteBaseImages {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly readers: RemoteBaseReaders) {}

  /** Starts the lookup of an image (or finds it under way or done); undefined when the engine has it. */
  lookup(image: NamedImage): Promise<RemoteBaseNote | undefined> {
    const now = (this.readers.now ?? Date.now)();
    const key = `${image.name}\0${image.platform ?? ''}\0${image.role}`;
    const entry = this.entries.get(key);
    if (entry) {
      const failed = entry.settled?.kind === 'failed';
      const keep = entry.settled === undefined ? Infinity : failed ? KEEP_FAILED_MS : KEEP_FOUND_MS;
      if (now - entry.at < keep) return entry.note;
    }
    const fresh: Entry = { note: this.read(image), at: now };
    void fresh.note.then((note) => {
      fresh.settled = note ?? null;
      fresh.at = (this.readers.now ?? Date.now)();
    });
    this.entries.set(key, fresh);
    return fresh.note;
  }

  /** What is known after at most `waitMs`: the note, or "reading" while the registry has not answered. */
  async within(image: NamedImage, waitMs: number): Promise<RemoteBaseNote | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const reading = new Promise<RemoteBaseNote>((resolve) => (timer = setTimeout(() => resolve({ kind: 'reading', image }), waitMs)));
    try {
      return await Promise.race([this.lookup(image), reading]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async read(image: NamedImage): Promise<RemoteBaseNote | undefined> {
    let ref: RegistryReference;
    try {
      ref = parseRegistryReference(REGISTRY_SCHEME + image.name);
    } catch {
      return undefined; // not a name a registry could hold; the static rules speak of it
    }
    try {
      if (await this.readers.onEngine(image.name)) return undefined;
      const platform = image.platform ? parsePlatform(image.platform) : this.readers.defaultPlatform();
      const summary = await this.readers.readSummary(ref, platform);
      return {
        kind: 'remote',
        image,
        reference: formatReference(ref),
        ref: `${REGISTRY_SCHEME}${ref.registry}/${ref.repository}@${summary.manifestDigest}`,
        compressedSize: summary.compressedSize,
        layerCount: summary.layerCount,
        platform: formatPlatform(summary.platform),
      };
    } catch (error) {
      return { kind: 'failed', image, message: messageOf(error) };
    }
  }
}
