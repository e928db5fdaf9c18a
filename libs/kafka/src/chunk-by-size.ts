import type { Message } from 'kafkajs';
import { murmur2 } from './kafkajs-partitioning-patch.ts';

// Kafka refuses a record batch over the topic's max.message.bytes (1 MiB by default). A producer
// sends one batch per partition in each request, so what has to stay under the limit is each
// partition's share of a request, not the request. Requests used to be cut at 512 KiB in all: an
// input batch of 27,000 declarations became ~60 produce requests, each one a round trip that an
// idempotent producer sends only after the previous one's answer (kafkajs holds a lock per broker),
// while the event loop was busy with the next batch. Cutting per partition sends each request with
// up to `partitionBytes` for every partition it touches.

export interface ChunkLimits {
  /** Most bytes of records for one partition in one request (keeps its batch under max.message.bytes). */
  partitionBytes: number;
  /** Most bytes of records in one request. */
  requestBytes: number;
}

/** Well under Kafka's default max.message.bytes (1,048,588), with room for the batch's own framing. */
export const CHUNK_LIMITS: ChunkLimits = { partitionBytes: 896 * 1024, requestBytes: 8 * 1024 * 1024 };

/** A record's bytes in a batch: key and value plus the record's framing (varints, attributes, headers). */
const RECORD_OVERHEAD = 64;
const recordBytes = (m: Message): number =>
  ((m.value as Buffer | null)?.length ?? 0) +
  (m.key === null || m.key === undefined ? 0 : Buffer.byteLength(m.key)) +
  RECORD_OVERHEAD;

/**
 * The partition kafkajs's default (Java-compatible) partitioner gives a keyed record; unkeyed records
 * would be spread round-robin, so they get none here.
 */
export function partitionOfKey(key: Message['key'], partitions: number): number | undefined {
  if (key === null || key === undefined || !(partitions > 0)) return undefined;
  return (murmur2(key) & 0x7fffffff) % partitions;
}

/**
 * Splits a commit's records into produce requests. Each keyed record without a partition is given
 * (in place) the one the default partitioner would choose (`partitionsOf` says how many partitions a
 * topic has; 0 if unknown, which leaves the choice to the producer), so that each
 * partition's bytes per request can be counted; its records stay in order across requests. A record
 * whose partition is not known (no key) counts against `partitionBytes` on its own, as if every such
 * record of a topic went to the same partition. A single record over a limit goes alone.
 */
export function chunkByPartition(
  byTopic: Map<string, Message[]>,
  partitionsOf: (topic: string) => number,
  limits: ChunkLimits,
): { topic: string; messages: Message[] }[][] {
  const chunks: { topic: string; messages: Message[] }[][] = [];
  let current = new Map<string, Message[]>();
  let perPartition = new Map<string, number>();
  let requestSize = 0;
  const close = () => {
    if (current.size > 0) chunks.push([...current].map(([topic, messages]) => ({ topic, messages })));
    current = new Map();
    perPartition = new Map();
    requestSize = 0;
  };
  for (const [topic, messages] of byTopic) {
    const partitions = partitionsOf(topic);
    for (const m of messages) {
      const partition = m.partition ?? partitionOfKey(m.key, partitions);
      const slot = `${topic}\u0000${partition ?? 'unkeyed'}`;
      const bytes = recordBytes(m);
      const inPartition = perPartition.get(slot) ?? 0;
      if (
        requestSize > 0 &&
        (inPartition + bytes > limits.partitionBytes || requestSize + bytes > limits.requestBytes)
      )
        close();
      perPartition.set(slot, (perPartition.get(slot) ?? 0) + bytes);
      requestSize += bytes;
      let list = current.get(topic);
      if (!list) current.set(topic, (list = []));
      if (partition !== undefined) m.partition = partition;
      list.push(m);
    }
  }
  close();
  return chunks;
}
