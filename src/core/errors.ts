/**
 * An error meant for the user: one sentence saying what happened and what to do.
 * Everything that a user can cause or meet is turned into one of these before it reaches a front end.
 */
export class LayerlensError extends Error {
  constructor(
    message: string,
    /** What kind of failure, so front ends can choose a reaction (exit code, welcome view…). */
    readonly kind: ErrorKind = 'bad-input',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LayerlensError';
  }
}

export type ErrorKind = 'bad-input' | 'not-found' | 'unreachable' | 'permission' | 'cancelled' | 'corrupt';

export class CancelledError extends LayerlensError {
  constructor() {
    super('Cancelled.', 'cancelled');
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/** The message of anything thrown, without a stack. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
