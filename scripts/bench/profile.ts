// Profiles one `layerlens` run with V8's sampling profiler (--cpu-prof) and says where the time goes. It profiles
// dist/cli.js itself, the very bundle the bench measures, and maps every sampled function back to its source
// module (and original name) through dist/cli.js.map.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProfileSummary {
  profileFile: string;
  command: string;
  wallSeconds: number;
  /** Sampled time (idle included). */
  totalMs: number;
  categories: Share[];
  modules: Share[];
  functions: (Share & { module: string })[];
}

interface Share {
  name: string;
  ms: number;
  share: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export async function profileColdRun(options: { root: string; outDir: string; host: string; image: string; env: NodeJS.ProcessEnv }): Promise<ProfileSummary> {
  const args = ['analyze', options.image, '--host', options.host, '--no-cache', '--json'];
  return profileCli({ ...options, name: 'cold', args });
}

export async function profileCli(options: { root: string; outDir: string; name: string; args: string[]; env: NodeJS.ProcessEnv }): Promise<ProfileSummary> {
  const { root, outDir } = options;
  mkdirSync(outDir, { recursive: true });
  const cli = join(root, 'dist', 'cli.js');
  const profileName = `${options.name}.cpuprofile`;
  rmSync(join(outDir, profileName), { force: true });
  const started = performance.now();
  await run(process.execPath, ['--cpu-prof', '--cpu-prof-dir', outDir, '--cpu-prof-name', profileName, cli, ...options.args], {
    env: options.env,
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const profileFile = join(outDir, profileName);
  if (!readdirSync(outDir).includes(profileName)) throw new Error(`no profile written to ${profileFile}`);
  const map = new SourceMap(JSON.parse(readFileSync(`${cli}.map`, 'utf8')) as RawSourceMap);
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  return { ...summarize(profile, cli, map), profileFile, command: `node ${cli} ${options.args.join(' ')}`, wallSeconds };
}

function summarize(profile: CpuProfile, bundle: string, map: SourceMap): Omit<ProfileSummary, 'profileFile' | 'command' | 'wallSeconds'> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  // timeDeltas[i] is the time from sample i-1 to sample i: charge it to sample i-1.
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    selfMs.set(profile.samples[i], (selfMs.get(profile.samples[i]) ?? 0) + ms);
  }
  const categories = new Map<string, number>();
  const modules = new Map<string, number>();
  const functions = new Map<string, { module: string; ms: number }>();
  let totalMs = 0;
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)!.callFrame;
    const original = frame.url.endsWith(bundle) ? map.lookup(frame.lineNumber, frame.columnNumber) : undefined;
    const module = original?.source ?? (frame.url.endsWith(bundle) ? '(dist/cli.js top level)' : moduleOf(frame));
    const category = categoryOf(frame.functionName, module);
    totalMs += ms;
    categories.set(category, (categories.get(category) ?? 0) + ms);
    modules.set(module, (modules.get(module) ?? 0) + ms);
    const name = original ? (original.name ?? (frame.functionName ? `${frame.functionName} (minified)` : '(anonymous)')) : frame.functionName || '(anonymous)';
    const key = `${name} @ ${module}:${(original ? original.line : frame.lineNumber) + 1}`;
    const f = functions.get(key) ?? { module, ms: 0 };
    f.ms += ms;
    functions.set(key, f);
  }
  const shares = (m: Map<string, number>) =>
    [...m].map(([name, ms]) => ({ name, ms, share: ms / totalMs })).sort((a, b) => b.ms - a.ms);
  return {
    totalMs,
    categories: shares(categories),
    modules: shares(modules).slice(0, 20),
    functions: [...functions]
      .map(([name, f]) => ({ name, module: f.module, ms: f.ms, share: f.ms / totalMs }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 25),
  };
}

