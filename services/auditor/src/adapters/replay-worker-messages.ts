// What the replay's main thread and its worker threads say to each other.
import type { TopicSpec } from '@clearway/infra';
import type { WriterSchema } from '@clearway/kafka/avro-decoding';
import type { RulesetPublished } from '@clearway/schemas';
import type { CorruptRecord, TimeWindow } from '../domain/audit-records.ts';
import type { Arrived, JoinQueries, JoinSummary } from '../domain/replay-join.ts';
import type { ShardPlan } from '../domain/shard-of.ts';
import type { PackedRecords } from './packed-records.ts';

export interface ReplayWorkerData {
  shard: number;
  plan: ShardPlan;
  catalogue: Pick<TopicSpec, 'name' | 'event'>[];
  declarationsTopic: string;
  /** Hold declarations' bytes until an assessment needs them (see shard-feeder.ts). */
  defer: boolean;
  window: TimeWindow;
  port: string | null;
}

/** A writer schema the main thread looked up, or why it could not (the records' corrupt reason). */
export type SchemaLookup = { id: number; schema: WriterSchema } | { id: number; failure: string };

export type ToWorker =
  | { type: 'rulesets'; published: RulesetPublished[] }
  // Sent before the first records written with these schemas.
  | { type: 'schemas'; lookups: SchemaLookup[] }
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
