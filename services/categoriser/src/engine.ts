// The pure rules engine alone, for code that re-decides without running the service: e.g. the
// auditor's replay workers, which otherwise load the YAML parser, the HS nomenclature loader and
// the synthetic-declaration generator through the package's main entry with every worker start.
export * from './domain/index.ts';
export { routingFacts } from './domain/routing-facts.ts';
