// Which inspections the simulated lanes have reported, per port, so that a restart can read the
// port's assignments again from the start and take up the trucks it had in hand or queued, without
// inspecting any truck twice:
//   <prefix>sim:reported:<port>   set of assignment ids
// A real lane keeps its queue through a terminal restart (the trucks are physically there); before
// this, a stopped simulator lost its in-memory queue and those trucks stayed on the lane for good.
import { asRetriable } from '@clearway/kafka';
import type { Redis } from '@clearway/redis';

export interface ReportedStore {
  /** Every assignment id reported so far at this port. */
  load(): Promise<Set<string>>;
  add(assignmentIds: readonly string[]): Promise<void>;
}

export function createReportedStore(redis: Redis, prefix: string, port: string): ReportedStore {
  const key = `${prefix}sim:reported:${port}`;
  const retriable = <T>(what: string, task: () => Promise<T>): Promise<T> =>
    asRetriable('REDIS_UNAVAILABLE', what, task);
  return {
    load: () => retriable('loading reported inspections', async () => new Set(await redis.smembers(key))),
    async add(assignmentIds) {
      if (assignmentIds.length === 0) return;
      await retriable('recording reported inspections', () => redis.sadd(key, ...assignmentIds));
    },
  };
}
