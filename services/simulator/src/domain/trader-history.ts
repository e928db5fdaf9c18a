// Trader history as the categoriser would see it, kept in memory as the simulated traffic is assessed:
// declarations per trader, inspections, findings and seizures, and which consignor–consignee pairs have
// been seen. The selection benchmark feeds it back, so risky traders build a record over time.
import type { Declaration, InspectionOutcome } from '@clearway/schemas';
import type { DecisionContext, TraderStats } from '@clearway/categoriser';

export interface TraderHistory {
  /** The context for assessing `d` (history before it), with the booked mass if there is a booking. */
  context(d: Declaration, bookedGrossMassGrams: number | null): DecisionContext;
  /** Counts the declaration (once per declaration id) and remembers its pair. */
  recordDeclaration(d: Declaration): void;
  /** Records an inspection of `d` and what it found. */
  recordInspection(d: Declaration, outcome: InspectionOutcome): void;
}

export function createTraderHistory(): TraderHistory {
  const stats = new Map<string, TraderStats>();
  const counted = new Set<string>();
  const pairs = new Set<string>();
  const of = (id: string): TraderStats => {
    let s = stats.get(id);
    if (s === undefined) {
      s = { declarations: 0, inspections: 0, findings: 0, seizures: 0 };
      stats.set(id, s);
    }
    return s;
  };
  const copy = (id: string): TraderStats => ({ ...of(id) });
  const parties = (d: Declaration) => [...new Set([d.declarant.id, d.consignor.id, d.consignee.id])];
  return {
    context: (d, bookedGrossMassGrams) => ({
      declarant: copy(d.declarant.id),
      consignor: copy(d.consignor.id),
      consignee: copy(d.consignee.id),
      pairSeenBefore: pairs.has(`${d.consignor.id}|${d.consignee.id}`),
      bookedGrossMassGrams,
    }),
    recordDeclaration(d) {
      pairs.add(`${d.consignor.id}|${d.consignee.id}`);
      if (counted.has(d.declarationId)) return;
      counted.add(d.declarationId);
      for (const id of parties(d)) of(id).declarations += 1;
    },
    recordInspection(d, outcome) {
      for (const id of parties(d)) {
        const s = of(id);
        s.inspections += 1;
        if (outcome !== 'NO_FINDINGS') s.findings += 1;
        if (outcome === 'SEIZURE') s.seizures += 1;
      }
    },
  };
}
