import { inspectionFindings, truthFromHash, truthToHash, type GroundTruth } from './ground-truth.ts';
import { planInspection, serviceMinutesFor } from './inspection-lane.ts';

const compliant: GroundTruth = {
  declarationId: 'KHG-20250615-000001',
  amendment: 0,
  violation: null,
  lineNo: null,
  trueHsCode: null,
  declaredValueMinor: null,
  trueValueMinor: null,
  hidden: null,
  detail: 'compliant',
};

describe('inspection findings from the ground truth', () => {
  it('given a compliant shipment, then the lane finds nothing', () => {
    expect(inspectionFindings(compliant)).toEqual({ outcome: 'NO_FINDINGS', findings: [] });
  });

  it.each([
    ['UNDERVALUED', 'DISCREPANCY', 2],
    ['MISDECLARED_HS', 'DISCREPANCY', 1],
    ['UNDECLARED_GOODS', 'SEIZURE', null],
    ['PROHIBITED_GOODS', 'SEIZURE', null],
  ] as const)(
    'given %s, then the outcome is %s with one finding of that code',
    (violation, outcome, lineNo) => {
      const truth: GroundTruth = { ...compliant, violation, lineNo, detail: `a ${violation}` };
      expect(inspectionFindings(truth)).toEqual({
        outcome,
        findings: [{ code: violation, description: `a ${violation}`, lineNo }],
      });
    },
  );

  it('survives the round trip through a Redis hash', () => {
    const truth: GroundTruth = {
      ...compliant,
      violation: 'UNDECLARED_GOODS',
      hidden: {
        hsCode: '240220',
        description: 'cigarettes',
        grossMassGrams: 1_200_000,
        valueCents: 4_800_000,
      },
      detail: '1200 kg of cigarettes',
    };
    expect(truthFromHash(truthToHash(truth))).toEqual(truth);
    expect(truthFromHash(truthToHash(compliant))).toEqual(compliant);
    expect(truthFromHash({})).toBeNull();
  });
});

describe('simulated lane', () => {
  const lane = {
    capacity: 2,
    serviceMinutes: { DOCUMENTARY: 10, SCAN: 15 },
    serviceMinutesByClass: { OVERSIZE: { SCAN: 20 } },
  };

  it('takes the configured service time, by class when the lane has one', () => {
    expect(serviceMinutesFor(lane, 'GENERAL', 'SCAN')).toBe(15);
    expect(serviceMinutesFor(lane, 'OVERSIZE', 'SCAN')).toBe(20);
    expect(serviceMinutesFor(lane, 'GENERAL', 'PHYSICAL')).toBe(60);
  });

  it('queues a truck behind busy servers, compressed in time', () => {
    const servers = [0, 0];
    expect(planInspection(servers, 1000, 15, 60)).toEqual({ server: 0, startAt: 1000, endAt: 16_000 });
    expect(planInspection(servers, 1000, 15, 60)).toEqual({ server: 1, startAt: 1000, endAt: 16_000 });
    expect(planInspection(servers, 2000, 10, 60)).toEqual({ server: 0, startAt: 16_000, endAt: 26_000 });
  });
});
