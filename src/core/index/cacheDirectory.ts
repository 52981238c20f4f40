// Where Layerlens keeps what it may forget: the index cache (indexCache.ts) and the CLI's code cache
// (cliLauncher.ts). A module of its own so the CLI's launcher finds it without loading the cache's reader.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultCacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAYERLENS_CACHE_DIR) return env.LAYERLENS_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'layerlens');
}
