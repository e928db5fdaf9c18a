// The ground truth in Redis, where the simulated lanes read it:
//   <prefix>truth:<declarationId>:<amendment>   hash of truthToHash's fields, with a TTL
import { asRetriable } from '@clearway/kafka';
import type { Redis } from '@clearway/redis';
import { truthFromHash, truthToHash, type GroundTruth } from '../domain/ground-truth.ts';

export interface TruthStore {
  save(truths: readonly GroundTruth[]): Promise<void>;
  load(declarationId: string, amendment: number): Promise<GroundTruth | null>;
}

export function createTruthStore(redis: Redis, prefix: string, ttlSeconds: number): TruthStore {
  const key = (declarationId: string, amendment: number) => `${prefix}truth:${declarationId}:${amendment}`;
  return {
    async save(truths) {
      if (truths.length === 0) return;
      const pipeline = redis.pipeline();
      for (const t of truths) {
        const k = key(t.declarationId, t.amendment);
        pipeline.hset(k, truthToHash(t)).expire(k, ttlSeconds);
      }
      await asRetriable('REDIS_UNAVAILABLE', 'saving ground truth', async () => {
        const results = (await pipeline.exec()) ?? [];
        const failed = results.find(([error]) => error);
        if (failed?.[0]) throw failed[0];
      });
    },
    load: (declarationId, amendment) =>
      asRetriable('REDIS_UNAVAILABLE', 'reading ground truth', async () =>
        truthFromHash(await redis.hgetall(key(declarationId, amendment))),
      ),
  };
}
