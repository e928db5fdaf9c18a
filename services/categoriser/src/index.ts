// What other packages (the auditor, the simulator, benchmarks) may use of the categoriser.
export * from './domain/index.ts';
export { loadRulesetFile } from './adapters/ruleset-files.ts';
export { loadKnownHsCodes } from './adapters/hs-codes.ts';
