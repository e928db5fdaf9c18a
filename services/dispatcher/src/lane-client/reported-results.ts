// Which assignments already have a result, read from the results topic itself: the record the
// dispatcher applies and dedupes against, so it also knows results published by an earlier version
// of a terminal, by another client of the same lanes, or by a process that stopped before it could
// note them anywhere else.
import { RecordRejected, readWindow, type AvroSerde, type Kafka } from '@clearway/kafka';
import type { Logger } from '@clearway/observability';
import type { InspectionResult } from '@clearway/schemas';

export async function readReportedAssignments(options: {
  kafka: Kafka;
  serde: AvroSerde;
  topic: string;
  logger: Logger;
  concerns: (result: InspectionResult) => boolean;
}): Promise<Set<string>> {
  const { kafka, serde, topic, logger } = options;
  const reported = new Set<string>();
  // Committed records up to the end offsets as they are now, by a group that never commits.
  const summary = await readWindow({
    kafka,
    groupPrefix: 'clearway-lanes-reported',
    ranges: [{ topic, fromMs: null, toMs: null }],
    onBatch: async (records) => {
      for (const record of records) {
        const result = await serde.decode<InspectionResult>(topic, record.value).catch((error: unknown) => {
          // Not a result the dispatcher could have applied (it dead-letters such records). An
          // outage is thrown, and ends the read with it.
          if (!(error instanceof RecordRejected)) throw error;
          logger.warn(
            { err: error.message, partition: record.partition, offset: record.offset },
            'unreadable record on the results topic, skipped',
          );
          return null;
        });
        if (result !== null && options.concerns(result)) reported.add(result.assignmentId);
      }
    },
  });
  if (summary.incomplete.length > 0)
    logger.warn({ incomplete: summary.incomplete }, 'results topic not read to its end');
  return reported;
}
