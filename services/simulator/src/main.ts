// Wiring only: config → clients → provisioning → simulator → paced publishing → ops endpoint → signals.
// Publishes simulated declarations and bookings on the daily profile, time-compressed, and stores each
// declaration's ground truth in Redis before the declaration goes out (so a lane can always read it).
import '@clearway/config/node-runtime';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfigOrExit } from '@clearway/config';
import { loadHsNomenclature } from '@clearway/hs';
import { loadTopicCatalogue, prefixedCatalogue, topicNames } from '@clearway/infra';
import {
  createAvroSerde,
  createKafka,
  createSchemaRegistry,
  provisionTopics,
  retryWithBackoff,
  untilReachable,
} from '@clearway/kafka';
import { Counter, createLogger, createMetricsRegistry, Gauge, startOpsServer } from '@clearway/observability';
import { createRedisClient } from '@clearway/redis';
import { createTruthStore } from './adapters/truth-store.ts';
import { simulatorConfig } from './config.ts';
import { createSimulator, ports, simulatedEvents, type SimEvent } from './domain/generator.ts';
import type { GroundTruth } from './domain/ground-truth.ts';
import { compressionForRate, localMidnight, trafficProfiles, wallDelayMs } from './domain/traffic-profile.ts';

const config = loadConfigOrExit(simulatorConfig, 'simulator');
const logger = createLogger('simulator', config.LOG_LEVEL);
const metrics = createMetricsRegistry();
const topics = topicNames(config.TOPIC_PREFIX);
const catalogue = prefixedCatalogue(loadTopicCatalogue(), config.TOPIC_PREFIX);
const profile = trafficProfiles[config.SIM_PROFILE];
const compression =
  config.SIM_RATE === undefined ? config.SIM_COMPRESSION : compressionForRate(profile, config.SIM_RATE);

const kafka = createKafka(config, logger, 'clearway-simulator');
const admin = kafka.admin();
const registry = createSchemaRegistry(config);
const serde = createAvroSerde(registry, catalogue);
const redis = createRedisClient(config, logger);
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
const truths = createTruthStore(redis, config.REDIS_KEY_PREFIX, config.TRUTH_TTL_S);

await untilReachable(logger, async () => {
  await admin.connect();
  await provisionTopics({ admin, serde, catalogue, logger });
  for (const topic of [topics.declarations, topics.bookings]) await serde.registerTopic(topic);
  await producer.connect();
  if (redis.status === 'wait') await redis.connect();
  await redis.ping();
});

const published = new Counter({
  name: 'clearway_sim_published_total',
  help: 'Simulated events published, by event and ground truth (COMPLIANT or the violation)',
  labelNames: ['event', 'truth'],
  registers: [metrics],
});
const simulatedClock = new Gauge({
  name: 'clearway_sim_clock_ms',
  help: 'Simulated time reached (epoch ms)',
  registers: [metrics],
});

const port = ports[config.SIM_PORT];
const simStart = config.SIM_START
  ? Date.parse(config.SIM_START)
  : localMidnight(Date.now(), port.utcOffsetMinutes);
const simulator = createSimulator({
  seed: config.SIM_SEED,
  port: config.SIM_PORT,
  hsSubheadings: new Map(
    loadHsNomenclature()
      .filter((e) => e.level === 6)
      .map((e) => [e.code, e.description]),
  ),
  profile,
  startDay: simStart,
  ...(config.SIM_RUN_ID ? { runTag: config.SIM_RUN_ID } : {}),
  nonCompliantShare: config.SIM_NON_COMPLIANT_SHARE,
});
const events = simulatedEvents(simulator);

const ops = await startOpsServer({
  port: config.HTTP_PORT,
  registry: metrics,
  readiness: { redis: () => redis.status === 'ready' },
});

let stopping = false;
const stopped = (async () => {
  const wallStart = Date.now();
  const deadline = config.SIM_DURATION_S === undefined ? Infinity : wallStart + config.SIM_DURATION_S * 1000;
  logger.info(
    {
      profile: profile.name,
      trucksPerDay: profile.trucksPerDay,
      compression,
      simStart: new Date(simStart).toISOString(),
    },
    'simulator publishing',
  );
  let next = events.next().value as SimEvent;
  while (!stopping && Date.now() < deadline) {
    const now = Date.now();
    const dueAt = (e: SimEvent) => wallStart + wallDelayMs(e.at - simStart, compression);
    if (dueAt(next) > now) {
      await sleep(Math.min(dueAt(next) - now, 250, deadline - now));
      continue;
    }
    const batch: SimEvent[] = [];
    while (dueAt(next) <= now && batch.length < 500) {
      batch.push(next);
      next = events.next().value as SimEvent;
    }
    const truthBatch: GroundTruth[] = batch.flatMap((e) => (e.kind === 'DECLARATION' ? [e.truth] : []));
    await retryWithBackoff(
      async () => {
        await truths.save(truthBatch);
        await producer.sendBatch({
          // Record timestamps stay the publish time (what auditors' time windows and lag use); the
          // simulated port clock is in each event's own submittedAt / changedAt.
          topicMessages: [
            {
              topic: topics.declarations,
              messages: batch.flatMap((e) =>
                e.kind === 'DECLARATION'
                  ? [
                      {
                        key: e.declaration.declarationId,
                        value: serde.encode(topics.declarations, e.declaration),
                      },
                    ]
                  : [],
              ),
            },
            {
              topic: topics.bookings,
              messages: batch.flatMap((e) =>
                e.kind === 'BOOKING'
                  ? [
                      {
                        key: e.booking.bookingId,
                        value: serde.encode(topics.bookings, e.booking),
                      },
                    ]
                  : [],
              ),
            },
          ].filter((t) => t.messages.length > 0),
        });
      },
      {
        maxAttempts: 10,
        capMs: 10_000,
        isRetriable: () => true,
        onRetry: (error, attempt, delayMs) =>
          logger.warn({ err: (error as Error).message, attempt, delayMs }, 'publishing failed, retrying'),
      },
    );
    for (const e of batch)
      if (e.kind === 'BOOKING') published.inc({ event: `BOOKING_${e.booking.status}`, truth: '-' });
      else
        published.inc({
          event: e.declaration.amendment === 0 ? 'DECLARATION' : 'AMENDMENT',
          truth: e.truth.violation ?? 'COMPLIANT',
        });
    simulatedClock.set(batch[batch.length - 1]!.at);
    logger.debug(
      { events: batch.length, simulatedAt: new Date(batch[batch.length - 1]!.at).toISOString() },
      'published',
    );
  }
})();

const shutdown = async (reason: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'stopping: finishing the batch in hand');
  await stopped.catch((error: unknown) =>
    logger.error({ err: (error as Error).message }, 'publishing failed'),
  );
  await producer.disconnect();
  await admin.disconnect();
  await ops.close();
  redis.disconnect();
  process.exit();
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
stopped.then(
  () => void shutdown(stopping ? 'signal' : 'SIM_DURATION_S reached'),
  (error: unknown) => {
    logger.error({ err: (error as Error).message }, 'publishing failed');
    process.exitCode = 1;
    void shutdown('error');
  },
);
