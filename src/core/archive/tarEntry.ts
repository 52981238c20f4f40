// Turns one tar header into a LayerEntry or a whiteout, per the OCI image spec's layer rules
// (image-spec layer.md "Whiteouts": `.wh.<name>` deletes <name> below, `.wh..wh..opq` makes the directory opaque).
import type { Header } from 'tar-stream';
import type { EntryType, LayerEntry } from '../model/types';
import { baseName, decodeTarName, joinPath, normalizeMemberPath, parentOf } from '../model/paths';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
/** Linux's PATH_MAX (bytes of a path a system call accepts, the terminating NUL included). */
export const PATH_MAX = 4096;

export type ParsedMember =
  | { kind: 'entry'; entry: LayerEntry }
  | { kind: 'whiteout'; path: string }
  | { kind: 'opaque'; dir: string }
  | { kind: 'skip' };

const TYPES: Partial<Record<NonNullable<Header['type']>, EntryType>> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
  link: 'hardlink',
  fifo: 'fifo',
  'character-device': 'char',
  'block-device': 'block',
};

/** Parses a header read with latin1 file name encoding; pushes anything dubious onto `warnings`. */
export function parseTarHeader(header: Header, warnings: string[]): ParsedMember {
  const rawName = decodeTarName(header.name);
  if (rawName.length > PATH_MAX) {
    // No tool can create or open such a path on Linux, and tens of thousands of levels would make as many
    // implied directories, each with its own long path (gigabytes for one 100,000-character PAX name).
    warnings.push(`Entry ${JSON.stringify(rawName.slice(0, 60) + '…')} has a path of ${rawName.length.toLocaleString('en-US')} characters, longer than Linux allows (${PATH_MAX.toLocaleString('en-US')}); it is ignored.`);
    return { kind: 'skip' };
  }
  const { path, escaped } = normalizeMemberPath(rawName);
  if (escaped) warnings.push(`Entry ${JSON.stringify(rawName)} points outside the image root; it is shown as ${path}.`);

  const name = baseName(path);
  if (name.startsWith(WHITEOUT_PREFIX)) return parseWhiteout(rawName, path, name, warnings);

  const type = header.type ? TYPES[header.type] : 'file';
  if (!type) {
    warnings.push(`Entry ${JSON.stringify(path)} has tar type ${header.type}, which a layer cannot hold; it is ignored.`);
    return { kind: 'skip' };
  }

  const entry: LayerEntry = {
    path,
    type,
    size: type === 'file' ? header.size ?? 0 : 0,
    mode: (header.mode ?? 0) & 0o7777,
    uid: header.uid ?? 0,
    gid: header.gid ?? 0,
  };
  if (type === 'symlink') entry.linkTarget = decodeTarName(header.linkname ?? '');
  if (type === 'hardlink') {
    const target = normalizeMemberPath(decodeTarName(header.linkname ?? ''));
    if (target.escaped) warnings.push(`Hardlink ${JSON.stringify(path)} points outside the image root; it is shown as ${target.path}.`);
    entry.linkTarget = target.path;
  }
  if (type === 'char' || type === 'block') {
    entry.devMajor = header.devmajor ?? 0;
    entry.devMinor = header.devminor ?? 0;
  }
  return { kind: 'entry', entry };
}

function parseWhiteout(rawName: string, path: string, name: string, warnings: string[]): ParsedMember {
  const dir = parentOf(path);
  if (name === OPAQUE_MARKER) return { kind: 'opaque', dir };
  const target = name.slice(WHITEOUT_PREFIX.length);
  if (target === '' || target === '.' || target === '..') {
    warnings.push(`Whiteout ${JSON.stringify(rawName)} names no file; it is invalid and ignored.`);
    return { kind: 'skip' };
  }
  return { kind: 'whiteout', path: joinPath(dir, target) };
}
