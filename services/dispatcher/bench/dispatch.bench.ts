// Dispatcher throughput through the real broker and Redis, next to a pass-through stage over the
// same input in the same run; then simulated lanes answer every assignment and the run checks that
// every declaration has exactly one final outcome and every lane is back at zero.
//
//   npm run bench:dispatcher   (BENCH_DECLARATIONS=100000 by default; finds or starts the stack)
import '@clearway/config/node-runtime';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ensureStack } from '@clearway/infra';
import { createStage, type Stage } from '@clearway/kafka';
import { createMetricsRegistry } from '@clearway/observability';
import { createTestPlatform, extraTopicName, type TestPlatform } from '@clearway/test';
import type { ClearanceOutcome, InspectionLevel, RiskAssessment } from '@clearway/schemas';
import { loadPortsConfig } from '../src/adapters/ports-file.ts';
import { createLaneClient, type ResultInput } from '../src/lane-client/lane-client.ts';
import { createDispatcher } from '../src/service.ts';
import { sampleAssessment } from '../src/test-fixtures.ts';

const total = Number(process.env['BENCH_DECLARATIONS'] ?? 100_000);
const say = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(
  probe: () => number | Promise<number>,
  target: number,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (value < target && Date.now() < deadline) {
    await sleep(20);
    value = await probe();
  }
  return value;
}

/** Records per second between the first and the last record consumed. */
async function timeStage(stage: Stage, count: number): Promise<{ perSec: number; seconds: number }> {
  await stage.start();
  await waitFor(() => stage.counts().consumed, 1, 120_000);
  const started = performance.now();
  const consumed = await waitFor(() => stage.counts().consumed, count, 600_000);
  const seconds = (performance.now() - started) / 1000;
  await stage.stop();
  if (consumed < count) throw new Error(`stage consumed ${consumed} of ${count}`);
  return { perSec: Math.round(count / seconds), seconds };
}

function assessments(n: number): RiskAssessment[] {
  // Roughly a road port's mix: most trucks released, a few inspected, some hazardous or oversize.
  const levels: InspectionLevel[] = [
    'RELEASE',
    'RELEASE',
    'RELEASE',
    'RELEASE',
    'RELEASE',
    'RELEASE',
    'DOCUMENTARY',
    'DOCUMENTARY',
    'SCAN',
    'PHYSICAL',
  ];
  const classes = ['GENERAL', 'GENERAL', 'GENERAL', 'HAZARDOUS', 'OVERSIZE', 'EXCISE', 'GENERAL'];
  return Array.from({ length: n }, (_, i) =>
    sampleAssessment(`BENCH-${i}`, levels[i % levels.length]!, {
      port: i % 3 === 0 ? 'ALASHANKOU' : 'KHORGOS',
      freightClass: classes[i % classes.length]!,
      sampled: i % 50 === 0,
    }),
  );
}

const stack = await ensureStack({ ...process.env });
Object.assign(process.env, stack.endpoints);

