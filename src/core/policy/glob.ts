// Path globs of a .layerlens.yaml policy, matched against an image's absolute paths: `**` crosses directories
// (`**/.git/**`, `/root/.cache/**`), `*` and `?` stay within one name, anything else is literal. A pattern with
// no slash is a name anywhere (`*.pem` = `**/*.pem`), as in .gitignore; otherwise it is anchored at the root.

export function globToRegExp(pattern: string): RegExp {
  let glob = pattern.trim();
  if (!glob.includes('/')) glob = `**/${glob}`;
  if (!glob.startsWith('/') && !glob.startsWith('**')) glob = `/${glob}`;
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('/**', i) && i + 3 === glob.length) {
      source += '(?:/.*)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

export function matchesGlob(path: string, pattern: string | RegExp): boolean {
  return (typeof pattern === 'string' ? globToRegExp(pattern) : pattern).test(path);
}
