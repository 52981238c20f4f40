// What a build leaves behind when it cleans up in a later step or not at all: temporary files, Git history,
// object files and archives. Software installed as packages (libraries, node_modules, site-packages) ships
// object files and archives on purpose, so those places are not searched for them.
import { baseName, joinPath, parentOf } from '../../model/paths';
import type { LayerEntry } from '../../model/types';
import type { Finding, StepKind } from '../explanation';
import { byCount } from '../wording';
import type { LayerDelta } from '../layerDelta';
import { bytesByDirectory, findingFrom } from './finding';

const TEMPORARY = /^\/(?:var\/)?tmp\//;
const GIT_DIRECTORY = /^(.*?\/\.git)\//;
const OBJECT_FILE = /\.(?:o|obj)$/;
const ARCHIVE = /\.(?:tar(?:\.(?:gz|bz2|xz|zst|lz4|lz|Z))?|tgz|tbz2?|txz|zip)$/i;
const INSTALLED_SOFTWARE = /^\/(?:usr\/)?(?:lib|lib32|lib64|libexec|share)\/|\/(?:node_modules|site-packages|dist-packages)\//;

/** `kind`: how this layer's step added its files (a .dockerignore only helps a COPY/ADD of the build context). */
export function buildLeftoverFindings(delta: LayerDelta, kind: StepKind = 'other'): Finding[] {
  const fromContext = kind === 'context-copy';
  const files = delta.files;
  const own = files.filter((e) => !INSTALLED_SOFTWARE.test(e.path));
  const archives = own.filter((e) => e.type === 'file' && ARCHIVE.test(baseName(e.path)));
  const unpacked = new Set(archives.filter((e) => delta.stack.lookup(unpackedDirectoryOf(e.path))?.entry.type === 'dir'));
  const leftArchives = archives.filter((e) => !unpacked.has(e));
  return [
    ...findingFrom(
      {
        id: 'temporary-files',
        severity: 'warning',
        title: (n) => `${byCount(n, 'A temporary file is', 'Temporary files are')} left in /tmp or /var/tmp in this layer.`,
        fix: fromContext
          ? (n) => `Leave ${byCount(n, 'it', 'them')} out of the build context with .dockerignore, or copy only what the image needs.`
          : (n) => `Delete ${byCount(n, 'it', 'them')} in the RUN that creates ${byCount(n, 'it', 'them')} (\`… && rm -rf /tmp/*\`), or give that RUN a scratch directory with \`RUN --mount=type=tmpfs,target=/tmp\`.`,
      },
      files.filter((e) => TEMPORARY.test(e.path)).map(evidenceOf),
    ),
    ...findingFrom(
      {
        id: 'git-directory',
        severity: 'warning',
        title: (n) => `${byCount(n, 'A Git repository with its whole history is', 'Git repositories with their whole history are')} in this layer.`,
        fix: fromContext
          ? 'Add `.git` to .dockerignore so that the COPY leaves it out of the build context.'
          : 'Clone with `--depth 1` and remove the .git directory in the same RUN, or clone in a separate build stage and copy only the files the image needs.',
      },
      bytesByDirectory(files, (path) => GIT_DIRECTORY.exec(path)?.[1]),
    ),
    ...findingFrom(
      {
        id: 'object-files',
        severity: 'warning',
        title: (n) => `${byCount(n, 'An object file', 'Object files')} from a compilation ${byCount(n, 'is', 'are')} left in this layer.`,
        fix: fromContext
          ? 'Leave build output out of the build context with .dockerignore, and compile in a build stage whose results you copy in.'
          : 'Compile in a separate build stage and copy only the results, or remove the objects in the RUN that builds them (`make && make install && make clean`).',
      },
      own.filter((e) => e.type === 'file' && OBJECT_FILE.test(e.path)).map(evidenceOf),
    ),
    ...findingFrom(
      {
        id: 'unpacked-archive',
        severity: 'warning',
        title: (n) => `${byCount(n, 'An archive that was unpacked next to itself is', 'Archives that were unpacked next to themselves are')} still in this layer.`,
        fix: fromContext
          ? (n) => `Leave ${byCount(n, 'the archive', 'the archives')} out of the build context with .dockerignore and copy only the unpacked files, or let \`ADD\` unpack a local archive without keeping it.`
          : 'Delete each archive in the RUN that unpacks it (`tar -xzf x.tar.gz && rm x.tar.gz`), or stream it (`curl … | tar -xz`) so it is never written.',
      },
      [...unpacked].map(evidenceOf),
    ),
    ...findingFrom(
      {
        id: 'archive',
        severity: 'info',
        title: (n) => `${byCount(n, 'An archive is', 'Archives are')} left in this layer.`,
        fix: fromContext
          ? 'If an archive is only unpacked or installed during the build, leave it out of the build context with .dockerignore.'
          : 'If an archive is only unpacked or installed during the build, delete it in the RUN that writes it.',
      },
      leftArchives.map(evidenceOf),
    ),
  ];
}

/** "/opt/tool-1.0.tar.gz" → "/opt/tool-1.0": where `tar -xf` of a release archive usually puts its files. */
export function unpackedDirectoryOf(archivePath: string): string {
  return joinPath(parentOf(archivePath), baseName(archivePath).replace(ARCHIVE, ''));
}

function evidenceOf(e: LayerEntry) {
  return { path: e.path, bytes: e.size };
}