let platform: TestPlatform | undefined;
try {
  platform = await createTestPlatform('bench-dispatcher', [
    {
      suffix: 'passthrough',
      event: 'RiskAssessment',
      key: 'declarationId',
      partitions: 6,
      compacted: false,
      deadLetter: false,
      description: 'bench output',
      producers: ['bench'],
      consumers: ['bench'],
    },
  ]);
  const p = platform;
  const { topics, serde } = p;
  const passThroughTopic = `${p.prefix}${extraTopicName('passthrough')}`;
  for (const t of [
    passThroughTopic,
    topics.laneAssignments,
    topics.clearanceOutcomes,
    topics.inspectionResults,
  ])
    await serde.registerTopic(t);

  say(`publishing ${total} risk assessments…`);
  const input = assessments(total);
  const producer = p.kafka.producer();
  await producer.connect();
  for (let i = 0; i < total; i += 2000)
    await producer.send({
      topic: topics.riskAssessments,
      messages: input
        .slice(i, i + 2000)
        .map((a) => ({ key: a.declarationId, value: serde.encode(topics.riskAssessments, a) })),
    });
  await producer.disconnect();

  const passThrough = await timeStage(
    createStage<RiskAssessment>(p, {
      name: 'bench-passthrough',
      groupId: `${p.prefix}passthrough`,
      inputTopics: [topics.riskAssessments],
      deadLetterTopic: topics.dlqDispatcher,
      handle: async (batch) =>
        batch.map((r) => ({
          records: [{ topic: passThroughTopic, key: r.value.declarationId, value: r.value }],
        })),
      partitionsConsumedConcurrently: 4,
    }),
    total,
  );
  say(`pass-through stage: ${passThrough.perSec}/s (${passThrough.seconds.toFixed(1)} s)`);

  const ports = loadPortsConfig(join(import.meta.dirname, '..', 'ports', 'ports.yaml'));
  // Under the platform's prefix, so that closing the platform removes the run's Redis state too:
  // left behind, each run added ~100,000 keys to a developer's Redis, and its append-only-file
  // rewrites of the growing data skewed later benchmarks.
  const keyPrefix = `${p.prefix}bench-${randomUUID().slice(0, 8)}:`;
  const dispatcherOf = () =>
    createDispatcher(
      { ...p, metrics: createMetricsRegistry() },
      {
        topics,
        groupId: `${p.prefix}dispatcher`,
        keyPrefix,
        ttlSeconds: 3600,
        ports,
        policy: {
          lateMarginMinutes: 30,
          earlyMarginMinutes: 120,
          noShowGraceMinutes: 60,
          maxPriorityWaitingPerLane: 10,
        },
        partitionsConcurrently: 4,
        clock: () => Date.parse('2026-11-20T05:00:00Z'),
      },
    );
  const first = dispatcherOf();
  const dispatched = await timeStage(first.stage, total);
  say(`dispatcher:         ${dispatched.perSec}/s (${dispatched.seconds.toFixed(1)} s)`);

  // Simulated lanes answer every assignment; the dispatcher turns results into outcomes.
  say('simulated lanes answering every assignment…');
  const outcomes = new Map<string, number>();
  let interim = 0;
  const collector = p.kafka.consumer({ groupId: `${p.prefix}collect`, readUncommitted: false });
  await collector.connect();
  await collector.subscribe({ topic: topics.clearanceOutcomes, fromBeginning: true });
  await collector.run({
    eachMessage: async ({ message }) => {
      const o = await serde.decode<ClearanceOutcome>(topics.clearanceOutcomes, message.value);
      if (o.final) outcomes.set(o.assessmentId, (outcomes.get(o.assessmentId) ?? 0) + 1);
      else interim++;
    },
  });
  const pendingResults: ResultInput[] = [];
  const clients = ports.ports.map((port) =>
    createLaneClient({
      kafka: p.kafka,
      serde,
      topics,
      logger: p.logger,
      port: port.code,
      laneIds: port.lanes.map((l) => l.id),
      groupId: `${p.prefix}lanes-${port.code}`,
    }),
  );
  for (const c of clients)
    await c.start((a) => {
      if (a.kind === 'CANCELLED') return;
      const outcome = a.assignmentId.length % 7 === 0 ? 'DISCREPANCY' : 'NO_FINDINGS';
      pendingResults.push({
        assignment: a,
        outcome,
        startedAt: a.expectedStartAt,
        completedAt: a.expectedStartAt + 60_000,
        resultId: `R-${a.assignmentId}`,
      });
    });
  let flushing = true;
  const flusher = (async () => {
    while (flushing || pendingResults.length > 0) {
      const chunk = pendingResults.splice(0, 2000);
      if (chunk.length > 0) await clients[0]!.publishResults(chunk);
      else await sleep(50);
    }
  })();
  const second = dispatcherOf();
  await second.stage.start();
  await waitFor(() => outcomes.size, total, 900_000);
  await sleep(3000); // anything extra (a duplicate) would arrive now
  flushing = false;
  await flusher;
  await second.stage.stop();
  for (const c of clients) await c.stop();
  await collector.disconnect();

  const allLanes = ports.ports.flatMap((port) => port.lanes.map((l) => ({ port: port.code, laneId: l.id })));
  const occupancy = [...(await second.store.occupancy(allLanes)).values()].reduce(
    (s, o) => s + o.count + o.ins + o.waiting + o.load,
    0,
  );
  const exactlyOne = [...outcomes.values()].every((c) => c === 1);
  say(
    `outcomes: ${outcomes.size} declarations with a final outcome (${exactlyOne ? 'exactly one each' : 'SOME DUPLICATED'}), ${interim} interim holds; lane occupancy at the end: ${occupancy}`,
  );
  const ratio = Math.round((dispatched.perSec / passThrough.perSec) * 100) / 100;
  say(`dispatcher / pass-through = ${ratio}`);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'dispatcher',
      declarations: total,
      dispatchedPerSec: dispatched.perSec,
      passThroughPerSec: passThrough.perSec,
      ratio,
      finalOutcomes: outcomes.size,
      exactlyOneFinalEach: exactlyOne && outcomes.size === total,
      laneOccupancyAtEnd: occupancy,
    })}\n`,
  );
  // Dispatcher keys expire with ttlSeconds (one hour); nothing to clean by hand.
} finally {
  await platform?.close();
}
process.exit(0);
