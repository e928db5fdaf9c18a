import { createBacktest } from './backtest.ts';
import { laneThroughputs, portsFileSchema } from './lane-capacity.ts';
import { T0, assessmentOf, declaration, located, resultOf, ruleset } from './test-history.ts';

const window = { from: T0, to: T0 + 3_600_000 };
const recordedBy = ruleset();
// A stricter candidate: the "many lines" indicator weighs more.
const candidate = ruleset({
  indicators: [
    {
      id: 'I-SENSITIVE',
      weight: 30,
      reason: 'sensitive origin',
      when: { anyLine: { field: 'originCountry', inList: 'sensitive' } },
    },
    { id: 'I-MANY-LINES', weight: 45, reason: 'many lines', when: { field: 'lineCount', gte: 2 } },
  ],
});

describe('backtest', () => {
  it('reports the level shifts a changed ruleset causes, fires per rule and hit rates against the random control', () => {
    const backtest = createBacktest({ candidate, window });
    const inputs = [
      declaration('ONE-LINE', 'CN', 1), // RELEASE → RELEASE
      declaration('TWO-LINES', 'CN', 2), // DOCUMENTARY (15) → SCAN (45)
      declaration('SENSITIVE-TWO', 'AF', 2), // SCAN (45) → PHYSICAL (75)
    ];
    inputs.forEach((d, i) => {
      const a = assessmentOf(recordedBy, d);
      backtest.addDeclaration(located(d, 'decl', i));
      backtest.addAssessment(located(i === 0 ? { ...a, sampled: true } : a, 'risk', i));
    });
    const [one, two, sensitive] = inputs.map((d) => assessmentOf(recordedBy, d));
    backtest.addResult(located(resultOf(one!, 'NO_FINDINGS'), 'res', 0));
    backtest.addResult(located(resultOf(two!, 'NO_FINDINGS'), 'res', 1));
    backtest.addResult(located(resultOf(sensitive!, 'SEIZURE'), 'res', 2));

    const report = backtest.finish();
    expect(report.declarations).toBe(3);
    expect(report.changed).toBe(2);
    expect(report.matrix.RELEASE.RELEASE).toBe(1);
    expect(report.matrix.DOCUMENTARY.SCAN).toBe(1);
    expect(report.matrix.SCAN.PHYSICAL).toBe(1);
    expect(report.shifts.map((s) => [s.declarationId, s.from, s.to])).toEqual([
      ['TWO-LINES', 'DOCUMENTARY', 'SCAN'],
      ['SENSITIVE-TWO', 'SCAN', 'PHYSICAL'],
    ]);
    const many = report.rules.find((r) => r.ruleId === 'I-MANY-LINES')!;
    expect(many).toMatchObject({ recordedFires: 2, candidateFires: 2, inspected: 2, hits: 1, hitRate: 0.5 });
    expect(report.baseline).toMatchObject({
      sampledInspected: 1,
      compliant: 1,
      complianceRate: 1,
      hitRate: 0,
    });
    expect(report.load.map((l) => [l.level, l.recorded, l.candidate])).toEqual(
      expect.arrayContaining([
        ['DOCUMENTARY', 1, 0],
        ['SCAN', 1, 1],
        ['PHYSICAL', 0, 1],
      ]),
    );
    expect(report.load.every((l) => l.capacityPerHour === null)).toBe(true);
  });

  it('sets load against lane capacity when the ports file is given', () => {
    const lanes = laneThroughputs(
      portsFileSchema.parse({
        requirements: { byLevel: { DOCUMENTARY: ['documentary'], SCAN: ['xray'] } },
        ports: [
          {
            code: 'KHORGOS',
            lanes: [
              { id: 'DOC', capabilities: ['documentary'], capacity: 2, serviceMinutes: { DOCUMENTARY: 10 } },
              {
                id: 'XR',
                capabilities: ['xray', 'documentary'],
                capacity: 1,
                serviceMinutes: { DOCUMENTARY: 10, SCAN: 12 },
              },
            ],
          },
        ],
      }),
    );
    expect(lanes).toEqual([
      { port: 'KHORGOS', laneId: 'DOC', level: 'DOCUMENTARY', perHour: 12 },
      { port: 'KHORGOS', laneId: 'XR', level: 'DOCUMENTARY', perHour: 6 },
      { port: 'KHORGOS', laneId: 'XR', level: 'SCAN', perHour: 5 },
    ]);
    const backtest = createBacktest({ candidate: recordedBy, window, lanes });
    const d = declaration('TWO-LINES', 'CN', 2);
    backtest.addDeclaration(located(d, 'decl', 0));
    backtest.addAssessment(located(assessmentOf(recordedBy, d), 'risk', 0));
    const report = backtest.finish();
    expect(report.load).toEqual([
      expect.objectContaining({ level: 'DOCUMENTARY', candidate: 1, capacityPerHour: 18 }),
    ]);
    expect(report.laneLoad.map((l) => [l.laneId, Number(l.expected.toFixed(3))])).toEqual([
      ['DOC', 0.667],
      ['XR', 0.333],
    ]);
  });

  it('says when there is nothing to re-decide', () => {
    expect(createBacktest({ candidate, window }).finish().noData).toMatch(/^no assessed declarations/);
  });
});
