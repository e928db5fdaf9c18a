// What the replay's main thread and its worker threads say to each other.
import type { TopicSpec } from '@clearway/infra';
import type { RulesetPublished } from '@clearway/schemas';
import type { CorruptRecord, TimeWindow } from '../domain/audit-records.ts';
import type { Arrived, JoinQueries, JoinSummary } from '../domain/replay-join.ts';
import type { ShardPlan } from '../domain/shard-of.ts';
import type { PackedRecords } from './packed-records.ts';

export interface ReplayWorkerData {
  shard: number;
  plan: ShardPlan;
  /** The registry settings as environment variables, parsed again by the worker. */
  registryEnv: Record<string, string>;
  catalogue: TopicSpec[];
  declarationsTopic: string;
  /** Hold declarations' bytes until an assessment needs them (see shard-feeder.ts). */
  defer: boolean;
  window: TimeWindow;
  port: string | null;
}

export type ToWorker =
  | { type: 'rulesets'; published: RulesetPublished[] }
  | ({ type: 'records' } & PackedRecords)
  | { type: 'finish'; queries: JoinQueries };

export type FromWorker =
  | { type: 'done'; bytes: number }
  | {
      type: 'summary';
      summary: JoinSummary;
      corrupt: Arrived<CorruptRecord>[];
      /** Records whose declaration id does not route to this shard (keyed by something else). */
      misrouted: number;
    };
