// Wiring only: simulated inspection lanes. Receives its lanes' assignments through the dispatcher's lane
// client, holds each truck for the lane's service time (compressed like the traffic), then reports what
// the ground truth says an inspection finds. Cancelled or moved-away trucks are dropped.
// Each start reads the port's assignments from the beginning (a consumer group of its own) and skips
// those that already have a result on the results topic, so the trucks a stopped run had in hand or
// queued are inspected after a restart instead of staying on their lanes for good, and none twice.
import '@clearway/config/node-runtime';
import { loadConfigOrExit } from '@clearway/config';
import { createLaneClient } from '@clearway/dispatcher';
import { loadPortsConfig } from '@clearway/dispatcher/ports-file';
import { loadTopicCatalogue, prefixedCatalogue, topicNames } from '@clearway/infra';
import {
  createAvroSerde,
  createKafka,
  createSchemaRegistry,
  retryWithBackoff,
  untilReachable,
} from '@clearway/kafka';
import { Counter, createLogger, createMetricsRegistry, startOpsServer } from '@clearway/observability';
import { createRedisClient } from '@clearway/redis';
import type { LaneAssignment } from '@clearway/schemas';
import { createTruthStore } from './adapters/truth-store.ts';
import { lanesConfig } from './config.ts';
import { inspectionFindings } from './domain/ground-truth.ts';
import { planInspection, serviceMinutesFor, type LaneTimes } from './domain/inspection-lane.ts';

const config = loadConfigOrExit(lanesConfig, 'simulated-lanes');
const logger = createLogger('simulated-lanes', config.LOG_LEVEL);
const metrics = createMetricsRegistry();
const topics = topicNames(config.TOPIC_PREFIX);
const catalogue = prefixedCatalogue(loadTopicCatalogue(), config.TOPIC_PREFIX);

const portConfig = loadPortsConfig(config.PORTS_PATH).ports.find((p) => p.code === config.SIM_PORT);
if (portConfig === undefined) throw new Error(`${config.PORTS_PATH} has no port ${config.SIM_PORT}`);
const lanes = new Map<string, LaneTimes>(
  portConfig.lanes
    .filter((l) => config.SIM_LANES === undefined || config.SIM_LANES.includes(l.id))
    .map((l) => [l.id, l]),
);
const unknown = (config.SIM_LANES ?? []).filter((id) => !lanes.has(id));
if (unknown.length > 0) throw new Error(`SIM_LANES: ${unknown.join(', ')} not lanes of ${config.SIM_PORT}`);

const kafka = createKafka(config, logger, 'clearway-simulated-lanes');
const registry = createSchemaRegistry(config);
const serde = createAvroSerde(registry, catalogue);
const redis = createRedisClient(config, logger);
const truths = createTruthStore(redis, config.REDIS_KEY_PREFIX, 1);
/**
 * Assignments already reported, by this run or anyone before it; read from the results topic itself
 * before assignments arrive, so results no side record knows of (published by an earlier version, or
 * just before a crash) count too.
 */
let reported = new Set<string>();
const client = createLaneClient({
  kafka,
  serde,
  topics,
  logger,
  port: config.SIM_PORT,
  laneIds: [...lanes.keys()],
  // A group of its own for each start, reading from the beginning: see the top of this file.
  groupId:
    config.LANES_GROUP_ID ?? `${config.TOPIC_PREFIX}clearway-sim-lanes-${config.SIM_PORT}-${Date.now()}`,
  fromBeginning: true,
});

const results = new Counter({
  name: 'clearway_sim_inspections_total',
  help: 'Inspections completed by the simulated lanes, by lane and outcome',
  labelNames: ['lane', 'outcome'],
  registers: [metrics],
});

const serversFreeAt = new Map([...lanes].map(([id, l]) => [id, Array.from({ length: l.capacity }, () => 0)]));
/** Trucks in a lane's hands, by declaration: the timer that will report the inspection. */
const inHand = new Map<string, { assignmentId: string; timer: NodeJS.Timeout }>();
const inFlight = new Set<Promise<void>>();

interface DueReport {
  a: LaneAssignment;
  startedAt: number;
  completedAt: number;
}

