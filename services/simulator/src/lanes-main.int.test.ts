// The simulated lanes as a real process against the real broker and Redis: trucks a stopped run had
// in hand are inspected after a restart, and nothing already reported is reported again.
import {
  createTestPlatform,
  eventually,
  readTopic,
  startNodeProcess,
  type ServiceProcess,
  type TestPlatform,
} from '@clearway/test';
import type { InspectionResult, LaneAssignment } from '@clearway/schemas';

describe('simulated lanes', () => {
  let platform: TestPlatform;
  const running: ServiceProcess[] = [];
  beforeAll(async () => {
    platform = await createTestPlatform('sim-lanes');
  });
  afterAll(async () => {
    await Promise.all(running.map((s) => s.kill('SIGKILL')));
    await platform.close();
  });

  const startLanes = () => {
    const lanes = startNodeProcess('services/simulator/src/lanes-main.ts', {
      ...platform.env,
      REDIS_KEY_PREFIX: platform.prefix,
      SIM_PORT: 'KHORGOS',
      SIM_LANES: 'KGS-DOC-1',
      // A documentary check (8 minutes at KGS-DOC-1) takes 4.8 s.
      SIM_COMPRESSION: '100',
    });
    running.push(lanes);
    return lanes;
  };

  const assignment = (n: number): LaneAssignment => {
    const now = Date.now();
    return {
      assignmentId: `SL-${n}/1`,
      kind: 'ASSIGNED',
      declarationId: `SL-${n}`,
      amendment: 0,
      assessmentId: `SL-${n}:A`,
      port: 'KHORGOS',
      laneId: 'KGS-DOC-1',
      previousLaneId: null,
      plate: `${n}KZ02`,
      freightClass: 'GENERAL',
      inspectionLevel: 'DOCUMENTARY',
      queuePosition: 1,
      expectedStartAt: now,
      bookingId: null,
      plannedSlot: null,
      reason: 'test',
      assignedAt: now,
    };
  };

  const publish = async (assignments: LaneAssignment[]) => {
    const { kafka, serde, topics } = platform;
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topics.laneAssignments,
      messages: assignments.map((a) => ({
        key: a.declarationId,
        value: serde.encode(topics.laneAssignments, a),
      })),
    });
    await producer.disconnect();
  };

  const results = async () =>
    (
      await readTopic<InspectionResult>(platform.kafka, platform.serde, platform.topics.inspectionResults, {
        idleMs: 1_000,
      })
    ).map((r) => r.value.assignmentId);

  it('takes up the trucks a stopped run had in hand, and reports each inspection once', async () => {
    await platform.serde.registerTopic(platform.topics.laneAssignments);
    await publish([assignment(1), assignment(2)]);
    const first = startLanes();
    await eventually(results, (ids) => ids.length >= 2, 60_000);

    // Truck 3 arrives and is in hand (4.8 s of inspection) when the lanes stop.
    await publish([assignment(3)]);
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await first.kill('SIGTERM')).code).toBe(0);
    expect(await results()).not.toContain('SL-3/1');

    startLanes();
    const after = await eventually(results, (ids) => ids.includes('SL-3/1'), 60_000);
    await new Promise((r) => setTimeout(r, 2_000)); // a second report of 1 or 2 would arrive by now
    expect((await results()).sort()).toEqual(['SL-1/1', 'SL-2/1', 'SL-3/1']);
    expect(after.filter((id) => id === 'SL-3/1')).toHaveLength(1);
  });
});
