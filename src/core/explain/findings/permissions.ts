// Permission bits a layer introduces: setuid/setgid programs (they run with their owner's rights, so each
// one is attack surface) and paths anyone in the container may write. Only what this layer adds or newly
// grants counts, so a base layer's findings are not repeated on every layer above it.
import type { LayerEntry } from '../../model/types';
import type { Finding } from '../explanation';
import { newOrChangedEntries, type LayerDelta } from '../layerDelta';
import { findingFrom } from './finding';
import { byCount } from '../wording';

const SETID = 0o6000;
const WORLD_WRITABLE = 0o002;
const STICKY = 0o1000;

export function permissionFindings(delta: LayerDelta): Finding[] {
  const setid = newOrChangedEntries(delta, (before, after) => (after.mode & SETID & ~before.mode) !== 0).filter(
    (e) => e.type === 'file' && (e.mode & SETID) !== 0,
  );
  const writable = newOrChangedEntries(delta, (before, after) => (after.mode & WORLD_WRITABLE & ~before.mode) !== 0).filter(isWorldWritable);
  return [
    ...findingFrom(
      {
        id: 'setuid',
        severity: 'security',
        title: (n) =>
          n === 1
            ? 'This layer adds a setuid or setgid program, which runs with the rights of its owner or group.'
            : 'This layer adds setuid or setgid programs, which run with the rights of their owner or group.',
        fix: (n) =>
          n === 1
            ? 'Keep it only if the container needs it, else clear the bit in the same step (`chmod u-s,g-s <file>`).'
            : 'Keep only the ones the container needs and clear the bit on the rest in the same step (`chmod u-s,g-s <file>`).',
      },
      setid.map(evidenceOf),
    ),
    ...findingFrom(
      {
        id: 'world-writable',
        severity: 'warning',
        title: (n) => `This layer adds ${byCount(n, 'a file or directory', 'files or directories')} that every user in the container can write to.`,
        fix: 'Give write access only to the user that needs it (`chown` it, with mode 755 or 644) instead of making it writable by all.',
      },
      writable.map(evidenceOf),
    ),
  ];
}

/** Symlinks always show 777, devices are meant to be shared, and a sticky directory (like /tmp) protects each user's files. */
function isWorldWritable(e: LayerEntry): boolean {
  if ((e.mode & WORLD_WRITABLE) === 0) return false;
  if (e.type === 'dir') return (e.mode & STICKY) === 0;
  return e.type === 'file';
}

function evidenceOf(e: LayerEntry) {
  return { path: e.path, bytes: e.size };
}
