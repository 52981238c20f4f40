// Bundles the extension, the CLI and the Layer Explorer's webview (separate bundles).
import * as esbuild from 'esbuild';

import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';

/**
 * Startup time matters for the CLI (a warm `layerlens analyze` is mostly Node starting up): ssh2 and
 * grpc/protobuf (dockerode's BuildKit session) cost ~150 ms to load and are only needed for ssh:// hosts and
 * builds. These patches make those requires lazy; esbuild then runs the modules only when first used.
 */
const lazyHeavyModules = {
  name: 'lazy-heavy-modules',
  setup(build) {
    const patches = [
      [/docker-modem[\\/]lib[\\/]ssh\.js$/, "var Client = require('ssh2').Client,", "var Client = function () { return new (require('ssh2').Client)(); },"],
      [/dockerode[\\/]lib[\\/]docker\.js$/, "withSession = require('./session'),", "withSession = function () { return require('./session').apply(this, arguments); },"],
    ];
    build.onLoad({ filter: /(docker-modem|dockerode)[\\/]lib[\\/](ssh|docker)\.js$/ }, async (args) => {
      let contents = await readFile(args.path, 'utf8');
      for (const [file, from, to] of patches) {
        if (!file.test(args.path)) continue;
        if (!contents.includes(from)) throw new Error(`lazy-heavy-modules: ${args.path} changed; update the patch.`);
        contents = contents.replace(from, to);
      }
      return { contents, loader: 'js' };
    });
  },
};

/**
 * ssh2 (with its crypto) is over half of the CLI bundle yet only serves ssh:// hosts: it lives in its own bundle,
 * dist/ssh2.js, which the lazy require above loads on first use only.
 */
const ssh2InItsOwnBundle = {
  name: 'ssh2-own-bundle',
  setup(build) {
    build.onResolve({ filter: /^ssh2$/ }, () => ({ path: './ssh2.js', external: true }));
  },
};

/**
 * sql.js (the rpm database reader) with its WebAssembly inlined stays beside the bundles as dist/sql-wasm-inline.js,
 * copied as is and required only when an image holds an rpm database: no .wasm file to find, and ~1 MB the CLI
 * does not parse at every start.
 */
const sqlJsBesideTheBundle = {
  name: 'sql-js-beside-the-bundle',
  setup(build) {
    build.onResolve({ filter: /^sql\.js\/dist\/sql-wasm-inline\.js$/ }, () => ({ path: './sql-wasm-inline.js', external: true }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // Minified code compiles faster: it shortens every CLI start (LAYERLENS_MINIFY=0 for readable profiles).
  minify: process.env.LAYERLENS_MINIFY !== '0',
  logLevel: 'warning',
  plugins: [lazyHeavyModules, ssh2InItsOwnBundle, sqlJsBesideTheBundle],
  // Optional native helpers of ssh2: loaded with try/catch, absent is fine.
  // dockerode's BuildKit session (grpc, protobuf) serves image builds through the API, which Layerlens never does.
  external: ['cpu-features', './crypto/build/Release/sshcrypto.node', '@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs'],
};

/**
 * dist/cli.js is src/cliLauncher.ts with the CLI bundle inside as a string: the launcher compiles it through V8's
 * code cache. The bundle's source map stays dist/cli.js.map (positions in the launched bundle are the bundle's own).
 */
async function buildCli() {
  const { outputFiles } = await esbuild.build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', write: false });
  const map = outputFiles.find((f) => f.path.endsWith('.map'));
  // The hashbang becomes a comment of the same length: the bundle runs inside a function, and keeps its positions.
  const bundle = outputFiles.find((f) => f !== map).text.replace(/^#!/, '//');
  await mkdir('dist', { recursive: true });
  await writeFile('dist/cli.js.map', map.contents);
  await esbuild.build({
    ...common,
    sourcemap: false,
    entryPoints: ['src/cliLauncher.ts'],
    outfile: 'dist/cli.js',
    define: { CLI_BUNDLE: JSON.stringify(bundle), CLI_BUNDLE_HASH: JSON.stringify(createHash('sha256').update(bundle).digest('hex')) },
  });
}

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: [...common.external, 'vscode'] }),
  buildCli(),
  esbuild.build({ ...common, plugins: [], entryPoints: ['node_modules/ssh2/lib/index.js'], outfile: 'dist/ssh2.js' }),
  // The webview: a browser bundle, with its stylesheet and the codicon font next to it (its only resource root).
  esbuild.build({
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview/explorer.js',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    minify: process.env.LAYERLENS_MINIFY !== '0',
    sourcemap: true,
    logLevel: 'warning',
  }),
  // The Layer Explorer's compare mode: its own entry, the same stylesheet and resource root.
  esbuild.build({
    entryPoints: ['webview/compareMain.ts'],
    outfile: 'dist/webview/compare.js',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    minify: process.env.LAYERLENS_MINIFY !== '0',
    sourcemap: true,
    logLevel: 'warning',
  }),
  mkdir('dist', { recursive: true }).then(() => copyFile('node_modules/sql.js/dist/sql-wasm-inline.js', 'dist/sql-wasm-inline.js')),
  mkdir('dist/webview', { recursive: true }).then(() =>
    Promise.all([
      copyFile('webview/explorer.css', 'dist/webview/explorer.css'),
      copyFile('node_modules/@vscode/codicons/dist/codicon.css', 'dist/webview/codicon.css'),
      copyFile('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/webview/codicon.ttf'),
    ]),
  ),
]);
