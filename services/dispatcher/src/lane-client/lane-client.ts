// The client an inspection lane's terminal uses: it receives its own lane's assignments (new,
// moved in, moved away or cancelled) and publishes what the inspection found.
import { randomUUID } from 'node:crypto';
import type { TopicNames } from '@clearway/infra';
import type { AvroSerde, Kafka } from '@clearway/kafka';
import type { Logger } from '@clearway/observability';
import type { Finding, InspectionOutcome, InspectionResult, LaneAssignment } from '@clearway/schemas';
import { readReportedAssignments } from './reported-results.ts';

export interface LaneClientOptions {
  kafka: Kafka;
  serde: AvroSerde;
  topics: TopicNames;
  logger: Logger;
  port: string;
  /** The lane(s) this terminal serves; a simulator may serve several. */
  laneIds: string[];
  /** Consumer group; defaults to one per port and lane set, so a restarted terminal resumes. */
  groupId?: string;
  /** Read assignments from the start of the topic (default) or only new ones. */
  fromBeginning?: boolean;
}

export interface ResultInput {
  assignment: Pick<LaneAssignment, 'assignmentId' | 'declarationId' | 'amendment' | 'port' | 'laneId'>;
  outcome: InspectionOutcome;
  findings?: Finding[];
  inspector?: string | null;
  startedAt: number;
  completedAt: number;
  /** Stable id: a retried publish with the same id is recognised as a duplicate. */
  resultId?: string;
}

export interface LaneClient {
  /** Delivers every assignment event concerning this terminal's lanes, in order per declaration. */
  start(onAssignment: (assignment: LaneAssignment) => Promise<void> | void): Promise<void>;
  /**
   * Assignments at these lanes that already have a result, whoever published it: the results topic
   * read up to its end. Before start(), it tells which of the assignments read again have been done.
   */
  reportedAssignments(): Promise<Set<string>>;
  publishResult(input: ResultInput): Promise<InspectionResult>;
  /** Several results in one request (a simulator, or a terminal catching up). */
  publishResults(inputs: ResultInput[]): Promise<InspectionResult[]>;
  stop(): Promise<void>;
}

/** Whether an assignment event concerns the lanes: work arriving, or work leaving them. */
export const concernsLanes = (a: LaneAssignment, port: string, laneIds: ReadonlySet<string>): boolean =>
  a.port === port && (laneIds.has(a.laneId) || (a.previousLaneId !== null && laneIds.has(a.previousLaneId)));

export function createLaneClient(options: LaneClientOptions): LaneClient {
  const { kafka, serde, topics, port } = options;
  const lanes = new Set(options.laneIds);
  const groupId = options.groupId ?? `clearway-lane-${port}-${[...lanes].sort().join('+')}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  let producerReady: Promise<void> | undefined;
  const logger = options.logger.child({ laneClient: `${port}/${[...lanes].join(',')}` });

  const ensureProducer = () =>
    (producerReady ??= Promise.all([producer.connect(), serde.registerTopic(topics.inspectionResults)]).then(
      () => undefined,
    ));

  const toResult = (input: ResultInput): InspectionResult => {
    const { assignment: a } = input;
    return {
      resultId: input.resultId ?? randomUUID(),
      assignmentId: a.assignmentId,
      declarationId: a.declarationId,
      amendment: a.amendment,
      port: a.port,
      laneId: a.laneId,
      outcome: input.outcome,
      findings: input.findings ?? [],
      inspector: input.inspector ?? null,
      startedAt: input.startedAt,
      completedAt: input.completedAt,
    };
  };

  const publishResults = async (inputs: ResultInput[]): Promise<InspectionResult[]> => {
    await ensureProducer();
    const results = inputs.map(toResult);
    await producer.send({
      topic: topics.inspectionResults,
      messages: results.map((r) => ({
        key: r.declarationId,
        value: serde.encode(topics.inspectionResults, r),
      })),
    });
    return results;
  };

  // Where this terminal has got to, committed at most once a second: kafkajs's auto-commit sends an
  // offset commit after every fetched batch, and with a batch every few ms that was a steady load on
  // the broker. A restart re-delivers at most the last second's assignments, which a terminal must
  // expect anyway (delivery is at least once) and the dispatcher recognises a repeated result.
  const done = new Map<number, string>();
  let commitTimer: ReturnType<typeof setInterval> | undefined;
  const commitDone = async () => {
    if (done.size === 0) return;
    const offsets = [...done].map(([partition, offset]) => ({
      topic: topics.laneAssignments,
      partition,
      offset: (BigInt(offset) + 1n).toString(),
    }));
    done.clear();
    await consumer
      .commitOffsets(offsets)
      .catch((error: Error) => logger.warn({ err: error.message }, 'committing assignment offsets failed'));
  };

  return {
    async start(onAssignment) {
      await consumer.connect();
      // Partitions may have moved: offsets noted before a rebalance are not this member's to commit.
      consumer.on(consumer.events.GROUP_JOIN, () => done.clear());
      await consumer.subscribe({
        topic: topics.laneAssignments,
        fromBeginning: options.fromBeginning ?? true,
      });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const a = await serde.decode<LaneAssignment>(topics.laneAssignments, message.value);
          if (concernsLanes(a, port, lanes)) await onAssignment(a);
          done.set(partition, message.offset);
        },
      });
      commitTimer = setInterval(() => void commitDone(), 1_000);
      logger.info({ groupId }, 'lane client receiving assignments');
    },
    reportedAssignments: () =>
      readReportedAssignments({
        kafka,
        serde,
        topic: topics.inspectionResults,
        logger,
        concerns: (r) => r.port === port && lanes.has(r.laneId),
      }),
    async publishResult(input) {
      const [result] = await publishResults([input]);
      return result!;
    },
    publishResults,
    async stop() {
      clearInterval(commitTimer);
      await commitDone();
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
