// The error taxonomy every stage follows: a retriable error is retried with bounded backoff; a
// rejection is a decision about one record (dead-letter it with the reason and move on). Anything
// else (a TypeError, say) is a bug and stops the stage rather than filling the dead-letter topic.

/** A transient failure (broker, registry or Redis unreachable): retry with backoff. */
export class RetriableError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetriableError';
    this.code = code;
  }
}

/**
 * Runs `task`, turning any failure into a RetriableError with `code` whose message says what failed
 * (the original error kept as its cause): for adapters whose every failure is an outage.
 */
export async function asRetriable<T>(code: string, what: string, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    throw new RetriableError(code, `${what} failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Reason codes a dead letter can carry. */
export type DeadLetterCode =
  | 'NOT_AVRO'
  | 'UNKNOWN_SCHEMA'
  | 'SCHEMA_MISMATCH'
  | 'CORRUPT'
  | 'INVALID'
  | 'STALE_AMENDMENT'
  | 'DUPLICATE'
  | 'REJECTED';

/** A record that can never be processed as it is; goes to the dead-letter topic. */
export class RecordRejected extends Error {
  readonly code: DeadLetterCode;
  constructor(code: DeadLetterCode, message: string) {
    super(message);
    this.name = 'RecordRejected';
    this.code = code;
  }
}
