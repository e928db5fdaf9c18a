// The decision: freight class (first match), mandatory controls, indicator score, trusted-trader
// adjustment, random control, then the level — the maximum of the score level, the mandatory level and
// the sampled level. Pure: time is the declaration's submittedAt, randomness is a keyed hash.
import type { Declaration, FiredRule, InspectionLevel, Party, RiskAssessment } from '@clearway/schemas';
import type { CompiledRule, CompiledRuleset } from './compiled-ruleset.ts';
import { TRUE, UNKNOWN, formatValue } from './condition-compiler.ts';
import type { DecisionContext } from './decision-context.ts';
import { inputHash } from './input-hash.ts';
import { levelRank } from './levels.ts';
import type { Explanation } from './planned-explanation.ts';

// Routing facts are copied from the declaration by the service, not decided: not the engine's output.
export type Assessment = Omit<RiskAssessment, 'assessedAt' | 'routing'>;

// One explanation at a time (assess is synchronous), so its scratch is reused.
const explanation: Explanation = { text: '', count: 0, lineNo: null, prefix: '' };

function explainRule(rule: CompiledRule, d: Declaration, c: DecisionContext, onUnknown: boolean): FiredRule {
  let observed = 'always';
  let lineNo: number | null = null;
  const explain = rule.plannedExplanation;
  if (explain !== null) {
    const out = explanation;
    out.text = '';
    out.count = 0;
    out.lineNo = null;
    out.prefix = '';
    explain(d, c, out);
    if (out.count > 0) observed = out.text;
    lineNo = out.lineNo;
  }
  return {
    ruleId: rule.id,
    kind: rule.kind,
    weight: rule.weight,
    reason: rule.reason,
    observed: onUnknown ? `missing data, rule fires on missing: ${observed}` : observed,
    expected: rule.expected,
    lineNo,
  };
}

const NOT_FIRED = 0;
const FIRED = 1;
const UNDETERMINED = 2; // missing data and the rule skips on missing
const FIRED_ON_MISSING = 3;

function judge(rule: CompiledRule, d: Declaration): number {
  if (d.submittedAt < rule.validFrom || d.submittedAt >= rule.validUntil) return NOT_FIRED;
  if (rule.planned === null) return FIRED;
  const t = rule.planned();
  if (t === TRUE) return FIRED;
  if (t === UNKNOWN) return rule.fireOnUnknown ? FIRED_ON_MISSING : UNDETERMINED;
  return NOT_FIRED;
}

/**
 * d[party] without a keyed load: the party name comes from the parsed ruleset, and a keyed load
 * with it sent the optimised assess() back to the interpreter over and over (V8 "unexpected name in
 * keyed access" deopt loop), which cost more than the rest of the decision.
 */
function partyOf(d: Declaration, party: 'declarant' | 'consignor' | 'consignee'): Party {
  switch (party) {
    case 'declarant':
      return d.declarant;
    case 'consignor':
      return d.consignor;
    case 'consignee':
      return d.consignee;
  }
}

