// Reads committed records of some topics between two broker timestamps without disturbing anyone: a
// throw-away consumer group that never commits, read_committed, seeked to the offsets the broker's
// offset-for-time lookup gives, and stopped at the end offsets captured before reading.
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';

export interface TopicRange {
  topic: string;
  /** Broker timestamp to start at; null from the beginning. */
  fromMs: number | null;
  /** Broker timestamp to stop before; null up to the end offsets seen at start. */
  toMs: number | null;
}

export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

export interface ReadSummary {
  records: number;
  /** Missing topics, and partitions that stopped before their end offset (e.g. an open transaction). */
  incomplete: string[];
}

interface PartitionRange {
  start: number;
  end: number;
  position: number;
}

export async function readWindow(options: {
  kafka: Kafka;
  /** Starts the throw-away group's name, so the broker's group list says who was reading. */
  groupPrefix?: string;
  ranges: TopicRange[];
  onBatch: (records: RawRecord[]) => Promise<void> | void;
  onProgress?: (done: number, total: number) => void;
  /** Stop when no partition advanced for this long. */
  idleMs?: number;
  /**
   * Awaited once the read is planned and its consumer has joined, before the first record: what
   * the records need can be fetched meanwhile. A rejection ends the read with that error.
   */
  ready?: Promise<unknown>;
}): Promise<ReadSummary> {
  const { kafka } = options;
  const admin = kafka.admin();
  await admin.connect();
  const partitions = new Map<string, PartitionRange>();
  const missing: string[] = [];
  try {
    const existing = new Set(await admin.listTopics());
    // Topics are planned at once (a few offset requests each), and listed in the order given.
    const planned = await Promise.all(
      options.ranges.map(async (range) => (existing.has(range.topic) ? planTopic(admin, range) : null)),
    );
    options.ranges.forEach((range, i) => {
      const plan = planned[i];
      if (!plan) missing.push(`topic ${range.topic} does not exist`);
      else for (const [key, p] of plan) partitions.set(key, p);
    });
  } catch (error) {
    await admin.disconnect();
    throw error;
  }
  const total = [...partitions.values()].reduce((n, p) => n + Math.max(0, p.end - p.start), 0);
  const open = () => [...partitions.entries()].filter(([, p]) => p.position < p.end);
  if (open().length === 0) {
    await admin.disconnect();
    await options.ready;
    return { records: 0, incomplete: missing };
  }

  const groupId = `${options.groupPrefix ?? 'clearway-audit'}-${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    // Fetches of a few MB, not tens: kafkajs copies each response into one buffer and decodes all of
    // its records before handing any over, so a 64 MB response cost fresh pages for the copy and
    // kept some 50,000 decoded messages alive across collections. On the replay benchmark (three
    // interleaved pairs): about half the system time, and faster in each pair. A record batch larger
    // than these limits is still returned whole (the broker always returns at least one).
    maxBytesPerPartition: 1024 * 1024,
    maxBytes: 8 * 1024 * 1024,
    maxWaitTimeInMs: 200,
  });
  let records = 0;
  let lastProgress = Date.now();
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const report = () => {
    const read = [...partitions.values()].reduce(
      (n, p) => n + Math.max(0, Math.min(p.position, p.end) - p.start),
      0,
    );
    options.onProgress?.(read, total);
  };
  const advance = (topic: string, partition: number, lastOffset: string) => {
    const p = partitions.get(`${topic}:${partition}`);
    if (!p) return;
    const next = Number(lastOffset) + 1;
    if (next > p.position) {
      p.position = next;
      lastProgress = Date.now();
    }
    if (open().length === 0) finished();
  };
  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    advance(event.payload.topic, event.payload.partition, event.payload.lastOffset);
    report();
  });

  const topics = [...new Set([...partitions.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: false });
    await options.ready;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch }) => {
        const p = partitions.get(`${batch.topic}:${batch.partition}`);
        if (!p) return;
        const out: RawRecord[] = [];
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          if (offset < p.start || offset >= p.end) continue;
          out.push({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            timestamp: Number(m.timestamp),
            key: m.key,
            value: m.value,
          });
        }
        records += out.length;
        if (out.length > 0) await options.onBatch(out);
      },
    });
    for (const [key, p] of partitions) {
      const i = key.lastIndexOf(':');
      consumer.seek({ topic: key.slice(0, i), partition: Number(key.slice(i + 1)), offset: String(p.start) });
    }
    const idleMs = options.idleMs ?? 15_000;
    const watchdog = setInterval(() => {
      if (Date.now() - lastProgress > idleMs) finished();
    }, 250);
    await done;
    clearInterval(watchdog);
  } finally {
    await consumer.disconnect();
    // The group never committed anything; removing it leaves no trace on the broker.
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  return {
    records,
    incomplete: [...missing, ...open().map(([key, p]) => `${key} stopped at ${p.position} of ${p.end}`)],
  };
}

async function planTopic(admin: Admin, range: TopicRange): Promise<Map<string, PartitionRange>> {
  const at = async (ms: number | null) =>
    ms === null
      ? undefined
      : new Map(
          (await admin.fetchTopicOffsetsByTimestamp(range.topic, ms)).map((o) => [
            o.partition,
            Number(o.offset),
          ]),
        );
  const [watermarks, starts, ends] = await Promise.all([
    admin.fetchTopicOffsets(range.topic),
    at(range.fromMs),
    at(range.toMs),
  ]);
  const into = new Map<string, PartitionRange>();
  for (const w of watermarks) {
    const low = Number(w.low);
    const high = Number(w.high);
    const start = Math.max(low, starts?.get(w.partition) ?? low);
    const end = Math.min(high, ends?.get(w.partition) ?? high);
    into.set(`${range.topic}:${w.partition}`, { start, end, position: start });
  }
  return into;
}
