import { createHash } from 'node:crypto';
import { parseConfig, redisSettings } from '@clearway/config';
import { createLogger } from '@clearway/observability';
import { stackEnv } from '@clearway/test';
import type { Redis } from 'ioredis';
import { luaScript } from './lua-script.ts';
import { createRedisClient } from './redis-client.ts';

describe('luaScript against a real Redis', () => {
  let redis: Redis;
  beforeAll(async () => {
    // The services' client, auto-pipelining included: the setting that defeated ioredis's own
    // script caching.
    redis = createRedisClient(
      parseConfig(redisSettings, stackEnv()),
      createLogger('test-lua-script', 'warn'),
    );
    await redis.connect();
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('runs by SHA once loaded, and reloads itself after Redis lost its script cache', async () => {
    const lua = `return ARGV[1] .. ':' .. ARGV[2] .. ':${Date.now()}'`; // unique per run
    const sha = createHash('sha1').update(lua).digest('hex');
    const run = luaScript(redis, lua);
    const first = await run('a', 1);
    expect(String(first)).toMatch(/^a:1:\d+$/);
    expect(await redis.script('EXISTS', sha)).toEqual([1]);

    // Concurrent calls (auto-pipelined) go out as EVALSHA: the calls counter of evalsha grows.
    const evalshaCalls = async () =>
      Number(/cmdstat_evalsha:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);
    const before = await evalshaCalls();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => run('b', i)));
    expect(results.map((r) => String(r).split(':')[1])).toEqual(Array.from({ length: 20 }, (_, i) => `${i}`));
    expect((await evalshaCalls()) - before).toBeGreaterThanOrEqual(20);

    await redis.script('FLUSH');
    expect(String(await run('c', 2))).toMatch(/^c:2:/);
    expect(await redis.script('EXISTS', sha)).toEqual([1]);
  });
});
