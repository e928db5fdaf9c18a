import { setTimeout as sleep } from 'node:timers/promises';

/** Capped exponential backoff with full jitter: attempt 0 → up to base ms, doubling to the cap. */
export function backoffDelay(attempt: number, baseMs = 200, capMs = 10_000, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Runs `task` until it succeeds, retrying only errors `isRetriable` accepts, at most `maxAttempts`
 * times; `onRetry` is told each time so the logs say what is happening.
 */
export async function retryWithBackoff<T>(
  task: () => Promise<T>,
  options: {
    maxAttempts: number;
    isRetriable: (error: unknown) => boolean;
    onRetry: (error: unknown, attempt: number, delayMs: number) => void | Promise<void>;
    baseMs?: number;
    capMs?: number;
  },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (!options.isRetriable(error) || attempt + 1 >= options.maxAttempts) throw error;
      const delay = backoffDelay(attempt, options.baseMs, options.capMs);
      await options.onRetry(error, attempt + 1, delay);
      await sleep(delay);
    }
  }
}

/**
 * At start-up the broker, registry or Redis may still be coming up: runs `connect` until it
 * succeeds (30 attempts, backoff capped at 10 s), logging each retry so a wait is never silent.
 */
export async function untilReachable(
  logger: { warn: (fields: object, message: string) => void },
  connect: () => Promise<void>,
): Promise<void> {
  await retryWithBackoff(connect, {
    maxAttempts: 30,
    capMs: 10_000,
    isRetriable: () => true,
    onRetry: (error, attempt, delayMs) =>
      logger.warn(
        { err: (error as Error).message, attempt, delayMs },
        'dependencies not reachable yet, retrying',
      ),
  });
}
