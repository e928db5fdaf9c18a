// Public surface of the categoriser's pure rules engine.
export type { TraderStats, DecisionContext } from './decision-context.ts';
export type { CompiledRuleset, CompiledRule } from './compiled-ruleset.ts';
export type { RulesetSource, ManagedListSource } from './ruleset-schema.ts';
export { compileRuleset, canonicalRulesetJson, type CompileOptions } from './compile-ruleset.ts';
export { assess, type Assessment } from './assess.ts';
export { validateDeclaration } from './validate-declaration.ts';
export { forEachDistinctTrader } from './distinct-traders.ts';
export { pairKey } from './pair-key.ts';
export { RulesetError, formatPath, type RulesetProblem, type RulesetPath } from './ruleset-error.ts';
export { inputHash } from './input-hash.ts';
export { formatAssessment } from './format-assessment.ts';
export {
  runRulesetCases,
  parseRulesetCases,
  type RulesetCases,
  type CaseResult,
  type CasesReport,
} from './ruleset-cases.ts';
