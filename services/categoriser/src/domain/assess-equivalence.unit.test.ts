// The evaluation plan (per-declaration caches, HS memo, streamed input hash, fast number printing)
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

// The fast paths added since (line aggregates and the all(HS part, ...) shortcut for every quantifier,
// explanations from the plan, the trusted-trader party) on a ruleset that reaches each of them, for
// each trusted-trader party.
function fastPathsRulesetSource(party: 'declarant' | 'consignor' | 'consignee'): unknown {
  const base = allOperatorsRulesetSource() as {
    indicators: unknown[];
    trustedTraders: unknown;
    sampling: unknown;
  };
  const hsAndOther = {
    all: [
      { field: 'hsChapter', in: ['64', '93', '12'] },
      { not: { field: 'hsCode', inList: 'bulk' } },
      { field: 'originCountry', equals: 'CN' },
    ],
  };
  const whens: unknown[] = [
    { allLines: hsAndOther },
    { noLine: hsAndOther },
    { anyLine: hsAndOther },
    {
      allLines: {
        any: [
          { field: 'hsHeading', equals: '8471' },
          { field: 'packages', gt: 200 },
        ],
      },
    },
    { noLine: { not: { field: 'hsCode', hsPrefix: ['01', '0102'] } } },
    { allLines: { not: { field: 'hsSubheading', inList: 'arms' } } },
    {
      any: [
        {
          anyLine: {
            all: [
              { field: 'hsChapter', equals: '99' },
              { field: 'netKg', gt: 1 },
            ],
          },
        },
        { noLine: { field: 'hsChapter', equals: '84' } },
        { field: 'declarantId', inList: 'watch' },
        { allLines: { field: 'hsCode', inList: 'arms' } },
      ],
    },
    {
      all: [
        {
          anyLine: {
            any: [
              { field: 'unNumber', present: true },
              { field: 'hsChapter', equals: '27' },
            ],
          },
        },
        {
          allLines: {
            all: [
              { field: 'hsHeading', notEquals: '0000' },
              { field: 'grossKg', gt: 0 },
            ],
          },
        },
        { field: 'consignorId', inList: 'watch' },
      ],
    },
  ];
  return {
    ...base,
    indicators: [
      ...base.indicators,
      ...whens.flatMap((when, i) => [
        { id: `I-FAST-${i}-FIRE`, weight: 9 - i, reason: `fast path ${i}`, when, ifMissing: 'fire' },
        { id: `I-FAST-${i}-SKIP`, weight: i + 1, reason: `fast path ${i}`, when, ifMissing: 'skip' },
      ]),
    ],
    trustedTraders: { party, adjustments: { AEOC: -10, AEOS: -35, AEOF: -200 } },
    sampling: { share: 0.5, level: 'SCAN', seed: 'fast-paths' },
  };
}

describe.each(['declarant', 'consignor', 'consignee'] as const)(
  'assess on a ruleset reaching every fast path, trusted traders by %s',
  (party) => {
    test('given 2,000 varied declarations assessed twice, then each equals the reference evaluation', () => {
      const { ruleset } = compileRuleset(fastPathsRulesetSource(party));
      const inputs = syntheticInputs(2000, party.length);
      for (let pass = 0; pass < 2; pass++) {
        const fast = inputs.map(({ declaration, context }) => assess(ruleset, declaration, context));
        const reference = inputs.map(({ declaration, context }) =>
          referenceAssess(ruleset, declaration, context),
        );
        const differs = fast.findIndex((a, i) => JSON.stringify(a) !== JSON.stringify(reference[i]));
        expect(differs === -1 ? null : fast[differs]).toEqual(differs === -1 ? null : reference[differs]);
      }
    });
  },
);

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
