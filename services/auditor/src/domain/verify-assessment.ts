// Re-runs one recorded decision: same declaration, same recorded context, the ruleset version the
// assessment names. The engine is a pure function, so any difference is a change to the record. The
// routing facts an assessment carries (plate, booking, traders) are checked against its declaration too.
import { assess, routingFacts, type CompiledRuleset } from '@clearway/categoriser';
import type { Declaration, RiskAssessment, RoutingFacts } from '@clearway/schemas';

export type ComparedField =
  | 'inspectionLevel'
  | 'freightClass'
  | 'score'
  | 'firedRules'
  | 'sampled'
  | 'inputHash'
  | 'routing'
  | 'context'
  | 'rulesetVersion';

export interface FieldDifference {
  field: ComparedField;
  recorded: string;
  recomputed: string;
}

export type Verification =
  | { status: 'verified' }
  | { status: 'different'; differences: FieldDifference[] }
  | { status: 'unverifiable'; reason: string };

/** The compared fields of a decision, as strings; small enough to keep once the declaration is gone. */
export type Decided = Record<
  'inspectionLevel' | 'freightClass' | 'score' | 'firedRules' | 'sampled' | 'inputHash' | 'routing',
  string
>;

/** Routing facts as a report shows them; `none` for an assessment recorded before they were carried. */
export function routingText(r: RoutingFacts | null): string {
  if (r === null) return 'none';
  const slot = r.slot === null ? 'no slot' : `slot ${r.slot.start}-${r.slot.end}`;
  return `plate ${r.tractorPlate}, booking ${r.bookingId ?? 'none'}, ${slot}, traders ${r.traders.join(',')}`;
}

export function decidedFields(
  a: Omit<RiskAssessment, 'assessedAt' | 'routing'>,
  routing: RoutingFacts | null,
): Decided {
  return {
    inspectionLevel: a.inspectionLevel,
    freightClass: a.freightClass,
    score: String(a.score),
    firedRules: a.firedRules.map((r) => r.ruleId).join(','),
    sampled: String(a.sampled),
    inputHash: a.inputHash,
    routing: routingText(routing),
  };
}

export function compareDecided(recorded: Decided, recomputed: Decided): Verification {
  const differences: FieldDifference[] = [];
  for (const field of Object.keys(recorded) as (keyof Decided)[])
    if (recorded[field] !== recomputed[field])
      differences.push({ field, recorded: recorded[field], recomputed: recomputed[field] });
  return differences.length === 0 ? { status: 'verified' } : { status: 'different', differences };
}

/** What the ruleset decides for the declaration with the assessment's recorded context. */
export function recompute(
  ruleset: CompiledRuleset | undefined,
  declaration: Declaration,
  recorded: RiskAssessment,
): Decided | { unverifiable: string } {
  if (ruleset === undefined)
    return { unverifiable: `ruleset version ${recorded.rulesetVersion} is not on the rulesets topic` };
  if (recorded.context === null) return { unverifiable: 'the assessment recorded no decision context' };
  // An assessment recorded without routing facts has none to check.
  const routing = recorded.routing === null ? null : routingFacts(declaration);
  return decidedFields(assess(ruleset, declaration, recorded.context), routing);
}

export function verifyAssessment(
  ruleset: CompiledRuleset | undefined,
  declaration: Declaration,
  recorded: RiskAssessment,
): Verification {
  const again = recompute(ruleset, declaration, recorded);
  return 'unverifiable' in again
    ? { status: 'unverifiable', reason: again.unverifiable }
    : compareDecided(decidedFields(recorded, recorded.routing), again);
}
