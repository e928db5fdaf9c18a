import { asRetriable, RetriableError } from './errors.ts';

describe('asRetriable', () => {
  it('passes a result through', async () => {
    await expect(asRetriable('REDIS_UNAVAILABLE', 'redis lookup', async () => 42)).resolves.toBe(42);
  });

  it('turns a failure into a RetriableError that names what failed and keeps the cause', async () => {
    const cause = new Error('ECONNREFUSED 127.0.0.1:6379');
    const error = await asRetriable('REDIS_UNAVAILABLE', 'redis lookup', async () => {
      throw cause;
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriableError);
    expect((error as RetriableError).code).toBe('REDIS_UNAVAILABLE');
    expect((error as RetriableError).message).toBe('redis lookup failed: ECONNREFUSED 127.0.0.1:6379');
    expect((error as RetriableError).cause).toBe(cause);
  });
});
