// Runs one command and measures it: wall time (here), CPU time and peak RSS (GNU time's %U %S %M, exact:
// the kernel's ru_maxrss). Without /usr/bin/time, falls back to polling /proc/<pid>/status (VmHWM) and
// /proc/<pid>/stat every 10 ms, which can miss a peak in the last few milliseconds before exit.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export interface Measured {
  command: string;
  wallSeconds: number;
  userSeconds: number | null;
  sysSeconds: number | null;
  peakRssBytes: number | null;
  exitCode: number | null;
  signal: string | null;
  /** The last lines of stderr (the CLI's error message, a V8 fatal error). */
  stderrTail: string;
  /** V8 ran out of heap (or a string/array limit was hit). */
  outOfMemory: boolean;
  rssMethod: 'gnu-time' | 'proc-poll';
}

export interface MeasureOptions {
  env?: NodeJS.ProcessEnv;
  /** Where stdout goes (default /dev/null). */
  stdoutPath?: string;
  cwd?: string;
}

const OOM = /heap out of memory|Reached heap limit|Allocation failed|Invalid string length|Invalid array length|ERR_STRING_TOO_LONG/i;

/** BENCH_NO_GNU_TIME=1 forces the /proc fallback (to check it). */
export function haveGnuTime(): boolean {
  return !process.env.BENCH_NO_GNU_TIME && existsSync(GNU_TIME);
}

export async function measure(command: string, args: string[], options: MeasureOptions = {}): Promise<Measured> {
  const temp = mkdtempSync(join(tmpdir(), 'layerlens-measure-'));
  const timeFile = join(temp, 'time.txt');
  const useTime = haveGnuTime();
  const [file, argv] = useTime ? [GNU_TIME, ['-f', '%U %S %M', '-o', timeFile, command, ...args]] : [command, args];
  const out = openSync(options.stdoutPath ?? '/dev/null', 'w');
  let stderr = '';
  const started = performance.now();
  const child = spawn(file, argv, { stdio: ['ignore', out, 'pipe'], env: options.env ?? process.env, cwd: options.cwd });
  closeSync(out);
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderr = (stderr + text).slice(-16384);
  });
  const poll = useTime ? undefined : startPolling(child.pid!);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve({ code: c, signal: s }));
  });
  const wallSeconds = (performance.now() - started) / 1000;
  let userSeconds: number | null = null;
  let sysSeconds: number | null = null;
  let peakRssBytes: number | null = null;
  let exitCode = code;
  let signalName: string | null = signal;
  if (useTime) {
    const text = existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
    // GNU time prefixes "Command exited with non-zero status N" or "Command terminated by signal N".
    const sig = /terminated by signal (\d+)/.exec(text);
    if (sig) signalName = `signal ${sig[1]}`;
    const last = text.trim().split('\n').pop() ?? '';
    const m = /^([\d.]+) ([\d.]+) (\d+)$/.exec(last.trim());
    if (m) {
      userSeconds = Number(m[1]);
      sysSeconds = Number(m[2]);
      peakRssBytes = Number(m[3]) * 1024;
    }
    if (sig && exitCode !== null && exitCode >= 128) exitCode = null;
  } else if (poll) {
    const sample = poll.stop();
    userSeconds = sample.userSeconds;
    sysSeconds = sample.sysSeconds;
    peakRssBytes = sample.peakRssBytes;
  }
  rmSync(temp, { recursive: true, force: true });
  return {
    command: [command, ...args].join(' '),
    wallSeconds,
    userSeconds,
    sysSeconds,
    peakRssBytes,
    exitCode,
    signal: signalName,
    stderrTail: stderr.trim().split('\n').slice(-12).join('\n'),
    outOfMemory: OOM.test(stderr),
    rssMethod: useTime ? 'gnu-time' : 'proc-poll',
  };
}

function startPolling(pid: number) {
  const ticks = 100; // USER_HZ on Linux
  const sample = { peakRssBytes: null as number | null, userSeconds: null as number | null, sysSeconds: null as number | null };
  const read = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) sample.peakRssBytes = Math.max(sample.peakRssBytes ?? 0, Number(hwm[1]) * 1024);
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sample.userSeconds = Number(fields[11]) / ticks;
      sample.sysSeconds = Number(fields[12]) / ticks;
    } catch {
      // the process has exited
    }
  };
  const timer = setInterval(read, 10);
  read();
  return {
    stop() {
      clearInterval(timer);
      return sample;
    },
  };
}
