// The compiled ruleset replay re-decides with: the categoriser's own, without what only explains a
// decision. Replay compares a decision's fields (level, freight class, score, fired rule ids, sampled,
// input hash), never the fired rules' observations, the features or the level's summary, and
// building those was a fifth of re-deciding and much of its garbage. The rules, their conditions and
// evaluation plan, thresholds, trusted-trader adjustments and sampling are the same objects, so the
// decision is the same: deciding-ruleset.unit.test.ts checks it against the full ruleset.
import type { CompiledRule, CompiledRuleset } from '@clearway/categoriser/engine';

const unexplained = (rules: readonly CompiledRule[]): CompiledRule[] =>
  rules.map((rule) => ({ ...rule, plannedExplanation: null }));

export function decidingOnly(ruleset: CompiledRuleset): CompiledRuleset {
  return {
    ...ruleset,
    freightClasses: unexplained(ruleset.freightClasses),
    mandatoryControls: unexplained(ruleset.mandatoryControls),
    indicators: unexplained(ruleset.indicators),
    reportedFeatures: [],
    reportedFeatureSlots: [],
    featureTemplate: {},
  };
}
