// Re-runs one recorded decision: same declaration, same recorded context, the ruleset version the
// assessment names. The engine is a pure function, so any difference is a change to the record. The
// routing facts an assessment carries (plate, booking, traders) are checked against its declaration too.
import { assess, routingFacts, type CompiledRuleset } from '@clearway/categoriser/engine';
import type {
  Declaration,
  FiredRule,
  InspectionLevel,
  RiskAssessment,
  RoutingFacts,
} from '@clearway/schemas';

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

/** The compared fields of a decision, as strings: what a difference reports. */
export type Decided = Record<
  'inspectionLevel' | 'freightClass' | 'score' | 'firedRules' | 'sampled' | 'inputHash' | 'routing',
  string
>;

/**
 * The compared fields of a re-run decision as they come out of it: compared to the recorded ones
 * (`compareRecorded`) without building the strings a difference reports, which cost a fair part of
 * verifying when built for every assessment.
 */
export interface Decision {
  inspectionLevel: InspectionLevel;
  freightClass: string;
  score: number;
  /** Rule ids joined with commas. */
  firedRules: string;
  sampled: boolean;
  inputHash: string;
  /** Null when the assessment carried none: nothing to check. */
  routing: RoutingFacts | null;
}

/** Routing facts as a report shows them; `none` for an assessment recorded before they were carried. */
export function routingText(r: RoutingFacts | null): string {
  if (r === null) return 'none';
  const slot = r.slot === null ? 'no slot' : `slot ${r.slot.start}-${r.slot.end}`;
  // Joined, not concatenated: one flat string rather than a tree of pieces, as replay keeps one per
  // amendment (in `decidedFields`) until the report.
  return [
    'plate ',
    r.tractorPlate,
    ', booking ',
    r.bookingId ?? 'none',
    ', ',
    slot,
    ', traders ',
    r.traders.join(','),
  ].join('');
}

export function decisionOf(
  a: Pick<
    ReplayedAssessment,
    'inspectionLevel' | 'freightClass' | 'score' | 'firedRules' | 'sampled' | 'inputHash'
  >,
  routing: RoutingFacts | null,
): Decision {
  return {
    inspectionLevel: a.inspectionLevel,
    freightClass: a.freightClass,
    score: a.score,
    firedRules: a.firedRules.map((r) => r.ruleId).join(','),
    sampled: a.sampled,
    inputHash: a.inputHash,
    routing,
  };
}

/** The decision's strings: what a difference reports, and what replay keeps of a decision. */
export function decidedFields(d: Decision): Decided {
  return {
    inspectionLevel: d.inspectionLevel,
    freightClass: d.freightClass,
    score: String(d.score),
    firedRules: d.firedRules,
    sampled: String(d.sampled),
    inputHash: d.inputHash,
    routing: routingText(d.routing),
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
 * `compareDecided` of the recorded assessment's fields and the decision's, without building their
 * strings unless some field differs: nearly every assessment verifies, and replay compares one per
 * declaration. Values that are equal have equal strings; values that are not are compared as strings.
 */
export function compareRecorded(recorded: ReplayedAssessment, recomputed: Decision): Verification {
  if (
    recorded.inspectionLevel === recomputed.inspectionLevel &&
    recorded.freightClass === recomputed.freightClass &&
    (recorded.score === recomputed.score || String(recorded.score) === String(recomputed.score)) &&
    (recorded.sampled === recomputed.sampled || String(recorded.sampled) === String(recomputed.sampled)) &&
    recorded.inputHash === recomputed.inputHash &&
    joinsTo(recorded.firedRules, recomputed.firedRules) &&
    (sameRouting(recorded.routing, recomputed.routing) ||
      routingText(recorded.routing) === routingText(recomputed.routing))
  )
    return VERIFIED;
  return compareDecided(decidedFields(decisionOf(recorded, recorded.routing)), decidedFields(recomputed));
}

// Whether the rule ids joined with commas (as decisionOf spells them) are `joined`, without
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

// Field by field; equal facts have equal texts (the converse is checked by text).
function sameRouting(a: RoutingFacts | null, b: RoutingFacts | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.tractorPlate !== b.tractorPlate || a.bookingId !== b.bookingId) return false;
  if (a.slot === null || b.slot === null) {
    if (a.slot !== b.slot) return false;
  } else if (a.slot.start !== b.slot.start || a.slot.end !== b.slot.end) return false;
  if (a.traders.length !== b.traders.length) return false;
  for (let i = 0; i < a.traders.length; i++) if (a.traders[i] !== b.traders[i]) return false;
  return true;
}

/** What the ruleset decides for the declaration with the assessment's recorded context. */
export function recompute(
  ruleset: CompiledRuleset | undefined,
  declaration: Declaration,
  recorded: ReplayedAssessment,
): Decision | { unverifiable: string } {
  if (ruleset === undefined)
    return { unverifiable: `ruleset version ${recorded.rulesetVersion} is not on the rulesets topic` };
  if (recorded.context === null) return { unverifiable: 'the assessment recorded no decision context' };
  // An assessment recorded without routing facts has none to check.
  const routing = recorded.routing === null ? null : routingFacts(declaration);
  return decisionOf(assess(ruleset, declaration, recorded.context), routing);
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
