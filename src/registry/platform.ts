// Which manifest of a multi-platform index to read. `--platform os/arch[/variant]` as docker takes it; by default
// the connected engine's, else this machine's. Attestation manifests (BuildKit provenance/SBOM: `vnd.docker.reference.type` or platform
// unknown/unknown) are never picked. With no match, the error names the platforms there are.
import { hostPlatform, type Platform } from '../core/archive/archiveAssembler';
import { LayerlensError } from '../core/errors';

export interface PlatformDescriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', x86: '386', aarch64: 'arm64', armhf: 'arm', armel: 'arm' };

export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/.test(p))) {
    throw new LayerlensError(`--platform ${text} is not a platform: write os/arch or os/arch/variant, e.g. linux/arm64.`, 'bad-input');
  }
  const [os, architecture, variant] = parts;
  return normalize({ os, architecture, variant });
}

export function formatPlatform(p: Platform): string {
  return [p.os ?? '?', p.architecture ?? '?', p.variant].filter(Boolean).join('/');
}

/** arm64's default variant is v8, arm's v7 (containerd platforms.Normalize). */
function normalize(p: Platform): Platform {
  const architecture = ARCH_ALIASES[p.architecture ?? ''] ?? p.architecture;
  let variant = p.variant || undefined;
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (architecture === 'arm' && !variant) variant = 'v7';
  return { os: p.os, architecture, variant };
}

export function isAttestation(d: PlatformDescriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || d.platform?.os === 'unknown' || d.platform?.architecture === 'unknown';
}

/** The platform to use when none is asked for, and whose it is ("the engine at unix:///…"), for messages. */
export interface DefaultPlatform {
  platform: Platform;
  of: string;
}

/**
 * The entry of an index for `wanted` (default: `byDefault`, else this machine). A wanted platform without a
 * variant takes any variant of that architecture (the first listed), as docker does for `--platform linux/arm`.
 */
export function choosePlatform(entries: PlatformDescriptor[], wanted: Platform | undefined, where: string, byDefault?: DefaultPlatform): PlatformDescriptor {
  const images = entries.filter((d) => typeof d.digest === 'string' && !isAttestation(d));
  if (images.length === 0) throw new LayerlensError(`${where} lists no image manifest (only attestations or nothing).`, 'corrupt');
  const explicit = wanted !== undefined;
  const want = normalize(wanted ?? byDefault?.platform ?? hostPlatform());
  const wantVariant = explicit ? want.variant : undefined;
  const same = (d: PlatformDescriptor) => {
    if (!d.platform) return false;
    const have = normalize(d.platform);
    return have.os === (want.os ?? 'linux') && have.architecture === want.architecture;
  };
  const exact = images.find((d) => same(d) && (!wantVariant || normalize(d.platform!).variant === wantVariant));
  const chosen = exact ?? (wantVariant ? undefined : images.find(same));
  if (chosen) return chosen;
  // An entry with no platform (typically a nested index) may hold the wanted one: it is read, not refused.
  const unlabelled = images.find((d) => !d.platform);
  if (unlabelled) return unlabelled;
  const available = [...new Set(images.filter((d) => d.platform).map((d) => formatPlatform(normalize(d.platform!))))];
  const whose = explicit ? '' : ` (the platform of ${byDefault?.of ?? 'this machine'})`;
  throw new LayerlensError(
    `${where} has no ${formatPlatform(want)} image${whose}; it has ${available.join(', ') || 'no platform listed'} (choose one with --platform).`,
    'not-found',
  );
}
