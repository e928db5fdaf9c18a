// Re-runs one recorded decision: same declaration, same recorded context, the ruleset version the
// assessment names. The engine is a pure function, so any difference is a change to the record. The
// routing facts an assessment carries (plate, booking, traders) are checked against its declaration too.
import { assess, routingFacts, type CompiledRuleset } from '@clearway/categoriser/engine';
import type { Declaration, FiredRule, RiskAssessment, RoutingFacts } from '@clearway/schemas';

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

/**
 * What replay reads of an assessment: every compared field, the decision's inputs besides the
 * declaration, and what joins it to its declaration. Not what explains the decision (features, the
 * rules' reasons, the level decision): replay decodes only these (see shard-feeder.ts).
 */
export type ReplayedAssessment = Pick<
  RiskAssessment,
  | 'assessmentId'
  | 'declarationId'
  | 'amendment'
  | 'port'
  | 'submittedAt'
  | 'freightClass'
  | 'inspectionLevel'
  | 'score'
  | 'sampled'
  | 'rulesetVersion'
  | 'inputHash'
  | 'context'
  | 'routing'
> & { firedRules: Pick<FiredRule, 'ruleId'>[] };

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
  a: Pick<
    ReplayedAssessment,
    'inspectionLevel' | 'freightClass' | 'score' | 'firedRules' | 'sampled' | 'inputHash'
  >,
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

// One for every verified assessment: replay keeps a verification per assessment until it reports.
const VERIFIED: Verification = Object.freeze({ status: 'verified' });

export function compareDecided(recorded: Decided, recomputed: Decided): Verification {
  const differences: FieldDifference[] = [];
  for (const field of Object.keys(recorded) as (keyof Decided)[])
    if (recorded[field] !== recomputed[field])
      differences.push({ field, recorded: recorded[field], recomputed: recomputed[field] });
  return differences.length === 0 ? VERIFIED : { status: 'different', differences };
}

/**
 * `compareDecided` of the recorded assessment's fields, which are built (as strings) only when some
 * field differs: nearly every assessment verifies, and replay compares one per declaration.
 */
export function compareRecorded(recorded: ReplayedAssessment, recomputed: Decided): Verification {
  if (
    recorded.inspectionLevel === recomputed.inspectionLevel &&
    recorded.freightClass === recomputed.freightClass &&
    String(recorded.score) === recomputed.score &&
    String(recorded.sampled) === recomputed.sampled &&
    recorded.inputHash === recomputed.inputHash &&
    joinsTo(recorded.firedRules, recomputed.firedRules) &&
    routingText(recorded.routing) === recomputed.routing
  )
    return VERIFIED;
  return compareDecided(decidedFields(recorded, recorded.routing), recomputed);
}

// Whether the rule ids joined with commas (as decidedFields spells them) are `joined`, without
// building the joined string.
function joinsTo(rules: readonly Pick<FiredRule, 'ruleId'>[], joined: string): boolean {
  let at = 0;
  for (let i = 0; i < rules.length; i++) {
    if (i > 0) {
      if (joined.charCodeAt(at) !== 0x2c) return false;
      at++;
    }
    const id = rules[i]!.ruleId;
    if (!joined.startsWith(id, at)) return false;
    at += id.length;
  }
  return at === joined.length;
}

/** What the ruleset decides for the declaration with the assessment's recorded context. */
export function recompute(
  ruleset: CompiledRuleset | undefined,
  declaration: Declaration,
  recorded: ReplayedAssessment,
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
  recorded: ReplayedAssessment,
): Verification {
  const again = recompute(ruleset, declaration, recorded);
  return 'unverifiable' in again
    ? { status: 'unverifiable', reason: again.unverifiable }
    : compareRecorded(recorded, again);
}
