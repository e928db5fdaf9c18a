import { randomUUID } from 'node:crypto';
import type { AvroSerde, Kafka } from '@clearway/kafka';

export interface ReadRecord<T> {
  key: string | null;
  value: T;
  partition: number;
  offset: string;
  raw: Buffer | null;
}

/**
 * Reads a topic from the beginning as a read_committed consumer until `count` records arrived or
 * `idleMs` passed without new ones; decodes with the serde unless `raw` is asked for.
 */
export async function readTopic<T>(
  kafka: Kafka,
  serde: AvroSerde,
  topic: string,
  options: { count?: number; idleMs?: number; timeoutMs?: number; decode?: boolean } = {},
): Promise<ReadRecord<T>[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, readUncommitted: false });
  const records: ReadRecord<T>[] = [];
  const idleMs = options.idleMs ?? 3_000;
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  let lastArrival = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      lastArrival = Date.now();
      records.push({
        key: message.key?.toString() ?? null,
        value: options.decode === false ? (undefined as T) : await serde.decode<T>(topic, message.value),
        partition,
        offset: message.offset,
        raw: message.value,
      });
    },
  });
  while (Date.now() < deadline) {
    if (options.count !== undefined && records.length >= options.count && Date.now() - lastArrival > 500)
      break;
    if (options.count === undefined && Date.now() - lastArrival > idleMs) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await consumer.disconnect();
  return records;
}
