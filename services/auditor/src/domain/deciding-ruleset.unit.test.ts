import {
  allOperatorsRulesetSource,
  assess,
  compileRuleset,
  generateDeclarations,
  type CompiledRuleset,
} from '@clearway/categoriser';
import { decidingOnly } from './deciding-ruleset.ts';
import { ruleset as unitRuleset } from './test-history.ts';
import { decisionOf } from './verify-assessment.ts';

// Every operator, on both sides of missing data, and nested combinations (the categoriser's own
// fixture), with trusted traders and sampling.
const everyKind = compileRuleset(allOperatorsRulesetSource()).ruleset;

describe('deciding-only ruleset', () => {
  const inputs = generateDeclarations(2_000, 8080);

  it.each([
    ['every kind of rule', everyKind],
    ['the unit-test ruleset', unitRuleset()],
  ])('given %s, decides every declaration exactly as the full ruleset', (_, full: CompiledRuleset) => {
    const deciding = decidingOnly(full);
    const fired = new Set<string>();
    const outcomes = new Set<string>();
    for (const { declaration, context } of inputs) {
      const expected = assess(full, declaration, context);
      expect(decisionOf(assess(deciding, declaration, context), null)).toEqual(decisionOf(expected, null));
      for (const r of expected.firedRules) fired.add(r.ruleId);
      outcomes.add(`${expected.inspectionLevel}:${expected.score}`);
    }
    // The declarations exercise the ruleset: most of its rules fire on some of them.
    const rules = full.freightClasses.length + full.mandatoryControls.length + full.indicators.length;
    expect(fired.size).toBeGreaterThan(rules / 2);
    expect(outcomes.size).toBeGreaterThan(3);
  });

  it('leaves the full ruleset explaining as before', () => {
    const full = everyKind;
    const { declaration, context } = inputs[0]!;
    const before = assess(full, declaration, context);
    decidingOnly(full);
    expect(assess(full, declaration, context)).toEqual(before);
    expect(Object.keys(before.features).length).toBeGreaterThan(0);
  });
});
