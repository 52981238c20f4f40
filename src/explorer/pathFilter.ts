// The explorer's text filter: a case-insensitive substring, or a glob when the text holds * ? or [.
// A glob with a slash is matched against the whole path ("/usr/**/*.so"), one without against the name ("*.py").
import { globToRegExp } from '../core/model/pathGlob';

export { globToRegExp };

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
