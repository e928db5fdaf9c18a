// A seeded, deliberately messy history for the unit tests that compare ways of replaying it: repeated
// and altered declarations, forged, repeated and unverifiable assessments, assessments and outcomes
// without a declaration, dead letters, corrupt records, two ports, records either side of the window,
// all arriving in one shuffled order.
import type {
  ClearanceOutcome,
  DeadLetter,
  Declaration,
  InspectionResult,
  LaneAssignment,
  RiskAssessment,
} from '@clearway/schemas';
import type { CompiledRuleset } from '@clearway/categoriser';
import type { CorruptRecord, Located } from './audit-records.ts';
import { T0, assessmentOf, assignmentOf, declaration, outcomeOf, resultOf } from './test-history.ts';

export type Arrival =
  | { kind: 'declaration'; record: Located<Declaration> }
  | { kind: 'assessment'; record: Located<RiskAssessment> }
  | { kind: 'assignment'; record: Located<LaneAssignment> }
  | { kind: 'result'; record: Located<InspectionResult> }
  | { kind: 'outcome'; record: Located<ClearanceOutcome> }
  | { kind: 'deadLetter'; record: Located<DeadLetter> }
  | { kind: 'corrupt'; record: CorruptRecord };

/** The topics of the messy history, and its window. */
export const messyTopics = { decl: 'decl', risk: 'risk', lane: 'lane', insp: 'insp', out: 'out', dlq: 'dlq' };
export const messyWindow = { from: T0, to: T0 + 3_600_000 };

// mulberry32: small and good enough to shuffle test data reproducibly.
function randomFrom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function messyHistory(r: CompiledRuleset, seed: number, size = 80): Arrival[] {
  const random = randomFrom(seed);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const offsets = new Map<string, number>();
  const at = (topic: string) => {
    const partition = Math.floor(random() * 3);
    const key = `${topic}:${partition}`;
    const offset = offsets.get(key) ?? 0;
    offsets.set(key, offset + 1);
    // Most records inside the window, some in the grace either side.
    const timestamp = T0 - 1_800_000 + Math.floor(random() * 7_200_000);
    return { topic, partition, offset: String(offset), timestamp };
  };
  const arrivals: Arrival[] = [];
  const add = <K extends Arrival['kind']>(kind: K, value: unknown, topic: string) =>
    arrivals.push({ kind, record: { value, at: at(topic) } } as Arrival);
  const { decl, risk, lane, insp, out, dlq } = messyTopics;

  for (let i = 0; i < size; i++) {
    const id = chance(0.05) ? `Ω-${i}` : `M-${i}`;
    for (let amendment = 0; amendment < (chance(0.2) ? 2 : 1); amendment++) {
      const d: Declaration = {
        ...declaration(id, pick(['CN', 'AF', 'KZ']), 1 + Math.floor(random() * 3)),
        amendment,
        port: chance(0.85) ? 'KHORGOS' : 'ALASHANKOU',
      };
      const a = assessmentOf(r, d);
      const declared = chance(0.9);
      if (declared) {
        const location = at(decl);
        arrivals.push({ kind: 'declaration', record: { value: d, at: location } });
        // A resubmitted copy, sometimes altered: only the first one read counts.
        if (chance(0.1)) add('declaration', { ...d, goods: d.goods.slice(0, 1) }, decl);
        if (chance(0.08)) {
          add(
            'deadLetter',
            {
              stage: 'categoriser',
              sourceTopic: location.topic,
              sourcePartition: location.partition,
              sourceOffset: location.offset,
              sourceTimestamp: String(location.timestamp),
              key: null,
              value: null,
              headers: [],
              reasonCode: 'INVALID',
              reason: 'rejected',
              failedAt: T0,
            } satisfies DeadLetter,
            dlq,
          );
          continue;
        }
      }
      if (chance(0.05)) continue; // neither assessed nor dead-lettered
      add('assessment', a, risk);
      if (chance(0.1)) add('assessment', { ...a, inspectionLevel: 'PHYSICAL', score: a.score + 7 }, risk);
      if (chance(0.05)) add('assessment', a, risk);
      if (chance(0.05)) add('assessment', { ...a, rulesetVersion: 'sha256:gone' }, risk);
      if (chance(0.05)) add('assessment', { ...a, context: null }, risk);
      if (chance(0.05)) add('assessment', { ...a, context: { ...a.context!, pairSeenBefore: false } }, risk);
      if (chance(0.5)) {
        add('assignment', assignmentOf(a), lane);
        if (chance(0.3)) add('assignment', { ...assignmentOf(a), kind: 'REASSIGNED' }, lane);
        if (chance(0.6)) add('result', resultOf(a, pick(['NO_FINDINGS', 'DISCREPANCY'] as const)), insp);
        if (chance(0.3)) add('outcome', outcomeOf(a, false), out);
        if (chance(0.8)) add('outcome', outcomeOf(a), out);
        if (chance(0.05)) add('outcome', { ...outcomeOf(a), outcomeId: 'again' }, out);
      }
      if (chance(0.03))
        add('outcome', { ...outcomeOf(a), declarationId: `GHOST-${i}`, assessmentId: `GHOST-${i}:0` }, out);
      if (chance(0.03)) add('outcome', { ...outcomeOf(a), declarationId: `ELSEWHERE-${i}` }, out);
    }
    if (chance(0.04))
      arrivals.push({
        kind: 'corrupt',
        record: { ...at(pick([decl, risk, out])), reason: 'wrong magic byte' },
      });
  }
  for (let i = arrivals.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [arrivals[i], arrivals[j]] = [arrivals[j]!, arrivals[i]!];
  }
  return arrivals;
}
