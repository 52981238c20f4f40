// Globs over image paths, shared by the explorer's filter and compare's --ignore.

/** `*` any run within a name, `**` any run across names, `?` one character, `[…]` a class (`[!…]` negated). */
export function globToRegExp(glob: string, flags = 'i'): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] !== '*') out += '[^/]*';
      else if (glob[i + 2] === '/') {
        out += '(?:.*/)?'; // "**/" also matches no directory at all
        i += 2;
      } else {
        out += '.*';
        i++;
      }
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        out += `[${body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, flags);
}
