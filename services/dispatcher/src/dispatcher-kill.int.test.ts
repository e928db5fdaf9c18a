// The dispatcher as a real process, killed with SIGKILL mid-stream and started again: every
// declaration still ends with exactly one final outcome and every lane is empty at the end.
import { join } from 'node:path';
import {
  createTestPlatform,
  eventually,
  readTopic,
  startService,
  type ServiceProcess,
  type TestPlatform,
} from '@clearway/test';
import type { ClearanceOutcome } from '@clearway/schemas';
import { createDispatchStore } from './adapters/dispatch-store.ts';
import { loadPortsConfig } from './adapters/ports-file.ts';
import { createLaneClient, type LaneClient } from './lane-client/lane-client.ts';
import { sampleAssessment } from './test-fixtures.ts';

const serviceRoot = join(import.meta.dirname, '..');

describe('dispatcher killed with SIGKILL mid-stream', () => {
  let platform: TestPlatform;
  let lanes: LaneClient;
  // Set once the platform exists: under its prefix, so that closing it removes this state too.
  let keyPrefix = '';
  const children: ServiceProcess[] = [];

  const startDispatcher = () => {
    const dispatcher = startService('dispatcher', {
      ...platform.env,
      GROUP_ID: `${platform.prefix}dispatcher`,
      REDIS_KEY_PREFIX: keyPrefix,
      SWEEP_INTERVAL_MS: '60000',
    });
    children.push(dispatcher);
    return dispatcher;
  };

  beforeAll(async () => {
    platform = await createTestPlatform('dispatcher-kill');
    keyPrefix = `${platform.prefix}kill:`;
  });
  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill('SIGKILL')));
    await lanes?.stop();
    await platform.close();
  });

  it('ends every declaration with exactly one final outcome and every lane at zero', async () => {
    const { topics, serde, redis } = platform;
    const n = 2000;
    const levels = ['RELEASE', 'DOCUMENTARY', 'SCAN'] as const;
    const assessments = Array.from({ length: n }, (_, i) => sampleAssessment(`KILL-${i}`, levels[i % 3]!));
    const producer = platform.kafka.producer();
    await producer.connect();
    for (let i = 0; i < n; i += 500)
      await producer.send({
        topic: topics.riskAssessments,
        messages: assessments
          .slice(i, i + 500)
          .map((a) => ({ key: a.declarationId, value: serde.encode(topics.riskAssessments, a) })),
      });
    await producer.disconnect();

    // Simulated lanes answer each assignment once, with an id derived from it, like a terminal that
    // retries its publish after a crash.
    const ports = loadPortsConfig(join(serviceRoot, 'ports', 'ports.yaml'));
    lanes = createLaneClient({
      kafka: platform.kafka,
      serde,
      topics,
      logger: platform.logger,
      port: 'KHORGOS',
      laneIds: ports.ports[0]!.lanes.map((l) => l.id),
      groupId: `${platform.prefix}lanes`,
    });
    await lanes.start(async (a) => {
      if (a.kind === 'CANCELLED') return;
      await lanes.publishResult({
        assignment: a,
        outcome: 'NO_FINDINGS',
        startedAt: a.expectedStartAt,
        completedAt: a.expectedStartAt + 1,
        resultId: `R-${a.assignmentId}`,
      });
    });

    const first = startDispatcher();
    await eventually(
      async () => Number((await redis.get(`${keyPrefix}dsp:seq`)) ?? 0),
      (seq) => seq >= 300,
      120_000,
    );
    await first.kill('SIGKILL');
    const progressAtKill = Number((await redis.get(`${keyPrefix}dsp:seq`)) ?? 0);

    const second = startDispatcher();
    const outcomes = await readTopic<ClearanceOutcome>(platform.kafka, serde, topics.clearanceOutcomes, {
      count: n,
      timeoutMs: 240_000,
    });
    const finals = outcomes.filter((o) => o.value.final);
    const perDeclaration = new Map<string, number>();
    for (const o of finals)
      perDeclaration.set(o.value.assessmentId, (perDeclaration.get(o.value.assessmentId) ?? 0) + 1);
    expect(progressAtKill).toBeLessThan((2 * n) / 3); // killed mid-stream, not after
    expect(perDeclaration.size).toBe(n);
    expect([...perDeclaration.values()].every((c) => c === 1)).toBe(true);
    expect(finals).toHaveLength(n);

    const store = createDispatchStore(redis, { keyPrefix, ttlSeconds: 3600 });
    const allLanes = ports.ports.flatMap((p) => p.lanes.map((l) => ({ port: p.code, laneId: l.id })));
    const total = async () =>
      [...(await store.occupancy(allLanes)).values()].reduce(
        (s, o) => s + o.count + o.load + o.ins + o.waiting,
        0,
      );
    await eventually(total, (x) => x === 0);
    expect(await total()).toBe(0);
    await second.kill('SIGTERM');
  }, 420_000);
});