function moduleOf(frame: { functionName: string; url: string }): string {
  if (!frame.url) return frame.functionName || '(native)';
  return frame.url.replace(/^file:\/\//, '');
}

interface RawSourceMap {
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
}

/** Just enough of a source map v3 reader: generated (line, column) → original source, line and name. */
class SourceMap {
  /** Per generated line: segments [column, source, line, sourceColumn, name] sorted by column. */
  private readonly lines: number[][][] = [];
  private readonly sources: string[];

  constructor(private readonly raw: RawSourceMap) {
    this.sources = raw.sources.map((s) => s.replace(/^(\.\.\/)+/, ''));
    let source = 0;
    let line = 0;
    let column = 0;
    let name = 0;
    for (const text of raw.mappings.split(';')) {
      const segments: number[][] = [];
      let generated = 0;
      for (const segment of text.split(',')) {
        if (!segment) continue;
        const v = decodeVlq(segment);
        generated += v[0];
        if (v.length >= 4) {
          source += v[1];
          line += v[2];
          column += v[3];
          if (v.length >= 5) name += v[4];
          segments.push(v.length >= 5 ? [generated, source, line, column, name] : [generated, source, line, column]);
        }
      }
      this.lines.push(segments);
    }
  }

  private readonly sourceLines = new Map<number, string[]>();

  /** The original position of a function starting at (line, column), and its name read from the original source. */
  lookup(line: number, column: number): { source: string; line: number; name?: string } | undefined {
    const segments = this.lines[line];
    if (!segments?.length) return undefined;
    let lo = 0;
    let hi = segments.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segments[mid][0] <= column) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at < 0) return undefined;
    const s = segments[at];
    return { source: this.sources[s[1]], line: s[2], name: this.functionNameAt(s[1], s[2], s[3]) };
  }

  /** `function foo(`, `foo(…) {`, `foo = (…) =>`, `foo: function` on the original line, from the mapped column on. */
  private functionNameAt(source: number, line: number, column: number): string | undefined {
    let lines = this.sourceLines.get(source);
    if (!lines) {
      lines = (this.raw.sourcesContent?.[source] ?? '').split('\n');
      this.sourceLines.set(source, lines);
    }
    const text = lines[line] ?? '';
    for (const candidate of [text.slice(column), text]) {
      const m =
        /function\s*\*?\s*([\w$]+)/.exec(candidate) ??
        /([\w$]+)\s*[:=]\s*(?:async\s*)?(?:function\b|\([^)]*\)\s*=>|[\w$]+\s*=>)/.exec(candidate) ??
        /^\s*(?:(?:static|async|get|set|private|public|protected|override|readonly)\s+)*\*?\s*([\w$]+)\s*(?:<[^>]*>)?\(/.exec(candidate);
      if (m) return m[1];
    }
    return undefined;
  }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function categoryOf(functionName: string, module: string): string {
  if (module === '(idle)') return 'idle (waiting for the daemon / disk)';
  if (module === '(garbage collector)') return 'garbage collection';
  if (module === '(program)') return 'V8/native, unattributed ("(program)")';
  if (module === '(root)') return 'other';
  if (/^node:internal\/crypto\//.test(module)) return 'hashing (SHA-256: file contents + layer diffID)';
  if (/node_modules\/(tar-stream|b4a|text-decoder)\//.test(module)) return 'tar parsing (tar-stream)';
  if (/node_modules\/(streamx|fast-fifo|bare-events|queue-tick)\//.test(module)) return 'stream plumbing (streamx, under tar-stream)';
  if (/^node:internal\/(streams|webstreams)\/|^node:stream/.test(module)) return 'stream plumbing (node streams)';
  if (/node_modules\/(docker-modem|dockerode|split-ca|ssh2|readable-stream)\/|^node:(_http|http|net|internal\/(http|net|stream_base_commons|dns))/.test(module)) return 'docker API / HTTP / socket';
  if (/^node:internal\/(modules|bootstrap|main|process\/pre_execution)|^node:internal\/vm|^\(dist\/cli\.js top level\)$/.test(module)) return 'Node startup / module loading';
  if (/^src\/core\/(layerIndexer|tarEntry|paths|tarNames|sniff)\.ts$/.test(module)) return 'layerlens: entry indexing (tarEntry, paths)';
  if (/^src\/core\/(archiveReader|archiveAssembler|compression)\.ts$/.test(module)) return 'layerlens: archive reading';
  if (/^src\/core\/(analysis|imageModel|fsStack|history)\.ts$/.test(module)) return 'layerlens: analysis (fsStack, model)';
  if (/^src\/(core\/reports|cli)/.test(module)) return 'layerlens: report / JSON output';
  if (/^src\//.test(module)) return `layerlens: other (${module})`;
  if (/^node:/.test(module)) return 'node internals (other)';
  if (/^node_modules\//.test(module)) return `other dependency (${module.split('/')[1]})`;
  if (/^\(/.test(module)) return `native ${module}`;
  return `other (${module})`;
}
