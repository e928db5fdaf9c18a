// The part of a RiskAssessment the dispatcher reads. Assessments are ~1 KB, most of it the features
// map and each fired rule's reason and observed values, which the dispatcher never reads; the stage
// decodes only these fields (`inputFields` in service.ts), so the rest is never allocated.
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
