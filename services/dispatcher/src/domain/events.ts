// Composing the dispatcher's events from stored decisions. Pure and deterministic: the same
// decision always gives the same events, with ids derived from the assessment.
import type {
  ClearanceDecision,
  ClearanceOutcome,
  InspectionOutcome,
  InspectionResult,
  LaneAssignment,
} from '@clearway/schemas';
import { plannedStart } from './booking.ts';
import type { Move, Superseded, TruckInfo } from './decisions.ts';

export const finalOutcomeId = (assessmentId: string) => `${assessmentId}/final`;
export const heldOutcomeId = (assessmentId: string, hold: number) => `${assessmentId}/held-${hold}`;

const outcomeBase = (t: TruckInfo, now: number) => ({
  declarationId: t.declarationId,
  amendment: t.amendment,
  assessmentId: t.assessmentId,
  port: t.port,
  rulesetVersion: t.rulesetVersion,
  freightClass: t.freightClass,
  inspectionLevel: t.level,
  submittedAt: t.submittedAt,
  decidedAt: now,
});

export function releasedOutcome(t: TruckInfo, now: number): ClearanceOutcome {
  return {
    ...outcomeBase(t, now),
    outcomeId: finalOutcomeId(t.assessmentId),
    decision: 'RELEASED',
    final: true,
    reason: `released without inspection on assessment ${t.assessmentId} (ruleset ${t.rulesetVersion}): ${t.summary}`,
    laneId: null,
    assignmentId: null,
    resultId: null,
  };
}

const waitText = (m: Move) =>
  `expected wait ${m.wait.toFixed(1)} min with ${m.ahead} truck(s) ahead over ${m.cap} place(s)`;

export function assignmentReason(t: TruckInfo, m: Move): string {
  const parts = [
    `${m.to} can do ${t.level} for ${t.freightClass} (needs ${t.needs.join('+') || 'nothing special'})`,
    `${waitText(m)}, the least of ${m.considered} open capable lane(s)`,
  ];
  if (m.from) parts.unshift(`moved from ${m.from}, which closed`);
  if (t.booking.note) parts.push(t.booking.note);
  if (m.priLimited) parts.push('lane priority quota full, queued without priority');
  return parts.join('; ');
}

/** An ASSIGNED (or, when moved from a closed lane, REASSIGNED) event for a placed truck. */
export function assignmentEvent(t: TruckInfo, m: Move, now: number): LaneAssignment {
  if (!m.to || !m.asg) throw new Error('assignmentEvent needs a placed move');
  return {
    assignmentId: m.asg,
    kind: m.from ? 'REASSIGNED' : 'ASSIGNED',
    declarationId: t.declarationId,
    amendment: t.amendment,
    assessmentId: t.assessmentId,
    port: t.port,
    laneId: m.to,
    previousLaneId: m.from,
    plate: t.plate,
    freightClass: t.freightClass,
    inspectionLevel: t.level,
    queuePosition: m.ahead,
    expectedStartAt: plannedStart(now, m.wait, t.booking.plannedSlot),
    bookingId: t.booking.bookingId,
    plannedSlot: t.booking.plannedSlot,
    reason: assignmentReason(t, m),
    assignedAt: now,
  };
}

export function cancelledEvent(
  t: TruckInfo,
  laneId: string,
  assignmentId: string,
  reason: string,
  now: number,
): LaneAssignment {
  return {
    assignmentId,
    kind: 'CANCELLED',
    declarationId: t.declarationId,
    amendment: t.amendment,
    assessmentId: t.assessmentId,
    port: t.port,
    laneId,
    previousLaneId: null,
    plate: t.plate,
    freightClass: t.freightClass,
    inspectionLevel: t.level,
    queuePosition: 0,
    expectedStartAt: now,
    bookingId: t.booking.bookingId,
    plannedSlot: t.booking.plannedSlot,
    reason,
    assignedAt: now,
  };
}

