// The part of a RiskAssessment the dispatcher reads. Assessments are ~1 KB, most of it the features
// map and each fired rule's reason and observed values, which the dispatcher never reads; the stage
// decodes only these fields (see `inputFields` in the stage runner), so the rest is never allocated.
import type { RiskAssessment } from '@clearway/schemas';

type FiredRule = RiskAssessment['firedRules'][number];

export type DispatchedAssessment = Pick<
  RiskAssessment,
  | 'assessmentId'
  | 'declarationId'
  | 'amendment'
  | 'port'
  | 'submittedAt'
  | 'freightClass'
  | 'inspectionLevel'
  | 'sampled'
  | 'rulesetVersion'
  | 'routing'
> & {
  firedRules: Pick<FiredRule, 'ruleId' | 'kind'>[];
  decision: Pick<RiskAssessment['decision'], 'summary'>;
};

/** The Avro field selection that builds a `DispatchedAssessment` (checked against it by the compiler). */
export const dispatchedAssessmentFields = {
  assessmentId: true,
  declarationId: true,
  amendment: true,
  port: true,
  submittedAt: true,
  freightClass: true,
  inspectionLevel: true,
  sampled: true,
  rulesetVersion: true,
  routing: true,
  firedRules: { ruleId: true, kind: true },
  decision: { summary: true },
} as const satisfies Record<keyof DispatchedAssessment, true | Record<string, true>>;
