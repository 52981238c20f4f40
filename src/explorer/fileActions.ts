// What Open and Compare do on one path of the Layer Explorer, decided in one place so that the details' buttons,
// Enter, D and the context menu agree: a file opens; a symlink opens what it leads to inside the image (or
// reveals the directory it leads to); anything else is disabled, with one sentence that says why. Pure: the
// image's files (symlinks resolved as the kernel would, see core/model/imagePaths.ts) and each path's history.
import type { ImageFiles } from '../core/model/imageFiles';
import type { PathEvent } from '../core/model/imageModel';
import { describePath, normalizeImagePath, PathResolutionError } from '../core/model/imagePaths';
import { parentOf } from '../core/model/paths';
import type { EntryType, LayerEntry } from '../core/model/types';
import type { FileAction } from './protocol';

export interface FileActions {
  open: FileAction;
  compare: FileAction;
}

/** The two versions Compare shows: the last two of the path up to `layer` (deletions skipped). */
export interface VersionPair {
  path: string;
  previous: PathEvent;
  current: PathEvent;
}

type History = (path: string) => PathEvent[];

const OPEN = 'Open';
const OPEN_TARGET = 'Open Link Target';
const REVEAL_TARGET = 'Reveal Link Target';
const COMPARE = 'Compare with Previous Version';
const COMPARE_TARGET = 'Compare Link Target with Previous Version';

/**
 * The actions on `entry` (the version of `path` shown), read in the merged view at `layer`: the selected layer,
 * or for a deleted path the layer that holds the deleted version.
 */
export function fileActions(files: () => ImageFiles, history: History, path: string, layer: number, entry: Pick<LayerEntry, 'type' | 'linkTarget'>): FileActions {
  const { open, compare } = actionsOf(files, history, path, layer, entry);
  return { open: { ...open, layer }, compare: { ...compare, layer } };
}

type Unplaced = Omit<FileAction, 'layer'>;

function actionsOf(files: () => ImageFiles, history: History, path: string, layer: number, entry: Pick<LayerEntry, 'type' | 'linkTarget'>): { open: Unplaced; compare: Unplaced } {
  if (entry.type === 'symlink') return linkActions(files(), history, path, layer, entry.linkTarget ?? '');
  if (entry.type === 'file' || entry.type === 'hardlink') {
    // A hardlink is a file to its reader (which of the names a tar stores as the file is the writer's choice).
    const open: Unplaced = { kind: 'open', label: OPEN, enabled: true, title: `Opens ${describePath(path)} in a read-only editor.` };
    return { open, compare: compareAction(history, path, layer, COMPARE, 'compare', `${describePath(path)} has no earlier version in the image to compare with.`) };
  }
  if (entry.type === 'dir') {
    return { open: disabled(OPEN, 'A directory opens in the tree: expand it with Enter or the right arrow.'), compare: disabled(COMPARE, 'A directory has no versions of its own to compare; its files do.') };
  }
  const reason = `${capitalized(typeName(entry.type))} has no content to open or compare.`;
  return { open: disabled(OPEN, reason), compare: disabled(COMPARE, reason) };
}

/** The versions Compare shows for `path` at `layer`, or undefined when it has fewer than two. */
export function versionPair(history: History, path: string, layer: number): VersionPair | undefined {
  const versions = history(path).filter((e) => e.change !== 'deleted' && e.layer <= layer && (e.entry.type === 'file' || e.entry.type === 'hardlink'));
  const [previous, current] = versions.slice(-2);
  return previous && current ? { path, previous, current } : undefined;
}

function linkActions(files: ImageFiles, history: History, path: string, layer: number, linkTarget: string): { open: Unplaced; compare: Unplaced } {
  // The target as written, made absolute: what the user reads in the row ("→ ../lib/x").
  const written = describePath(normalizeImagePath(linkTarget.startsWith('/') ? linkTarget : `${parentOf(path)}/${linkTarget}`));
  let resolved: { path: string; type: EntryType };
  try {
    const found = files.resolve(layer, path, true);
    resolved = { path: found.path, type: found.node.entry.type };
  } catch (error) {
    if (!(error instanceof PathResolutionError)) throw error;
    const reason =
      error.reason === 'loop'
        ? `This link is part of a loop of symlinks at layer ${layer}; it leads nowhere.`
        : `This link leads to ${written}, which does not exist at layer ${layer}.`;
    return { open: disabled(OPEN_TARGET, reason), compare: disabled(COMPARE_TARGET, reason) };
  }
  const target = describePath(resolved.path);
  if (resolved.type === 'dir') {
    return {
      open: { kind: 'revealTarget', label: REVEAL_TARGET, enabled: true, title: `Shows ${target}, the directory this link leads to, in the tree.`, target: resolved.path },
      compare: disabled(COMPARE_TARGET, `This link leads to the directory ${target}; only files have versions to compare.`),
    };
  }
  if (resolved.type !== 'file' && resolved.type !== 'hardlink') {
    const reason = `This link leads to ${target}, ${typeName(resolved.type)}, which has no content to open.`;
    return { open: disabled(OPEN_TARGET, reason), compare: disabled(COMPARE_TARGET, reason) };
  }
  return {
    open: { kind: 'openTarget', label: OPEN_TARGET, enabled: true, title: `Opens ${target}, where this link leads.`, target: resolved.path },
    compare: { ...compareAction(history, resolved.path, layer, COMPARE_TARGET, 'compareTarget', `${target}, where this link leads, has no earlier version in the image to compare with.`), target: resolved.path },
  };
}

function compareAction(history: History, path: string, layer: number, label: string, kind: FileAction['kind'], noEarlier: string): Unplaced {
  const pair = versionPair(history, path, layer);
  if (!pair) return disabled(label, noEarlier);
  return { kind, label, enabled: true, title: `Compares ${describePath(path)} of #${pair.previous.layer} with its version of #${pair.current.layer}.` };
}

function disabled(label: string, reason: string): Unplaced {
  return { kind: 'none', label, enabled: false, title: reason };
}

function typeName(type: EntryType): string {
  switch (type) {
    case 'dir':
      return 'a directory';
    case 'fifo':
      return 'a named pipe (fifo)';
    case 'char':
      return 'a character device';
    case 'block':
      return 'a block device';
    case 'hardlink':
      return 'a hardlink';
    case 'symlink':
      return 'a symlink';
    default:
      return 'a file';
  }
}

function capitalized(text: string): string {
  return text[0].toUpperCase() + text.slice(1);
}
