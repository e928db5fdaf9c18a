// Targeted versus random selection on the simulator's ground truth: hit rate (non-compliant found per
// inspection), recall, and the recall curve when inspecting the highest scores first. Pure.
import type { InspectionLevel } from '@clearway/schemas';
import type { ViolationKind } from '../src/domain/goods-catalogue.ts';
import { createRandom } from '../src/domain/random.ts';

export interface Assessed {
  score: number;
  level: InspectionLevel;
  violation: ViolationKind | null;
}

export interface OperatingPoint {
  threshold: InspectionLevel;
  inspections: number;
  inspectionRate: number;
  found: number;
  hitRate: number;
  recall: number;
  /** Random selection at the same inspection rate: expected and one seeded draw. */
  randomExpectedHitRate: number;
  randomDrawHitRate: number;
  randomDrawRecall: number;
  lift: number;
  recallByKind: Record<ViolationKind, { found: number; total: number }>;
}

export interface CurvePoint {
  rate: number;
  recall: number;
}

const rank: Record<InspectionLevel, number> = { RELEASE: 0, DOCUMENTARY: 1, SCAN: 2, PHYSICAL: 3 };

const emptyByKind = (): Record<ViolationKind, { found: number; total: number }> => ({
  UNDERVALUED: { found: 0, total: 0 },
  MISDECLARED_HS: { found: 0, total: 0 },
  UNDECLARED_GOODS: { found: 0, total: 0 },
  PROHIBITED_GOODS: { found: 0, total: 0 },
});

export function operatingPoint(
  items: readonly Assessed[],
  threshold: InspectionLevel,
  seed: string,
): OperatingPoint {
  const total = items.length;
  const violations = items.filter((i) => i.violation !== null).length;
  const base = violations / total;
  const byKind = emptyByKind();
  let inspections = 0;
  let found = 0;
  for (const i of items) {
    if (i.violation !== null) byKind[i.violation].total += 1;
    if (rank[i.level] < rank[threshold]) continue;
    inspections += 1;
    if (i.violation !== null) {
      found += 1;
      byKind[i.violation].found += 1;
    }
  }
  // Random selection of the same number of declarations: a seeded partial Fisher-Yates shuffle.
  const random = createRandom(`${seed}/${threshold}`);
  const order = items.map((_, n) => n);
  let drawFound = 0;
  for (let n = 0; n < inspections; n++) {
    const j = n + Math.floor(random.next() * (order.length - n));
    [order[n], order[j]] = [order[j]!, order[n]!];
    if (items[order[n]!]!.violation !== null) drawFound += 1;
  }
  const hitRate = inspections === 0 ? 0 : found / inspections;
  return {
    threshold,
    inspections,
    inspectionRate: inspections / total,
    found,
    hitRate,
    recall: violations === 0 ? 0 : found / violations,
    randomExpectedHitRate: base,
    randomDrawHitRate: inspections === 0 ? 0 : drawFound / inspections,
    randomDrawRecall: violations === 0 ? 0 : drawFound / violations,
    lift: base === 0 ? 0 : hitRate / base,
    recallByKind: byKind,
  };
}

/**
 * Recall against inspection rate when inspecting in descending score order. Declarations with the same
 * score are indistinguishable to the ruleset, so within a tie the curve is a straight line (the
 * expected result of picking among them at random).
 */
export function recallCurve(items: readonly Assessed[]): CurvePoint[] {
  const total = items.length;
  const violations = items.filter((i) => i.violation !== null).length;
  const groups = new Map<number, { n: number; bad: number }>();
  for (const i of items) {
    const g = groups.get(i.score) ?? { n: 0, bad: 0 };
    g.n += 1;
    if (i.violation !== null) g.bad += 1;
    groups.set(i.score, g);
  }
  const points: CurvePoint[] = [{ rate: 0, recall: 0 }];
  let inspected = 0;
  let found = 0;
  for (const [, g] of [...groups.entries()].sort((a, b) => b[0] - a[0])) {
    inspected += g.n;
    found += g.bad;
    points.push({ rate: inspected / total, recall: violations === 0 ? 0 : found / violations });
  }
  return points;
}

/** The inspection rate at which the curve reaches the target recall (linear within a segment). */
export function rateForRecall(curve: readonly CurvePoint[], target: number): number {
  for (let n = 1; n < curve.length; n++) {
    const a = curve[n - 1]!;
    const b = curve[n]!;
    if (b.recall >= target) {
      if (b.recall === a.recall) return b.rate;
      return a.rate + ((target - a.recall) / (b.recall - a.recall)) * (b.rate - a.rate);
    }
  }
  return 1;
}
