import { hostname } from 'node:os';
import type { Admin, Consumer, EachBatchPayload, Kafka, Message, Producer, TopicOffsets } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { Logger, Registry } from '@clearway/observability';
import { Counter, Histogram } from '@clearway/observability';
import type { DeadLetter } from '@clearway/schemas';
import type { FieldSelection } from './avro-decoding.ts';
import type { AvroSerde } from './avro-serde.ts';
import { RecordRejected, RetriableError, type DeadLetterCode } from './errors.ts';
import { retryWithBackoff } from './backoff.ts';
import { CHUNK_LIMITS, chunkByPartition } from './chunk-by-size.ts';
import { createCommitGroup } from './commit-group.ts';
import {
  commitOffsetsAs,
  fetchStableOffsets,
  groupMembership,
  isGenerationError,
  type GroupMembership,
} from './kafkajs-group-fencing.ts';

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

export interface HandleContext {
  heartbeat: () => Promise<void>;
  /**
   * Work the batch's commit waits for, and fails with (e.g. state written for these records, which
   * must be in place before the outputs commit). The handler returns without waiting for it, so the
   * stage encodes the outputs and kafkajs fetches on while it runs. If it fails, the commit fails
   * and the stage goes back to the committed offsets, as after any failed commit. Only the attempt
   * that returned counts: work registered by an attempt that threw and was retried is dropped.
   */
  beforeCommit: (work: Promise<unknown>) => void;
}

export interface StageDefinition<T> {
  /** Stage name: dead letters, metrics and logs carry it. */
  name: string;
  groupId: string;
  inputTopics: string[];
  deadLetterTopic: string;
  /** Semantic validation after Avro decoding (e.g. a zod schema); a message sends the record to the DLQ. */
  validate?: (record: InboundRecord<unknown>) => string | undefined;
  /**
   * Input topics whose records are built with only the selected fields (see `AvroDecoding.projected`),
   * for a stage that reads a few fields of large records: the rest is skipped in the bytes, never
   * allocated. Dead letters still carry the record's original bytes.
   */
  inputFields?: Readonly<Record<string, FieldSelection>>;
  /** Handles one partition's batch; returns one disposition per record, in order. */
  handle: (batch: InboundRecord<T>[], context: HandleContext) => Promise<Disposition[]>;
  /** Called after a partition batch is committed (e.g. to update caches that must follow commits). */
  afterCommit?: (batch: InboundRecord<T>[]) => void;
  /**
   * Called when the consumer stops for good (a bug, or a failure kafkajs will not restart from). A
   * service exits non-zero here so that its supervisor restarts it, rather than idling as a zombie.
   */
  onFatal?: (error: Error) => void;
  /** The transactional id is `<prefix>.<instanceId>`; the prefix defaults to the group id. */
  transactionalIdPrefix?: string;
  /**
   * Names this member among the group's members; defaults to the host name. A restarted member must
   * keep its id, so that its first act, initialising the producer, aborts what its previous life left
   * open; two members running at once must differ, or they fence each other.
   */
  instanceId?: string;
  /**
   * Longest a finished batch waits for slower ones of the same fetch before a commit starts; default
   * 30 ms. The batches of one fetch finish a few to a few tens of ms apart (the dispatcher's booking
   * batches need one Redis round trip, its assessments two). A batch that misses a commit waits for
   * it to end before its own can start, and kafkajs fetches again only when both are done. At 1,000
   * declarations/s a 5 ms linger gave the dispatcher 1.8 transactions per fetch, 30 ms one; in
   * alternating e2e runs its hop's p50 went from 74–139 to 42–83 ms. A fetch of one batch commits
   * at once: the linger only runs while other batches of the fetch are still being handled.
   */
  commitLingerMs?: number;
  /**
   * Partition batches handled at once; defaults to every partition of the input topics. kafkajs
   * fetches again only when all of a fetch's batches are done, and batches handled together share
   * one transaction, so batches waiting their turn add whole transactions to latency.
   */
  partitionsConsumedConcurrently?: number;
  /** Attempts for a RetriableError thrown by `handle` before the batch is given up to a consumer restart. */
  maxAttempts?: number;
  /** Most bytes of one partition fetched at once, so the largest batch handled; default 1 MiB. */
  maxBytesPerPartition?: number;
}

