import { createTestPlatform, type TestPlatform } from '@clearway/test';
import type { RiskAssessment } from '@clearway/schemas';

const assessment: RiskAssessment = {
  assessmentId: 'KGS-1:0',
  declarationId: 'KGS-1',
  amendment: 0,
  port: 'KHORGOS',
  submittedAt: 1_700_000_000_000,
  assessedAt: 1_700_000_000_500,
  freightClass: 'GENERAL',
  inspectionLevel: 'SCAN',
  score: 45,
  firedRules: [
    {
      ruleId: 'IND-1',
      kind: 'INDICATOR',
      weight: 45,
      reason: 'why',
      observed: 'seen',
      expected: 'wanted',
      lineNo: 1,
    },
    {
      ruleId: 'FC-1',
      kind: 'FREIGHT_CLASS',
      weight: 0,
      reason: 'r',
      observed: 'o',
      expected: 'e',
      lineNo: null,
    },
  ],
  decision: {
    rawScore: 45,
    trustedTraderAdjustment: 0,
    scoreLevel: 'SCAN',
    mandatoryLevel: null,
    sampledLevel: null,
    summary: 'score 45',
  },
  sampled: false,
  rulesetVersion: 'sha256:abc',
  inputHash: 'fh:123',
  features: { origin: 'CN', lines: '2' },
  context: {
    declarant: { declarations: 3, inspections: 1, findings: 0, seizures: 0 },
    consignor: null,
    consignee: null,
    pairSeenBefore: true,
    bookedGrossMassGrams: null,
  },
  routing: {
    tractorPlate: '777ABC02',
    bookingId: null,
    slot: { start: 1, end: 2 },
    traders: ['KZ-1', 'CN-1'],
  },
};

const codeOf = (decode: () => unknown): string | undefined => {
  try {
    decode();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('Avro serde projected decoding', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform('serde-projection');
  });
  afterAll(async () => platform.close());

  it('builds exactly the selected fields, nested ones included, and skips the rest', async () => {
    const { serde, topics } = platform;
    await serde.registerTopic(topics.riskAssessments);
    const bytes = serde.encode(topics.riskAssessments, assessment);
    const projected = serde.projected<Record<string, unknown>>(topics.riskAssessments, {
      declarationId: true,
      score: true,
      firedRules: { ruleId: true },
      context: { declarant: true },
      routing: true,
    });
    // The first record fetches the writer schema; later ones decode synchronously.
    const expected = {
      declarationId: 'KGS-1',
      score: 45,
      firedRules: [{ ruleId: 'IND-1' }, { ruleId: 'FC-1' }],
      context: { declarant: assessment.context!.declarant },
      routing: assessment.routing,
    };
    expect({ ...(await projected.decode(bytes)) }).toEqual(expected);
    const again = projected.tryDecodeCached(bytes);
    expect(again && { ...again }).toEqual(expected);
    // Fields left out are not built at all.
    expect(Object.keys(again!)).toEqual(['declarationId', 'score', 'firedRules', 'context', 'routing']);
    // Full decoding is unaffected.
    await expect(serde.decode(topics.riskAssessments, bytes)).resolves.toEqual(assessment);
  });

  it('rejects what full decoding rejects, and selections the schema does not have', async () => {
    const { serde, topics } = platform;
    await serde.registerTopic(topics.riskAssessments);
    const projected = serde.projected(topics.riskAssessments, { declarationId: true });
    const bytes = serde.encode(topics.riskAssessments, assessment);
    await projected.decode(bytes);
    // Cut short (in fields it skips): the read runs past the end.
    expect(codeOf(() => projected.tryDecodeCached(bytes.subarray(0, bytes.length - 40)))).toBe('CORRUPT');
    expect(codeOf(() => projected.tryDecodeCached(Buffer.from('plain text')))).toBe('NOT_AVRO');
    expect(() => serde.projected(topics.riskAssessments, { nonsense: true })).toThrow(/no field nonsense/);
    expect(() => serde.projected(topics.riskAssessments, { score: { value: true } })).toThrow(/not a record/);
  });
});
