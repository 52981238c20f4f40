#!/usr/bin/env -S node --max-semi-space-size=4
// dist/cli.js: runs the CLI bundle (src/cli.ts, embedded here by scripts/build.mjs) through V8's code cache, so a
// start skips parsing and compiling most of the bundle: about 70 of the ~190 CPU-ms of `layerlens --version` on
// this project's machine. The cache (cli/codeCache.ts) is only a hint: V8 rejects data that does not fit, and
// then the bundle compiles as usual and the cache is made again at exit, with the functions that run compiled.
// LAYERLENS_CODE_CACHE=0 turns it off. The launcher line is src/cli.ts's (it caps V8's young generation).
import { Script } from 'node:vm';
import { defaultCacheDirectory } from './core/index/cacheDirectory';
import { codeCacheFile, readCodeCache, writeCodeCache } from './cli/codeCache';

/** The bundle's text and its SHA-256, put in by the build. */
declare const CLI_BUNDLE: string;
declare const CLI_BUNDLE_HASH: string;

const file = process.env.LAYERLENS_CODE_CACHE === '0' ? undefined : codeCacheFile(defaultCacheDirectory(), CLI_BUNDLE_HASH);
const cachedData = file ? readCodeCache(file) : undefined;
// The wrapper's own line is line -1, so positions in stack traces and profiles are the bundle's (cli.js.map).
const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${CLI_BUNDLE}\n})`, { filename: __filename, lineOffset: -1, cachedData });
if (file && (!cachedData || script.cachedDataRejected)) process.once('exit', () => writeCodeCache(file, script.createCachedData()));
script.runInThisContext()(exports, require, module, __filename, __dirname);
