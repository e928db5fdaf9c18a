// Which assignments already have a result, read from the results topic itself: the record the
// dispatcher applies and dedupes against, so it also knows results published by an earlier version
// of a terminal, by another client of the same lanes, or by a process that stopped before it could
// note them anywhere else.
import { RecordRejected, type AvroSerde, type Kafka } from '@clearway/kafka';
import type { Logger } from '@clearway/observability';
import type { InspectionResult } from '@clearway/schemas';

export async function readReportedAssignments(options: {
  kafka: Kafka;
  serde: AvroSerde;
  topic: string;
  /** A group of its own: it never commits and is deleted afterwards. */
  groupId: string;
  logger: Logger;
  concerns: (result: InspectionResult) => boolean;
}): Promise<Set<string>> {
  const { kafka, serde, topic, groupId, logger } = options;
  const reported = new Set<string>();
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Read up to the end offsets as they are now (read_committed, like the consumer below).
    const ends = new Map(
      (await admin.fetchTopicOffsets(topic))
        .filter((o) => Number(o.high) > Number(o.low))
        .map((o) => [o.partition, Number(o.high)]),
    );
    if (ends.size === 0) return reported;

    const consumer = kafka.consumer({ groupId, readUncommitted: false, allowAutoTopicCreation: false });
    const read = new Promise<void>((resolve, reject) => {
      // Also emitted for a fetch holding only control records, so a partition ending in a
      // transaction marker is still seen to reach its end.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const end = ends.get(payload.partition);
        if (end !== undefined && Number(payload.lastOffset) + 1 >= end) ends.delete(payload.partition);
        if (ends.size === 0) resolve();
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) reject(payload.error);
      });
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const result = await serde
              .decode<InspectionResult>(topic, message.value)
              .catch((error: unknown) => {
                // Not a result the dispatcher could have applied (it dead-letters such records). An
                // outage is thrown, and kafkajs retries the batch.
                if (!(error instanceof RecordRejected)) throw error;
                logger.warn(
                  { err: error.message, partition: batch.partition, offset: message.offset },
                  'unreadable record on the results topic, skipped',
                );
                return null;
              });
            if (result !== null && options.concerns(result)) reported.add(result.assignmentId);
          }
        },
      });
      await read;
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return reported;
  } finally {
    await admin.disconnect();
  }
}