export interface Stage {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Joined its group and not stopping. */
  isReady(): boolean;
  counts(): {
    consumed: number;
    produced: number;
    deadLettered: number;
    committedBatches: number;
    /** Consumer restarts after a failed commit. */
    restarts: number;
  };
}

/** Batches at least this long are handled while the commit before them runs (see processBatch). */
const PIPELINE_FROM_RECORDS = 100;

/** A batch that must not be committed: it is fetched again. */
class Discarded extends Error {
  constructor(why: string) {
    super(`batch discarded: ${why}`);
    this.name = 'Discarded';
  }
}

/** One partition batch's share of a commit. */
interface Committable {
  membership: GroupMembership;
  byTopic: Map<string, Message[]>;
  topic: string;
  partition: number;
  nextOffset: bigint;
  /** `epoch` when the batch was fetched: a commit failure since then means it is fetched again. */
  epoch: number;
  consumed: number;
  accepted: InboundRecord<unknown>[];
  /** The handler's `beforeCommit` work; rejects if any of it failed. */
  ready: Promise<unknown>;
  commitWithoutTransaction: (offsets: { topics: TopicOffsets[] }) => Promise<void>;
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
 * Runs consume → decode → validate → handle → produce as Kafka transactions, so outputs, dead letters
 * and the consumed offsets commit together or not at all. The partition batches of one fetch share a
 * transaction (see commit-group.ts).
 *
 * kafkajs has no KIP-447 (consumer-group metadata in transactions); kafkajs-group-fencing.ts adds it.
 * Each member has one transactional producer. Its offsets carry the generation its batches were
 * fetched under, so a member that lost its partitions in a rebalance cannot commit them; and after
 * each join a member reads where its partitions start only once no transaction holds offsets for
 * them, skipping records below that, so a zombie's late commit is never processed twice.
 */
export function createStage<T>(
  deps: { kafka: Kafka; admin: Admin; serde: AvroSerde; logger: Logger; metrics: Registry },
  definition: StageDefinition<T>,
): Stage {
  const { kafka, admin, serde, metrics } = deps;
  const logger = deps.logger.child({ stage: definition.name });
  const transactionalId = `${definition.transactionalIdPrefix ?? definition.groupId}.${definition.instanceId ?? hostname()}`;
  const maxAttempts = definition.maxAttempts ?? 8;
  const projections = new Map(
    Object.entries(definition.inputFields ?? {}).map(([topic, fields]) => {
      if (!definition.inputTopics.includes(topic))
        throw new Error(`stage ${definition.name}: inputFields names ${topic}, which is not an input topic`);
      return [topic, serde.projected<T>(topic, fields)] as const;
    }),
  );
  const totals = { consumed: 0, produced: 0, deadLettered: 0, committedBatches: 0, restarts: 0 };
  let consumer: Consumer | undefined;
  let producer: Promise<Producer> | undefined;
  /** First offset of each assigned partition not yet committed, as of `positionsOf`'s generation. */
  let positions: Promise<Map<string, bigint>> | undefined;
  let positionsOf = -1;
  /** This member's id in the group, from kafkajs's last GROUP_JOIN event. */
  let memberId = '';
  let epoch = 0;
  let restart: Promise<void> | undefined;
  let runConsumer: () => Promise<void> = async () => undefined;
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
  const transactions = getOrCreate(
    metrics,
    'clearway_stage_transactions_total',
    () =>
      new Counter({
        name: 'clearway_stage_transactions_total',
        help: 'Kafka transactions committed (each covers the partition batches handled together)',
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

  const connectProducer = async (): Promise<Producer> => {
    const created = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 60_000,
      // An outage is waited out with backoff rather than failing the batch; kafkajs also warns that
      // bounded retries weaken idempotence.
      // CONCURRENT_TRANSACTIONS (the previous commit's markers still being written) meets nearly
      // every transaction that follows another within a few ms, and clears in 1–5 ms. Measured here
      // with back-to-back transactions, p90 per transaction: 28.7 ms with a 20 ms first retry, 7.1 ms
      // with 1 ms. A real outage still backs off, doubling to 10 s.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 2, maxRetryTime: 10_000 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await created.connect();
    // kafkajs sends the transactional InitProducerId only when the first transaction begins, not on
    // connect. Beginning (and dropping) an empty one does it now: the broker aborts what this
    // member's previous life left open, so reading where to start does not wait for its timeout.
    await (await created.transaction()).abort();
    return created;
  };
  const theProducer = (): Promise<Producer> => {
    producer ??= connectProducer().catch((error: unknown) => {
      producer = undefined;
      throw error;
    });
    return producer;
  };
  const dropProducer = async () => {
    const current = producer;
    producer = undefined;
    await current?.then((p) => p.disconnect()).catch(() => undefined);
  };

  /** Where this generation's partitions start: committed offsets no open transaction still holds. */
  const positionsFor = (membership: GroupMembership, heartbeat: () => Promise<void>) => {
    if (positions && positionsOf === membership.generationId) return positions;
    positionsOf = membership.generationId;
    positions = theProducer() // first, so that this member's own earlier transaction is not waited for
      .then(() =>
        fetchStableOffsets(membership, membership.assigned, {
          maxWaitMs: 120_000, // a dead member's transaction is aborted by the broker after its timeout
          onWait: heartbeat,
        }),
      )
      .catch((error: unknown) => {
        positions = undefined;
        positionsOf = -1;
        throw error;
      });
    return positions;
  };

  /**
   * Output topics' partition counts, for cutting produce requests per partition; read when a topic is
   * first written and again every few minutes (partitions can be added). Records of a topic whose
   * count cannot be read are left for the producer to place, and cut as if all in one partition.
   */
  const knownPartitions = new Map<string, { count: number; readAt: number }>();
  const partitionCounts = async (topics: string[]): Promise<Map<string, number>> => {
    const now = Date.now();
    const stale = topics.filter((t) => (knownPartitions.get(t)?.readAt ?? -Infinity) < now - 300_000);
    if (stale.length > 0) {
      try {
        const { topics: found } = await admin.fetchTopicMetadata({ topics: stale });
        for (const t of found) knownPartitions.set(t.name, { count: t.partitions.length, readAt: now });
      } catch (error) {
        logger.warn({ err: (error as Error).message, topics: stale }, 'cannot read partition counts');
      }
    }
    return new Map(topics.map((t) => [t, knownPartitions.get(t)?.count ?? 0]));
  };

  const commitTogether = async (all: Committable[]): Promise<(Error | undefined)[]> => {
    // Fetched before the last join (the partition may have moved; kafkajs fetches again from the
    // committed offsets) or before a failed commit (see `commitFailed`): never committed.
    const current = groupMembership(definition.groupId, memberId);
    const outcomes = all.map((i) =>
      i.membership.generationId !== current?.generationId
        ? new Discarded(
            `fetched in generation ${i.membership.generationId}, the group is now in ${current?.generationId}`,
          )
        : i.epoch !== epoch
          ? new Discarded('fetched before a commit failed')
          : undefined,
    );
    const items = all.filter((_, i) => !outcomes[i]);
    if (items.length === 0) return outcomes;
    try {
      await publishTogether(items);
    } catch (error) {
      // Now, before the commit group starts the next commit (it does so as soon as this one
      // settles): no batch fetched before this failure may commit, or its offsets would pass the
      // failed records without their outputs. Left to the items' rejection handlers, which run
      // later, the next commit's check above would still see the old epoch.
      commitFailed(error, items[0]!);
      throw error;
    }
    return outcomes;
  };

  /** One transaction: the items' outputs and their consumed offsets, once their handlers' work is done. */
  const publishTogether = async (items: Committable[]): Promise<void> => {
    await Promise.all(items.map((i) => i.ready));
    const offsets = new Map<string, { partition: number; offset: string }[]>();
    const byTopic = new Map<string, Message[]>();
    for (const item of items) {
      let list = offsets.get(item.topic);
      if (!list) offsets.set(item.topic, (list = []));
      list.push({ partition: item.partition, offset: item.nextOffset.toString() });
      for (const [topic, messages] of item.byTopic) {
        const bucket = byTopic.get(topic);
        if (bucket) for (const m of messages) bucket.push(m);
        else byTopic.set(topic, messages.slice());
      }
    }
    const topics = [...offsets].map(([topic, partitions]) => ({ topic, partitions }));
    if (byTopic.size === 0) {
      // Nothing to publish (e.g. the dispatcher storing bookings): the offsets alone are committed
      // through the group, one request instead of a transaction's four and its markers. Nothing is
      // lost to atomicity: there is no output to pair them with, and the state a handler writes is
      // idempotent per input record, so a redelivery after a crash rewrites the same. The group
      // refuses the commit of a member whose generation is stale.
      await items[0]!.commitWithoutTransaction({ topics });
      return;
    }
    const member = await theProducer();
    const transaction = await member.transaction();
    try {
      const counts = await partitionCounts([...byTopic.keys()]);
      for (const chunk of chunkByPartition(byTopic, (t) => counts.get(t) ?? 0, CHUNK_LIMITS))
        await transaction.sendBatch({ topicMessages: chunk });
      commitOffsetsAs(transactionalId, items[0]!.membership);
      await transaction.sendOffsets({ consumerGroupId: definition.groupId, topics });
      await transaction.commit();
      transactions.inc(labels);
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      await dropProducer(); // fenced or broken: the next commit starts a new producer
      throw error;
    }
  };

  /**
   * A commit failed after kafkajs had moved on to later records. Nothing fetched before now may
   * commit (`epoch`), or offsets past the failed records would be committed without their outputs;
   * and the consumer is restarted, which rejoins the group and fetches again from the committed
   * offsets. A rebalance needs neither: kafkajs has already rejoined and refetches.
   */
  const commitFailed = (error: unknown, item: Committable) => {
    if (error instanceof Discarded || item.epoch !== epoch) return;
    if (isGenerationError(error)) return;
    epoch++;
    logger.error(
      { err: (error as Error).message, topic: item.topic, partition: item.partition },
      'commit failed; restarting the consumer from the committed offsets',
    );
    totals.restarts++;
    restart ??= (async () => {
      try {
        await consumer?.stop();
        if (!stopping) await runConsumer();
      } catch (failure) {
        logger.error({ err: (failure as Error).message }, 'restarting the consumer failed');
        definition.onFatal?.(failure as Error);
      } finally {
        restart = undefined;
      }
    })();
  };
  const commits = createCommitGroup<Committable>({
    commit: commitTogether,
    lingerMs: definition.commitLingerMs ?? 30,
  });

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
    // Stopping: batches already fetched are left for whoever owns the partition next.
    if (stopping || batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
    const ticket = commits.enter();
    const started = performance.now();
    let done: Committable | undefined;
    let committed: Promise<void> | undefined;
    // The commit running while this batch is handled: a long batch waits only for that one.
    const previous = commits.inFlight();
    try {
      done = await prepareBatch(payload, epoch);
      if (done) committed = ticket.submit(done);
    } finally {
      if (!committed) ticket.leave();
    }
    if (!committed || !done) return;
    const item = done;
    // kafkajs may fetch on before the commit is done; if it fails, `commitFailed` goes back.
    payload.resolveOffset((item.nextOffset - 1n).toString());
    committed.then(
      () => afterCommitted(item, started),
      (error: unknown) => commitFailed(error, item),
    );
    // With a backlog (full batches), handling the next batch while this one commits raised
    // throughput here (assignments 4.5k/s → 6.0k/s end to end); at a steady rate, with batches of a
    // few records, it only made transactions follow each other more closely (p99 at 1,000/s 294–455
    // → 481 ms), so a small batch waits for its own commit.
    await (batch.messages.length >= PIPELINE_FROM_RECORDS ? previous : committed.catch(() => undefined));
    await payload.heartbeat();
  };

  const afterCommitted = (done: Committable, started: number) => {
    totals.committedBatches++;
    totals.consumed += done.consumed;
    consumedCounter.inc(labels, done.consumed);
    let producedHere = 0;
    for (const [t, msgs] of done.byTopic) {
      producedCounter.inc({ ...labels, topic: t }, msgs.length);
      producedHere += msgs.length;
    }
    totals.produced += producedHere;
    batchSeconds.observe(labels, (performance.now() - started) / 1000);
    definition.afterCommit?.(done.accepted as InboundRecord<T>[]);
  };

  /** Decodes, validates and handles one partition batch; undefined when all of it was done before. */
  const prepareBatch = async (
    payload: EachBatchPayload,
    fetchedIn: number,
  ): Promise<Committable | undefined> => {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const { topic, partition } = batch;
    const membership = groupMembership(definition.groupId, memberId);
    if (!membership) throw new Error(`${definition.name}: consuming without a group membership`);
    const start = (await positionsFor(membership, heartbeat)).get(`${topic}:${partition}`) ?? -1n;
    const messages = start < 0n ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) >= start);
    if (messages.length === 0) {
      payload.resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
      return undefined;
    }

    // Decode and validate; rejected records keep their place so outputs stay in input order.
    const outputs: OutboundRecord[][] = Array.from({ length: messages.length }, () => []);
    const accepted: InboundRecord<T>[] = [];
    const acceptedIndex: number[] = [];
    const projection = projections.get(topic);
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      try {
        const value = projection
          ? ((m.value && projection.tryDecodeCached(m.value)) ?? (await projection.decode(m.value)))
          : m.value
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

    let work: Promise<unknown>[] = [];
    if (accepted.length > 0) {
      const dispositions = await retryWithBackoff(
        () => {
          // Each attempt its own list, so one that threw leaves nothing for the commit to wait for.
          const mine: Promise<unknown>[] = [];
          work = mine;
          const beforeCommit = (w: Promise<unknown>) => {
            w.catch(() => undefined); // handled: a failure reaches the commit through `ready`
            mine.push(w);
          };
          return definition.handle(accepted, { heartbeat, beforeCommit });
        },
        {
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
        },
      );
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
    for (const list of outputs) {
      for (const out of list) {
        let bucket = byTopic.get(out.topic);
        if (!bucket) byTopic.set(out.topic, (bucket = []));
        bucket.push({
          key: out.key,
          value: serde.encode(out.topic, out.value),
          ...(out.headers ? { headers: out.headers } : {}),
        });
      }
    }
    const ready = Promise.all(work);
    ready.catch(() => undefined); // a batch discarded before its commit never waits for it
    return {
      ready,
      epoch: fetchedIn,
      consumed: messages.length,
      membership,
      byTopic,
      topic,
      partition,
      nextOffset: BigInt(messages[messages.length - 1]!.offset) + 1n,
      accepted,
      commitWithoutTransaction: (offsets) => payload.commitOffsetsIfNecessary(offsets),
    };
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
        memberId = event.payload.memberId;
        // Where each partition starts is read again, for the new generation, by its first batch.
        logger.info({ assignment: event.payload.memberAssignment }, 'joined group');
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
      runConsumer = () =>
        consumer!.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: concurrently,
          eachBatch: processBatch,
        });
      await runConsumer();
    },
    async stop() {
      stopping = true;
      joined = false;
      await restart;
      // Stop fetching but stay in the group until what was handled has committed: after leaving,
      // the coordinator would refuse its offsets and the work would be done again by the next owner.
      try {
        consumer?.pause(definition.inputTopics.map((topic) => ({ topic })));
      } catch {
        // not running (stopped before it started): nothing is being handled
      }
      await commits.idle();
      await consumer?.disconnect();
      await dropProducer();
      positions = undefined;
      positionsOf = -1;
      logger.info(totals, 'stage stopped');
    },
    isReady: () => joined && !stopping,
    counts: () => ({ ...totals }),
  };
}

function getOrCreate<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}