/** An interim hold: no capable lane open (final=false); the truck is placed when one opens. */
export function heldOutcome(t: TruckInfo, m: Move, now: number): ClearanceOutcome {
  const why =
    t.candidates.length === 0
      ? `no lane at ${t.port} can do ${t.level} for ${t.freightClass} (needs ${t.needs.join('+')})`
      : `none of the ${t.candidates.length} lane(s) able to do ${t.level} for ${t.freightClass} (${t.candidates
          .map((c) => c.lane)
          .join(', ')}) is open`;
  return {
    ...outcomeBase(t, now),
    outcomeId: heldOutcomeId(t.assessmentId, m.hold),
    decision: 'HELD',
    final: false,
    reason: `${m.from ? `lane ${m.from} closed; ` : ''}held: ${why}; will be dispatched when one opens`,
    laneId: m.from,
    assignmentId: m.fromAsg,
    resultId: null,
  };
}

/** A moved-or-held truck's events: the lane event (reassignment or cancellation) and any hold. */
export function moveEvents(
  m: Move,
  now: number,
): { assignments: LaneAssignment[]; outcomes: ClearanceOutcome[] } {
  const t = JSON.parse(m.info) as TruckInfo;
  if (m.to) return { assignments: [assignmentEvent(t, m, now)], outcomes: [] };
  const assignments =
    m.from && m.fromAsg
      ? [cancelledEvent(t, m.from, m.fromAsg, `lane ${m.from} closed and no capable lane is open`, now)]
      : [];
  return { assignments, outcomes: [heldOutcome(t, m, now)] };
}

/** A pending amendment replaced by a newer one: its place is cancelled and it ends SUPERSEDED. */
export function supersededEvents(
  sup: Superseded,
  by: { assessmentId: string; amendment: number },
  now: number,
): { assignments: LaneAssignment[]; outcome: ClearanceOutcome } {
  const t = JSON.parse(sup.info) as TruckInfo;
  const reason = `superseded by amendment ${by.amendment} (${by.assessmentId})`;
  return {
    assignments: sup.lane && sup.asg ? [cancelledEvent(t, sup.lane, sup.asg, reason, now)] : [],
    outcome: {
      ...outcomeBase(t, now),
      outcomeId: finalOutcomeId(t.assessmentId),
      decision: 'SUPERSEDED',
      final: true,
      reason,
      laneId: sup.lane,
      assignmentId: sup.asg,
      resultId: null,
    },
  };
}

/** An assessment that arrived after a later amendment of the same declaration had been dispatched. */
export function staleOutcome(t: TruckInfo, latest: number, now: number): ClearanceOutcome {
  return {
    ...outcomeBase(t, now),
    outcomeId: finalOutcomeId(t.assessmentId),
    decision: 'SUPERSEDED',
    final: true,
    reason: `amendment ${t.amendment} arrived after amendment ${latest} was dispatched`,
    laneId: null,
    assignmentId: null,
    resultId: null,
  };
}

const decisionByOutcome: Record<InspectionOutcome, { decision: ClearanceDecision; verb: string }> = {
  NO_FINDINGS: { decision: 'RELEASED', verb: 'released: inspection found nothing' },
  DISCREPANCY: {
    decision: 'RELEASED_AFTER_CORRECTION',
    verb: 'released after correction of the discrepancy',
  },
  SEIZURE: { decision: 'REFUSED', verb: 'refused: goods seized' },
  REFERRED: { decision: 'HELD', verb: 'held: referred to another authority' },
};

/** What an inspection result means for the truck. */
export function clearanceFromResult(outcome: InspectionOutcome): {
  decision: ClearanceDecision;
  verb: string;
} {
  return decisionByOutcome[outcome];
}

/** Whether the inspection found something (counts as a finding in trader history and hit rates). */
export const foundSomething = (r: Pick<InspectionResult, 'outcome' | 'findings'>): boolean =>
  r.outcome === 'DISCREPANCY' || r.outcome === 'SEIZURE' || r.findings.length > 0;

export function resultOutcome(t: TruckInfo, r: InspectionResult, now: number): ClearanceOutcome {
  const { decision, verb } = clearanceFromResult(r.outcome);
  const findings = r.findings.map((f) => f.code).join(', ');
  return {
    ...outcomeBase(t, now),
    outcomeId: finalOutcomeId(t.assessmentId),
    decision,
    final: true,
    reason: `${verb} at lane ${r.laneId}${findings ? ` (findings: ${findings})` : ''}${r.inspector ? `, inspector ${r.inspector}` : ''}`,
    laneId: r.laneId,
    assignmentId: r.assignmentId,
    resultId: r.resultId,
  };
}