export function assess(ruleset: CompiledRuleset, d: Declaration, c: DecisionContext): Assessment {
  const plan = ruleset.plan;
  plan.begin(d, c);
  const firedRules: FiredRule[] = [];
  let undetermined = '';

  let freightClass = '';
  for (const rule of ruleset.freightClasses) {
    const outcome = judge(rule, d);
    if (outcome === NOT_FIRED) continue;
    if (outcome === UNDETERMINED) {
      undetermined += undetermined === '' ? rule.id : `,${rule.id}`;
      continue;
    }
    firedRules.push(explainRule(rule, d, c, outcome === FIRED_ON_MISSING));
    freightClass = rule.freightClass ?? '';
    break;
  }

  let mandatoryLevel: InspectionLevel | null = null;
  let mandatoryId = '';
  for (const rule of ruleset.mandatoryControls) {
    const outcome = judge(rule, d);
    if (outcome === NOT_FIRED) continue;
    if (outcome === UNDETERMINED) {
      undetermined += undetermined === '' ? rule.id : `,${rule.id}`;
      continue;
    }
    firedRules.push(explainRule(rule, d, c, outcome === FIRED_ON_MISSING));
    if (
      rule.level !== null &&
      (mandatoryLevel === null || levelRank(rule.level) > levelRank(mandatoryLevel))
    ) {
      mandatoryLevel = rule.level;
      mandatoryId = rule.id;
    }
  }

  let rawScore = 0;
  for (const rule of ruleset.indicators) {
    const outcome = judge(rule, d);
    if (outcome === NOT_FIRED) continue;
    if (outcome === UNDETERMINED) {
      undetermined += undetermined === '' ? rule.id : `,${rule.id}`;
      continue;
    }
    firedRules.push(explainRule(rule, d, c, outcome === FIRED_ON_MISSING));
    rawScore += rule.weight;
  }

  // Trusted traders lower the score, never below zero; mandatory and sampled levels are untouched.
  let adjustment = 0;
  let aeo = '';
  const trusted = ruleset.trustedTraders;
  if (trusted !== undefined && rawScore > 0) {
    const status = partyOf(d, trusted.party).aeo;
    const configured = status === null ? undefined : trusted.adjustments[status];
    if (configured !== undefined && configured < 0 && status !== null) {
      adjustment = Math.max(configured, -rawScore);
      aeo = status;
    }
  }
  const score = rawScore + adjustment;

  let scoreLevel: InspectionLevel = 'RELEASE';
  let threshold: number | null = null;
  for (const t of ruleset.thresholds)
    if (score >= t.min) {
      scoreLevel = t.level;
      threshold = t.min;
      break;
    }

  const sampling = ruleset.sampling;
  const sampled =
    sampling !== undefined && sampling.share > 0 && sampling.draw(d.declarationId) < sampling.share;
  const sampledLevel = sampled ? sampling.level : null;

  let level = scoreLevel;
  let decidedBy = 'score';
  if (mandatoryLevel !== null && levelRank(mandatoryLevel) > levelRank(level)) {
    level = mandatoryLevel;
    decidedBy = `mandatory control ${mandatoryId}`;
  }
  if (sampledLevel !== null && levelRank(sampledLevel) > levelRank(level)) {
    level = sampledLevel;
    decidedBy = 'random control';
  }

  let summary = `score ${score}`;
  if (adjustment !== 0) summary += ` (raw ${rawScore}, trusted trader ${aeo} ${adjustment})`;
  summary +=
    threshold === null
      ? ` below every threshold -> RELEASE`
      : ` >= ${scoreLevel} threshold ${threshold} -> ${scoreLevel}`;
  if (mandatoryLevel !== null) summary += `; mandatory control ${mandatoryId} -> at least ${mandatoryLevel}`;
  if (sampled) summary += `; random control sample (share ${sampling.share}) -> at least ${sampling.level}`;
  summary += `; final ${level} by ${decidedBy}`;

  // A copy of the ruleset's template object already has every property in order, so filling it in
  // neither grows nor reshapes the object.
  const features: Record<string, string> = { ...ruleset.featureTemplate };
  const reported = ruleset.reportedFeatures;
  for (let i = 0; i < reported.length; i++)
    features[reported[i]!.name] = formatValue(plan.value(ruleset.reportedFeatureSlots[i]!));
  if (undetermined !== '') features.undetermined = undetermined;

  return {
    assessmentId: `${d.declarationId}:${d.amendment}`,
    declarationId: d.declarationId,
    amendment: d.amendment,
    port: d.port,
    submittedAt: d.submittedAt,
    freightClass,
    inspectionLevel: level,
    score,
    firedRules,
    decision: {
      rawScore,
      trustedTraderAdjustment: adjustment,
      scoreLevel,
      mandatoryLevel,
      sampledLevel,
      summary,
    },
    sampled,
    rulesetVersion: ruleset.version,
    inputHash: inputHash(d, c),
    features,
    // Recorded so a replay can re-run this exact decision without the Redis state of the day.
    context: c,
  };
}