/** Reports a batch of finished inspections in one produce request, with the ground truth for each. */
async function reportAll(all: DueReport[]): Promise<void> {
  const seen = new Set<string>();
  const due = all.filter(({ a }) => {
    if (reported.has(a.assignmentId) || seen.has(a.assignmentId)) return false;
    seen.add(a.assignmentId);
    return true;
  });
  if (due.length === 0) return;
  const groundTruths = await Promise.all(due.map(({ a }) => truths.load(a.declarationId, a.amendment)));
  const inputs = due.map(({ a, startedAt, completedAt }, i) => {
    const truth = groundTruths[i] ?? null;
    if (truth === null)
      logger.warn({ declarationId: a.declarationId, amendment: a.amendment }, 'no ground truth');
    const { outcome, findings } =
      truth === null ? { outcome: 'NO_FINDINGS' as const, findings: [] } : inspectionFindings(truth);
    return {
      assignment: a,
      outcome,
      findings,
      inspector: `SIM-${a.laneId}`,
      startedAt,
      completedAt,
      resultId: `${a.assignmentId}:result`,
    };
  });
  await client.publishResults(inputs);
  for (const r of inputs) reported.add(r.assignment.assignmentId);
  for (const r of inputs) {
    results.inc({ lane: r.assignment.laneId, outcome: r.outcome });
    logger.info(
      { declarationId: r.assignment.declarationId, lane: r.assignment.laneId, outcome: r.outcome },
      'inspection reported',
    );
  }
}

// Group commit: inspections finishing while a report is in flight go out together in the next one.
// One request per inspection capped the simulated lanes at about one produce round trip per result
// (the lane client's idempotent producer keeps one request in flight), which throttled the
// end-to-end benchmark; a lone inspection is still reported at once.
const due: DueReport[] = [];
let reporting: Promise<void> | null = null;

async function reportDue(): Promise<void> {
  while (due.length > 0) {
    const batch = due.splice(0, 1_000);
    await retryWithBackoff(() => reportAll(batch), {
      maxAttempts: 10,
      capMs: 10_000,
      isRetriable: () => true,
      onRetry: (error, attempt, delayMs) =>
        logger.warn({ err: (error as Error).message, attempt, delayMs }, 'reporting failed, retrying'),
    }).catch((error: unknown) =>
      logger.error(
        { err: (error as Error).message, assignmentIds: batch.map((d) => d.a.assignmentId) },
        'inspections not reported',
      ),
    );
  }
  reporting = null;
}

function report(d: DueReport): void {
  due.push(d);
  if (reporting === null) {
    const job = (reporting = reportDue());
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
  }
}

function onAssignment(a: LaneAssignment): void {
  const held = inHand.get(a.declarationId);
  // A cancellation, a move to another lane or a new assignment replaces whatever this terminal held.
  if (held !== undefined && (a.kind === 'CANCELLED' || held.assignmentId !== a.assignmentId)) {
    clearTimeout(held.timer);
    inHand.delete(a.declarationId);
  }
  // The same assignment again (delivered twice, e.g. after a rebalance): it is already in hand, and a
  // second timer would report it twice.
  if (held !== undefined && held.assignmentId === a.assignmentId && a.kind !== 'CANCELLED') return;
  const lane = lanes.get(a.laneId);
  if (a.kind === 'CANCELLED' || lane === undefined || reported.has(a.assignmentId)) return;
  const minutes = serviceMinutesFor(lane, a.freightClass, a.inspectionLevel);
  const now = Date.now();
  const plan = planInspection(serversFreeAt.get(a.laneId)!, now, minutes, config.SIM_COMPRESSION);
  // Simulated times: the assignment's clock, advanced by the compressed wait in the queue.
  // Whole milliseconds: queued starts are fractional (service time / compression), and Avro longs are integers.
  const startedAt = Math.round(
    Math.max(a.expectedStartAt, a.assignedAt + (plan.startAt - now) * config.SIM_COMPRESSION),
  );
  const completedAt = startedAt + minutes * 60_000;
  const timer = setTimeout(() => {
    inHand.delete(a.declarationId);
    report({ a, startedAt, completedAt });
  }, plan.endAt - now);
  inHand.set(a.declarationId, { assignmentId: a.assignmentId, timer });
}

// Redis up (ground truths), and what was already reported, before any assignment arrives.
await untilReachable(logger, async () => {
  if (redis.status === 'wait') await redis.connect();
  reported = await client.reportedAssignments();
});
logger.info({ reported: reported.size }, 'results already on the topic');
await client.start(onAssignment);
const ops = await startOpsServer({
  port: config.HTTP_PORT,
  registry: metrics,
  readiness: { redis: () => redis.status === 'ready' },
});
logger.info(
  { port: config.SIM_PORT, lanes: [...lanes.keys()], compression: config.SIM_COMPRESSION },
  'lanes open',
);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info(
    { signal, inHand: inHand.size },
    'closing lanes: reports in progress finish, queued trucks stay',
  );
  for (const { timer } of inHand.values()) clearTimeout(timer);
  await Promise.allSettled([...inFlight]);
  await client.stop();
  await ops.close();
  redis.disconnect();
  process.exit();
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
