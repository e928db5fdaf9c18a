import type { InspectionResult } from '@clearway/schemas';
import { planBooking } from './booking.ts';
import type { Move, TruckInfo } from './decisions.ts';
import {
  assignmentEvent,
  clearanceFromResult,
  foundSomething,
  heldOutcome,
  moveEvents,
  releasedOutcome,
  resultOutcome,
  supersededEvents,
} from './events.ts';
import { selectingRules } from './truck.ts';

const slot = { start: Date.parse('2026-11-20T09:00:00Z'), end: Date.parse('2026-11-20T10:00:00Z') };
const now = Date.parse('2026-11-20T09:10:00Z');
const truck: TruckInfo = {
  assessmentId: 'D-1:0',
  declarationId: 'D-1',
  amendment: 0,
  port: 'KHORGOS',
  freightClass: 'HAZARDOUS',
  level: 'PHYSICAL',
  plate: '777ABC02',
  submittedAt: Date.parse('2026-11-20T08:15:00Z'),
  rulesetVersion: 'v1',
  summary: 'score 70 → PHYSICAL',
  rules: ['I-X'],
  traders: ['KZ-1'],
  sampled: false,
  needs: ['physical', 'hazardous'],
  booking: planBooking({ bookingId: 'BK-1', slot }, now, {
    lateMarginMinutes: 30,
    earlyMarginMinutes: 120,
    noShowGraceMinutes: 60,
    maxPriorityWaitingPerLane: 10,
  }),
  candidates: [{ lane: 'KGS-HAZ-1', cap: 1, svc: 90, open0: true }],
};
const placed: Move = {
  info: JSON.stringify(truck),
  from: null,
  fromAsg: null,
  to: 'KGS-HAZ-1',
  asg: 'D-1:0/1',
  ahead: 2,
  wait: 45,
  cap: 1,
  considered: 1,
  hold: 0,
  priLimited: false,
};

describe('events from decisions', () => {
  test('an assignment states lane, position, planned start, booking and why', () => {
    const e = assignmentEvent(truck, placed, now);
    expect(e).toMatchObject({
      assignmentId: 'D-1:0/1',
      kind: 'ASSIGNED',
      laneId: 'KGS-HAZ-1',
      queuePosition: 2,
      expectedStartAt: now + 45 * 60_000,
      bookingId: 'BK-1',
      plannedSlot: slot,
      assignedAt: now,
    });
    expect(e.reason).toMatch(/KGS-HAZ-1 can do PHYSICAL for HAZARDOUS \(needs physical\+hazardous\)/);
    expect(e.reason).toMatch(/expected wait 45.0 min with 2 truck\(s\) ahead/);
    expect(e.reason).toMatch(/booking BK-1: on time/);
  });
  test('a truck moved off a closed lane is REASSIGNED with its previous lane', () => {
    const e = moveEvents({ ...placed, from: 'KGS-PHY-1', fromAsg: 'D-1:0/0', asg: 'D-1:0/2' }, now);
    expect(e.assignments[0]).toMatchObject({ kind: 'REASSIGNED', previousLaneId: 'KGS-PHY-1' });
    expect(e.outcomes).toEqual([]);
  });
  test('a truck with nowhere to go is cancelled on its closed lane and held, not final', () => {
    const e = moveEvents(
      { ...placed, from: 'KGS-HAZ-1', fromAsg: 'D-1:0/1', to: null, asg: null, hold: 1 },
      now,
    );
    expect(e.assignments[0]).toMatchObject({ kind: 'CANCELLED', laneId: 'KGS-HAZ-1' });
    expect(e.outcomes[0]).toMatchObject({ decision: 'HELD', final: false, outcomeId: 'D-1:0/held-1' });
  });
  test('a held truck says which capable lanes are closed', () => {
    const o = heldOutcome(truck, { ...placed, to: null, asg: null, hold: 1 }, now);
    expect(o.reason).toMatch(
      /none of the 1 lane\(s\) able to do PHYSICAL for HAZARDOUS \(KGS-HAZ-1\) is open/,
    );
  });
  test('a released truck gets one final outcome resting on its assessment', () => {
    expect(releasedOutcome({ ...truck, level: 'RELEASE' }, now)).toMatchObject({
      outcomeId: 'D-1:0/final',
      decision: 'RELEASED',
      final: true,
      assessmentId: 'D-1:0',
    });
  });
  test('a superseded amendment is cancelled on its lane and ends SUPERSEDED', () => {
    const s = supersededEvents(
      { info: JSON.stringify(truck), lane: 'KGS-HAZ-1', asg: 'D-1:0/1' },
      { assessmentId: 'D-1:1', amendment: 1 },
      now,
    );
    expect(s.assignments[0]).toMatchObject({ kind: 'CANCELLED', assignmentId: 'D-1:0/1' });
    expect(s.outcome).toMatchObject({ decision: 'SUPERSEDED', final: true, outcomeId: 'D-1:0/final' });
  });
});

describe('outcomes from inspection results', () => {
  const result: InspectionResult = {
    resultId: 'R-1',
    assignmentId: 'D-1:0/1',
    declarationId: 'D-1',
    amendment: 0,
    port: 'KHORGOS',
    laneId: 'KGS-HAZ-1',
    outcome: 'SEIZURE',
    findings: [{ code: 'PROHIBITED_GOODS', description: 'x', lineNo: 1 }],
    inspector: 'insp-7',
    startedAt: 1,
    completedAt: 2,
  };
  test.each([
    ['NO_FINDINGS', 'RELEASED'],
    ['DISCREPANCY', 'RELEASED_AFTER_CORRECTION'],
    ['SEIZURE', 'REFUSED'],
    ['REFERRED', 'HELD'],
  ] as const)('%s → %s', (outcome, decision) => {
    expect(clearanceFromResult(outcome).decision).toBe(decision);
  });
  test('the final outcome names lane, assignment, result and findings', () => {
    const o = resultOutcome(truck, result, now);
    expect(o).toMatchObject({ decision: 'REFUSED', final: true, laneId: 'KGS-HAZ-1', resultId: 'R-1' });
    expect(o.reason).toMatch(/PROHIBITED_GOODS/);
  });
  test('discrepancies, seizures and listed findings count as findings', () => {
    expect(foundSomething({ outcome: 'NO_FINDINGS', findings: [] })).toBe(false);
    expect(foundSomething({ outcome: 'DISCREPANCY', findings: [] })).toBe(true);
    expect(foundSomething({ outcome: 'REFERRED', findings: result.findings })).toBe(true);
  });
  test('hit rates count selecting rules and the random control share, not classification rules', () => {
    expect(
      selectingRules({
        sampled: true,
        firedRules: [
          { ruleId: 'I-A', kind: 'INDICATOR' },
          { ruleId: 'FC-B', kind: 'FREIGHT_CLASS' },
        ],
      }),
    ).toEqual(['I-A', 'random-control']);
  });
});
