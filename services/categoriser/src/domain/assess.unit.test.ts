import { assess } from './assess.ts';
import { canonicalRulesetJson, compileRuleset } from './compile-ruleset.ts';
import { aContext, aDeclaration, aLine } from './test-declarations.ts';

const source = {
  name: 'unit',
  unitValueList: 'referenceValues',
  lists: {
    sensitiveOrigins: { kind: 'countries', items: ['AF'] },
    arms: { kind: 'hsRanges', items: ['93', '3601-3604'] },
    referenceValues: { kind: 'unitValues', currency: 'USD', items: { '847130': 20000 } },
  },
  freightClasses: [
    {
      id: 'FC-HAZ',
      class: 'HAZARDOUS',
      reason: 'UN number',
      when: { anyLine: { field: 'dangerousGoods', equals: true } },
    },
    {
      id: 'FC-LIVE',
      class: 'LIVESTOCK',
      reason: 'live animals',
      when: { anyLine: { field: 'hsChapter', equals: '01' } },
    },
    { id: 'FC-GEN', class: 'GENERAL', reason: 'default' },
  ],
  mandatoryControls: [
    {
      id: 'M-ARMS',
      level: 'PHYSICAL',
      reason: 'arms',
      when: { anyLine: { field: 'hsCode', inList: 'arms' } },
    },
  ],
  indicators: [
    {
      id: 'I-ORIGIN',
      weight: 25,
      reason: 'sensitive origin',
      when: { anyLine: { field: 'originCountry', inList: 'sensitiveOrigins' } },
    },
    {
      id: 'I-UNDERVALUED',
      weight: 30,
      reason: 'below reference',
      when: { anyLine: { field: 'unitValueRatio', lt: 0.5, ifMissing: false } },
    },
    {
      id: 'I-MASS',
      weight: 15,
      reason: 'mass differs from booking',
      when: { field: 'bookedMassDiscrepancyPct', gt: 10 },
      ifMissing: 'fire',
    },
    {
      id: 'I-NEW-PAIR',
      weight: 10,
      reason: 'first-time pair',
      when: { field: 'pairFirstTime', equals: true },
      ifMissing: 'skip',
    },
    {
      id: 'I-WINDOWED',
      weight: 5,
      reason: 'campaign',
      when: { field: 'lineCount', gte: 1 },
      validFrom: '2025-07-01',
      validUntil: '2025-08-01',
    },
  ],
  thresholds: { DOCUMENTARY: 20, SCAN: 40, PHYSICAL: 70 },
  trustedTraders: { party: 'declarant', adjustments: { AEOS: -30 } },
  sampling: { share: 0, level: 'PHYSICAL', seed: 'unit-test-seed' },
};
const { ruleset } = compileRuleset(source);
const withBooking = { bookedGrossMassGrams: 1_000_000 };

