#!/usr/bin/env python3
"""The oracle's reader: lists a tar (from stdin) as JSON, using Python's tarfile, an implementation
independent of the engine under test. Names are UTF-8 with surrogate escapes for bytes that are not
(Python's own convention, which the engine promises to follow)."""
import hashlib, json, sys, tarfile

TYPES = {tarfile.REGTYPE: 'file', tarfile.AREGTYPE: 'file', tarfile.CONTTYPE: 'file', tarfile.DIRTYPE: 'dir',
         tarfile.SYMTYPE: 'symlink', tarfile.LNKTYPE: 'hardlink', tarfile.FIFOTYPE: 'fifo',
         tarfile.CHRTYPE: 'char', tarfile.BLKTYPE: 'block'}

def decode(raw: str) -> str:
    # tarfile already decoded with utf-8 + surrogateescape.
    return raw

def absolute(name: str) -> str:
    parts = [p for p in name.split('/') if p not in ('', '.')]
    return '/' + '/'.join(parts)

out = []
with tarfile.open(fileobj=sys.stdin.buffer, mode='r|', encoding='utf-8', errors='surrogateescape') as tar:
    for member in tar:
        item = {'path': absolute(decode(member.name)), 'type': TYPES.get(member.type, 'other'), 'size': member.size if member.isreg() else 0,
                'mode': member.mode & 0o7777, 'uid': member.uid, 'gid': member.gid}
        if member.issym():
            item['linkTarget'] = decode(member.linkname)
        if member.islnk():
            item['linkTarget'] = absolute(decode(member.linkname))
        if member.isreg():
            digest = hashlib.sha256()
            f = tar.extractfile(member)
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                digest.update(chunk)
            item['sha256'] = digest.hexdigest()
        out.append(item)
json.dump(out, sys.stdout)
