// The straightforward evaluation, kept for tests: every rule walks its condition-node closures over
// the declaration, features are read through the field getters and printed with String(), and the
// input hash streams word by word. assess() must give exactly the same assessments.
import type { Declaration, FiredRule, InspectionLevel, Party } from '@clearway/schemas';
import type { Assessment } from './assess.ts';
import type { CompiledRule, CompiledRuleset } from './compiled-ruleset.ts';
import { TRUE, UNKNOWN, type ExplainOut } from './condition-compiler.ts';
import type { DecisionContext, TraderStats } from './decision-context.ts';
import { hashHex, hashNumber, hashStart, hashString, hashWord } from './fast-hash.ts';
import type { FieldValue } from './fields.ts';
import { levelRank } from './levels.ts';

function referenceFormat(v: FieldValue | null): string {
  if (v === null) return 'missing';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  return `[${v.join(', ')}]`;
}

const NULL = 0x6e756c6c;
const PRESENT = 0x70726573;

function nullableString(s: string | null): void {
  if (s === null) hashWord(NULL);
  else hashString(s);
}

function party(p: Party): void {
  hashString(p.id);
  hashString(p.name);
  hashString(p.country);
  nullableString(p.aeo);
}

function stats(s: TraderStats | null): void {
  if (s === null) return hashWord(NULL);
  hashWord(PRESENT);
  hashNumber(s.declarations);
  hashNumber(s.inspections);
  hashNumber(s.findings);
  hashNumber(s.seizures);
}

function referenceInputHash(d: Declaration, c: DecisionContext): string {
  hashStart(0x9e3779b9, 0x7f4a7c15);
  hashString(d.declarationId);
  hashNumber(d.amendment);
  hashNumber(d.submittedAt);
  hashString(d.port);
  hashString(d.direction);
  hashString(d.transportMode);
  party(d.declarant);
  party(d.consignor);
  party(d.consignee);
  hashString(d.vehicle.tractorPlate);
  nullableString(d.vehicle.trailerPlate);
  hashString(d.vehicle.nationality);
  nullableString(d.bookingId);
  if (d.slot === null) hashWord(NULL);
  else {
    hashWord(PRESENT);
    hashNumber(d.slot.start);
    hashNumber(d.slot.end);
  }
  if (d.weighbridgeGrossMassGrams === null) hashWord(NULL);
  else hashNumber(d.weighbridgeGrossMassGrams);
  hashNumber(d.goods.length);
  for (const l of d.goods) {
    hashNumber(l.lineNo);
    hashString(l.hsCode);
    hashString(l.description);
    hashNumber(l.packages);
    hashNumber(l.grossMassGrams);
    hashNumber(l.netMassGrams);
    hashNumber(l.valueMinor);
    hashString(l.currency);
    hashString(l.originCountry);
    if (l.dangerousGoods === null) hashWord(NULL);
    else {
      hashString(l.dangerousGoods.unNumber);
      hashString(l.dangerousGoods.hazardClass);
    }
    if (l.temperatureControl === null) hashWord(NULL);
    else {
      hashNumber(l.temperatureControl.minDeciCelsius);
      hashNumber(l.temperatureControl.maxDeciCelsius);
    }
  }
  hashNumber(d.documents.length);
  for (const doc of d.documents) {
    hashString(doc.type);
    hashString(doc.reference);
  }
  stats(c.declarant);
  stats(c.consignor);
  stats(c.consignee);
  hashWord(c.pairSeenBefore === null ? NULL : c.pairSeenBefore ? 1 : 0);
  if (c.bookedGrossMassGrams === null) hashWord(NULL);
  else hashNumber(c.bookedGrossMassGrams);
  return `in1:${hashHex()}`;
}

function explainRule(rule: CompiledRule, d: Declaration, c: DecisionContext, onUnknown: boolean): FiredRule {
  const out: ExplainOut = { observed: [], lineNo: null };
  rule.condition?.explain(d, c, null, out);
  const observed = out.observed.length === 0 ? 'always' : out.observed.join('; ');
  return {
    ruleId: rule.id,
    kind: rule.kind,
    weight: rule.weight,
    reason: rule.reason,
    observed: onUnknown ? `missing data, rule fires on missing: ${observed}` : observed,
    expected: rule.expected,
    lineNo: out.lineNo,
  };
}

const NOT_FIRED = 0;
const FIRED = 1;
const UNDETERMINED = 2; // missing data and the rule skips on missing
const FIRED_ON_MISSING = 3;

function judge(rule: CompiledRule, d: Declaration, c: DecisionContext): number {
  if (d.submittedAt < rule.validFrom || d.submittedAt >= rule.validUntil) return NOT_FIRED;
  if (rule.condition === null) return FIRED;
  const t = rule.condition.evaluate(d, c, null);
  if (t === TRUE) return FIRED;
  if (t === UNKNOWN) return rule.fireOnUnknown ? FIRED_ON_MISSING : UNDETERMINED;
  return NOT_FIRED;
}

/** The decision as assess() made it before the evaluation plan: the reference the fast path must match. */
export function referenceAssess(ruleset: CompiledRuleset, d: Declaration, c: DecisionContext): Assessment {
  const firedRules: FiredRule[] = [];
  let undetermined = '';

  let freightClass = '';
  for (const rule of ruleset.freightClasses) {
    const outcome = judge(rule, d, c);
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
    const outcome = judge(rule, d, c);
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
    const outcome = judge(rule, d, c);
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
    const status = d[trusted.party].aeo;
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

  const features: Record<string, string> = {};
  for (const f of ruleset.reportedFeatures) features[f.name] = referenceFormat(f.get(d, c));
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
    inputHash: referenceInputHash(d, c),
    features,
    // Recorded so a replay can re-run this exact decision without the Redis state of the day.
    context: c,
  };
}
