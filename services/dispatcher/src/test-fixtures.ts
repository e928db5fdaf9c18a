// Builders for tests and the benchmark (no I/O).
import type { InspectionLevel, RiskAssessment } from '@clearway/schemas';

export function sampleAssessment(
  declarationId: string,
  inspectionLevel: InspectionLevel,
  overrides: Partial<RiskAssessment> = {},
): RiskAssessment {
  const amendment = overrides.amendment ?? 0;
  return {
    assessmentId: `${declarationId}:${amendment}`,
    declarationId,
    amendment,
    port: 'KHORGOS',
    submittedAt: Date.parse('2026-11-20T08:15:00Z'),
    assessedAt: Date.parse('2026-11-20T08:15:01Z'),
    freightClass: 'GENERAL',
    inspectionLevel,
    score: inspectionLevel === 'RELEASE' ? 5 : 60,
    firedRules:
      inspectionLevel === 'RELEASE'
        ? []
        : [
            {
              ruleId: 'I-UNDERVALUED',
              kind: 'INDICATOR',
              weight: 40,
              reason: 'unit value far below reference',
              observed: '2.1 USD/kg',
              expected: '>= 9 USD/kg',
              lineNo: 1,
            },
            {
              ruleId: 'FC-GENERAL',
              kind: 'FREIGHT_CLASS',
              weight: 0,
              reason: 'general cargo',
              observed: 'GENERAL',
              expected: 'GENERAL',
              lineNo: null,
            },
          ],
    decision: {
      rawScore: 60,
      trustedTraderAdjustment: 0,
      scoreLevel: inspectionLevel,
      mandatoryLevel: null,
      sampledLevel: null,
      summary: `score level ${inspectionLevel}`,
    },
    sampled: false,
    rulesetVersion: 'test-ruleset',
    inputHash: 'hash',
    features: {},
    context: null,
    // The truck and traders of @clearway/test's sampleDeclaration, without its booking.
    routing: {
      tractorPlate: '777ABC02',
      bookingId: null,
      slot: null,
      traders: ['KZ-BIN-990440001234', 'CN-USCC-91650000MA77', 'KZ-BIN-180540009876'],
    },
    ...overrides,
  };
}
