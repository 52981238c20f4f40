// `--ignore GLOB`: which paths compare leaves out. A glob with a slash matches the whole path ("/var/log/**";
// anchored at the root when it starts with "/", else at any directory), one without matches the name
// ("*.pyc"), as the explorer's filter reads globs, but case-sensitively: image paths are. A path inside an
// ignored directory is ignored too (the caller checks parents first: paths come sorted).
import { globToRegExp } from '../model/pathGlob';

export function compileIgnoreGlobs(globs: readonly string[]): ((path: string) => boolean) | undefined {
  const tests = globs
    .map((g) => g.trim())
    .filter(Boolean)
    .map((glob): ((path: string) => boolean) => {
      const pattern = globToRegExp(glob, '');
      if (!glob.includes('/')) return (path) => pattern.test(path.slice(path.lastIndexOf('/') + 1));
      if (glob.startsWith('/')) return (path) => pattern.test(path);
      const anywhere = new RegExp(`(?:^|/)${pattern.source.slice(1)}`);
      return (path) => anywhere.test(path);
    });
  if (tests.length === 0) return undefined;
  return (path) => tests.some((t) => t(path));
}
