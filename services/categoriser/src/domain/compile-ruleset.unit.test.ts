import { compileRuleset } from './compile-ruleset.ts';
import { RulesetError } from './ruleset-error.ts';

const base = {
  name: 'test',
  freightClasses: [{ id: 'FC-GENERAL', class: 'GENERAL', reason: 'default' }],
  thresholds: { DOCUMENTARY: 10, SCAN: 20, PHYSICAL: 30 },
};
const withIndicator = (when: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...base,
  indicators: [{ id: 'I-1', weight: 10, reason: 'r', when, ...extra }],
});

function problemsOf(source: unknown): string {
  try {
    compileRuleset(source);
  } catch (e) {
    if (e instanceof RulesetError) return e.message;
    throw e;
  }
  throw new Error('expected a RulesetError');
}

describe('compileRuleset load-time errors', () => {
  test('an unknown top-level key is named with its path', () => {
    expect(problemsOf({ ...base, treshold: 1 })).toMatch(/treshold/);
  });

  test('an unknown field points at the leaf', () => {
    expect(problemsOf(withIndicator({ field: 'hsKode', equals: '93' }))).toMatch(
      /^indicators\[0\]\.when\.field: unknown field "hsKode"/,
    );
  });

  test('a type mismatch names the operator path', () => {
    expect(problemsOf(withIndicator({ anyLine: { field: 'originCountry', gt: 3 } }))).toMatch(
      /indicators\[0\]\.when\.anyLine\.gt: "gt" needs a number field/,
    );
    expect(problemsOf(withIndicator({ field: 'lineCount', equals: 'three' }))).toMatch(
      /"lineCount" is a number/,
    );
  });

  test('a line field outside a line quantifier is rejected', () => {
    expect(problemsOf(withIndicator({ field: 'hsCode', hsPrefix: '93' }))).toMatch(/goods-line field/);
  });

  test('a nullable field needs an explicit missing-data decision', () => {
    expect(problemsOf(withIndicator({ field: 'bookedMassDiscrepancyPct', gt: 10 }))).toMatch(
      /indicators\[0\]\.ifMissing: reads bookedMassDiscrepancyPct/,
    );
    expect(() =>
      compileRuleset(withIndicator({ field: 'bookedMassDiscrepancyPct', gt: 10 }, { ifMissing: 'skip' })),
    ).not.toThrow();
    expect(() =>
      compileRuleset(withIndicator({ field: 'bookedMassDiscrepancyPct', gt: 10, ifMissing: false })),
    ).not.toThrow();
  });

  test('the last freight-class row must be unconditional', () => {
    const source = {
      ...base,
      freightClasses: [{ id: 'FC-A', class: 'A', reason: 'r', when: { field: 'lineCount', gt: 1 } }],
    };
    expect(problemsOf(source)).toMatch(/last row \(FC-A\) must have no "when"/);
  });

  test('duplicate ids, unknown lists and wrong list kinds are errors', () => {
    const source = {
      ...base,
      lists: { risky: { kind: 'countries', items: ['AF'] } },
      indicators: [
        { id: 'I-1', weight: 1, reason: 'r', when: { field: 'declarantId', inList: 'risky' } },
        { id: 'I-1', weight: 1, reason: 'r', when: { field: 'consignorCountry', inList: 'nope' } },
      ],
    };
    const message = problemsOf(source);
    expect(message).toMatch(/list "risky" holds countries; "declarantId" cannot be checked/);
    expect(message).toMatch(/duplicate id I-1/);
    expect(message).toMatch(/unknown list "nope"/);
  });
});

describe('compileRuleset load-time warnings', () => {
  test('a row implied by an earlier first-match row is reported as shadowed', () => {
    const source = {
      ...base,
      freightClasses: [
        {
          id: 'FC-ARMS',
          class: 'HAZARDOUS',
          reason: 'r',
          when: { anyLine: { field: 'hsCode', hsPrefix: ['93', '36'] } },
        },
        {
          id: 'FC-AMMO',
          class: 'AMMO',
          reason: 'r',
          when: { anyLine: { field: 'hsHeading', equals: '9306' } },
        },
        { id: 'FC-GENERAL', class: 'GENERAL', reason: 'r' },
      ],
    };
    expect(compileRuleset(source).warnings).toContainEqual(
      expect.stringMatching(/freightClasses\[1\] \(FC-AMMO\): shadowed by freightClasses\[0\] \(FC-ARMS\)/),
    );
  });

  test('rules that can never fire are reported', () => {
    const { warnings } = compileRuleset(
      {
        ...base,
        indicators: [
          {
            id: 'I-1',
            weight: 5,
            reason: 'r',
            when: {
              all: [
                { field: 'lineCount', gt: 5 },
                { field: 'lineCount', lt: 3 },
              ],
            },
          },
          { id: 'I-2', weight: 5, reason: 'r', when: { field: 'lineCount', between: [5, 1] } },
          { id: 'I-3', weight: 5, reason: 'r', when: { anyLine: { field: 'hsCode', hsPrefix: '9999' } } },
          {
            id: 'I-4',
            weight: 5,
            reason: 'r',
            when: { field: 'port', equals: 'KHORGOS' },
            validFrom: '2025-02-01',
            validUntil: '2025-01-01',
          },
        ],
      },
      { knownHsCodes: new Set(['93', '9301']) },
    );
    expect(warnings.join('\n')).toMatch(/indicators\[0\]\.when\.all: bounds on "lineCount" do not overlap/);
    expect(warnings.join('\n')).toMatch(/indicators\[1\]\.when\.between: min 5 > max 1/);
    expect(warnings.join('\n')).toMatch(/HS code "9999" is not in the HS nomenclature/);
    expect(warnings.join('\n')).toMatch(/\(I-4\): validUntil is not after validFrom/);
  });
});

describe('ruleset version', () => {
  test('is a content hash independent of key order', () => {
    const a = compileRuleset({
      name: 'x',
      thresholds: { DOCUMENTARY: 1, SCAN: 2, PHYSICAL: 3 },
      freightClasses: base.freightClasses,
    }).ruleset;
    const b = compileRuleset({
      freightClasses: base.freightClasses,
      thresholds: { PHYSICAL: 3, SCAN: 2, DOCUMENTARY: 1 },
      name: 'x',
    }).ruleset;
    expect(a.version).toBe(b.version);
    expect(a.version).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('changes when a managed list changes', () => {
    const src = (items: string[]): unknown => ({
      ...withIndicator({ field: 'consignorCountry', inList: 'risky' }),
      lists: { risky: { kind: 'countries', items } },
    });
    expect(compileRuleset(src(['AF'])).ruleset.version).not.toBe(
      compileRuleset(src(['AF', 'IR'])).ruleset.version,
    );
  });
});
