// The explorer's text filter: a case-insensitive substring, or a glob when the text holds * ? or [.
// A glob with a slash is matched against the whole path ("/usr/**/*.so"), one without against the name ("*.py").

export function compilePathFilter(text: string): (path: string) => boolean {
  const wanted = text.trim();
  if (!wanted) return () => true;
  if (!/[*?[]/.test(wanted)) {
    const lower = wanted.toLowerCase();
    return (path) => path.toLowerCase().includes(lower);
  }
  const pattern = globToRegExp(wanted);
  if (wanted.includes('/')) {
    const anchored = wanted.startsWith('/') ? pattern : new RegExp(`(?:^|/)${pattern.source.slice(1)}`, 'i');
    return (path) => anchored.test(path);
  }
  return (path) => pattern.test(path.slice(path.lastIndexOf('/') + 1));
}

/** `*` any run within a name, `**` any run across names, `?` one character, `[…]` a class (`[!…]` negated). */
export function globToRegExp(glob: string): RegExp {
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
  return new RegExp(`^${out}$`, 'i');
}
