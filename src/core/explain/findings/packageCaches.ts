// Package-manager indexes and download caches left in the layer that installed the packages: needed only
// while installing, they ship in every pull. Matched by the places each manager keeps them.
import type { Finding } from '../explanation';
import type { LayerDelta } from '../layerDelta';
import { bytesByDirectory, findingFrom } from './finding';

interface PackageCache {
  title: string;
  fix: string;
  /** Each captures the cache directory a file is under. */
  places: RegExp[];
}

const CACHES: PackageCache[] = [
  {
    title: 'The apt package lists or archives are left in this layer.',
    fix: 'Remove them in the RUN that installs the packages (`apt-get install … && rm -rf /var/lib/apt/lists/*`), or keep them out of the image with `RUN --mount=type=cache,target=/var/lib/apt/lists`.',
    places: [/^(\/var\/lib\/apt\/lists)\//, /^(\/var\/cache\/apt)\//],
  },
  {
    title: 'The apk package cache is left in this layer.',
    fix: 'Install with `apk add --no-cache`, which leaves no index or package behind.',
    places: [/^(\/var\/cache\/apk)\//],
  },
  {
    title: 'The dnf or yum package cache is left in this layer.',
    fix: 'End the RUN that installs the packages with `dnf clean all` (or `yum clean all`).',
    places: [/^(\/var\/cache\/(?:dnf|yum))\//],
  },
  {
    title: 'The pip download cache is left in this layer.',
    fix: 'Install with `pip install --no-cache-dir`, or mount the cache with `RUN --mount=type=cache,target=/root/.cache/pip`.',
    places: [/^(.*\/\.cache\/pip)\//],
  },
  {
    title: 'The npm cache is left in this layer.',
    fix: 'Run `npm cache clean --force` in the same RUN as the install, or mount the cache with `RUN --mount=type=cache,target=/root/.npm`.',
    places: [/^(.*\/\.npm\/_cacache)\//],
  },
  {
    title: 'The Yarn cache is left in this layer.',
    fix: 'Run `yarn cache clean` in the same RUN as the install, or mount the cache with `RUN --mount=type=cache,target=/usr/local/share/.cache/yarn`.',
    places: [/^(.*\/\.cache\/yarn)\//, /^(.*\/\.yarn\/berry\/cache)\//],
  },
  {
    title: 'The Go build or module cache is left in this layer.',
    fix: 'Build in a separate stage and copy only the binary, or mount the caches with `RUN --mount=type=cache,target=/root/.cache/go-build`.',
    places: [/^(.*\/\.cache\/go-build)\//, /^(.*\/pkg\/mod\/cache)\//],
  },
  {
    title: 'The Maven repository cache is left in this layer.',
    fix: 'Build in a separate stage and copy only the artifact, or mount the cache with `RUN --mount=type=cache,target=/root/.m2`.',
    places: [/^(.*\/\.m2\/repository)\//],
  },
  {
    title: 'The Gradle cache is left in this layer.',
    fix: 'Build in a separate stage and copy only the artifact, or mount the cache with `RUN --mount=type=cache,target=/root/.gradle`.',
    places: [/^(.*\/\.gradle\/(?:caches|wrapper\/dists))\//],
  },
];

export function packageCacheFindings(delta: LayerDelta): Finding[] {
  return CACHES.flatMap((cache) => {
    const evidence = bytesByDirectory(delta.files, (path) => {
      for (const place of cache.places) {
        const dir = place.exec(path)?.[1];
        if (dir) return dir;
      }
      return undefined;
    });
    // Base images keep empty lock files there; only bytes are a leftover.
    const withBytes = evidence.filter((e) => e.bytes > 0);
    return findingFrom({ id: 'package-cache', severity: 'warning', title: cache.title, fix: cache.fix }, withBytes);
  });
}
