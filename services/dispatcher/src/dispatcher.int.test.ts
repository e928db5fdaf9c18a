import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createTestPlatform, eventually, sampleDeclaration, type TestPlatform } from '@clearway/test';
import type {
  ClearanceOutcome,
  DeadLetter,
  InspectionOutcome,
  LaneAssignment,
  LaneStatus,
  RiskAssessment,
} from '@clearway/schemas';
import { loadPortsConfig } from './adapters/ports-file.ts';
import type { BookingPolicy } from './domain/booking.ts';
import type { PortsConfig } from './domain/ports-config.ts';
import { createLaneClient, type LaneClient } from './lane-client/lane-client.ts';
import { createDispatcher, type Dispatcher } from './service.ts';
import { sampleAssessment } from './test-fixtures.ts';

const policy: BookingPolicy = {
  lateMarginMinutes: 30,
  earlyMarginMinutes: 120,
  noShowGraceMinutes: 60,
  maxPriorityWaitingPerLane: 10,
};
const resultFor = (i: number): InspectionOutcome =>
  (['NO_FINDINGS', 'DISCREPANCY', 'SEIZURE'] as const)[i % 3] ?? 'NO_FINDINGS';

describe('dispatcher against the real broker, registry and Redis', () => {
  let platform: TestPlatform;
  let ports: PortsConfig;
  let dispatcher: Dispatcher;
  let lanes: LaneClient;
  const keyPrefix = `it-${randomUUID().slice(0, 8)}:`;
  const seenAssignments: LaneAssignment[] = [];
  // The simulated lanes answer every assignment of the declarations listed here.
  const answer = new Map<string, InspectionOutcome>();

  const publish = async (topic: string, records: { key: string; value: unknown }[]) => {
    const producer = platform.kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: records.map((r) => ({ key: r.key, value: platform.serde.encode(topic, r.value) })),
    });
    await producer.disconnect();
  };
  // Everything the dispatcher publishes, collected as it is committed.
  const outcomesSeen: ClearanceOutcome[] = [];
  const lettersSeen: DeadLetter[] = [];
  const collectors: { disconnect(): Promise<void> }[] = [];
  const collect = async <T>(topic: string, into: T[]) => {
    const consumer = platform.kafka.consumer({
      groupId: `${platform.prefix}collect-${randomUUID()}`,
      readUncommitted: false,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        into.push(await platform.serde.decode<T>(topic, message.value));
      },
    });
    collectors.push(consumer);
  };
  const finals = (prefix: string, count: number) =>
    eventually(
      () => outcomesSeen.filter((o) => o.declarationId.startsWith(prefix)).map((value) => ({ value })),
      (list) => list.length >= count,
    );
  /** A trader's counts as the categoriser reads them: one hash per figure, keyed by trader id. */
  const traderCounts = async (trader: string) => {
    const counts: Record<string, string> = {};
    for (const figure of ['inspections', 'findings', 'seizures']) {
      const n = await platform.redis.hget(`${keyPrefix}traders:${figure}`, trader);
      if (n !== null) counts[figure] = n;
    }
    return counts;
  };
  const allLanes = () => ports.ports.flatMap((p) => p.lanes.map((l) => ({ port: p.code, laneId: l.id })));
  const totalOccupancy = async () => {
    const occupancy = await dispatcher.store.occupancy(allLanes());
    return [...occupancy.values()].reduce((sum, o) => sum + o.count + o.load + o.ins + o.waiting, 0);
  };

  /** A terminal for all of Khorgos's lanes, in one consumer group across restarts. */
  const khorgosLanes = () =>
    createLaneClient({
      kafka: platform.kafka,
      serde: platform.serde,
      topics: platform.topics,
      logger: platform.logger,
      port: 'KHORGOS',
      laneIds: ports.ports[0]!.lanes.map((l) => l.id),
      groupId: `${platform.prefix}lanes`,
    });

  beforeAll(async () => {
    platform = await createTestPlatform('dispatcher');
    ports = loadPortsConfig(join(import.meta.dirname, '..', 'ports', 'ports.yaml'));
    for (const t of [platform.topics.laneAssignments, platform.topics.clearanceOutcomes])
      await platform.serde.registerTopic(t);
    dispatcher = createDispatcher(platform, {
      topics: platform.topics,
      groupId: `${platform.prefix}dispatcher`,
      keyPrefix,
      ttlSeconds: 3600,
      ports,
      policy,
      partitionsConcurrently: 4,
      // 10:00 local at Khorgos (UTC+5): every lane is within its hours.
      clock: () => Date.parse('2026-11-20T05:00:00Z'),
    });
    await dispatcher.stage.start();
    await collect(platform.topics.clearanceOutcomes, outcomesSeen);
    await collect(platform.topics.dlqDispatcher, lettersSeen);
    lanes = khorgosLanes();
    await lanes.start(async (a) => {
      seenAssignments.push(a);
      const outcome = answer.get(a.declarationId);
      if (!outcome || a.kind === 'CANCELLED') return;
      await lanes.publishResult({
        assignment: a,
        outcome,
        findings:
          outcome === 'NO_FINDINGS'
            ? []
            : [{ code: 'UNDERVALUED', description: 'invoice below reference', lineNo: 1 }],
        startedAt: a.expectedStartAt,
        completedAt: a.expectedStartAt + 600_000,
        resultId: `R-${a.assignmentId}`,
      });
    });
  });
  afterAll(async () => {
    await lanes.stop();
    for (const c of collectors) await c.disconnect();
    await dispatcher.stage.stop();
    await platform.close();
  });

  it('dispatches, takes lane results, ends each declaration with one final outcome and frees every lane', async () => {
    const { topics } = platform;
    const n = 48;
    const ids = Array.from({ length: n }, (_, i) => `FLOW-${i}`);
    const trader = sampleDeclaration().declarant.id;
    const levels = ['RELEASE', 'DOCUMENTARY', 'SCAN', 'PHYSICAL'] as const;
    const assessments: RiskAssessment[] = ids.map((id, i) =>
      sampleAssessment(id, levels[i % 4]!, i % 8 === 3 ? { freightClass: 'HAZARDOUS', sampled: true } : {}),
    );
    assessments.forEach((a, i) => answer.set(a.declarationId, resultFor(i)));
    await publish(
      topics.riskAssessments,
      assessments.map((a) => ({ key: a.declarationId, value: a })),
    );

    const outcomes = await finals('FLOW-', n);
    const final = outcomes.filter((o) => o.value.final);
    expect(final).toHaveLength(n);
    expect(new Set(final.map((o) => o.value.declarationId)).size).toBe(n);
    const inspected = assessments.filter((a) => a.inspectionLevel !== 'RELEASE');
    const expectedDecision = {
      NO_FINDINGS: 'RELEASED',
      DISCREPANCY: 'RELEASED_AFTER_CORRECTION',
      SEIZURE: 'REFUSED',
    };
    for (const [i, a] of assessments.entries()) {
      const o = final.find((f) => f.value.declarationId === a.declarationId)!.value;
      expect(o.assessmentId).toBe(a.assessmentId);
      if (a.inspectionLevel === 'RELEASE') expect(o.decision).toBe('RELEASED');
      else expect(o.decision).toBe(expectedDecision[resultFor(i) as keyof typeof expectedDecision]);
    }
    // Hazardous trucks went to a hazardous-capable lane; assignments say why.
    const flowAssignments = seenAssignments.filter((a) => a.declarationId.startsWith('FLOW-'));
    expect(flowAssignments).toHaveLength(inspected.length);
    for (const a of flowAssignments) {
      expect(a.plate).toBe('777ABC02');
      expect(a.reason).toMatch(/expected wait/);
      if (a.freightClass === 'HAZARDOUS') expect(a.laneId).toBe('KGS-HAZ-1');
    }

    await eventually(totalOccupancy, (x) => x === 0);
    expect(await totalOccupancy()).toBe(0);
    // Feedback loop: the categoriser reads these.
    const history = await traderCounts(trader);
    const found = inspected.filter((a) => resultFor(assessments.indexOf(a)) !== 'NO_FINDINGS').length;
    const seized = inspected.filter((a) => resultFor(assessments.indexOf(a)) === 'SEIZURE').length;
    expect(history).toEqual({
      inspections: String(inspected.length),
      findings: String(found),
      seizures: String(seized),
    });
    const stats = await dispatcher.store.ruleStats();
    expect(stats.get('I-UNDERVALUED')).toEqual({
      inspected: inspected.length,
      findings: found,
      seizures: seized,
    });
    expect(stats.get('random-control')?.inspected).toBe(inspected.filter((a) => a.sampled).length);
    expect(stats.has('FC-GENERAL')).toBe(false);
  });

  it('routes by the facts the assessment carries, and still dispatches one recorded without them', async () => {
    const { topics } = platform;
    const slot = { start: Date.parse('2026-11-20T05:00:00Z'), end: Date.parse('2026-11-20T06:00:00Z') };
    const carried = sampleAssessment('ROUTE-1', 'SCAN', {
      routing: { tractorPlate: '555KZA02', bookingId: 'BK-ROUTE-1', slot, traders: ['KZ-ROUTE-T1'] },
    });
    const older = sampleAssessment('ROUTE-2', 'DOCUMENTARY', { routing: null });
    answer.set('ROUTE-1', 'SEIZURE');
    answer.set('ROUTE-2', 'NO_FINDINGS');
    await publish(topics.riskAssessments, [
      { key: carried.declarationId, value: carried },
      { key: older.declarationId, value: older },
    ]);

    const assigned = await eventually(
      () => seenAssignments.filter((x) => x.declarationId.startsWith('ROUTE-')),
      (list) => list.length >= 2,
    );
    const withFacts = assigned.find((x) => x.declarationId === 'ROUTE-1')!;
    expect(withFacts.plate).toBe('555KZA02');
    expect(withFacts.bookingId).toBe('BK-ROUTE-1');
    expect(withFacts.plannedSlot).toEqual(slot);
    const without = assigned.find((x) => x.declarationId === 'ROUTE-2')!;
    expect(without.plate).toBe('UNKNOWN');
    expect(without.bookingId).toBeNull();

    const final = await finals('ROUTE-', 2);
    expect(final.map((o) => o.value.decision).sort()).toEqual(['REFUSED', 'RELEASED']);
    // The seizure is credited to the trader the assessment named, which the categoriser reads next.
    expect(await traderCounts('KZ-ROUTE-T1')).toEqual({
      inspections: '1',
      findings: '1',
      seizures: '1',
    });
  });

  it('finds the booking an amendment names, else the one linked to its declaration, in one call', async () => {
    const { store } = dispatcher;
    const slot = { start: Date.parse('2026-11-20T05:00:00Z'), end: Date.parse('2026-11-20T06:00:00Z') };
    const booking = (bookingId: string, plate: string, declarationId: string | null) =>
      store.recordBooking({
        bookingId,
        port: 'KHORGOS',
        plate,
        slot,
        declarationId,
        status: 'BOOKED',
        grossMassGrams: null,
        noShowAt: slot.end + 3_600_000,
      });
    await booking('BK-LOOK-1', '111KZA01', null);
    await booking('BK-LOOK-2', '222KZA02', 'LOOK-2');

    const found = await store.bookings([
      { declarationId: 'LOOK-1', amendment: 0, bookingId: 'BK-LOOK-1' },
      { declarationId: 'LOOK-2', amendment: 1, bookingId: null },
      { declarationId: 'LOOK-3', amendment: 0, bookingId: null },
      { declarationId: 'LOOK-4', amendment: 0, bookingId: 'BK-LOOK-MISSING' },
    ]);
    expect(Object.fromEntries(found)).toEqual({
      'LOOK-1:0': { bookingId: 'BK-LOOK-1', plate: '111KZA01', slot, status: 'BOOKED' },
      'LOOK-2:1': { bookingId: 'BK-LOOK-2', plate: '222KZA02', slot, status: 'BOOKED' },
    });
  });

  it('ignores a duplicated assessment and dead-letters duplicated, foreign and unknown results', async () => {
    const { topics } = platform;
    const a = sampleAssessment('DUP-1', 'SCAN');
    const b = sampleAssessment('DUP-2', 'DOCUMENTARY');
    await publish(topics.riskAssessments, [
      { key: a.declarationId, value: a },
      { key: a.declarationId, value: a },
      { key: b.declarationId, value: b },
    ]);
    const assigned = await eventually(
      () => seenAssignments.filter((x) => x.declarationId.startsWith('DUP-')),
      (list) => list.length >= 2,
    );
    expect(assigned.filter((x) => x.declarationId === 'DUP-1')).toHaveLength(1);
    const asg = assigned.find((x) => x.declarationId === 'DUP-1')!;
    const other = assigned.find((x) => x.declarationId === 'DUP-2')!;

    const result = (resultId: string, assignmentId: string, laneId: string) => ({
      resultId,
      assignmentId,
      declarationId: 'DUP-1',
      amendment: 0,
      port: 'KHORGOS',
      laneId,
      outcome: 'NO_FINDINGS',
      findings: [],
      inspector: null,
      startedAt: 1,
      completedAt: 2,
    });
    const wrongLane = asg.laneId === 'KGS-DOC-1' ? 'KGS-DOC-2' : 'KGS-DOC-1';
    await publish(topics.inspectionResults, [
      { key: 'DUP-1', value: result('R-wrong-lane', asg.assignmentId, wrongLane) },
      { key: 'DUP-1', value: result('R-unknown', 'NO-SUCH-ASSIGNMENT/1', asg.laneId) },
      { key: 'DUP-1', value: result('R-1', asg.assignmentId, asg.laneId) },
      { key: 'DUP-1', value: result('R-1', asg.assignmentId, asg.laneId) },
      { key: 'DUP-1', value: result('R-2', asg.assignmentId, asg.laneId) },
      { key: 'DUP-2', value: { ...result('R-3', other.assignmentId, other.laneId), declarationId: 'DUP-2' } },
    ]);

    const letters = await eventually(
      () => lettersSeen,
      (list) => list.length >= 5,
    );
    const reasons = letters.map((l) => `${l.reasonCode}: ${l.reason}`);
    expect(reasons).toHaveLength(5);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DUPLICATE: assessment DUP-1:0 was already dispatched/),
        expect.stringMatching(/^REJECTED: assignment DUP-1:0\/1 is for lane KHORGOS\/KGS-/),
        expect.stringMatching(/^REJECTED: unknown assignment NO-SUCH-ASSIGNMENT\/1/),
        expect.stringMatching(/^DUPLICATE: result R-1 was already applied/),
        expect.stringMatching(/^DUPLICATE: assignment DUP-1:0\/1 already has a result \(R-1\)/),
      ]),
    );
    await finals('DUP-', 2);
    const outcomes = await finals('DUP-', 2);
    const dup1 = outcomes.filter((o) => o.value.declarationId === 'DUP-1' && o.value.final);
    expect(dup1).toHaveLength(1);
    expect(dup1[0]?.value.resultId).toBe('R-1');
    await eventually(totalOccupancy, (x) => x === 0);
    expect(await totalOccupancy()).toBe(0);
  });

  it('holds a truck no open lane can take, dispatches it when one opens, and moves a closed lane’s queue', async () => {
    const { topics } = platform;
    const status = (laneId: string, s: 'OPEN' | 'CLOSED'): { key: string; value: LaneStatus } => ({
      key: `KHORGOS/${laneId}`,
      value: { port: 'KHORGOS', laneId, status: s, reason: 'test', changedAt: 1 },
    });
    // The only hazardous lane closes; a hazardous truck is held, not dropped.
    await publish(topics.laneStatus, [status('KGS-HAZ-1', 'CLOSED')]);
    await eventually(
      async () =>
        (await dispatcher.store.occupancy([{ port: 'KHORGOS', laneId: 'KGS-HAZ-1' }])).get(
          'KHORGOS/KGS-HAZ-1',
        )?.open,
      (open) => open === false,
    );
    const haz = sampleAssessment('LANE-HAZ', 'PHYSICAL', { freightClass: 'HAZARDOUS' });
    // Documentary trucks with no answer from the lanes fill KGS-DOC-1/2 and KGS-XRAY-1/KGS-PHY-1 queues.
    const docs = Array.from({ length: 12 }, (_, i) => sampleAssessment(`LANE-DOC-${i}`, 'DOCUMENTARY'));
    await publish(
      topics.riskAssessments,
      [haz, ...docs].map((a) => ({ key: a.declarationId, value: a })),
    );
    const held = await finals('LANE-HAZ', 1);
    expect(held[0]?.value).toMatchObject({ decision: 'HELD', final: false });
    expect(held[0]?.value.reason).toMatch(/KGS-HAZ-1.*is open|is open/);
    await eventually(
      () => seenAssignments.filter((a) => a.declarationId.startsWith('LANE-DOC-')).length,
      (x) => x === 12,
    );
    const docLanes = new Set(
      seenAssignments.filter((a) => a.declarationId.startsWith('LANE-DOC-')).map((a) => a.laneId),
    );
    expect(docLanes.size).toBeGreaterThan(1); // least expected wait spreads the load

    answer.set('LANE-HAZ', 'NO_FINDINGS');
    await publish(topics.laneStatus, [status('KGS-HAZ-1', 'OPEN'), status('KGS-DOC-1', 'CLOSED')]);
    const hazAssigned = await eventually(
      () => seenAssignments.filter((a) => a.declarationId === 'LANE-HAZ'),
      (list) => list.length >= 1,
    );
    expect(hazAssigned[0]).toMatchObject({ kind: 'ASSIGNED', laneId: 'KGS-HAZ-1' });
    // KGS-DOC-1 serves 3 at once; its waiting trucks moved elsewhere, each with an event.
    const moved = await eventually(
      () => seenAssignments.filter((a) => a.declarationId.startsWith('LANE-DOC-') && a.kind === 'REASSIGNED'),
      (list) => list.length >= 1,
      15_000,
    );
    for (const m of moved) {
      expect(m.previousLaneId).toBe('KGS-DOC-1');
      expect(m.laneId).not.toBe('KGS-DOC-1');
      expect(m.reason).toMatch(/moved from KGS-DOC-1/);
    }
    const final = await eventually(
      () => outcomesSeen.filter((o) => o.declarationId === 'LANE-HAZ' && o.final).map((value) => ({ value })),
      (list) => list.length >= 1,
    );
    expect(final).toHaveLength(1);
    expect(final[0]?.value.decision).toBe('RELEASED');
  });

  it('a lane terminal started again resumes after the assignments it had received', async () => {
    const { topics } = platform;
    await lanes.stop(); // commits where it had got to
    const before = seenAssignments.length;
    expect(before).toBeGreaterThan(0);
    const again: LaneAssignment[] = [];
    lanes = khorgosLanes();
    await lanes.start((a) => {
      again.push(a);
    });
    await publish(topics.riskAssessments, [
      { key: 'RESUME-1', value: sampleAssessment('RESUME-1', 'DOCUMENTARY') },
    ]);
    await eventually(
      () => again.filter((a) => a.declarationId === 'RESUME-1'),
      (list) => list.length >= 1,
    );
    // Nothing it had already received came again (later events of earlier trucks may, being new).
    const received = new Set(seenAssignments.map((a) => `${a.assignmentId}/${a.kind}`));
    expect(again.filter((a) => received.has(`${a.assignmentId}/${a.kind}`))).toEqual([]);
  });
});
