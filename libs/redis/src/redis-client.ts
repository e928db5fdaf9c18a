import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisSettings } from '@clearway/config';
import type { Logger } from '@clearway/observability';

export type { Redis };

/**
 * A Redis client that retries with capped exponential backoff and says so in the logs, instead of
 * failing commands while Redis is briefly away.
 */
export function createRedisClient(settings: RedisSettings, logger: Logger, caFile?: string): Redis {
  const options: RedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    enableAutoPipelining: true,
    retryStrategy: (attempt) => {
      const delay = Math.min(100 * 2 ** Math.min(attempt, 10), 5_000);
      logger.warn({ attempt, delayMs: delay }, 'redis unreachable, retrying');
      return delay;
    },
  };
  if (settings.REDIS_USERNAME) options.username = settings.REDIS_USERNAME;
  if (settings.REDIS_PASSWORD) options.password = settings.REDIS_PASSWORD.reveal();
  if (settings.REDIS_TLS || settings.REDIS_URL.startsWith('rediss://')) {
    options.tls = caFile ? { ca: readFileSync(caFile) } : {};
  }
  const client = new Redis(settings.REDIS_URL, options);
  client.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis error'));
  return client;
}
