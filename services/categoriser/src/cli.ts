// Analysts' command line: check a ruleset, run its cases, explain one decision.
//   node services/categoriser/src/cli.ts check <ruleset.yaml>
//   node services/categoriser/src/cli.ts test <ruleset.yaml> [cases.yaml]
//   node services/categoriser/src/cli.ts explain <ruleset.yaml> <declaration.json> [history.json]
import { dirname, join } from 'node:path';
import type { Declaration } from '@clearway/schemas';
import { loadKnownHsCodes } from './adapters/hs-codes.ts';
import { loadCasesFile, loadRulesetFile, readJsonFile } from './adapters/ruleset-files.ts';
import {
  assess,
  formatAssessment,
  RulesetError,
  runRulesetCases,
  validateDeclaration,
  type DecisionContext,
} from './domain/index.ts';

const usage = `usage:
  cli.ts check <ruleset.yaml>
  cli.ts test <ruleset.yaml> [cases.yaml]       (default: cases.yaml beside the ruleset)
  cli.ts explain <ruleset.yaml> <declaration.json> [history.json]`;

function load(path: string): ReturnType<typeof loadRulesetFile> {
  const loaded = loadRulesetFile(path);
  for (const w of loaded.warnings) console.log(`warning: ${w}`);
  return loaded;
}

function check(path: string): number {
  const { ruleset, warnings } = load(path);
  console.log(`${ruleset.name} ${ruleset.version}`);
  console.log(
    `  ${ruleset.freightClasses.length} freight-class rows, ${ruleset.mandatoryControls.length} mandatory controls, ${ruleset.indicators.length} indicators, ${Object.keys(ruleset.source.lists).length} lists`,
  );
  console.log(warnings.length === 0 ? 'OK' : `OK with ${warnings.length} warning(s)`);
  return 0;
}

function test(path: string, casesPath = join(dirname(path), 'cases.yaml')): number {
  const { ruleset } = load(path);
  const report = runRulesetCases(ruleset, loadCasesFile(casesPath), loadKnownHsCodes());
  for (const r of report.results) {
    console.log(`${r.passed ? 'pass' : 'FAIL'}  ${r.name}`);
    for (const f of r.failures) console.log(`        ${f}`);
  }
  const failed = report.results.filter((r) => !r.passed).length;
  console.log(
    `\n${report.results.length - failed} passed, ${failed} failed\n\nCoverage (cases in which each rule fired):`,
  );
  for (const c of report.coverage)
    console.log(`  ${String(c.cases.length).padStart(3)}  ${c.kind.padEnd(13)} ${c.ruleId}`);
  const covered = report.coverage.length - report.uncovered.length;
  console.log(
    `\n${covered}/${report.coverage.length} rules covered${report.uncovered.length > 0 ? `; not covered: ${report.uncovered.join(', ')}` : ''}`,
  );
  return failed > 0 || report.uncovered.length > 0 ? 1 : 0;
}

const unknownContext: DecisionContext = {
  declarant: null,
  consignor: null,
  consignee: null,
  pairSeenBefore: null,
  bookedGrossMassGrams: null,
};

function explain(path: string, declarationPath: string, historyPath?: string): number {
  const { ruleset } = load(path);
  const declaration = readJsonFile(declarationPath) as Declaration;
  const context = {
    ...unknownContext,
    ...(historyPath === undefined ? {} : (readJsonFile(historyPath) as Partial<DecisionContext>)),
  };
  // The port list belongs to the service's configuration; here only the declaration's own port is known.
  const invalid = validateDeclaration(declaration, loadKnownHsCodes(), new Set([declaration.port]));
  if (invalid.length > 0) {
    console.log('Invalid declaration (the service would dead-letter it):');
    for (const r of invalid) console.log(`  - ${r}`);
    return 1;
  }
  console.log(formatAssessment(assess(ruleset, declaration, context)));
  return 0;
}

function main(args: string[]): number {
  const [command, ...rest] = args;
  try {
    if (command === 'check' && rest.length === 1) return check(rest[0]!);
    if (command === 'test' && (rest.length === 1 || rest.length === 2)) return test(rest[0]!, rest[1]);
    if (command === 'explain' && (rest.length === 2 || rest.length === 3))
      return explain(rest[0]!, rest[1]!, rest[2]);
  } catch (e) {
    if (e instanceof RulesetError) {
      console.error(`error:\n${e.message}`);
      return 1;
    }
    throw e;
  }
  console.error(usage);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
