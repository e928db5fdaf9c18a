import { assessmentOf, context, declaration, ruleset } from './test-history.ts';
import {
  compareDecided,
  compareRecorded,
  decidedFields,
  decisionOf,
  verifyAssessment,
} from './verify-assessment.ts';

describe('verifyAssessment', () => {
  const r = ruleset();
  const d = declaration('D-1', 'AF', 2);
  const recorded = assessmentOf(r, d);

  it('verifies a recorded decision that the ruleset reproduces', () => {
    expect(recorded.inspectionLevel).toBe('SCAN');
    expect(verifyAssessment(r, d, recorded)).toEqual({ status: 'verified' });
  });

  it('reports each altered field with both values', () => {
    const forged = { ...recorded, inspectionLevel: 'RELEASE' as const, score: 0 };
    expect(verifyAssessment(r, d, forged)).toEqual({
      status: 'different',
      differences: [
        { field: 'inspectionLevel', recorded: 'RELEASE', recomputed: 'SCAN' },
        { field: 'score', recorded: '0', recomputed: '45' },
      ],
    });
  });

  it('catches an altered declaration through the input hash and the fired rules', () => {
    const altered = declaration('D-1', 'CN', 2);
    const result = verifyAssessment(r, altered, recorded);
    expect(result.status).toBe('different');
    const fields = result.status === 'different' ? result.differences.map((x) => x.field) : [];
    expect(fields).toEqual(['inspectionLevel', 'score', 'firedRules', 'inputHash']);
  });

  it('checks the routing facts the assessment carries against its declaration', () => {
    const routing = recorded.routing!;
    const forged = { ...recorded, routing: { ...routing, tractorPlate: '000XXX00' } };
    const result = verifyAssessment(r, d, forged);
    const differences = result.status === 'different' ? result.differences : [];
    expect(differences.map((x) => x.field)).toEqual(['routing']);
    expect(differences[0]?.recorded).toContain('plate 000XXX00');
    expect(differences[0]?.recomputed).toContain(`plate ${d.vehicle.tractorPlate}`);
    // Recorded before assessments carried them: nothing to check, the decision still verifies.
    expect(verifyAssessment(r, d, { ...recorded, routing: null })).toEqual({ status: 'verified' });
  });

  it('catches an altered recorded context', () => {
    const result = verifyAssessment(r, d, { ...recorded, context: { ...context, pairSeenBefore: false } });
    expect(result).toEqual({
      status: 'different',
      differences: [expect.objectContaining({ field: 'inputHash' })],
    });
  });

  it('calls a missing ruleset version or context unverifiable rather than failing', () => {
    expect(verifyAssessment(undefined, d, recorded)).toEqual({
      status: 'unverifiable',
      reason: expect.stringContaining(recorded.rulesetVersion) as string,
    });
    expect(verifyAssessment(r, d, { ...recorded, context: null }).status).toBe('unverifiable');
  });

  it('compares the recorded fields exactly as their strings compare', () => {
    const recomputed = decisionOf(recorded, recorded.routing);
    const ids = (...ruleIds: string[]) => ruleIds.map((ruleId) => ({ ruleId }));
    const variants = [
      recorded,
      { ...recorded, firedRules: [] },
      { ...recorded, firedRules: ids('a,b') },
      { ...recorded, firedRules: ids('a', 'b') },
      { ...recorded, firedRules: [...recorded.firedRules, ...ids('')] },
      { ...recorded, firedRules: recorded.firedRules.slice(1) },
      { ...recorded, score: recorded.score + 1, sampled: !recorded.sampled },
      { ...recorded, routing: null },
      { ...recorded, routing: { ...recorded.routing!, traders: ['a,b'] } },
      { ...recorded, routing: { ...recorded.routing!, traders: ['a', 'b'] } },
      { ...recorded, routing: { ...recorded.routing!, bookingId: null } },
      { ...recorded, routing: { ...recorded.routing!, bookingId: 'none' } },
      { ...recorded, routing: { ...recorded.routing!, slot: { start: 1, end: 2 } } },
      { ...recorded, inputHash: `${recorded.inputHash}0` },
    ];
    for (const a of variants)
      for (const b of [...variants, { ...recorded, firedRules: ids('a', 'b') }]) {
        const against = decisionOf(b, b.routing);
        expect(compareRecorded(a, against)).toEqual(
          compareDecided(decidedFields(decisionOf(a, a.routing)), decidedFields(against)),
        );
      }
    expect(compareRecorded(recorded, recomputed)).toEqual({ status: 'verified' });
  });
});
