// The evaluation plan (per-declaration caches, HS memo, buffered input hash, fast number printing)
// must not change a single assessment: checked against the straightforward reference evaluation and
// against digests recorded with the engine as it was before the plan.
import { createHash } from 'node:crypto';
import { assess, type Assessment } from './assess.ts';
import { compileRuleset } from './compile-ruleset.ts';
import { formatValue } from './condition-compiler.ts';
import { referenceAssess } from './reference-assess.ts';
import { syntheticInputs } from './test-declarations.ts';
import { allOperatorsRulesetSource } from './test-rulesets.ts';

function digest(assessments: readonly Assessment[]): string {
  const h = createHash('sha256');
  for (const a of assessments) h.update(`${JSON.stringify(a)}\n`);
  return h.digest('hex');
}

describe('assess on a ruleset using every field and operator', () => {
  const { ruleset } = compileRuleset(allOperatorsRulesetSource());
  const inputs = syntheticInputs(3000, 2);
  const fast = inputs.map(({ declaration, context }) => assess(ruleset, declaration, context));

  test('given 3,000 varied declarations, when assessed, then each equals the reference evaluation', () => {
    const reference = inputs.map(({ declaration, context }) =>
      referenceAssess(ruleset, declaration, context),
    );
    const differs = fast.findIndex((a, i) => JSON.stringify(a) !== JSON.stringify(reference[i]));
    expect(differs === -1 ? null : fast[differs]).toEqual(differs === -1 ? null : reference[differs]);
  });

  test('then the assessments are byte for byte those recorded before the evaluation plan', () => {
    expect(digest(fast)).toBe('75e4c748da32812585c44375e0135ebf18b7a260fd31cf16a09fa141614ca620');
  });

  test('then assessing again in another order gives the same results (no state leaks between declarations)', () => {
    for (let i = inputs.length - 1; i >= 0; i -= 7)
      expect(assess(ruleset, inputs[i]!.declaration, inputs[i]!.context)).toEqual(fast[i]);
  });
});

describe('formatValue', () => {
  test('prints numbers exactly as String(Math.round(v * 1000) / 1000)', () => {
    const values = [-0, 0.0004, -0.0004, 0.0005, -0.0005, 2.675, -2.675, 0.1 + 0.2, 1e-7, NaN, Infinity];
    values.push(999_999_999_999.9995, 1e12 - 0.0001, 1e15 + 0.5, -1e15 - 0.5);
    let x = 7;
    for (let i = 0; i < 200_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      values.push(((x >>> 0) / 4294967296 - 0.3) * [1, 100, 1e4, 1e7, 1e11, 1e13][i % 6]!);
    }
    const wrong = values.filter(
      (v) => formatValue(v) !== (Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000)),
    );
    expect(wrong).toEqual([]);
  });
});
