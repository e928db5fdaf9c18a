import type { Admin, Consumer, EachBatchPayload, Kafka, Message, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { Logger, Registry } from '@clearway/observability';
import { Counter, Histogram } from '@clearway/observability';
import type { DeadLetter } from '@clearway/schemas';
import type { AvroSerde } from './avro-serde.ts';
import { RecordRejected, RetriableError, type DeadLetterCode } from './errors.ts';
import { retryWithBackoff } from './backoff.ts';
import { chunkBySize, MAX_REQUEST_BYTES } from './chunk-by-size.ts';

/** One decoded input record, as handlers see it. */
export interface InboundRecord<T> {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  headers: Record<string, string>;
  value: T;
}

/** A record a handler wants produced; encoded with the target topic's registered schema. */
export interface OutboundRecord {
  topic: string;
  key: string;
  value: unknown;
  headers?: Record<string, string>;
}

/** What became of one input record: outputs, or a rejection that sends it to the dead-letter topic. */
export type Disposition =
  { records: OutboundRecord[] } | { reject: { code: DeadLetterCode; reason: string } };

export interface StageDefinition<T> {
  /** Stage name: dead letters, metrics and logs carry it. */
  name: string;
  groupId: string;
  inputTopics: string[];
  deadLetterTopic: string;
  /** Semantic validation after Avro decoding (e.g. a zod schema); a message sends the record to the DLQ. */
  validate?: (record: InboundRecord<unknown>) => string | undefined;
  /** Handles one partition's batch; returns one disposition per record, in order. */
  handle: (batch: InboundRecord<T>[], context: { heartbeat: () => Promise<void> }) => Promise<Disposition[]>;
  /** Called after a partition batch is committed (e.g. to update caches that must follow commits). */
  afterCommit?: (batch: InboundRecord<T>[]) => void;
  /**
   * Called when the consumer stops for good (a bug, or a failure kafkajs will not restart from). A
   * service exits non-zero here so that its supervisor restarts it, rather than idling as a zombie.
   */
  onFatal?: (error: Error) => void;
  /** Transactional ids are `<prefix>.<topic>.<partition>`; defaults to the group id. */
  transactionalIdPrefix?: string;
  /**
   * Partition batches handled at once; defaults to every partition of the input topics. kafkajs
   * fetches again only when all of a fetch's batches are done, and each batch is a transaction of
   * several round trips, so batches waiting their turn add whole transactions to latency.
   */
  partitionsConsumedConcurrently?: number;
  /** Attempts for a RetriableError thrown by `handle` before the batch is given up to a consumer restart. */
  maxAttempts?: number;
  maxBytesPerPartition?: number;
}

export interface Stage {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Joined its group and not stopping. */
  isReady(): boolean;
  counts(): { consumed: number; produced: number; deadLettered: number; committedBatches: number };
}

interface PartitionState {
  producer: Producer;
  /** First offset not yet committed, read after fencing; anything below was done by a previous owner. */
  nextOffset: bigint;
}

const headerText = (headers: Message['headers'] | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  return out;
};

/**
 * Runs consume → decode → validate → handle → produce as one Kafka transaction per partition batch,
 * so outputs, dead letters and the consumed offsets commit together or not at all.
 *
 * kafkajs has no KIP-447 (consumer-group metadata in transactions), so fencing follows the older
 * scheme: one transactional producer per input partition. Whoever owns a partition first
 * initialises that partition's transactional id, which bumps the epoch, aborts a previous owner's
 * open transaction and fences it out; only then is the committed offset re-read, and records below
 * it are skipped, so a zombie's late commit can never be processed twice.
 */
export function createStage<T>(
  deps: { kafka: Kafka; admin: Admin; serde: AvroSerde; logger: Logger; metrics: Registry },
  definition: StageDefinition<T>,
): Stage {
  const { kafka, admin, serde, metrics } = deps;
  const logger = deps.logger.child({ stage: definition.name });
  const prefix = definition.transactionalIdPrefix ?? definition.groupId;
  const maxAttempts = definition.maxAttempts ?? 8;
  const partitions = new Map<string, PartitionState>();
  const totals = { consumed: 0, produced: 0, deadLettered: 0, committedBatches: 0 };
  let consumer: Consumer | undefined;
  let joined = false;
  let stopping = false;

  const labels = { stage: definition.name };
  const consumedCounter = getOrCreate(
    metrics,
    'clearway_stage_consumed_total',
    () =>
      new Counter({
        name: 'clearway_stage_consumed_total',
        help: 'Records consumed',
        labelNames: ['stage'],
        registers: [metrics],
      }),
  );
  const producedCounter = getOrCreate(
    metrics,
    'clearway_stage_produced_total',
    () =>
      new Counter({
        name: 'clearway_stage_produced_total',
        help: 'Records produced',
        labelNames: ['stage', 'topic'],
        registers: [metrics],
      }),
  );
  const deadCounter = getOrCreate(
    metrics,
    'clearway_stage_dead_letters_total',
    () =>
      new Counter({
        name: 'clearway_stage_dead_letters_total',
        help: 'Records dead-lettered',
        labelNames: ['stage', 'code'],
        registers: [metrics],
      }),
  );
  const retryCounter = getOrCreate(
    metrics,
    'clearway_stage_retries_total',
    () =>
      new Counter({
        name: 'clearway_stage_retries_total',
        help: 'Transient failures retried',
        labelNames: ['stage'],
        registers: [metrics],
      }),
  );
  const batchSeconds = getOrCreate(
    metrics,
    'clearway_stage_batch_seconds',
    () =>
      new Histogram({
        name: 'clearway_stage_batch_seconds',
        help: 'Time to process and commit one partition batch',
        labelNames: ['stage'],
        buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [metrics],
      }),
  );

  /** Partitions of the input topics as the broker has them (at least one). */
  const inputPartitions = async (): Promise<number> => {
    const { topics } = await admin.fetchTopicMetadata({ topics: definition.inputTopics });
    return Math.max(
      1,
      topics.reduce((n, t) => n + t.partitions.length, 0),
    );
  };

  const dropPartition = async (tp: string) => {
    const state = partitions.get(tp);
    partitions.delete(tp);
    await state?.producer.disconnect().catch(() => undefined);
  };

  const claimPartition = async (topic: string, partition: number): Promise<PartitionState> => {
    const tp = `${topic}:${partition}`;
    const existing = partitions.get(tp);
    if (existing) return existing;
    const producer = kafka.producer({
      transactionalId: `${prefix}.${topic}.${partition}`,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000,
      // An outage is waited out with backoff rather than failing the batch; kafkajs also warns that
      // bounded retries weaken idempotence.
      // CONCURRENT_TRANSACTIONS (the previous commit's markers still being written) meets nearly
      // every transaction that follows another on the same partition within a few ms, and clears in
      // 1–5 ms. Measured here with back-to-back transactions, p90 per transaction: 28.7 ms with a
      // 20 ms first retry, 7.1 ms with 1 ms. A real outage still backs off, doubling to 10 s.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 2, maxRetryTime: 10_000 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect(); // InitProducerId: fences any previous owner of this partition.
    const offsets = await admin.fetchOffsets({ groupId: definition.groupId, topics: [topic] });
    const committed = offsets[0]?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
    const state = { producer, nextOffset: BigInt(committed === '-1' ? '0' : committed) };
    partitions.set(tp, state);
    return state;
  };

  const deadLetter = (
    message: Message & { offset: string; timestamp: string },
    topic: string,
    partition: number,
    code: DeadLetterCode,
    reason: string,
  ): OutboundRecord => {
    const letter: DeadLetter = {
      stage: definition.name,
      sourceTopic: topic,
      sourcePartition: partition,
      sourceOffset: message.offset,
      sourceTimestamp: message.timestamp,
      key: message.key ? Buffer.from(message.key) : null,
      value: message.value ? Buffer.from(message.value) : null,
      headers: Object.entries(message.headers ?? {}).map(([key, v]) => ({
        key,
        value: v === undefined ? null : Buffer.from(Array.isArray(v) ? v.map(String).join(',') : v),
      })),
      reasonCode: code,
      reason,
      failedAt: Date.now(),
    };
    return {
      topic: definition.deadLetterTopic,
      key: message.key?.toString() ?? `${topic}:${partition}:${message.offset}`,
      value: letter,
    };
  };

  const processBatch = async (payload: EachBatchPayload) => {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const resolveOffset = (offset: string) => payload.resolveOffset(offset);
    if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
    const started = performance.now();
    const { topic, partition } = batch;
    const tp = `${topic}:${partition}`;
    let state: PartitionState;
    try {
      state = await claimPartition(topic, partition);
    } catch (error) {
      await dropPartition(tp);
      throw error;
    }
    const messages = batch.messages.filter((m) => BigInt(m.offset) >= state.nextOffset);
    if (messages.length === 0) {
      resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
      return;
    }

    // Decode and validate; rejected records keep their place so outputs stay in input order.
    const outputs: OutboundRecord[][] = Array.from({ length: messages.length }, () => []);
    const accepted: InboundRecord<T>[] = [];
    const acceptedIndex: number[] = [];
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      try {
        const value = m.value
          ? (serde.tryDecodeCached<T>(topic, m.value) ?? (await serde.decode<T>(topic, m.value)))
          : await serde.decode<T>(topic, null);
        const record: InboundRecord<T> = {
          topic,
          partition,
          offset: m.offset,
          timestamp: m.timestamp,
          key: m.key ? m.key.toString() : null,
          headers: headerText(m.headers),
          value,
        };
        const invalid = definition.validate?.(record);
        if (invalid) throw new RecordRejected('INVALID', invalid);
        accepted.push(record);
        acceptedIndex.push(i);
      } catch (error) {
        if (!(error instanceof RecordRejected)) throw error;
        outputs[i] = [deadLetter(m, topic, partition, error.code, error.message)];
        deadCounter.inc({ ...labels, code: error.code });
        totals.deadLettered++;
      }
    }

    if (accepted.length > 0) {
      const dispositions = await retryWithBackoff(() => definition.handle(accepted, { heartbeat }), {
        maxAttempts,
        isRetriable: (error) => error instanceof RetriableError,
        onRetry: async (error, attempt, delayMs) => {
          retryCounter.inc(labels);
          logger.warn(
            { err: (error as Error).message, attempt, delayMs, topic, partition },
            'transient failure, retrying batch',
          );
          await heartbeat();
        },
      });
      if (dispositions.length !== accepted.length)
        throw new Error(
          `${definition.name}: handler returned ${dispositions.length} dispositions for ${accepted.length} records`,
        );
      dispositions.forEach((d, j) => {
        const i = acceptedIndex[j]!;
        if ('reject' in d) {
          outputs[i] = [deadLetter(messages[i]!, topic, partition, d.reject.code, d.reject.reason)];
          deadCounter.inc({ ...labels, code: d.reject.code });
          totals.deadLettered++;
        } else {
          outputs[i] = d.records;
        }
      });
    }

    const byTopic = new Map<string, Message[]>();
    let producedHere = 0;
    for (const list of outputs) {
      for (const out of list) {
        let bucket = byTopic.get(out.topic);
        if (!bucket) byTopic.set(out.topic, (bucket = []));
        bucket.push({
          key: out.key,
          value: serde.encode(out.topic, out.value),
          ...(out.headers ? { headers: out.headers } : {}),
        });
        producedHere++;
      }
    }

    const lastOffset = messages[messages.length - 1]!.offset;
    const nextOffset = BigInt(lastOffset) + 1n;
    const offsets = [{ topic, partitions: [{ partition, offset: nextOffset.toString() }] }];
    if (producedHere === 0) {
      // Nothing to publish (e.g. the dispatcher storing bookings): the offsets
      // alone are committed through the group, one request instead of a transaction's four and its
      // markers. Nothing is lost to atomicity: there is no output to pair them with, and the state a
      // handler writes is idempotent per input record, so a redelivery after a crash rewrites the
      // same. A member whose generation is stale has its commit refused, as a fenced producer would.
      await payload.commitOffsetsIfNecessary({ topics: offsets });
    } else {
      const transaction = await state.producer.transaction();
      try {
        for (const chunk of chunkBySize(byTopic, MAX_REQUEST_BYTES))
          await transaction.sendBatch({ topicMessages: chunk });
        await transaction.sendOffsets({
          consumerGroupId: definition.groupId,
          topics: offsets,
        });
        await transaction.commit();
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        await dropPartition(tp); // fenced or broken: the next attempt re-claims and re-reads offsets
        throw error;
      }
    }
    state.nextOffset = nextOffset;
    resolveOffset(lastOffset);
    totals.consumed += messages.length;
    totals.produced += producedHere;
    totals.committedBatches++;
    consumedCounter.inc(labels, messages.length);
    for (const [t, msgs] of byTopic) producedCounter.inc({ ...labels, topic: t }, msgs.length);
    batchSeconds.observe(labels, (performance.now() - started) / 1000);
    definition.afterCommit?.(accepted);
    await heartbeat();
  };

  return {
    async start() {
      stopping = false;
      await Promise.all(
        [...new Set([...definition.inputTopics, definition.deadLetterTopic])].map((t) =>
          serde.registerTopic(t),
        ),
      );
      consumer = kafka.consumer({
        groupId: definition.groupId,
        readUncommitted: false,
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        maxBytesPerPartition: definition.maxBytesPerPartition ?? 1_048_576,
        retry: {
          retries: 8,
          // Restart after transient failures (the group re-joins and offsets are re-read); a bug stops.
          restartOnFailure: async (error: Error): Promise<boolean> => {
            const retriable =
              error instanceof RetriableError ||
              (error as { retriable?: boolean }).retriable === true ||
              error.name.startsWith('KafkaJS');
            logger.error({ err: error.message, restart: retriable }, 'consumer failed');
            return retriable;
          },
        },
      });
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        joined = true;
        logger.info({ assignment: event.payload.memberAssignment }, 'joined group');
        // Partitions may have had another owner meanwhile: re-fence and re-read offsets on next use.
        for (const tp of [...partitions.keys()]) void dropPartition(tp);
      });
      consumer.on(consumer.events.CRASH, (event) => {
        joined = false;
        logger.error(
          { err: event.payload.error.message, restart: event.payload.restart },
          'consumer crashed',
        );
        if (!event.payload.restart && !stopping) definition.onFatal?.(event.payload.error);
      });
      const concurrently = definition.partitionsConsumedConcurrently ?? (await inputPartitions());
      await consumer.connect();
      for (const topic of definition.inputTopics) await consumer.subscribe({ topic, fromBeginning: true });
      logger.info({ partitionsConcurrently: concurrently }, 'consuming');
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: concurrently,
        eachBatch: processBatch,
      });
    },
    async stop() {
      stopping = true;
      joined = false;
      await consumer?.disconnect();
      await Promise.all([...partitions.keys()].map(dropPartition));
      logger.info(totals, 'stage stopped');
    },
    isReady: () => joined && !stopping,
    counts: () => ({ ...totals }),
  };
}

function getOrCreate<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}
