// Small, fully explicit history for the unit tests: a ruleset, declarations and their records.
import {
  assess,
  compileRuleset,
  routingFacts,
  type CompiledRuleset,
  type DecisionContext,
} from '@clearway/categoriser';
import type {
  ClearanceOutcome,
  Declaration,
  InspectionResult,
  LaneAssignment,
  RiskAssessment,
} from '@clearway/schemas';
import type { Located } from './audit-records.ts';

export const rulesetSource = {
  name: 'unit-test',
  lists: { sensitive: { kind: 'countries', items: ['AF', 'IR'] } },
  freightClasses: [{ id: 'FC-GENERAL', class: 'GENERAL', reason: 'everything else' }],
  mandatoryControls: [],
  indicators: [
    {
      id: 'I-SENSITIVE',
      weight: 30,
      reason: 'sensitive origin',
      when: { anyLine: { field: 'originCountry', inList: 'sensitive' } },
    },
    { id: 'I-MANY-LINES', weight: 15, reason: 'many lines', when: { field: 'lineCount', gte: 2 } },
  ],
  thresholds: { DOCUMENTARY: 10, SCAN: 40, PHYSICAL: 60 },
};

export const ruleset = (changes: Record<string, unknown> = {}): CompiledRuleset =>
  compileRuleset({ ...rulesetSource, ...changes }).ruleset;

export const context: DecisionContext = {
  declarant: { declarations: 40, inspections: 10, findings: 0, seizures: 0 },
  consignor: null,
  consignee: null,
  pairSeenBefore: true,
  bookedGrossMassGrams: null,
};

export const T0 = Date.parse('2026-11-20T08:00:00Z');
export const at = (topic: string, offset: number, timestamp = T0 + offset * 1_000) => ({
  topic,
  partition: 0,
  offset: String(offset),
  timestamp,
});

const party = (id: string, country: string) => ({ id, name: id, country, aeo: null });
const line = (lineNo: number, originCountry: string) => ({
  lineNo,
  hsCode: '940360',
  description: 'wooden furniture',
  packages: 10,
  grossMassGrams: 1_000_000,
  netMassGrams: 900_000,
  valueMinor: 500_000,
  currency: 'USD',
  originCountry,
  dangerousGoods: null,
  temperatureControl: null,
});

/** A declaration with `lines` goods lines of one origin. */
export function declaration(id: string, origin = 'CN', lines = 1, submittedAt = T0): Declaration {
  return {
    declarationId: id,
    amendment: 0,
    submittedAt,
    port: 'KHORGOS',
    direction: 'IMPORT',
    transportMode: 'ROAD',
    declarant: party('KZ-1', 'KZ'),
    consignor: party('CN-1', 'CN'),
    consignee: party('KZ-2', 'KZ'),
    vehicle: { tractorPlate: '777ABC02', trailerPlate: null, nationality: 'KZ' },
    bookingId: null,
    slot: null,
    weighbridgeGrossMassGrams: null,
    goods: Array.from({ length: lines }, (_, i) => line(i + 1, origin)),
    documents: [{ type: 'INVOICE', reference: 'INV-1' }],
  };
}

export const located = <T>(value: T, topic: string, offset: number, timestamp?: number): Located<T> => ({
  value,
  at: at(topic, offset, timestamp),
});

export function assessmentOf(r: CompiledRuleset, d: Declaration): RiskAssessment {
  return { ...assess(r, d, context), assessedAt: d.submittedAt + 500, routing: routingFacts(d) };
}

export function assignmentOf(a: RiskAssessment): LaneAssignment {
  return {
    assignmentId: `AS-${a.assessmentId}`,
    kind: 'ASSIGNED',
    declarationId: a.declarationId,
    amendment: a.amendment,
    assessmentId: a.assessmentId,
    port: a.port,
    laneId: 'KGS-DOC-1',
    previousLaneId: null,
    plate: '777ABC02',
    freightClass: a.freightClass,
    inspectionLevel: a.inspectionLevel,
    queuePosition: 1,
    expectedStartAt: a.assessedAt + 60_000,
    bookingId: null,
    plannedSlot: null,
    reason: 'shortest wait',
    assignedAt: a.assessedAt + 1_000,
  };
}

export function resultOf(a: RiskAssessment, outcome: InspectionResult['outcome']): InspectionResult {
  return {
    resultId: `RS-${a.assessmentId}`,
    assignmentId: `AS-${a.assessmentId}`,
    declarationId: a.declarationId,
    amendment: a.amendment,
    port: a.port,
    laneId: 'KGS-DOC-1',
    outcome,
    findings: [],
    inspector: null,
    startedAt: a.assessedAt + 60_000,
    completedAt: a.assessedAt + 120_000,
  };
}

export function outcomeOf(a: RiskAssessment, final = true): ClearanceOutcome {
  return {
    outcomeId: `OC-${a.assessmentId}-${final}`,
    declarationId: a.declarationId,
    amendment: a.amendment,
    assessmentId: a.assessmentId,
    port: a.port,
    decision: final ? 'RELEASED' : 'HELD',
    final,
    reason: 'done',
    rulesetVersion: a.rulesetVersion,
    freightClass: a.freightClass,
    inspectionLevel: a.inspectionLevel,
    laneId: 'KGS-DOC-1',
    assignmentId: `AS-${a.assessmentId}`,
    resultId: null,
    submittedAt: a.submittedAt,
    decidedAt: a.assessedAt + 180_000,
  };
}
