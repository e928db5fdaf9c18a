// Builds the dispatcher from clients and settings (used by main.ts and the integration tests).
import type { TopicNames } from '@clearway/infra';
import {
  createStage,
  type Admin,
  type AvroSerde,
  type Kafka,
  type SelectionOf,
  type Stage,
} from '@clearway/kafka';
import type { Logger, Registry } from '@clearway/observability';
import type { Redis } from '@clearway/redis';
import { createDispatchStore, type DispatchStore } from './adapters/dispatch-store.ts';
import { createDispatcherMetrics } from './adapters/metrics.ts';
import type { BookingPolicy } from './domain/booking.ts';
import type { DispatchedAssessment } from './domain/dispatched-assessment.ts';
import type { PortsConfig } from './domain/ports-config.ts';
import { createOnRecords } from './handlers/on-records.ts';

/** The assessment fields the stage decodes: those of DispatchedAssessment, checked both ways. */
const dispatchedAssessmentFields = {
  assessmentId: true,
  declarationId: true,
  amendment: true,
  port: true,
  submittedAt: true,
  freightClass: true,
  inspectionLevel: true,
  sampled: true,
  rulesetVersion: true,
  routing: true,
  firedRules: { ruleId: true, kind: true },
  decision: { summary: true },
} as const satisfies SelectionOf<DispatchedAssessment>;

export interface Dispatcher {
  stage: Stage;
  store: DispatchStore;
  /** Reports no-shows and refreshes lane gauges; run on a timer. */
  sweep(): Promise<void>;
}

export function createDispatcher(
  clients: { kafka: Kafka; admin: Admin; serde: AvroSerde; logger: Logger; metrics: Registry; redis: Redis },
  settings: {
    topics: TopicNames;
    groupId: string;
    keyPrefix: string;
    ttlSeconds: number;
    ports: PortsConfig;
    policy: BookingPolicy;
    /** Partition batches handled at once; default every input partition (see the stage runner). */
    partitionsConcurrently?: number | undefined;
    /** Longest a handled batch waits for the rest of its fetch to share a commit (see the stage runner). */
    commitLingerMs?: number | undefined;
    /** Most bytes of one partition fetched at once; default the stage runner's (1 MiB). */
    fetchBytesPerPartition?: number | undefined;
    /** This process among the group's members (see the stage runner); default the host name. */
    instanceId?: string | undefined;
    clock?: () => number;
  },
): Dispatcher {
  const { topics, ports, policy } = settings;
  const store = createDispatchStore(clients.redis, {
    keyPrefix: settings.keyPrefix,
    ttlSeconds: settings.ttlSeconds,
  });
  const metrics = createDispatcherMetrics(clients.metrics, ports);
  const onRecords = createOnRecords({
    topics,
    store,
    ports,
    policy,
    clock: settings.clock ?? (() => Date.now()),
    onCommitted: (events) => metrics.onCommitted(events),
  });
  const stage = createStage<unknown>(clients, {
    name: 'dispatcher',
    groupId: settings.groupId,
    inputTopics: [topics.bookings, topics.laneStatus, topics.riskAssessments, topics.inspectionResults],
    deadLetterTopic: topics.dlqDispatcher,
    inputFields: { [topics.riskAssessments]: dispatchedAssessmentFields },
    handle: onRecords.handle,
    afterCommit: onRecords.afterCommit,
    partitionsConsumedConcurrently: settings.partitionsConcurrently,
    commitLingerMs: settings.commitLingerMs,
    maxBytesPerPartition: settings.fetchBytesPerPartition,
    ...(settings.instanceId ? { instanceId: settings.instanceId } : {}),
  });
  return {
    stage,
    store,
    async sweep() {
      for (const n of await onRecords.sweepNoShows()) {
        metrics.noShow(n.port);
        clients.logger.warn(
          {
            bookingId: n.bookingId,
            port: n.port,
            plate: n.plate,
            slotEnd: new Date(n.slotEnd).toISOString(),
          },
          'booking no-show: no declaration arrived for the slot',
        );
      }
      await metrics.refreshLanes(store);
    },
  };
}
