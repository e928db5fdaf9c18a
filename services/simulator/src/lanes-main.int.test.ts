// The simulated lanes as a real process against the real broker and Redis: trucks a stopped run had
// in hand are inspected after a restart, and nothing already reported is reported again, whoever
// reported it.
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

  const startLanes = (lane = 'KGS-DOC-1') => {
    const lanes = startNodeProcess('services/simulator/src/lanes-main.ts', {
      ...platform.env,
      REDIS_KEY_PREFIX: platform.prefix,
      SIM_PORT: 'KHORGOS',
      SIM_LANES: lane,
      // A documentary check (8 minutes at KGS-DOC-1) takes 4.8 s.
      SIM_COMPRESSION: '100',
    });
    running.push(lanes);
    return lanes;
  };

  const assignment = (n: number, laneId = 'KGS-DOC-1'): LaneAssignment => {
    const now = Date.now();
    return {
      assignmentId: `SL-${n}/1`,
      kind: 'ASSIGNED',
      declarationId: `SL-${n}`,
      amendment: 0,
      assessmentId: `SL-${n}:A`,
      port: 'KHORGOS',
      laneId,
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

  const send = async (topic: string, events: (LaneAssignment | InspectionResult)[], partition?: number) => {
    const { kafka, serde } = platform;
    await serde.registerTopic(topic);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: events.map((e) => ({
        key: e.declarationId,
        value: serde.encode(topic, e),
        ...(partition === undefined ? {} : { partition }),
      })),
    });
    await producer.disconnect();
  };
  const publish = (assignments: LaneAssignment[], partition?: number) =>
    send(platform.topics.laneAssignments, assignments, partition);

  const results = async () =>
    (
      await readTopic<InspectionResult>(platform.kafka, platform.serde, platform.topics.inspectionResults, {
        idleMs: 1_000,
      })
    ).map((r) => r.value.assignmentId);

  it('takes up the trucks a stopped run had in hand, and reports each inspection once', async () => {
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

  it('does not inspect again a truck whose result is on the topic but was noted nowhere else', async () => {
    await Promise.all(running.splice(0).map((s) => s.kill('SIGTERM')));
    // Truck 4 was inspected and reported by an earlier version of the lanes, or by a run that
    // stopped right after publishing: the dispatcher has applied the result, and a second one
    // would be dead-lettered as DUPLICATE.
    const done = assignment(4, 'KGS-XRAY-1');
    const now = Date.now();
    await send(platform.topics.inspectionResults, [
      {
        resultId: 'SL-4/1:result',
        assignmentId: done.assignmentId,
        declarationId: done.declarationId,
        amendment: done.amendment,
        port: done.port,
        laneId: done.laneId,
        outcome: 'NO_FINDINGS',
        findings: [],
        inspector: 'SIM-KGS-XRAY-1',
        startedAt: now,
        completedAt: now,
      },
    ]);
    // Truck 5 comes after it on the same partition, and KGS-XRAY-1 inspects one truck at a time (a
    // documentary check: 6 s): had truck 4 been taken up, its report would be out before truck 5's.
    await publish([done, assignment(5, 'KGS-XRAY-1')], 0);

    startLanes('KGS-XRAY-1');
    await eventually(results, (ids) => ids.includes('SL-5/1'), 60_000);
    expect((await results()).filter((id) => id === 'SL-4/1')).toHaveLength(1);
  });
});
