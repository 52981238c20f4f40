// `layerlens tree img | head`: when the reader of stdout (or stderr) goes away, the rest of the output has no one
// to read it. Node ignores SIGPIPE and reports the failed write as an 'error' event, which, unhandled, prints a
// stack trace and exits 1. Stop at once and quietly instead, with exit 0: the reader got all it asked for.

export function stopQuietlyWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      // Any other output failure (a full disk behind `> file`): one line where it can still go, and exit 2.
      if (stream === process.stdout) process.stderr.write(`layerlens: Cannot write the output: ${error.message}.\n`);
      process.exit(2);
    });
  }
}
