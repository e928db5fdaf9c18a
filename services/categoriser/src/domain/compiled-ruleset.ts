import type { InspectionLevel, RuleKind } from '@clearway/schemas';
import type { ConditionNode } from './condition-compiler.ts';
import type { EvaluationPlan, PlannedCondition } from './evaluation-plan.ts';
import type { DeclarationField, Field } from './fields.ts';
import type { PlannedExplanation } from './planned-explanation.ts';
import type { SampleDraw } from './random-control.ts';
import type { RulesetSource } from './ruleset-schema.ts';

export interface CompiledRule {
  id: string;
  kind: RuleKind;
  reason: string;
  /** null: unconditional (the last freight-class row). */
  condition: ConditionNode | null;
  /** The same condition in the ruleset's evaluation plan: reads the declaration given to plan.begin. */
  planned: PlannedCondition | null;
  /** Explains the condition from the same plan, for rules that fired (see planned-explanation.ts). */
  plannedExplanation: PlannedExplanation | null;
  /** Whether an UNKNOWN outcome (missing data) fires the rule; otherwise it is reported as undetermined. */
  fireOnUnknown: boolean;
  /** Validity window [from, until) in epoch ms, judged against the declaration's submittedAt. */
  validFrom: number;
  validUntil: number;
  weight: number;
  level: InspectionLevel | null;
  freightClass: string | null;
  expected: string;
}

export interface CompiledRuleset {
  /** Content hash of the canonical ruleset, "sha256:<hex>". */
  version: string;
  name: string;
  /** The validated source with defaults applied; canonicalRulesetJson serialises it. */
  source: RulesetSource;
  freightClasses: readonly CompiledRule[];
  mandatoryControls: readonly CompiledRule[];
  indicators: readonly CompiledRule[];
  /** Highest first, so the first threshold the score reaches is the level. */
  thresholds: readonly { level: InspectionLevel; min: number }[];
  trustedTraders: RulesetSource['trustedTraders'] | undefined;
  sampling: { share: number; level: InspectionLevel; draw: SampleDraw } | undefined;
  /** Declaration-level features the rules read, reported on every assessment. */
  reportedFeatures: readonly DeclarationField[];
  /** Evaluates every rule's condition with per-declaration caches (see evaluation-plan.ts). */
  plan: EvaluationPlan;
  /** The plan's value slot of each reported feature, in the same order. */
  reportedFeatureSlots: readonly number[];
  /** The reported features' names in order, each with an empty value: the features record's shape. */
  featureTemplate: Readonly<Record<string, string>>;
  fields: ReadonlyMap<string, Field>;
}