describe('assess', () => {
  test('given an ordinary declaration, it is released with the default class', () => {
    const a = assess(ruleset, aDeclaration(), aContext(withBooking));
    expect(a.assessmentId).toBe('D-1:0');
    expect(a.freightClass).toBe('GENERAL');
    expect(a.inspectionLevel).toBe('RELEASE');
    expect(a.firedRules.map((r) => r.ruleId)).toEqual(['FC-GEN']);
    expect(a.decision.summary).toMatch(/score 0 below every threshold -> RELEASE; final RELEASE by score/);
  });

  test('the first matching freight-class row wins', () => {
    const d = aDeclaration({
      goods: [
        aLine({ hsCode: '010221' }),
        aLine({ lineNo: 2, dangerousGoods: { unNumber: '1203', hazardClass: '3' } }),
      ],
    });
    expect(assess(ruleset, d, aContext(withBooking)).freightClass).toBe('HAZARDOUS');
  });

  test('a fired indicator explains what it saw, on which line, against what', () => {
    const d = aDeclaration({ goods: [aLine(), aLine({ lineNo: 2, originCountry: 'AF' })] });
    const fired = assess(ruleset, d, aContext(withBooking)).firedRules.find((r) => r.ruleId === 'I-ORIGIN');
    expect(fired).toEqual({
      ruleId: 'I-ORIGIN',
      kind: 'INDICATOR',
      weight: 25,
      reason: 'sensitive origin',
      observed: 'line 2: originCountry=AF',
      expected: 'any line: originCountry in list sensitiveOrigins',
      lineNo: 2,
    });
  });

  test('undervaluation compares value per kg with the reference unit value', () => {
    const laptops = aLine({
      hsCode: '847130',
      netMassGrams: 1_000_000,
      grossMassGrams: 1_100_000,
      valueMinor: 5_000_000,
    }); // 5000 cents/kg vs 20000
    const a = assess(ruleset, aDeclaration({ goods: [laptops] }), aContext(withBooking));
    expect(a.firedRules.find((r) => r.ruleId === 'I-UNDERVALUED')?.observed).toBe(
      'line 1: unitValueRatio=0.25',
    );
  });

  test('score thresholds choose the level, a mandatory control sets a minimum whatever the score', () => {
    const d = aDeclaration({ goods: [aLine({ hsCode: '930200', originCountry: 'AF' })] });
    const a = assess(ruleset, d, aContext(withBooking));
    expect(a.score).toBe(25);
    expect(a.decision.scoreLevel).toBe('DOCUMENTARY');
    expect(a.decision.mandatoryLevel).toBe('PHYSICAL');
    expect(a.inspectionLevel).toBe('PHYSICAL');
    expect(a.decision.summary).toMatch(/final PHYSICAL by mandatory control M-ARMS/);
  });

  test('a trusted trader lowers the score but never below a mandatory control', () => {
    const aeo = { id: 'KZ-AEO', name: 'AEO LLP', country: 'KZ', aeo: 'AEOS' as const };
    const origin = aDeclaration({ declarant: aeo, goods: [aLine({ originCountry: 'AF' })] });
    const a = assess(ruleset, origin, aContext(withBooking));
    expect(a.decision).toMatchObject({ rawScore: 25, trustedTraderAdjustment: -25, scoreLevel: 'RELEASE' });
    expect(a.score).toBe(0);
    const arms = assess(
      ruleset,
      aDeclaration({ declarant: aeo, goods: [aLine({ hsCode: '930200', originCountry: 'AF' })] }),
      aContext(withBooking),
    );
    expect(arms.inspectionLevel).toBe('PHYSICAL');
  });

  test('missing data is explicit: skipped rules are reported undetermined, fire-on-missing rules fire and say so', () => {
    const a = assess(ruleset, aDeclaration(), aContext({ pairSeenBefore: null, bookedGrossMassGrams: null }));
    expect(a.features.undetermined).toBe('I-NEW-PAIR');
    const mass = a.firedRules.find((r) => r.ruleId === 'I-MASS');
    expect(mass?.observed).toBe('missing data, rule fires on missing: bookedMassDiscrepancyPct=missing');
  });

  test('validity windows are judged against submittedAt, not the wall clock', () => {
    const inJuly = aDeclaration({ submittedAt: Date.parse('2025-07-15T00:00:00Z') });
    const inAugust = aDeclaration({ submittedAt: Date.parse('2025-08-01T00:00:00Z') });
    expect(assess(ruleset, inJuly, aContext(withBooking)).firedRules.map((r) => r.ruleId)).toContain(
      'I-WINDOWED',
    );
    expect(assess(ruleset, inAugust, aContext(withBooking)).firedRules.map((r) => r.ruleId)).not.toContain(
      'I-WINDOWED',
    );
  });

  test('features report what the rules saw', () => {
    const a = assess(
      ruleset,
      aDeclaration(),
      aContext({ bookedGrossMassGrams: 800_000, pairSeenBefore: false }),
    );
    expect(a.features).toEqual({ bookedMassDiscrepancyPct: '25', pairFirstTime: 'true', lineCount: '1' });
  });
});

describe('reproducibility', () => {
  test('the canonical JSON re-compiles to the same version and the same decisions', () => {
    const replayed = compileRuleset(JSON.parse(canonicalRulesetJson(ruleset))).ruleset;
    expect(replayed.version).toBe(ruleset.version);
    const d = aDeclaration({ goods: [aLine({ hsCode: '847130', valueMinor: 1000, originCountry: 'AF' })] });
    expect(assess(replayed, d, aContext())).toEqual(assess(ruleset, d, aContext()));
  });

  test('the input hash covers the declaration and the trader history', () => {
    const d = aDeclaration();
    const h = assess(ruleset, d, aContext()).inputHash;
    expect(h).toMatch(/^in1:[0-9a-f]{16}$/);
    expect(assess(ruleset, aDeclaration(), aContext()).inputHash).toBe(h);
    expect(
      assess(
        ruleset,
        d,
        aContext({ declarant: { declarations: 50, inspections: 10, findings: 2, seizures: 0 } }),
      ).inputHash,
    ).not.toBe(h);
    expect(
      assess(ruleset, aDeclaration({ goods: [aLine({ valueMinor: 500_001 })] }), aContext()).inputHash,
    ).not.toBe(h);
  });
});

describe('random control share', () => {
  const sampledWith = (share: number, seed = 'unit-test-seed') =>
    compileRuleset({ ...source, sampling: { share, level: 'PHYSICAL', seed } }).ruleset;

  test('a sampled declaration gets at least the configured level, recorded on the assessment', () => {
    const a = assess(sampledWith(1), aDeclaration(), aContext(withBooking));
    expect(a).toMatchObject({
      sampled: true,
      inspectionLevel: 'PHYSICAL',
      decision: { sampledLevel: 'PHYSICAL', scoreLevel: 'RELEASE' },
    });
    expect(a.decision.summary).toMatch(/final PHYSICAL by random control/);
  });

  test('the draw is a keyed hash: about the configured share, stable across amendments, different per seed', () => {
    const rs = sampledWith(0.02);
    const ids = Array.from({ length: 10_000 }, (_, i) => `KZ-${i}`);
    const sampled = ids.filter((id) => assess(rs, aDeclaration({ declarationId: id }), aContext()).sampled);
    expect(sampled.length).toBeGreaterThan(150);
    expect(sampled.length).toBeLessThan(250);
    const first = sampled[0]!;
    expect(assess(rs, aDeclaration({ declarationId: first, amendment: 3 }), aContext()).sampled).toBe(true);
    const other = sampledWith(0.02, 'another-seed-value');
    expect(
      ids.filter((id) => assess(other, aDeclaration({ declarationId: id }), aContext()).sampled),
    ).not.toEqual(sampled);
  });
});
