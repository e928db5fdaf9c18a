import { backoffDelay, retryWithBackoff } from './backoff.ts';
import { RetriableError } from './errors.ts';

describe('backoff', () => {
  it('grows exponentially up to the cap', () => {
    const max = () => 1; // jitter at its top
    expect(backoffDelay(0, 100, 1000, max)).toBe(100);
    expect(backoffDelay(3, 100, 1000, max)).toBe(800);
    expect(backoffDelay(10, 100, 1000, max)).toBe(1000);
    expect(backoffDelay(3, 100, 1000, () => 0)).toBe(400);
  });

  it('retries retriable errors a bounded number of times', async () => {
    let calls = 0;
    const retried: number[] = [];
    await expect(
      retryWithBackoff(
        async () => {
          calls++;
          throw new RetriableError('DOWN', 'redis down');
        },
        {
          maxAttempts: 3,
          baseMs: 1,
          capMs: 2,
          isRetriable: (e) => e instanceof RetriableError,
          onRetry: (_e, a) => void retried.push(a),
        },
      ),
    ).rejects.toThrow('redis down');
    expect(calls).toBe(3);
    expect(retried).toEqual([1, 2]);
  });

  it('does not retry a bug', async () => {
    let calls = 0;
    await expect(
      retryWithBackoff(
        async () => {
          calls++;
          throw new TypeError('x is undefined');
        },
        {
          maxAttempts: 5,
          baseMs: 1,
          isRetriable: (e) => e instanceof RetriableError,
          onRetry: () => undefined,
        },
      ),
    ).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });

  it('returns once a retry succeeds', async () => {
    let calls = 0;
    const value = await retryWithBackoff(
      async () => {
        if (++calls < 3) throw new RetriableError('DOWN', 'later');
        return 'ok';
      },
      {
        maxAttempts: 5,
        baseMs: 1,
        isRetriable: (e) => e instanceof RetriableError,
        onRetry: () => undefined,
      },
    );
    expect(value).toBe('ok');
  });
});
