// What other packages (the auditor, the simulator, benchmarks) may use of the categoriser.
export * from './domain/index.ts';
export { routingFacts } from './domain/routing-facts.ts';
export { loadRulesetFile } from './adapters/ruleset-files.ts';
export { loadKnownHsCodes } from './adapters/hs-codes.ts';
export { CATEGORISER_FETCH_BYTES_PER_PARTITION } from './fetch-bytes.ts';
// Deterministic synthetic declarations for other packages' tests and benchmarks.
export { generateDeclarations, type SyntheticInput } from '../bench/synthetic-declarations.ts';
export { allOperatorsRulesetSource } from './domain/test-rulesets.ts';
